// Quick answers (imopenlines.message.quick.save, protocol-openlines.md §5.6; imhub's own
// imhub.openlines.quick.list / .delete) and the operator view's session list
// (imhub.openlines.session.list): results, the documented errors, and who may do what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openlinesServer, person, connectorApp, line, clientSays, sql } from './openlines_setup.mjs';

let server, app, ann, bea, dan, eve, lineA, lineB, talk;
const queue = (...ops) => ops.map((o) => ({ ENTITY_TYPE: 'user', ENTITY_ID: o.id }));
const as = (who) => ({ webhook: who.webhook });
const say = async (who, chatId, text) =>
  (await server.ok('im.message.add', { DIALOG_ID: `chat${chatId}`, MESSAGE: text }, as(who))).result;

before(async () => {
  server = await openlinesServer();
  ann = person(server, 'Ann');
  bea = person(server, 'Bea');
  dan = person(server, 'Dan'); // an operator of another line only
  eve = person(server, 'Eve'); // in no queue
  app = await connectorApp(server);
  lineA = await line(server, app, { LINE_NAME: 'Support', QUEUE_TYPE: 'strictly', QUEUE: queue(ann, bea) });
  lineB = await line(server, app, { LINE_NAME: 'Sales', QUEUE: queue(dan) });
  talk = await clientSays(app, lineA, 'q1', 'Where is the manual?');
  await server.ok('imopenlines.operator.answer', { CHAT_ID: talk.chat }, as(ann));
});
after(async () => { await server.cleanup(); });

test('quick.save: an operator\'s message becomes a quick answer of the line, once', async () => {
  const id = await say(ann, talk.chat, '  The manual is at https://example.com/manual  ');
  assert.equal((await server.ok('imopenlines.message.quick.save', { CHAT_ID: talk.chat, MESSAGE_ID: id }, as(ann)))
    .result, true);
  // Saving it again (here by another operator of the line) keeps one answer.
  assert.equal((await server.ok('imopenlines.message.quick.save', { CHAT_ID: talk.chat, MESSAGE_ID: id }, as(bea)))
    .result, true);
  const rows = sql(server, `SELECT * FROM openline_quick_answers WHERE message_id = ${id}`);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].line_id, lineA);
  assert.equal(rows[0].author_id, ann.id);
  assert.equal(rows[0].text, 'The manual is at https://example.com/manual');
});

test('quick.save: the documented errors', async () => {
  const own = await say(ann, talk.chat, 'Anything else?');
  const save = (params, who) => server.call('imopenlines.message.quick.save', params, as(who));
  const expect = async (params, who, status, code) => {
    const r = await save(params, who);
    assert.equal(r.status, status, r.text);
    assert.equal(r.body.error, code, r.text);
  };
  await expect({ MESSAGE_ID: own }, ann, 400, 'CHAT_ID');
  await expect({ CHAT_ID: 999999, MESSAGE_ID: own }, ann, 400, 'CHAT_ID');
  const plain = (await server.ok('im.chat.add', { TITLE: 'Not a line', USERS: [ann.id] })).result;
  await expect({ CHAT_ID: plain, MESSAGE_ID: own }, ann, 400, 'CHAT_TYPE');
  await expect({ CHAT_ID: talk.chat, MESSAGE_ID: own }, eve, 400, 'ACCESS_DENIED');
  await expect({ CHAT_ID: talk.chat, MESSAGE_ID: own }, dan, 400, 'ACCESS_DENIED');
  await expect({ CHAT_ID: talk.chat }, ann, 400, 'CANT_SAVE_QUICK_ANSWER');
  await expect({ CHAT_ID: talk.chat, MESSAGE_ID: 999999 }, ann, 400, 'CANT_SAVE_QUICK_ANSWER');
  // A message of another chat, the client's own words and the session's notices are not answers.
  const elsewhere = (await server.ok('im.message.add', { DIALOG_ID: `chat${plain}`, MESSAGE: 'x' })).result;
  await expect({ CHAT_ID: talk.chat, MESSAGE_ID: elsewhere }, ann, 400, 'CANT_SAVE_QUICK_ANSWER');
  const clientMessage = sql(server,
    `SELECT id FROM messages WHERE chat_id = ${talk.chat} AND author_id = ${talk.client} ORDER BY id LIMIT 1`)[0].id;
  await expect({ CHAT_ID: talk.chat, MESSAGE_ID: clientMessage }, ann, 400, 'CANT_SAVE_QUICK_ANSWER');
  const notice = sql(server,
    `SELECT id FROM messages WHERE chat_id = ${talk.chat} AND author_id = 0 ORDER BY id LIMIT 1`)[0].id;
  await expect({ CHAT_ID: talk.chat, MESSAGE_ID: notice }, ann, 400, 'CANT_SAVE_QUICK_ANSWER');
  assert.equal(sql(server, `SELECT COUNT(*) AS n FROM openline_quick_answers WHERE message_id = ${own}`)[0].n, 0);
});

