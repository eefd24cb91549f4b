// im.dialog.*, im.recent.* and im.counters.get against spec 002 and api-reference/chats/:
// history paging, read state, the dialog object, participants, recent list and counters that
// follow what users did.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertShape } from './harness.mjs';

let server;
let ann, bob, carl, dan;
let annHook, bobHook, carlHook, danHook;

const ok = (...args) => server.ok(...args);
const fails = (...args) => server.fails(...args);
const send = async (hook, dialog, text) =>
  (await ok('im.message.add', { DIALOG_ID: dialog, MESSAGE: text }, { webhook: hook })).result;
const counters = async (hook) => (await ok('im.counters.get', {}, { webhook: hook })).result;

before(async () => {
  server = await startServer();
  ann = server.cli('user', 'add', '--name', 'Ann', '--last-name', 'Lee').user_id;
  bob = server.cli('user', 'add', '--name', 'Bob').user_id;
  carl = server.cli('user', 'add', '--name', 'Carl').user_id;
  dan = server.cli('user', 'add', '--name', 'Dan').user_id;
  const hook = (u) => server.cli('webhook', 'add', '--user', String(u), '--scope', 'im').webhook;
  [annHook, bobHook, carlHook, danHook] = [hook(ann), hook(bob), hook(carl), hook(dan)];
});
after(async () => { await server.cleanup(); });

// Spec 002 im.dialog.messages.get example, reduced to one message of each kind.
const historyExample = {
  messages: [{ id: 1, chat_id: 29, author_id: 1, date: '2018-01-29T16:58:47+03:00', text: 'x', params: null }],
  users: {},
  chat_id: 29,
};
const userExample = {
  id: 1, name: 'John Harrington', first_name: 'John', last_name: 'Harrington', work_position: '', color: '#df532d',
  avatar: '', gender: 'M', birthday: '', extranet: false, network: false, bot: false, connector: false,
  external_auth_id: 'default', status: 'online', idle: false, departments: [], absent: false,
  phones: { work_phone: '', personal_mobile: '', personal_phone: '' },
};

test('im.dialog.messages.get: newest first, LIMIT (max 50), LAST_ID older, FIRST_ID newer, users keyed by id', async () => {
  const chat = (await ok('im.chat.add', { TITLE: 'History', USERS: [bob] }, { webhook: annHook })).result;
  const ids = [];
  for (let i = 0; i < 60; i++) ids.push(await send(i % 2 ? bobHook : annHook, `chat${chat}`, `m${i}`));
  const page = (await ok('im.dialog.messages.get', { DIALOG_ID: `chat${chat}` }, { webhook: annHook })).result;
  assertShape(assert, page, historyExample);
  assert.equal(page.chat_id, chat);
  assert.deepEqual(page.files, []); // an empty PHP array, as every empty map of the platform
  assert.deepEqual(page.messages.map((m) => m.id), ids.slice(-20).reverse());
  assertShape(assert, page.users[String(ann)], userExample, 'users.ann');
  assert.deepEqual(Object.keys(page.users).sort(), [String(ann), String(bob)].sort());
  const big = (await ok('im.dialog.messages.get', { DIALOG_ID: `chat${chat}`, LIMIT: 500 }, { webhook: annHook })).result;
  assert.equal(big.messages.length, 50);
  const older = (await ok('im.dialog.messages.get', { DIALOG_ID: `chat${chat}`, LAST_ID: ids[40], LIMIT: 5 },
    { webhook: annHook })).result;
  assert.deepEqual(older.messages.map((m) => m.id), ids.slice(35, 40).reverse());
  const newer = (await ok('im.dialog.messages.get', { DIALOG_ID: `chat${chat}`, FIRST_ID: ids[10], LIMIT: 3 },
    { webhook: annHook })).result;
  assert.deepEqual(newer.messages.map((m) => m.id), ids.slice(11, 14).reverse());
  const first = (await ok('im.dialog.messages.get', { DIALOG_ID: `chat${chat}`, FIRST_ID: 0, LIMIT: 2 },
    { webhook: annHook })).result;
  assert.deepEqual(first.messages.map((m) => m.id), ids.slice(0, 2).reverse());
  const none = (await ok('im.dialog.messages.get', { DIALOG_ID: `chat${chat}`, LAST_ID: 1 }, { webhook: annHook })).result;
  assert.deepEqual(none.messages, []);
});

