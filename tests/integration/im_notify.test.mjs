// im.notify.* against spec 002 "Working with Notifications" and api-reference/chats/notifications/:
// results, errors with their HTTP status, tags, read marks and counters, confirm and quick reply.
// The store is read with the sqlite3 tool to check what the methods leave behind (no REST method
// of this area lists notifications), and confirm / quick-reply notifications, which only the
// server itself creates, are written with it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { startServer, assertShape, storeSql } from './harness.mjs';

let server;
let ann, bob, carl;
let annHook, bobHook, carlHook;

const ok = (...args) => server.ok(...args);
const fails = (...args) => server.fails(...args);

function sql(query) {
  const r = storeSql(server.dataDir, query);
  return r.length ? JSON.stringify(r) : '';
}
const rows = (query) => { const out = sql(query); return out ? JSON.parse(out) : []; };
const notification = (id) => rows(`SELECT * FROM notifications WHERE id = ${Number(id)}`)[0];
const unread = (user) => rows(`SELECT COUNT(*) AS n FROM notifications WHERE user_id = ${user} AND is_read = 0`)[0].n;
const unreadIds = (user) =>
  rows(`SELECT id FROM notifications WHERE user_id = ${user} AND is_read = 0 ORDER BY id`).map((r) => r.id);
const appTag = (clientId, tag) => `MP|${createHash('md5').update(clientId).digest('hex').slice(0, 5)}|${tag}`;

function insertNotification({ user, author = 0, type, buttons = '', answerable = 0, tag = '' }) {
  const out = rows(`INSERT INTO notifications (user_id, author_id, type, module, event, tag, text, buttons, answerable,
    created_at) VALUES (${user}, ${author}, ${type}, 'im', 'test', '${tag}', 'Question', '${buttons}', ${answerable},
    ${Math.floor(Date.now() / 1000)}) RETURNING id`);
  return out[0].id;
}
const confirmButtons = JSON.stringify([
  { TITLE: 'Accept', VALUE: 'Y', TYPE: 'accept', RESULT_TEXT: 'Invitation accepted' },
  { TITLE: 'Deny', VALUE: 'N', TYPE: 'cancel', RESULT_TEXT: '' },
]);

async function notify(to, text = 'Hello', extra = {}, hook = annHook) {
  return (await ok('im.notify.personal.add', { USER_ID: to, MESSAGE: text, ...extra }, { webhook: hook })).result;
}

before(async () => {
  server = await startServer();
  ann = server.cli('user', 'add', '--name', 'Ann', '--last-name', 'Lee').user_id;
  bob = server.cli('user', 'add', '--name', 'Bob').user_id;
  carl = server.cli('user', 'add', '--name', 'Carl').user_id;
  annHook = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'im').webhook;
  bobHook = server.cli('webhook', 'add', '--user', String(bob), '--scope', 'im').webhook;
  carlHook = server.cli('webhook', 'add', '--user', String(carl), '--scope', 'im').webhook;
});
after(async () => { await server.cleanup(); });

test('im.notify.personal.add: the id as a number, from the caller, MESSAGE_OUT defaults to MESSAGE', async () => {
  const body = await ok('im.notify.personal.add', { USER_ID: bob, MESSAGE: '  Personal [BR]notification ' },
    { webhook: annHook });
  assertShape(assert, body, { result: 123 }, 'body');
  const n = notification(body.result);
  assert.equal(n.user_id, bob);
  assert.equal(n.author_id, ann);
  assert.equal(n.type, 2);
  assert.equal(n.module, 'rest');
  assert.equal(n.event, 'rest_notify');
  assert.equal(n.text, 'Personal \nnotification');
  assert.equal(n.text_out, n.text);
  assert.equal(n.is_read, 0);
  const withOut = await notify(bob, 'Hi', { MESSAGE_OUT: 'Hi by mail' });
  assert.equal(notification(withOut).text_out, 'Hi by mail');
  const viaTo = await ok('im.notify.personal.add', { TO: carl, USER_ID: bob, MESSAGE: 'to Carl' },
    { webhook: annHook });
  assert.equal(notification(viaTo.result).user_id, carl);
});

test('im.notify.system.add: no author, system type; webhooks may call it', async () => {
  const body = await ok('im.notify.system.add', { USER_ID: bob, MESSAGE: 'System notification', ATTACH: [] },
    { webhook: annHook });
  assertShape(assert, body, { result: 123 }, 'body');
  const n = notification(body.result);
  assert.equal(n.author_id, 0);
  assert.equal(n.type, 4);
  assert.equal(n.text, 'System notification');
  assert.equal(n.params, '');
});