test('quick.list: the line\'s answers for its operators, searched and paged', async () => {
  for (const text of ['Our hours are 9 to 5', 'Please restart the router', 'Have a nice day'])
    await server.ok('imopenlines.message.quick.save',
      { CHAT_ID: talk.chat, MESSAGE_ID: await say(ann, talk.chat, text) }, as(ann));
  // Bea is an operator of the line though not in this chat.
  const all = await server.ok('imhub.openlines.quick.list', { CHAT_ID: talk.chat }, as(bea));
  assert.equal(all.total, 4);
  assert.deepEqual(all.result.map((a) => a.text).slice(0, 3),
    ['Have a nice day', 'Please restart the router', 'Our hours are 9 to 5']);
  const first = all.result[0];
  assert.equal(first.line_id, lineA);
  assert.equal(first.author_id, ann.id);
  assert.match(first.date_create, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  const byLine = await server.ok('imhub.openlines.quick.list', { LINE_ID: lineA, SEARCH: 'ROUTER' }, as(bea));
  assert.deepEqual(byLine.result.map((a) => a.text), ['Please restart the router']);
  assert.equal((await server.ok('imhub.openlines.quick.list', { LINE_ID: lineA, SEARCH: 'zzz' }, as(ann))).total, 0);
  const page = await server.ok('imhub.openlines.quick.list', { LINE_ID: lineA, LIMIT: 2 }, as(ann));
  assert.equal(page.result.length, 2);
  assert.equal(page.next, 2);
  const rest = await server.ok('imhub.openlines.quick.list', { LINE_ID: lineA, LIMIT: 2, start: 2 }, as(ann));
  assert.deepEqual(rest.result.map((a) => a.text).slice(0, 1), ['Our hours are 9 to 5']);
  assert.equal(rest.next, undefined);
  // Another line's list is its own; administrators read any.
  assert.equal((await server.ok('imhub.openlines.quick.list', { LINE_ID: lineB }, as(dan))).total, 0);
  assert.equal((await server.ok('imhub.openlines.quick.list', { LINE_ID: lineA })).total, 4);
  await server.fails('imhub.openlines.quick.list', { LINE_ID: lineA }, 400, 'ACCESS_DENIED', undefined, as(dan));
  await server.fails('imhub.openlines.quick.list', { CHAT_ID: talk.chat }, 400, 'ACCESS_DENIED', undefined, as(eve));
  await server.fails('imhub.openlines.quick.list', { LINE_ID: 424242 }, 400, 'ACCESS_DENIED', undefined, as(ann));
  await server.fails('imhub.openlines.quick.list', {}, 400, 'LINE_ID_EMPTY', undefined, as(ann));
});

test('quick.delete: whoever saved it or an administrator', async () => {
  const [a, b] = (await server.ok('imhub.openlines.quick.list', { LINE_ID: lineA }, as(ann))).result;
  await server.fails('imhub.openlines.quick.delete', { ID: a.id }, 400, 'ACCESS_DENIED', undefined, as(bea));
  assert.equal((await server.ok('imhub.openlines.quick.delete', { ID: a.id }, as(ann))).result, true);
  await server.fails('imhub.openlines.quick.delete', { ID: a.id }, 400, 'QUICK_ANSWER_NOT_FOUND', undefined, as(ann));
  await server.fails('imhub.openlines.quick.delete', {}, 400, 'ID_EMPTY', undefined, as(ann));
  assert.equal((await server.ok('imhub.openlines.quick.delete', { ID: b.id })).result, true);
  assert.equal((await server.ok('imhub.openlines.quick.list', { LINE_ID: lineA }, as(ann))).total, 2);
});

test('session.list: the open sessions each one may operate, with their state', async () => {
  const waiting = await clientSays(app, lineA, 'q2', 'Hello?');
  const find = (list, chat) => list.find((s) => s.chat_id === chat);
  const mine = (await server.ok('imhub.openlines.session.list', {}, as(ann))).result;
  const taken = find(mine, talk.chat);
  assert.equal(taken.session_id, talk.session);
  assert.equal(taken.dialog_id, `chat${talk.chat}`);
  assert.equal(taken.line_id, lineA);
  assert.equal(taken.line_name, 'Support');
  assert.equal(taken.operator_id, ann.id);
  assert.equal(taken.answered, true);
  assert.equal(taken.member, true);
  assert.equal(taken.client_id, talk.client);
  assert.equal(taken.connector, app.connector);
  assert.deepEqual(taken.session_ids, [talk.session]);
  assert.equal(typeof taken.status, 'number');
  // The new one is offered to Ann (strictly: the first of the queue), not yet answered.
  const offered = find(mine, waiting.chat);
  assert.equal(offered.answered, false);
  assert.equal(offered.operator_id, ann.id);
  assert.equal(offered.status, 0);
  // Bea, in the same queue, sees both without being in them; Dan and Eve see none of them.
  const theirs = (await server.ok('imhub.openlines.session.list', {}, as(bea))).result;
  assert.equal(find(theirs, talk.chat).member, false);
  assert.ok(find(theirs, waiting.chat));
  assert.equal(find((await server.ok('imhub.openlines.session.list', {}, as(dan))).result, talk.chat), undefined);
  assert.deepEqual((await server.ok('imhub.openlines.session.list', {}, as(eve))).result, []);
  assert.ok(find((await server.ok('imhub.openlines.session.list', {})).result, talk.chat), 'administrators see all');
  // Silent mode shows; a finished session leaves the list.
  await server.ok('imopenlines.session.mode.silent', { CHAT_ID: talk.chat, ACTIVATE: 'Y' }, as(ann));
  assert.equal(find((await server.ok('imhub.openlines.session.list', {}, as(ann))).result, talk.chat).silent, true);
  await server.ok('imopenlines.operator.finish', { CHAT_ID: talk.chat }, as(ann));
  assert.equal(find((await server.ok('imhub.openlines.session.list', {}, as(ann))).result, talk.chat), undefined);
});