test('im.dialog.messages.get errors: DIALOG_ID_EMPTY, FIRST_ID_STRING, LAST_ID_STRING, ACCESS_ERROR for outsiders', async () => {
  const chat = (await ok('im.chat.add', { USERS: [bob] }, { webhook: annHook })).result;
  await fails('im.dialog.messages.get', {}, 400, 'DIALOG_ID_EMPTY', "Dialog ID can't be empty", { webhook: annHook });
  await fails('im.dialog.messages.get', { DIALOG_ID: `chat${chat}`, FIRST_ID: 'abc' }, 400, 'FIRST_ID_STRING',
    "First ID can't be string", { webhook: annHook });
  await fails('im.dialog.messages.get', { DIALOG_ID: `chat${chat}`, LAST_ID: 'x1' }, 400, 'LAST_ID_STRING',
    "Last ID can't be string", { webhook: annHook });
  await fails('im.dialog.messages.get', { DIALOG_ID: `chat${chat}` }, 403, 'ACCESS_ERROR', undefined,
    { webhook: carlHook });
  // Open chats can be read by anyone.
  const open = (await ok('im.chat.add', { TYPE: 'OPEN', USERS: [bob], MESSAGE: 'open to all' }, { webhook: annHook })).result;
  const seen = (await ok('im.dialog.messages.get', { DIALOG_ID: `chat${open}` }, { webhook: carlHook })).result;
  assert.equal(seen.messages[0].text, 'open to all');
});

test('im.dialog.read / im.dialog.unread move the read mark; counters follow', async () => {
  const chat = (await ok('im.chat.add', { TITLE: 'Reads', USERS: [carl] }, { webhook: bobHook })).result;
  const m1 = await send(bobHook, `chat${chat}`, 'one');
  const m2 = await send(bobHook, `chat${chat}`, 'two');
  const m3 = await send(bobHook, `chat${chat}`, 'three');
  assert.equal((await counters(carlHook)).CHAT[String(chat)], 3);
  const read = (await ok('im.dialog.read', { DIALOG_ID: `chat${chat}`, MESSAGE_ID: m2 }, { webhook: carlHook })).result;
  assert.deepEqual(read, { dialogId: `chat${chat}`, chatId: chat, counter: 1, lastId: m2 });
  assert.equal((await ok('im.dialog.read', { DIALOG_ID: `chat${chat}`, MESSAGE_ID: m1 }, { webhook: carlHook })).result,
    false);
  const all = (await ok('im.dialog.read', { DIALOG_ID: `chat${chat}` }, { webhook: carlHook })).result;
  assert.deepEqual(all, { dialogId: `chat${chat}`, chatId: chat, counter: 0, lastId: m3 });
  assert.equal((await counters(carlHook)).CHAT[String(chat)], undefined);
  assert.equal((await ok('im.dialog.unread', { DIALOG_ID: `chat${chat}`, MESSAGE_ID: m2 }, { webhook: carlHook })).result,
    true);
  assert.equal((await counters(carlHook)).CHAT[String(chat)], 2);
  const hist = (await ok('im.dialog.messages.get', { DIALOG_ID: `chat${chat}` }, { webhook: carlHook })).result;
  assert.deepEqual(hist.messages.map((m) => m.unread), [true, true, false]);
  await fails('im.dialog.read', {}, 400, 'DIALOG_ID_EMPTY', undefined, { webhook: carlHook });
  await fails('im.dialog.unread', { DIALOG_ID: `chat${chat}` }, 400, 'MESSAGE_ID_ERROR', "Message ID can't be empty",
    { webhook: carlHook });
  await fails('im.dialog.unread', { MESSAGE_ID: m1 }, 400, 'DIALOG_ID_EMPTY', undefined, { webhook: carlHook });
  assert.equal((await ok('im.dialog.read.all', {}, { webhook: carlHook })).result, true);
  assert.equal((await counters(carlHook)).TYPE.CHAT, 0);
});

