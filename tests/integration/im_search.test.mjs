// im.search.* against spec 002 ("Search") and api-reference/chats/search/: Unicode
// case-insensitive word-prefix search, FIND_SHORT, paging, visibility, and the search history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertShape } from './harness.mjs';

let server;
let ivan, petr, maria, ext;   // user ids
let ivanHook, mariaHook, extHook;
let closedChat, openChat, otherChat;
let rnd;                       // department id

const ok = (...args) => server.ok(...args);
const fails = (...args) => server.fails(...args);

// Spec 002 examples.
const userExample = { id: 1, name: 'John Harrington', first_name: 'John', last_name: 'Harrington',
  work_position: '', color: '#df532d', avatar: '', gender: 'M', birthday: '', extranet: false, network: false,
  bot: false, connector: false, external_auth_id: 'default', status: 'online', idle: false,
  last_activity_date: null, desktop_last_date: false, mobile_last_date: false, departments: [50], absent: false };
const chatExample = { id: 21191, title: 'Mint chat No.3', owner: 2, extranet: false, avatar: '', color: '#4ba984',
  type: 'chat', entity_type: '', entity_data_1: '', entity_data_2: '', entity_data_3: '',
  date_create: '2017-10-14T12:15:32+02:00', message_type: 'C' };
const deptExample = { id: 51, name: 'New York branch', full_name: 'New York branch / Bitrix24', manager_user_id: 11 };
const lastUserExample = { id: 1, type: 'user', title: 'John Harrington',
  avatar: { url: '', color: '#df532d' }, user: userExample };
const lastChatExample = { id: 'chat1157', type: 'chat', title: 'Brown Chat #18', avatar: { url: '', color: '#ab7761' },
  chat: { id: 1157, owner: 27, extranet: false, avatar: '', color: '#ab7761', type: 'chat', entity_type: '',
    entity_id: '', date_create: '2025-01-30T00:41:03+01:00', message_type: 'C' } };

before(async () => {
  server = await startServer();
  rnd = (await ok('department.add', { NAME: 'Разработка и тесты', PARENT: 1 })).result;
  ivan = server.cli('user', 'add', '--name', 'Иван', '--last-name', 'Петров', '--position', 'Тестировщик').user_id;
  petr = server.cli('user', 'add', '--name', 'Pyotr', '--last-name', 'Ivanov', '--department', String(rnd)).user_id;
  maria = server.cli('user', 'add', '--name', 'Maria', '--last-name', 'Schröder').user_id;
  ivanHook = server.cli('webhook', 'add', '--user', String(ivan), '--scope', 'im').webhook;
  mariaHook = server.cli('webhook', 'add', '--user', String(maria), '--scope', 'im').webhook;
  ext = (await ok('user.add', { EMAIL: 'e@example.com', NAME: 'Extra', LAST_NAME: 'Ivanova', EXTRANET: 'Y',
    SONET_GROUP_ID: [1] })).result;
  extHook = server.cli('webhook', 'add', '--user', String(ext), '--scope', 'im').webhook;
  closedChat = (await ok('im.chat.add', { TITLE: 'Квартальный отчёт', USERS: [petr] }, { webhook: ivanHook })).result;
  openChat = (await ok('im.chat.add', { TYPE: 'OPEN', TITLE: 'Open lounge', USERS: [petr] },
    { webhook: ivanHook })).result;
  otherChat = (await ok('im.chat.add', { TITLE: 'Quarterly plans', USERS: [petr] }, { webhook: mariaHook })).result;
});
after(async () => { await server.cleanup(); });

test('im.search.user.list: Cyrillic case-insensitive, by name, position and department', async () => {
  const byName = await ok('im.search.user.list', { FIND: 'иван' }, { webhook: mariaHook });
  assert.deepEqual(Object.keys(byName.result), [String(ivan)]);
  assertShape(assert, byName.result[String(ivan)], userExample);
  assert.equal(byName.total, 1);
  assert.ok(!('next' in byName));
  const upper = await ok('im.search.user.list', { FIND: 'ПЕТРОВ' }, { webhook: mariaHook });
  assert.deepEqual(Object.keys(upper.result), [String(ivan)]);
  const byPosition = await ok('im.search.user.list', { FIND: 'тестир' }, { webhook: mariaHook });
  assert.deepEqual(Object.keys(byPosition.result), [String(ivan)]);
  const byDept = await ok('im.search.user.list', { FIND: 'разраб' }, { webhook: mariaHook });
  assert.deepEqual(Object.keys(byDept.result), [String(petr)]);
  const umlaut = await ok('im.search.user.list', { FIND: 'SCHRÖ' }, { webhook: ivanHook });
  assert.deepEqual(Object.keys(umlaut.result), [String(maria)]);
  const latin = await ok('im.search.user.list', { FIND: 'ivan' }, { webhook: mariaHook });
  assert.deepEqual(Object.keys(latin.result).sort(), [String(petr), String(ext)].sort());
});