test('im.notify.*.add errors: USER_ID_EMPTY, MESSAGE_EMPTY, ATTACH_ERROR, ATTACH_OVERSIZE (400)', async () => {
  for (const USER_ID of [undefined, 0, -3, 'abc']) {
    await fails('im.notify.personal.add', { USER_ID, MESSAGE: 'x' }, 400, 'USER_ID_EMPTY',
      'Recipient ID not specified', { webhook: annHook });
    await fails('im.notify.system.add', { USER_ID, MESSAGE: 'x' }, 400, 'USER_ID_EMPTY',
      'Recipient is not specified', { webhook: annHook });
  }
  for (const MESSAGE of [undefined, '', '   ', '[BR]']) {
    await fails('im.notify.personal.add', { USER_ID: bob, MESSAGE }, 400, 'MESSAGE_EMPTY', 'Message text is empty',
      { webhook: annHook });
    await fails('im.notify.system.add', { USER_ID: bob, MESSAGE }, 400, 'MESSAGE_EMPTY', 'Message text is empty',
      { webhook: annHook });
  }
  for (const ATTACH of ['{not json', 5, '"text"']) {
    await fails('im.notify.personal.add', { USER_ID: bob, MESSAGE: 'x', ATTACH }, 400, 'ATTACH_ERROR',
      'Attachment object validation error', { webhook: annHook });
  }
  const big = [{ MESSAGE: 'x'.repeat(31 * 1024) }];
  await fails('im.notify.system.add', { USER_ID: bob, MESSAGE: 'x', ATTACH: big }, 400, 'ATTACH_OVERSIZE',
    'Maximum allowed attachment size exceeded (30 Kb)', { webhook: annHook });
  assert.equal(rows(`SELECT COUNT(*) AS n FROM notifications WHERE text = 'x'`)[0].n, 0);
});

test('im.notify.*.add keeps ATTACH normalized, given as an object or as JSON text', async () => {
  const attach = { ID: 1, COLOR: '#29619b', BLOCKS: [{ MESSAGE: 'API will be available soon' }] };
  for (const ATTACH of [attach, JSON.stringify(attach)]) {
    const id = await notify(bob, 'With attach', { ATTACH });
    // The stored form of the shared validator: ID as a string, blocks kept.
    assert.deepEqual(JSON.parse(notification(id).params),
      { ATTACH: [{ ID: '1', BLOCKS: [{ MESSAGE: 'API will be available soon' }], COLOR: '#29619b' }] });
  }
  await fails('im.notify.personal.add', { USER_ID: bob, MESSAGE: 'x', ATTACH: [{ LINK: { LINK: 'javascript:alert(1)' } }] },
    400, 'ATTACH_ERROR', 'Attachment object validation error', { webhook: annHook });
});

test('im.notify.*.add to a user who does not exist: false, nothing stored', async () => {
  const before = rows('SELECT COUNT(*) AS n FROM notifications')[0].n;
  assert.equal((await ok('im.notify.personal.add', { USER_ID: 99999, MESSAGE: 'x' }, { webhook: annHook })).result,
    false);
  assert.equal(rows('SELECT COUNT(*) AS n FROM notifications')[0].n, before);
});

test('TAG with CLIENT_ID: stored per application; a new one replaces the recipient\'s older one', async () => {
  const first = await notify(bob, 'v1', { TAG: 'TASK_42', SUB_TAG: 'TASK|42', CLIENT_ID: 'app.one' });
  const forCarl = await notify(carl, 'v1', { TAG: 'TASK_42', CLIENT_ID: 'app.one' });
  const otherApp = await notify(bob, 'v1', { TAG: 'TASK_42', CLIENT_ID: 'app.two' });
  assert.equal(notification(first).tag, appTag('customapp.one', 'TASK_42'));
  assert.equal(notification(first).sub_tag, appTag('customapp.one', 'TASK|42'));
  const second = await notify(bob, 'v2', { TAG: 'TASK_42', CLIENT_ID: 'app.one' });
  assert.equal(notification(first), undefined);
  assert.ok(notification(second));
  assert.ok(notification(forCarl), 'another recipient keeps theirs');
  assert.ok(notification(otherApp), 'another application\'s tag is another tag');
  // A webhook that names no application has no tag namespace: tags are not kept.
  const untagged = await notify(bob, 'v1', { TAG: 'PLAIN' });
  await notify(bob, 'v2', { TAG: 'PLAIN' });
  assert.equal(notification(untagged).tag, '');
});