test('im.counters.get: the shape of the reference; private dialogs keyed by user; muted chats apart; totals', async () => {
  const fresh = server.cli('user', 'add', '--name', 'Eve').user_id;
  const eveHook = server.cli('webhook', 'add', '--user', String(fresh), '--scope', 'im').webhook;
  const empty = await counters(eveHook);
  assert.deepEqual(empty, { TYPE: { ALL: 0, NOTIFY: 0, CHAT: 0, LINES: 0, DIALOG: 0, MESSENGER: 0 }, CHAT: [],
    CHAT_MUTED: [], CHAT_UNREAD: [], LINES: [], DIALOG: [], DIALOG_UNREAD: [] });
  await send(annHook, String(fresh), 'hi Eve');
  await send(annHook, String(fresh), 'are you there?');
  const chat = (await ok('im.chat.add', { USERS: [fresh], MESSAGE: 'welcome' }, { webhook: danHook })).result;
  const c = await counters(eveHook);
  assert.deepEqual(c.DIALOG, { [String(ann)]: 2 });
  assert.deepEqual(c.CHAT, { [String(chat)]: 1 });
  assert.equal(c.TYPE.DIALOG, 2);
  assert.equal(c.TYPE.CHAT, 1);
  assert.equal(c.TYPE.ALL, 3);
  assert.equal(c.TYPE.MESSENGER, 3);
  const only = (await ok('im.counters.get', { ONLY_COUNTER: 'Y' }, { webhook: eveHook })).result;
  assert.deepEqual(only, c.TYPE);
});

test('im.dialog.get: the chat object of the spec example (string id and owner); private dialogs; errors', async () => {
  const chat = (await ok('im.chat.add', { TITLE: 'Mint chat No.3', COLOR: 'MINT', USERS: [bob] }, { webhook: annHook })).result;
  const d = (await ok('im.dialog.get', { DIALOG_ID: `chat${chat}` }, { webhook: bobHook })).result;
  assertShape(assert, d, {
    id: '21191', title: 'Mint chat No.3', owner: '2', extranet: false, avatar: '', color: '#4ba984', type: 'chat',
    entity_type: '', entity_data_1: '', entity_data_2: '', entity_data_3: '', date_create: '2017-10-14T12:15:32+02:00',
    message_type: 'C',
  });
  assert.equal(d.id, String(chat));
  assert.equal(d.owner, String(ann));
  assert.equal(d.color, '#4ba984');
  await send(annHook, String(dan), 'hello Dan');
  const p = (await ok('im.dialog.get', { DIALOG_ID: String(ann) }, { webhook: danHook })).result;
  assert.equal(p.type, 'private');
  assert.equal(p.message_type, 'P');
  await fails('im.dialog.get', {}, 400, 'DIALOG_ID_EMPTY', "Dialog ID can't be empty", { webhook: annHook });
  await fails('im.dialog.get', { DIALOG_ID: `chat${chat}` }, 403, 'ACCESS_ERROR', undefined, { webhook: carlHook });
});