test('im.search.user.list: nothing found is [], total 0; BUSINESS=Y leaves out extranet users', async () => {
  const none = await ok('im.search.user.list', { FIND: 'zzzz' }, { webhook: mariaHook });
  assert.deepEqual(none.result, []);
  assert.equal(none.total, 0);
  const business = await ok('im.search.user.list', { FIND: 'ivan', BUSINESS: 'Y' }, { webhook: mariaHook });
  assert.deepEqual(Object.keys(business.result), [String(petr)]);
});

test('im.search.user.list: LIMIT/OFFSET and start paging with total and next', async () => {
  const p1 = await ok('im.search.user.list', { FIND: 'ivan', LIMIT: 1 }, { webhook: mariaHook });
  assert.equal(Object.keys(p1.result).length, 1);
  assert.equal(p1.total, 2);
  assert.equal(p1.next, 1);
  const p2 = await ok('im.search.user.list', { FIND: 'ivan', LIMIT: 1, OFFSET: 1 }, { webhook: mariaHook });
  assert.equal(Object.keys(p2.result).length, 1);
  assert.notDeepEqual(Object.keys(p2.result), Object.keys(p1.result));
  assert.ok(!('next' in p2));
  const s = await ok('im.search.user.list', { FIND: 'ivan', LIMIT: 1, start: 1 }, { webhook: mariaHook });
  assert.deepEqual(Object.keys(s.result), Object.keys(p2.result));
});

test('im.search.*.list: FIND_SHORT under three characters', async () => {
  for (const m of ['im.search.user.list', 'im.search.chat.list', 'im.search.department.list']) {
    await fails(m, {}, 400, 'FIND_SHORT', 'Too short a search phrase.', { webhook: mariaHook });
    await fails(m, { FIND: 'ив' }, 400, 'FIND_SHORT', undefined, { webhook: mariaHook });
    await fails(m, { FIND: '  ab  ' }, 400, 'FIND_SHORT', undefined, { webhook: mariaHook });
  }
  await ok('im.search.user.list', { FIND: 'ива' }, { webhook: mariaHook });
});

test('im.search.user.list: an extranet user finds only people sharing a chat', async () => {
  assert.deepEqual((await ok('im.search.user.list', { FIND: 'maria' }, { webhook: extHook })).result, []);
  // themselves, always
  assert.deepEqual(Object.keys((await ok('im.search.user.list', { FIND: 'ivanov' }, { webhook: extHook })).result),
    [String(ext)]);
  await ok('im.chat.add', { USERS: [ext] }, { webhook: mariaHook });
  assert.deepEqual(Object.keys((await ok('im.search.user.list', { FIND: 'maria' }, { webhook: extHook })).result),
    [String(maria)]);
});

test('im.search.chat.list: by title or member name, keyed by id, only chats the caller may see', async () => {
  const byTitle = await ok('im.search.chat.list', { FIND: 'КВАРТАЛ' }, { webhook: ivanHook });
  assert.deepEqual(Object.keys(byTitle.result), [String(closedChat)]);
  assertShape(assert, byTitle.result[String(closedChat)], chatExample);
  assert.equal(byTitle.total, 1);
  // Maria is no member of Ivan's closed chat, but the open chat is readable by anyone
  assert.deepEqual((await ok('im.search.chat.list', { FIND: 'квартал' }, { webhook: mariaHook })).result, []);
  assert.deepEqual(Object.keys((await ok('im.search.chat.list', { FIND: 'lounge' }, { webhook: mariaHook })).result),
    [String(openChat)]);
  // by member name: Pyotr is in all three; Ivan sees his two chats, not Maria's
  const byMember = await ok('im.search.chat.list', { FIND: 'pyotr' }, { webhook: ivanHook });
  assert.deepEqual(Object.keys(byMember.result).sort(), [String(closedChat), String(openChat)].sort());
  const quarterly = await ok('im.search.chat.list', { FIND: 'quarter' }, { webhook: ivanHook });
  assert.deepEqual(quarterly.result, []);
  assert.ok(otherChat > 0);
});

