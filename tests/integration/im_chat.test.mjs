// im.chat.* against spec 002 "Chat API", spec 003 and api-reference/chats/: results, errors, access.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let server;
let ann, bob, carl;          // user ids
let annHook, carlHook;       // scope im

const ok = (...args) => server.ok(...args);
const fails = (...args) => server.fails(...args);

before(async () => {
  server = await startServer();
  ann = server.cli('user', 'add', '--name', 'Ann', '--last-name', 'Lee').user_id;
  bob = server.cli('user', 'add', '--name', 'Bob').user_id;
  carl = server.cli('user', 'add', '--name', 'Carl').user_id;
  annHook = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'im').webhook;
  carlHook = server.cli('webhook', 'add', '--user', String(carl), '--scope', 'im').webhook;
});
after(async () => { await server.cleanup(); });

test('im.chat.add returns the new chat id as a number; the creator is a member', async () => {
  const body = await ok('im.chat.add', { TITLE: 'Team', USERS: [bob], MESSAGE: 'Welcome' }, { webhook: annHook });
  assert.equal(typeof body.result, 'number');
  assert.ok(body.result > 0);
  const members = (await ok('im.chat.user.list', { CHAT_ID: body.result }, { webhook: annHook })).result;
  assert.deepEqual(members, [ann, bob]);
});

test('im.chat.add: USERS as PHP form, JSON text, with empties and duplicates', async () => {
  const form = await server.raw(`${annHook}im.chat.add?USERS[]=${bob}&USERS[]=${carl}&USERS[]=&USERS[]=${bob}`);
  assert.equal(form.status, 200, form.text);
  assert.deepEqual((await ok('im.chat.user.list', { CHAT_ID: form.body.result }, { webhook: annHook })).result,
    [ann, bob, carl]);
  const json = await ok('im.chat.add', { USERS: JSON.stringify([carl]) }, { webhook: annHook });
  assert.deepEqual((await ok('im.chat.user.list', { CHAT_ID: json.result }, { webhook: annHook })).result,
    [ann, carl]);
});

test('im.chat.add without participants: USERS_EMPTY', async () => {
  await fails('im.chat.add', { TITLE: 'Alone' }, 400, 'USERS_EMPTY', 'Chat participants not passed',
    { webhook: annHook });
  await fails('im.chat.add', { USERS: [] }, 400, 'USERS_EMPTY', undefined, { webhook: annHook });
  await fails('im.chat.add', { USERS: [999999] }, 400, 'USERS_EMPTY', undefined, { webhook: annHook });
});

test('im.chat.get finds a chat by ENTITY_TYPE and ENTITY_ID, else null', async () => {
  const id = (await ok('im.chat.add', { USERS: [bob], ENTITY_TYPE: 'CRM', ENTITY_ID: 'LEAD|13' },
    { webhook: annHook })).result;
  assert.equal((await ok('im.chat.get', { ENTITY_TYPE: 'CRM', ENTITY_ID: 'LEAD|13' })).result, id);
  assert.equal((await ok('im.chat.get', { ENTITY_TYPE: 'CRM', ENTITY_ID: 'LEAD|14' })).result, null);
  assert.equal((await ok('im.chat.get', {})).result, null);
});

test('im.chat.user.list: CHAT_ID_EMPTY; outsiders of a closed chat get []; open chats are readable', async () => {
  await fails('im.chat.user.list', {}, 400, 'CHAT_ID_EMPTY', 'Chat ID not passed', { webhook: annHook });
  await fails('im.chat.user.list', { CHAT_ID: 'abc' }, 400, 'CHAT_ID_EMPTY', undefined, { webhook: annHook });
  const closed = (await ok('im.chat.add', { USERS: [bob] }, { webhook: annHook })).result;
  assert.deepEqual((await ok('im.chat.user.list', { CHAT_ID: closed }, { webhook: carlHook })).result, []);
  const open = (await ok('im.chat.add', { TYPE: 'OPEN', USERS: [bob] }, { webhook: annHook })).result;
  assert.deepEqual((await ok('im.chat.user.list', { CHAT_ID: open }, { webhook: carlHook })).result, [ann, bob]);
  assert.deepEqual((await ok('im.chat.user.list', { CHAT_ID: 987654 }, { webhook: annHook })).result, []);
});

test('im.chat.* need the im scope', async () => {
  const userOnly = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'user').webhook;
  for (const m of ['im.chat.add', 'im.chat.get', 'im.chat.user.list'])
    await fails(m, {}, 403, 'insufficient_scope', undefined, { webhook: userOnly });
});