test('im.dialog.users.list: user objects, paging with total/next, SKIP_EXTERNAL, access', async () => {
  const chat = (await ok('im.chat.add', { USERS: [bob, carl, dan] }, { webhook: annHook })).result;
  const all = await ok('im.dialog.users.list', { DIALOG_ID: `chat${chat}` }, { webhook: bobHook });
  assert.deepEqual(all.result.map((u) => u.id), [ann, bob, carl, dan]);
  assert.equal(all.total, 4);
  assertShape(assert, all.result[0], userExample);
  const page = await ok('im.dialog.users.list', { DIALOG_ID: `chat${chat}`, LIMIT: 2 }, { webhook: bobHook });
  assert.deepEqual(page.result.map((u) => u.id), [ann, bob]);
  assert.equal(page.next, 2);
  const rest = await ok('im.dialog.users.list', { DIALOG_ID: `chat${chat}`, LIMIT: 2, start: 2 }, { webhook: bobHook });
  assert.deepEqual(rest.result.map((u) => u.id), [carl, dan]);
  assert.equal(rest.next, undefined);
  const keyset = await ok('im.dialog.users.list', { DIALOG_ID: `chat${chat}`, LAST_ID: bob }, { webhook: bobHook });
  assert.deepEqual(keyset.result.map((u) => u.id), [carl, dan]);
  assert.equal(keyset.total, undefined);
  const skip = await ok('im.dialog.users.list', { DIALOG_ID: `chat${chat}`, SKIP_EXTERNAL: 'Y' }, { webhook: bobHook });
  assert.equal(skip.result.length, 4);
  await fails('im.dialog.users.list', {}, 400, 'DIALOG_ID_EMPTY', undefined, { webhook: bobHook });
  const closed = (await ok('im.chat.add', { USERS: [bob] }, { webhook: annHook })).result;
  await fails('im.dialog.users.list', { DIALOG_ID: `chat${closed}` }, 403, 'ACCESS_ERROR', undefined, { webhook: danHook });
});

test('im.dialog.writing: true for members; errors', async () => {
  const chat = (await ok('im.chat.add', { USERS: [bob] }, { webhook: annHook })).result;
  assert.equal((await ok('im.dialog.writing', { DIALOG_ID: `chat${chat}` }, { webhook: bobHook })).result, true);
  assert.equal((await ok('im.dialog.writing', { DIALOG_ID: String(carl) }, { webhook: bobHook })).result, true);
  await fails('im.dialog.writing', {}, 400, 'DIALOG_ID_EMPTY', undefined, { webhook: bobHook });
  await fails('im.dialog.writing', { CHAT_ID: 0 }, 400, 'CHAT_ID_EMPTY', undefined, { webhook: bobHook });
  await fails('im.dialog.writing', { DIALOG_ID: `chat${chat}` }, 403, 'ACCESS_ERROR', undefined, { webhook: carlHook });
});