test('im.notify.delete by ID: only the caller\'s own notifications', async () => {
  const mine = await notify(bob, 'delete me');
  const carls = await notify(carl, 'not yours');
  const body = await ok('im.notify.delete', { ID: mine }, { webhook: bobHook });
  assertShape(assert, body, { result: true }, 'body');
  assert.equal(body.result, true);
  assert.equal(notification(mine), undefined);
  assert.equal((await ok('im.notify.delete', { ID: carls }, { webhook: bobHook })).result, false);
  assert.ok(notification(carls));
  assert.equal((await ok('im.notify.delete', { ID: 987654 }, { webhook: bobHook })).result, false);
  const a = await notify(bob, 'a');
  const b = await notify(bob, 'b');
  assert.equal((await ok('im.notify.delete', { ID: [a, b, carls] }, { webhook: bobHook })).result, true);
  assert.equal(notification(a), undefined);
  assert.equal(notification(b), undefined);
  assert.ok(notification(carls));
});

test('im.notify.delete by TAG / SUB_TAG: the application\'s, for every recipient', async () => {
  const b1 = await notify(bob, 't', { TAG: 'DEL', SUB_TAG: 'GROUP', CLIENT_ID: 'app.del' });
  const c1 = await notify(carl, 't', { TAG: 'DEL', CLIENT_ID: 'app.del' });
  const other = await notify(carl, 't', { TAG: 'DEL', CLIENT_ID: 'app.keep' });
  assert.equal((await ok('im.notify.delete', { TAG: 'DEL', CLIENT_ID: 'app.del' }, { webhook: annHook })).result,
    true);
  assert.equal(notification(b1), undefined);
  assert.equal(notification(c1), undefined);
  assert.ok(notification(other));
  const s1 = await notify(bob, 's', { SUB_TAG: 'GROUP', CLIENT_ID: 'app.del' });
  const s2 = await notify(carl, 's', { SUB_TAG: 'GROUP', CLIENT_ID: 'app.del' });
  assert.equal((await ok('im.notify.delete', { SUB_TAG: 'GROUP', CLIENT_ID: 'app.del' }, { webhook: annHook }))
    .result, true);
  assert.equal(notification(s1), undefined);
  assert.equal(notification(s2), undefined);
});

test('im.notify.delete errors: PARAMS_ERROR (400) without ID/TAG/SUB_TAG, ACCESS_DENIED (403) without CLIENT_ID',
  async () => {
    const body = await fails('im.notify.delete', {}, 400, 'PARAMS_ERROR', 'Error deleting notification',
      { webhook: annHook });
    assertShape(assert, body, { error: 'PARAMS_ERROR', error_description: 'Error deleting notification' }, 'body');
    await fails('im.notify.delete', { CLIENT_ID: 'app.x' }, 400, 'PARAMS_ERROR', undefined, { webhook: annHook });
    await fails('im.notify.delete', { TAG: 'DEL' }, 403, 'ACCESS_DENIED', 'Access denied! Client ID not specified',
      { webhook: annHook });
    await fails('im.notify.delete', { SUB_TAG: 'GROUP' }, 403, 'ACCESS_DENIED', undefined, { webhook: annHook });
  });

test('im.notify.read: ONLY_CURRENT, this-and-later, ACTION=N, no ID; counters stay exact', async () => {
  sql(`DELETE FROM notifications WHERE user_id = ${carl}`);
  const ids = [];
  for (let i = 0; i < 4; i++) ids.push(await notify(carl, `n${i}`));
  assert.equal(unread(carl), 4);
  let body = await ok('im.notify.read', { ID: ids[1], ONLY_CURRENT: 'Y' }, { webhook: carlHook });
  assertShape(assert, body, { result: true }, 'body');
  assert.equal(body.result, true);
  assert.deepEqual(unreadIds(carl), [ids[0], ids[2], ids[3]]);
  await ok('im.notify.read', { ID: ids[2] }, { webhook: carlHook }); // ONLY_CURRENT defaults to N
  assert.deepEqual(unreadIds(carl), [ids[0]]);
  await ok('im.notify.read', { ID: ids[2], ACTION: 'N', ONLY_CURRENT: 'Y' }, { webhook: carlHook });
  assert.deepEqual(unreadIds(carl), [ids[0], ids[2]]);
  await ok('im.notify.read', { ID: ids[0], ACTION: 'N' }, { webhook: carlHook });
  assert.equal(unread(carl), 4);
  assert.equal((await ok('im.notify.read', {}, { webhook: carlHook })).result, true);
  assert.equal(unread(carl), 4);
  // Someone else's notification: true, and nothing changes.
  assert.equal((await ok('im.notify.read', { ID: ids[0] }, { webhook: bobHook })).result, true);
  assert.equal(unread(carl), 4);
  // ID 0 reads them all.
  await ok('im.notify.read', { ID: 0 }, { webhook: carlHook });
  assert.equal(unread(carl), 0);
});

