// imbot.chat.*, imbot.dialog.get, imbot.sendTyping: the im.chat.* rules with the bot as the actor
// (protocol.md §9.7; spec 002 "Working with Chats"; reference chat-bots/outdated/chats/). Callers:
// an OAuth application and an inbound webhook with CLIENT_ID (§9.5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { restFails } from './oauth_client.mjs';
import { db, makeBot, oauthApp, as } from './bot_setup.mjs';

let server, app, other, bot, bot2, foreignBot, hookBot;
let ann, bob, carl, annHook;
let api;

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
  Buffer.from([0, 0, 0, 2, 0, 0, 0, 3, 8, 6, 0, 0, 0])]).toString('base64');

before(async () => {
  server = await startServer();
  ann = server.cli('user', 'add', '--name', 'Ann').user_id;
  bob = server.cli('user', 'add', '--name', 'Bob').user_id;
  carl = server.cli('user', 'add', '--name', 'Carl').user_id;
  annHook = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'im,imbot').webhook;
  app = await oauthApp(server, { name: 'Echo' });
  other = await oauthApp(server, { name: 'Other' });
  bot = await makeBot(server, { code: 'echo', owner: app.owner, name: 'EchoBot' });
  bot2 = await makeBot(server, { code: 'echo2', owner: app.owner });
  foreignBot = await makeBot(server, { code: 'alien', owner: other.owner });
  hookBot = await makeBot(server, { code: 'hooky', owner: 'customwh-1' });
  api = as(server, app.token);
});
after(async () => { await server.cleanup(); });

const fails = (method, params, status, error, description) =>
  restFails(server, method, params, app.token, status, error, description);
// Member ids in id order (as im.chat.user.list lists them).
const sorted = (ids) => [...ids].sort((a, b) => a - b);
const members = async (chatId, botId) =>
  (await api.ok('imbot.chat.user.list', { CHAT_ID: chatId, ...(botId ? { BOT_ID: botId } : {}) })).result;
const newChat = async (params = {}) => (await api.ok('imbot.chat.add', { TITLE: 'Bots', USERS: [ann], ...params })).result;

test('imbot.chat.add: the first bot of the application creates and owns the chat', async () => {
  const chatId = await newChat({ MESSAGE: 'Hello from the bot' });
  assert.equal(typeof chatId, 'number');
  assert.deepEqual(await members(chatId), sorted([bot, ann]));
  const [chat] = db(server, `SELECT owner_id, author_id, title FROM chats WHERE id = ${chatId}`);
  assert.deepEqual(chat, { owner_id: bot, author_id: bot, title: 'Bots' });
  const [first] = db(server, `SELECT author_id, text FROM messages WHERE chat_id = ${chatId} AND system = 0`);
  assert.deepEqual(first, { author_id: bot, text: 'Hello from the bot' });
});

test('imbot.chat.add: BOT_ID picks the bot; USERS_EMPTY; foreign and unknown bots', async () => {
  const chatId = (await api.ok('imbot.chat.add', { BOT_ID: bot2, USERS: [bob] })).result;
  assert.deepEqual(await members(chatId, bot2), sorted([bot2, bob]));
  await fails('imbot.chat.add', { USERS: [] }, 400, 'USERS_EMPTY');
  await fails('imbot.chat.add', { BOT_ID: foreignBot, USERS: [ann] }, 400, 'APP_ID_ERROR',
    'Bot was installed by another rest application');
  await fails('imbot.chat.add', { BOT_ID: 999999, USERS: [ann] }, 400, 'BOT_ID_ERROR', 'Bot not found');
});

test('an application without bots gets BOT_ID_ERROR', async () => {
  const lonely = await oauthApp(server, { name: 'Lonely' });
  await restFails(server, 'imbot.chat.add', { USERS: [ann] }, lonely.token, 400, 'BOT_ID_ERROR');
});

test('webhook callers name their bot owner with CLIENT_ID', async () => {
  const noClient = await server.call('imbot.chat.add', { USERS: [ann] });
  assert.equal(noClient.status, 403);
  assert.equal(noClient.body.error, 'ACCESS_DENIED');
  assert.equal(noClient.body.error_description, 'Access denied! Client ID not specified');
  const chatId = (await server.ok('imbot.chat.add', { USERS: [ann], CLIENT_ID: 'wh-1' })).result;
  assert.deepEqual((await server.ok('imbot.chat.user.list', { CHAT_ID: chatId, CLIENT_ID: 'wh-1' })).result,
    sorted([hookBot, ann]));
  const wrong = await server.call('imbot.chat.add', { USERS: [ann], CLIENT_ID: 'wh-1', BOT_ID: bot });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error, 'APP_ID_ERROR');
});