test('im.recent.get: items of the spec example (string ids), newest first, cleaned text; pin, hide, unread', async () => {
  const fred = server.cli('user', 'add', '--name', 'Fred').user_id;
  const fredHook = server.cli('webhook', 'add', '--user', String(fred), '--scope', 'im').webhook;
  await send(annHook, String(fred), 'first [b]bold[/b]');
  const chat = (await ok('im.chat.add', { TITLE: 'Recent chat', USERS: [fred] }, { webhook: bobHook })).result;
  await send(bobHook, `chat${chat}`, 'in the chat');
  const items = (await ok('im.recent.get', {}, { webhook: fredHook })).result;
  assert.deepEqual(items.map((i) => i.id), [`chat${chat}`, String(ann)]);
  assertShape(assert, items[1], {
    id: '1', type: 'user', avatar: { url: '', color: '#df532d' }, title: 'John Harrington',
    message: { id: '30468', text: '1', file: false, attach: false, author_id: '1' }, counter: '3',
    date: '2017-10-17T11:12:56+02:00', user: { id: '1', name: 'John Harrington' },
  });
  assertShape(assert, items[0], {
    id: 'chat21191', type: 'chat', avatar: { url: '', color: '#4ba984' }, title: 'Mint Chat No.3',
    message: { id: '30467', text: 'x', file: false, attach: true, author_id: '2' }, counter: '0',
    date: '2017-10-17T10:38:20+02:00', chat: { id: '21191', title: 'Mint chat No.3', owner: '2', message_type: 'C' },
  });
  assert.equal(items[1].counter, '1');
  assert.equal(items[1].title, 'Ann Lee');
  assert.equal(items[0].title, 'Recent chat');
  // Pinned entries go first.
  await ok('im.recent.pin', { DIALOG_ID: String(ann) }, { webhook: fredHook });
  let list = (await ok('im.recent.get', {}, { webhook: fredHook })).result;
  assert.deepEqual(list.map((i) => i.id), [String(ann), `chat${chat}`]);
  assert.equal(list[0].pinned, true);
  await ok('im.recent.pin', { DIALOG_ID: String(ann), PIN: 'N' }, { webhook: fredHook });
  // Hidden until the next message.
  await ok('im.recent.hide', { DIALOG_ID: `chat${chat}` }, { webhook: fredHook });
  list = (await ok('im.recent.get', {}, { webhook: fredHook })).result;
  assert.deepEqual(list.map((i) => i.id), [String(ann)]);
  await send(bobHook, `chat${chat}`, 'back again');
  list = (await ok('im.recent.get', { SKIP_DIALOG: 'Y' }, { webhook: fredHook })).result;
  assert.deepEqual(list.map((i) => i.id), [`chat${chat}`]);
  assert.deepEqual((await ok('im.recent.get', { SKIP_CHAT: 'Y' }, { webhook: fredHook })).result.map((i) => i.id),
    [String(ann)]);
  // The manual unread mark shows in the item and the counters.
  assert.equal((await ok('im.recent.unread', { DIALOG_ID: String(ann) }, { webhook: fredHook })).result, true);
  const marked = (await ok('im.recent.get', {}, { webhook: fredHook })).result.find((i) => i.id === String(ann));
  assert.equal(marked.unread, true);
  assert.deepEqual((await counters(fredHook)).DIALOG_UNREAD, [ann]);
  await ok('im.recent.unread', { DIALOG_ID: String(ann), ACTION: 'N' }, { webhook: fredHook });
  assert.deepEqual((await counters(fredHook)).DIALOG, []);
  assert.equal((await ok('im.recent.unread', { DIALOG_ID: 'chat999999' }, { webhook: fredHook })).result, false);
  await fails('im.recent.pin', {}, 400, 'DIALOG_ID_EMPTY', "Dialog ID can't be empty", { webhook: fredHook });
  await fails('im.recent.pin', { DIALOG_ID: 'chat999999' }, 400, 'ACCESS_ERROR', undefined, { webhook: fredHook });
  await fails('im.recent.hide', {}, 400, 'DIALOG_ID_EMPTY', undefined, { webhook: fredHook });
  await fails('im.recent.unread', {}, 400, 'DIALOG_ID_EMPTY', undefined, { webhook: fredHook });
});

test('im.recent.list: numbers, items/hasMore, OFFSET/LIMIT paging with next, UNREAD_ONLY', async () => {
  const gil = server.cli('user', 'add', '--name', 'Gil').user_id;
  const gilHook = server.cli('webhook', 'add', '--user', String(gil), '--scope', 'im').webhook;
  for (const hook of [annHook, bobHook, carlHook]) await send(hook, String(gil), 'ping');
  await ok('im.dialog.read', { DIALOG_ID: String(bob) }, { webhook: gilHook });
  const body = await ok('im.recent.list', { LIMIT: 2 }, { webhook: gilHook });
  assert.deepEqual(body.result.items.map((i) => i.id), [carl, bob]);
  assert.equal(body.result.hasMore, true);
  assert.equal(body.next, 2);
  assert.equal(body.total, -1);
  assertShape(assert, body.result.items[0], {
    id: 1, chat_id: 1, type: 'user', avatar: { url: '', color: '' }, title: '',
    message: { id: 1, text: '', file: false, author_id: 1, attach: false, date: '', status: '' },
    counter: 1, pinned: false, unread: false, date_update: '', user: { id: 1 }, options: [],
  });
  const rest = await ok('im.recent.list', { LIMIT: 2, OFFSET: 2 }, { webhook: gilHook });
  assert.deepEqual(rest.result.items.map((i) => i.id), [ann]);
  assert.equal(rest.result.hasMore, false);
  const unread = await ok('im.recent.list', { UNREAD_ONLY: 'Y' }, { webhook: gilHook });
  assert.deepEqual(unread.result.items.map((i) => i.id), [carl, ann]);
});