test('read marks leave confirm notifications unread', async () => {
  sql(`DELETE FROM notifications WHERE user_id = ${carl}`);
  const first = await notify(carl, 'plain');
  const confirm = insertNotification({ user: carl, type: 1, buttons: confirmButtons });
  await ok('im.notify.read', { ID: first }, { webhook: carlHook });
  assert.deepEqual(unreadIds(carl), [confirm]);
  await ok('im.notify.read.list', { IDS: [confirm] }, { webhook: carlHook });
  assert.deepEqual(unreadIds(carl), [confirm]);
});

test('im.notify.read.list: IDS must be an array; stops at the first id <= 0; ACTION=N', async () => {
  sql(`DELETE FROM notifications WHERE user_id = ${carl}`);
  const ids = [];
  for (let i = 0; i < 4; i++) ids.push(await notify(carl, `n${i}`));
  const body = await ok('im.notify.read.list', { IDS: [ids[0], ids[2]] }, { webhook: carlHook });
  assertShape(assert, body, { result: true }, 'body');
  assert.equal(body.result, true);
  assert.deepEqual(unreadIds(carl), [ids[1], ids[3]]);
  await ok('im.notify.read.list', { IDS: [ids[1], 0, ids[3]] }, { webhook: carlHook });
  assert.deepEqual(unreadIds(carl), [ids[3]]);
  await ok('im.notify.read.list', { IDS: [ids[0], ids[1]], ACTION: 'N' }, { webhook: carlHook });
  assert.deepEqual(unreadIds(carl), [ids[0], ids[1], ids[3]]);
  await ok('im.notify.read.list', { IDS: [ids[3]], ACTION: 'whatever' }, { webhook: carlHook });
  assert.deepEqual(unreadIds(carl), [ids[0], ids[1], ids[3]]);
  // Only the caller's own are touched.
  await ok('im.notify.read.list', { IDS: ids }, { webhook: bobHook });
  assert.equal(unread(carl), 3);
  const form = await server.raw(`${carlHook}im.notify.read.list?IDS[]=${ids[0]}&IDS[]=${ids[1]}`);
  assert.equal(form.status, 200, form.text);
  assert.deepEqual(unreadIds(carl), [ids[3]]);
  for (const IDS of [undefined, JSON.stringify([ids[3]]), ids[3]]) {
    await fails('im.notify.read.list', { IDS }, 400, 'PARAMS_ERROR', 'No IDS param or it is not an array',
      { webhook: carlHook });
  }
  assert.deepEqual(unreadIds(carl), [ids[3]]);
});

test('im.notify.answer: quick reply reaches the author as a private message', async () => {
  const id = insertNotification({ user: bob, author: carl, type: 2, answerable: 1 });
  const body = await ok('im.notify.answer', { ID: id, ANSWER_TEXT: 'Hello' }, { webhook: bobHook });
  assertShape(assert, body, { result: { result_message: ['You response is sent successfully.'] } }, 'body');
  assert.equal(body.result.result_message.length, 1);
  const msg = rows(`SELECT m.author_id, m.text, c.type FROM messages m JOIN chats c ON c.id = m.chat_id
    JOIN chat_members cm ON cm.chat_id = c.id AND cm.user_id = ${carl} WHERE m.text = 'Hello'`);
  assert.deepEqual(msg, [{ author_id: bob, text: 'Hello', type: 'P' }]);
  // NOTIFY_ID works too (reference name).
  const again = await ok('im.notify.answer', { NOTIFY_ID: id, ANSWER_TEXT: 'Again' }, { webhook: bobHook });
  assert.ok(Array.isArray(again.result.result_message));
});