test('imbot.chat.user.add / user.delete as the bot, with the im.chat.* errors', async () => {
  const chatId = await newChat();
  assert.equal((await api.ok('imbot.chat.user.add', { CHAT_ID: chatId, USERS: [bob, carl] })).result, true);
  assert.deepEqual(await members(chatId), sorted([bot, ann, bob, carl]));
  const [join] = db(server, `SELECT text FROM messages WHERE chat_id = ${chatId} AND system = 1 ORDER BY id DESC LIMIT 1`);
  assert.match(join.text, new RegExp(`^\\[USER=${bot} REPLACE\\]EchoBot\\[/USER\\] invited`));
  await fails('imbot.chat.user.add', { CHAT_ID: chatId, USERS: [bob] }, 400, 'WRONG_REQUEST');
  await fails('imbot.chat.user.add', { USERS: [bob] }, 400, 'CHAT_ID_EMPTY');
  assert.equal((await api.ok('imbot.chat.user.delete', { CHAT_ID: chatId, USER_ID: carl })).result, true);
  assert.deepEqual(await members(chatId), sorted([bot, ann, bob]));
  await fails('imbot.chat.user.delete', { CHAT_ID: chatId }, 400, 'USER_ID_EMPTY');
  await fails('imbot.chat.user.delete', { CHAT_ID: chatId, USER_ID: carl }, 400, 'WRONG_REQUEST');
  // A bot that is not in the chat cannot touch it.
  await fails('imbot.chat.user.add', { CHAT_ID: chatId, USERS: [carl], BOT_ID: bot2 }, 400, 'WRONG_REQUEST');
});

test('imbot.chat.user.list: the bot sees the chats it is in, others get []', async () => {
  const chatId = await newChat();
  assert.deepEqual(await members(chatId, bot2), []);
  await fails('imbot.chat.user.list', {}, 400, 'CHAT_ID_EMPTY');
  assert.deepEqual((await api.ok('imbot.chat.user.list', { DIALOG_ID: `chat${chatId}` })).result, sorted([bot, ann]));
});

test('imbot.chat.updateTitle / updateColor / updateAvatar as the bot', async () => {
  const chatId = await newChat({ COLOR: 'RED' });
  assert.equal((await api.ok('imbot.chat.updateTitle', { CHAT_ID: chatId, TITLE: 'Renamed' })).result, true);
  assert.equal((await api.ok('imbot.chat.updateColor', { CHAT_ID: chatId, COLOR: 'MINT' })).result, true);
  assert.equal((await api.ok('imbot.chat.updateAvatar', { CHAT_ID: chatId, AVATAR: PNG })).result, true);
  const [chat] = db(server, `SELECT title, color, avatar FROM chats WHERE id = ${chatId}`);
  assert.equal(chat.title, 'Renamed');
  assert.equal(chat.color, 'MINT');
  assert.match(chat.avatar, /\/avatar\/chat\d+-[0-9a-f]{8}\.png$/);
  const renamed = db(server, `SELECT text FROM messages WHERE chat_id = ${chatId} AND text LIKE '%changed chat topic%'`);
  assert.match(renamed[0].text, new RegExp(`^\\[USER=${bot} REPLACE\\]EchoBot`));
  await fails('imbot.chat.updateTitle', { CHAT_ID: chatId, TITLE: '  ' }, 400, 'TITLE_EMPTY');
  await fails('imbot.chat.updateColor', { CHAT_ID: chatId, COLOR: 'NEON' }, 400, 'WRONG_COLOR');
  await fails('imbot.chat.updateAvatar', { CHAT_ID: chatId, AVATAR: 'bm90IGFuIGltYWdl' }, 400, 'AVATAR_ERROR');
  await fails('imbot.chat.updateTitle', { TITLE: 'x' }, 400, 'CHAT_ID_EMPTY');
  await fails('imbot.chat.updateTitle', { CHAT_ID: chatId, TITLE: 'x', BOT_ID: bot2 }, 400, 'WRONG_REQUEST');
});

test('imbot.chat.setOwner: only the owning bot hands the chat over', async () => {
  const chatId = await newChat();
  await fails('imbot.chat.setOwner', { CHAT_ID: chatId }, 400, 'USER_ID_EMPTY');
  await fails('imbot.chat.setOwner', { USER_ID: ann }, 400, 'CHAT_ID_EMPTY');
  await fails('imbot.chat.setOwner', { CHAT_ID: chatId, USER_ID: carl }, 400, 'WRONG_REQUEST');
  assert.equal((await api.ok('imbot.chat.setOwner', { CHAT_ID: chatId, USER_ID: ann })).result, true);
  assert.equal(db(server, `SELECT owner_id FROM chats WHERE id = ${chatId}`)[0].owner_id, ann);
  await fails('imbot.chat.setOwner', { CHAT_ID: chatId, USER_ID: bot }, 400, 'WRONG_REQUEST');
});