test('im.search.chat.list: paging, newest first', async () => {
  const p1 = await ok('im.search.chat.list', { FIND: 'pyotr', LIMIT: 1 }, { webhook: ivanHook });
  assert.deepEqual(Object.keys(p1.result), [String(Math.max(closedChat, openChat))]);
  assert.equal(p1.total, 2);
  assert.equal(p1.next, 1);
});

test('im.search.department.list: full name, Cyrillic, USER_DATA', async () => {
  const r = await ok('im.search.department.list', { FIND: 'РАЗРАБОТКА тест' }, { webhook: mariaHook });
  assertShape(assert, r.result, [deptExample]);
  assert.equal(r.result.length, 1);
  assert.equal(r.result[0].id, rnd);
  assert.match(r.result[0].full_name, /^Разработка и тесты \/ /);
  assert.equal(r.total, 1);
  const rootName = (await ok('department.get', { ID: 1 })).result[0].NAME;
  const byRoot = await ok('im.search.department.list', { FIND: rootName, USER_DATA: 'Y' }, { webhook: mariaHook });
  assert.equal(byRoot.total, 2);  // the root and the department below it
  const rootItem = byRoot.result.find((d) => d.id === 1);
  assert.equal(rootItem.manager_user_data.id, 1);
});

test('im.search.last.add / get / delete: items in the spec shape, newest first', async () => {
  assert.deepEqual((await ok('im.search.last.get', {}, { webhook: ivanHook })).result, []);
  assert.equal((await ok('im.search.last.add', { DIALOG_ID: String(petr) }, { webhook: ivanHook })).result, true);
  assert.equal((await ok('im.search.last.add', { DIALOG_ID: `chat${closedChat}` }, { webhook: ivanHook })).result,
    true);
  let items = (await ok('im.search.last.get', {}, { webhook: ivanHook })).result;
  assert.deepEqual(items.map((i) => i.id), [`chat${closedChat}`, petr]);
  assertShape(assert, items[0], lastChatExample);
  assertShape(assert, items[1], lastUserExample);
  assert.equal(items[0].title, 'Квартальный отчёт');
  assert.equal(items[1].title, 'Pyotr Ivanov');
  // adding again moves it to the top
  assert.equal((await ok('im.search.last.add', { DIALOG_ID: petr }, { webhook: ivanHook })).result, true);
  items = (await ok('im.search.last.get', {}, { webhook: ivanHook })).result;
  assert.deepEqual(items.map((i) => i.id), [petr, `chat${closedChat}`]);
  assert.deepEqual((await ok('im.search.last.get', { SKIP_DIALOG: 'Y' }, { webhook: ivanHook })).result
    .map((i) => i.id), [`chat${closedChat}`]);
  assert.deepEqual((await ok('im.search.last.get', { SKIP_CHAT: 'Y' }, { webhook: ivanHook })).result
    .map((i) => i.id), [petr]);
  // someone else's history is their own
  assert.deepEqual((await ok('im.search.last.get', {}, { webhook: mariaHook })).result, []);
  assert.equal((await ok('im.search.last.delete', { DIALOG_ID: petr }, { webhook: ivanHook })).result, true);
  assert.equal((await ok('im.search.last.delete', { DIALOG_ID: petr }, { webhook: ivanHook })).result, false);
  items = (await ok('im.search.last.get', {}, { webhook: ivanHook })).result;
  assert.deepEqual(items.map((i) => i.id), [`chat${closedChat}`]);
});

test('im.search.last.add: false for a chat the caller may not read or a missing user', async () => {
  assert.equal((await ok('im.search.last.add', { DIALOG_ID: `chat${closedChat}` }, { webhook: mariaHook })).result,
    false);
  assert.equal((await ok('im.search.last.add', { DIALOG_ID: '987654' }, { webhook: mariaHook })).result, false);
  assert.deepEqual((await ok('im.search.last.get', {}, { webhook: mariaHook })).result, []);
});

test('im.search.last.add / delete: DIALOG_ID_EMPTY', async () => {
  for (const m of ['im.search.last.add', 'im.search.last.delete'])
    for (const p of [{}, { DIALOG_ID: '' }, { DIALOG_ID: 'chatx' }, { DIALOG_ID: '0' }])
      await fails(m, p, 400, 'DIALOG_ID_EMPTY', "Dialog ID can't be empty", { webhook: ivanHook });
});