test('im.notify.answer: false for a notification without quick reply or not the caller\'s', async () => {
  const plain = await notify(bob, 'no reply here');
  let body = await ok('im.notify.answer', { ID: plain, ANSWER_TEXT: 'Hello' }, { webhook: bobHook });
  assert.deepEqual(body.result, { result_message: false });
  const answerable = insertNotification({ user: bob, author: carl, type: 2, answerable: 1 });
  body = await ok('im.notify.answer', { ID: answerable, ANSWER_TEXT: 'Hello' }, { webhook: annHook });
  assert.deepEqual(body.result, { result_message: false });
  body = await ok('im.notify.answer', { ID: 999999, ANSWER_TEXT: 'Hello' }, { webhook: bobHook });
  assert.deepEqual(body.result, { result_message: false });
});

test('im.notify.answer errors: ID_ERROR, ANSWER_TEXT_ERROR (400)', async () => {
  for (const p of [{}, { ID: 0 }, { NOTIFY_ID: -1 }, { ID: 'abc' }]) {
    await fails('im.notify.answer', { ...p, ANSWER_TEXT: 'x' }, 400, 'ID_ERROR', 'Notification ID can\'t be empty',
      { webhook: bobHook });
  }
  for (const ANSWER_TEXT of [undefined, '', '0']) {
    await fails('im.notify.answer', { ID: 5, ANSWER_TEXT }, 400, 'ANSWER_TEXT_ERROR', 'ANSWER_TEXT can\'t be empty',
      { webhook: bobHook });
  }
});

test('im.notify.confirm: the chosen button answers and the notification goes away', async () => {
  const id = insertNotification({ user: bob, type: 1, buttons: confirmButtons });
  const before = unread(bob);
  const body = await ok('im.notify.confirm', { ID: id, NOTIFY_VALUE: 'Y' }, { webhook: bobHook });
  assertShape(assert, body, { result: { result_message: ['Invitation accepted'] } }, 'body');
  assert.deepEqual(body.result.result_message, ['Invitation accepted']);
  assert.equal(notification(id), undefined);
  assert.equal(unread(bob), before - 1);
  const deny = insertNotification({ user: bob, type: 1, buttons: confirmButtons });
  const denied = await ok('im.notify.confirm', { NOTIFY_ID: deny, NOTIFY_VALUE: 'N' }, { webhook: bobHook });
  assert.deepEqual(denied.result.result_message, ['Your selection: "Deny"']);
});

test('im.notify.confirm: false for a plain notification or someone else\'s, which stays', async () => {
  const plain = await notify(bob, 'no buttons');
  let body = await ok('im.notify.confirm', { ID: plain, NOTIFY_VALUE: 'Y' }, { webhook: bobHook });
  assert.deepEqual(body.result, { result_message: false });
  assert.ok(notification(plain));
  const bobs = insertNotification({ user: bob, type: 1, buttons: confirmButtons });
  body = await ok('im.notify.confirm', { ID: bobs, NOTIFY_VALUE: 'Y' }, { webhook: carlHook });
  assert.deepEqual(body.result, { result_message: false });
  assert.ok(notification(bobs));
});

test('im.notify.confirm errors: ID_ERROR, NOTIFY_VALUE_ERROR (400)', async () => {
  for (const p of [{}, { ID: 0 }, { NOTIFY_ID: 'x' }]) {
    await fails('im.notify.confirm', { ...p, NOTIFY_VALUE: 'Y' }, 400, 'ID_ERROR', 'Notification ID can\'t be empty',
      { webhook: bobHook });
  }
  for (const NOTIFY_VALUE of [undefined, '']) {
    const body = await fails('im.notify.confirm', { ID: 5, NOTIFY_VALUE }, 400, 'NOTIFY_VALUE_ERROR',
      'Notification Value can\'t be empty', { webhook: bobHook });
    assertShape(assert, body, { error: 'NOTIFY_VALUE_ERROR', error_description: '' }, 'body');
  }
});