test('imbot.chat.setManager: managers may remove members; IS_MANAGER=N takes it back', async () => {
  const chatId = await newChat({ USERS: [ann, bob, carl] });
  assert.equal((await api.ok('imbot.chat.setManager', { CHAT_ID: chatId, USER_ID: ann })).result, true);
  const dialog = (await server.ok('im.dialog.get', { DIALOG_ID: `chat${chatId}` }, { webhook: annHook })).result;
  assert.deepEqual(dialog.manager_list, [bot, ann]);
  assert.equal(dialog.role, 'manager');
  assert.equal((await server.ok('im.chat.user.delete', { CHAT_ID: chatId, USER_ID: carl }, { webhook: annHook })).result,
    true);
  // A manager may not remove the owner.
  const kickOwner = await server.call('im.chat.user.delete', { CHAT_ID: chatId, USER_ID: bot }, { webhook: annHook });
  assert.equal(kickOwner.status, 400);
  assert.equal((await api.ok('imbot.chat.setManager', { CHAT_ID: chatId, USER_ID: ann, IS_MANAGER: 'N' })).result,
    true);
  const after = (await server.ok('im.dialog.get', { DIALOG_ID: `chat${chatId}` }, { webhook: annHook })).result;
  assert.deepEqual(after.manager_list, [bot]);
  assert.equal(after.role, 'member');
  const kick = await server.call('im.chat.user.delete', { CHAT_ID: chatId, USER_ID: bob }, { webhook: annHook });
  assert.equal(kick.status, 400);
  await fails('imbot.chat.setManager', { CHAT_ID: chatId, USER_ID: carl }, 400, 'WRONG_REQUEST',
    'Change manager can only owner and user must be member in chat');
  await fails('imbot.chat.setManager', { CHAT_ID: chatId, USER_ID: bob, BOT_ID: bot2 }, 400, 'WRONG_REQUEST');
  await fails('imbot.chat.setManager', { USER_ID: bob }, 400, 'CHAT_ID_EMPTY', "Chat ID can't be empty");
  await fails('imbot.chat.setManager', { CHAT_ID: chatId }, 400, 'USER_ID_EMPTY', "User ID can't be empty");
});

test('imbot.chat.leave: the bot leaves; leaving again is refused', async () => {
  const chatId = await newChat();
  assert.equal((await api.ok('imbot.chat.leave', { CHAT_ID: chatId })).result, true);
  assert.deepEqual((await server.ok('im.chat.user.list', { CHAT_ID: chatId }, { webhook: annHook })).result, [ann]);
  await fails('imbot.chat.leave', { CHAT_ID: chatId }, 400, 'WRONG_REQUEST');
  await fails('imbot.chat.leave', {}, 400, 'CHAT_ID_EMPTY');
});

test('imbot.chat.sendTyping and its alias imbot.sendTyping', async () => {
  const chatId = await newChat();
  assert.equal((await api.ok('imbot.chat.sendTyping', { DIALOG_ID: `chat${chatId}` })).result, true);
  assert.equal((await api.ok('imbot.sendTyping', { DIALOG_ID: String(ann) })).result, true);
  await fails('imbot.chat.sendTyping', {}, 400, 'DIALOG_ID_EMPTY', "Dialog ID can't be empty");
  await fails('imbot.chat.sendTyping', { DIALOG_ID: `chat${chatId}`, BOT_ID: bot2 }, 403, 'ACCESS_ERROR');
  await fails('imbot.chat.sendTyping', { DIALOG_ID: 'chat1', BOT_ID: foreignBot }, 400, 'APP_ID_ERROR');
});

test('imbot.dialog.get: the chat object as the bot sees it', async () => {
  const chatId = await newChat({ TITLE: 'Mint chat' });
  const r = (await api.ok('imbot.dialog.get', { DIALOG_ID: `chat${chatId}` })).result;
  assert.equal(r.id, String(chatId));
  assert.equal(r.owner, String(bot));
  assert.equal(r.title, 'Mint chat');
  assert.equal(r.role, 'owner');
  assert.equal(r.type, 'chat');
  assert.equal(r.message_type, 'C');
  assert.equal(r.dialog_id, `chat${chatId}`);
  await fails('imbot.dialog.get', {}, 400, 'DIALOG_ID_EMPTY');
  const annChat = (await server.ok('im.chat.add', { USERS: [bob] }, { webhook: annHook })).result;
  await fails('imbot.dialog.get', { DIALOG_ID: `chat${annChat}` }, 403, 'ACCESS_ERROR');
  // The webhook caller without CLIENT_ID looks as itself (the platform's dialogGet).
  const own = (await server.ok('imbot.dialog.get', { DIALOG_ID: `chat${annChat}` }, { webhook: annHook })).result;
  assert.equal(own.id, String(annChat));
});

test('imbot.chat.get: the chat id of an entity, or null', async () => {
  const chatId = await newChat({ ENTITY_TYPE: 'CRM', ENTITY_ID: 'LEAD|42' });
  assert.equal((await api.ok('imbot.chat.get', { ENTITY_TYPE: 'CRM', ENTITY_ID: 'LEAD|42' })).result, chatId);
  assert.equal((await api.ok('imbot.chat.get', { ENTITY_TYPE: 'CRM', ENTITY_ID: 'nope' })).result, null);
  await fails('imbot.chat.get', { ENTITY_TYPE: 'CRM', ENTITY_ID: 'x', BOT_ID: foreignBot }, 400, 'APP_ID_ERROR');
});