test('late joiner with hidden history sees only what came after joining', async () => {
  const chat = (await ok('im.chat.add', { USERS: [bob], MESSAGE: 'before' }, { webhook: annHook })).result;
  await send(annHook, `chat${chat}`, 'secret');
  await ok('im.chat.user.add', { CHAT_ID: chat, USERS: [carl], HIDE_HISTORY: 'Y' }, { webhook: annHook });
  await send(annHook, `chat${chat}`, 'after');
  const seen = (await ok('im.dialog.messages.get', { DIALOG_ID: `chat${chat}` }, { webhook: carlHook })).result;
  assert.ok(!seen.messages.some((m) => m.text === 'secret' || m.text === 'before'));
  assert.ok(seen.messages.some((m) => m.text === 'after'));
  // Without HIDE_HISTORY a joiner sees everything.
  await ok('im.chat.user.add', { CHAT_ID: chat, USERS: [dan] }, { webhook: annHook });
  const all = (await ok('im.dialog.messages.get', { DIALOG_ID: `chat${chat}` }, { webhook: danHook })).result;
  assert.ok(all.messages.some((m) => m.text === 'secret'));
  // Someone removed from the chat reads nothing more.
  await ok('im.chat.user.delete', { CHAT_ID: chat, USER_ID: carl }, { webhook: annHook });
  await fails('im.dialog.messages.get', { DIALOG_ID: `chat${chat}` }, 403, 'ACCESS_ERROR', undefined, { webhook: carlHook });
});

test('im.dialog.messages.get: files of the messages, keyed by id, in the spec example shape; downloads check access', async () => {
  const chat = (await ok('im.chat.add', { USERS: [bob] }, { webhook: annHook })).result;
  const folder = (await ok('im.disk.folder.get', { CHAT_ID: chat }, { webhook: annHook })).result.ID;
  const content = Buffer.from('quarterly figures').toString('base64');
  const annDisk = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'im,disk').webhook;
  const file = (await ok('disk.folder.uploadfile', { id: folder, data: { NAME: 'report.txt' },
    fileContent: ['report.txt', content] }, { webhook: annDisk })).result;
  await ok('im.disk.file.commit', { CHAT_ID: chat, FILE_ID: file.ID }, { webhook: annHook });
  const page = (await ok('im.dialog.messages.get', { DIALOG_ID: `chat${chat}` }, { webhook: bobHook })).result;
  const id = Number(file.ID);
  assert.deepEqual(page.messages[0].params.FILE_ID, [id]);
  const f = page.files[String(id)];
  assertShape(assert, f, {
    id: 540, chatId: 29, date: '2018-01-29T16:43:39+03:00', type: 'file', name: 'x', size: 55013, status: 'done',
    progress: 100, authorId: 1, authorName: 'John Harrington', urlPreview: '', urlShow: '', urlDownload: '',
  }, 'files.id');
  assert.equal(f.name, 'report.txt');
  const dl = await server.raw(new URL(f.urlDownload).pathname + new URL(f.urlDownload).search);
  assert.equal(dl.status, 200);
  assert.equal(dl.text, 'quarterly figures');
  // Carl is not in the chat: Bob's link does not work for a forged viewer.
  const forged = new URL(f.urlDownload);
  forged.searchParams.set('u', String(carl));
  assert.notEqual((await server.raw(forged.pathname + forged.search)).status, 200);
  // The recent list shows the file marker in the cleaned text.
  const item = (await ok('im.recent.list', {}, { webhook: bobHook })).result.items.find((i) => i.chat_id === chat);
  assert.equal(item.message.file, true);
  assert.match(item.message.text, /\[File\]/);
});