test('im.notify.get: confirmations first, then the others, newest first; authors in users', async () => {
  const dan = server.cli('user', 'add', '--name', 'Dan').user_id;
  const danHook = server.cli('webhook', 'add', '--user', String(dan), '--scope', 'im').webhook;
  const first = await notify(dan, 'first from Ann', { ATTACH: [{ MESSAGE: 'attached' }] });
  const second = await notify(dan, 'second from Ann');
  const system = (await ok('im.notify.system.add', { USER_ID: dan, MESSAGE: 'system' }, { webhook: annHook })).result;
  const question = insertNotification({ user: dan, author: ann, type: 1, buttons: confirmButtons });
  const body = await ok('im.notify.get', {}, { webhook: danHook });
  assertShape(assert, body.result, {
    total_count: 1, total_unread_count: 1, chat_id: 0, notifications: [{
      id: 1, chat_id: 0, author_id: 1, date: '', notify_type: 1, notify_module: '', notify_event: '', notify_tag: '',
      notify_sub_tag: '', notify_title: '', setting_name: '', text: '', notify_read: '', params: {},
    }], users: [{ id: 1, name: '' }],
  }, 'result');
  const r = body.result;
  assert.deepEqual(r.notifications.map((n) => n.id), [question, system, second, first]);
  assert.equal(r.total_count, 4);
  assert.equal(r.total_unread_count, 4);
  const [q, sys, , one] = r.notifications;
  assert.equal(q.notify_type, 1);
  assert.deepEqual(JSON.parse(q.notify_buttons), [
    { TITLE: 'Accept', VALUE: 'Y', TYPE: 'accept' }, { TITLE: 'Deny', VALUE: 'N', TYPE: 'cancel' }]);
  assert.equal(sys.notify_type, 4);
  assert.equal(sys.author_id, 0);
  assert.equal(sys.notify_buttons, undefined, 'buttons only on confirmations');
  assert.equal(one.text, 'first from Ann');
  assert.equal(one.notify_read, 'N');
  assert.equal(one.setting_name, 'rest|rest_notify');
  assert.match(JSON.stringify(one.params.ATTACH), /"MESSAGE":"attached"/);
  assert.equal(one.params.CAN_ANSWER, 'N');
  assert.deepEqual(r.users.map((u) => u.id), [ann]);

  // Pages: LIMIT, then LAST_ID with LAST_TYPE (1 within the confirmations, 3 within the others).
  const p1 = (await ok('im.notify.get', { LIMIT: 2 }, { webhook: danHook })).result;
  assert.deepEqual(p1.notifications.map((n) => n.id), [question, system]);
  const p2 = (await ok('im.notify.get', { LIMIT: 2, LAST_ID: system, LAST_TYPE: 3 }, { webhook: danHook })).result;
  assert.deepEqual(p2.notifications.map((n) => n.id), [second, first]);
  const p3 = (await ok('im.notify.get', { LIMIT: 1, LAST_ID: question, LAST_TYPE: 1 }, { webhook: danHook })).result;
  assert.deepEqual(p3.notifications.map((n) => n.id), [system]);
  // Nobody else's.
  const bobs = (await ok('im.notify.get', {}, { webhook: bobHook })).result.notifications;
  assert.ok(bobs.every((n) => ![first, second, system, question].includes(n.id)));
});

test('im.notify.get errors: LAST_ID_AND_LAST_TYPE, LAST_ID_STRING (400)', async () => {
  await fails('im.notify.get', { LAST_ID: 5 }, 400, 'LAST_ID_AND_LAST_TYPE',
    'Parameters LAST_ID and LAST_TYPE should be used together.', { webhook: bobHook });
  await fails('im.notify.get', { LAST_TYPE: 3 }, 400, 'LAST_ID_AND_LAST_TYPE', undefined, { webhook: bobHook });
  await fails('im.notify.get', { LAST_ID: 'abc', LAST_TYPE: 3 }, 400, 'LAST_ID_STRING',
    'Last notification ID can\'t be string', { webhook: bobHook });
});

test('im.notify.read.all: every notification read but the confirmations; the new counter', async () => {
  const eve = server.cli('user', 'add', '--name', 'Eve').user_id;
  const eveHook = server.cli('webhook', 'add', '--user', String(eve), '--scope', 'im').webhook;
  await notify(eve, 'one');
  await notify(eve, 'two');
  insertNotification({ user: eve, type: 1, buttons: confirmButtons });
  assert.equal(unread(eve), 3);
  const body = await ok('im.notify.read.all', {}, { webhook: eveHook });
  assert.deepEqual(body.result, { result: true, newCounter: 1 });
  assert.equal(unread(eve), 1, 'the confirmation waits for its answer');
});

test('im.notify.* need the im scope', async () => {
  const userOnly = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'user').webhook;
  for (const m of ['im.notify.personal.add', 'im.notify.system.add', 'im.notify.delete', 'im.notify.read',
    'im.notify.read.list', 'im.notify.answer', 'im.notify.confirm', 'im.notify.get', 'im.notify.read.all'])
    await fails(m, {}, 403, 'insufficient_scope', undefined, { webhook: userOnly });
});
