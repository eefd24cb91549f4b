// pull.* (protocol-push.md §2, settings/interactivity/push-and-pull/*) and the push server's
// WebSocket (§4.4, §6): configs, application events with every documented error, the JSON-RPC
// mode, tokens refused with 4010, catch-up by `mid`, and the im commands of §9 reaching only
// the members they concern, each from its own point of view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { masterKey, startServer } from './harness.mjs';
import { addApp, signIn, restOk, restFails } from './oauth_client.mjs';
import { bodies, subscribe } from './ws_client.mjs';

let server;
let ann, bob, carl;            // user ids
let annHook, bobHook, carlHook; // scope im,pull,pull_channel
let app, adminToken, annToken; // an application with scope pull, signed in as the admin and as Ann

const ok = (...args) => server.ok(...args);
const fails = (...args) => server.fails(...args);
const APP_ONLY = 'Get access to application config available only for application authorization.';

before(async () => {
  server = await startServer({ config: '[push]\nping_interval = 1\nmax_client_messages = 20\n' });
  ann = server.cli('user', 'add', '--name', 'Ann', '--last-name', 'Lee').user_id;
  bob = server.cli('user', 'add', '--name', 'Bob').user_id;
  carl = server.cli('user', 'add', '--name', 'Carl').user_id;
  const hook = (id) => server.cli('webhook', 'add', '--user', String(id), '--scope', 'im,pull,pull_channel').webhook;
  annHook = hook(ann);
  bobHook = hook(bob);
  carlHook = hook(carl);
  app = addApp(server, { name: 'Live', scope: 'im,pull,pull_channel' });
  adminToken = (await signIn(server, app)).access_token;
  annToken = (await signIn(server, app, annHook)).access_token;
});
after(async () => { await server.cleanup(); });

const userConfig = async (webhook) => (await ok('pull.config.get', { CACHE: 'N' }, { webhook })).result;
const command = (name) => (f) => f.includes('"incoming.message"') && JSON.parse(f).params.body.command === name;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('pull.application.config.get gives an application the version 5 config of §2.2', async () => {
  const { result } = await restOk(server, 'pull.application.config.get', { CACHE: 'N' }, adminToken);
  assert.equal(result.server.version, 5);
  assert.equal(result.server.server_enabled, true);
  assert.equal(result.server.mode, 'personal');
  assert.equal(result.server.websocket_enabled, true);
  assert.match(result.server.websocket, /^ws:\/\/127\.0\.0\.1:\d+\/bitrix\/subws\/$/);
  assert.equal(result.server.websocket_secure, result.server.websocket);
  assert.ok(result.server.long_polling && result.server.long_pooling_secure, 'the misspelled key is there');
  assert.equal(typeof result.server.config_timestamp, 'number');
  assert.deepEqual(result.api, { revision_web: 19, revision_mobile: 3 });
  assert.deepEqual(Object.keys(result.channels), ['shared']);
  assert.equal(result.channels.shared.type, 'shared');
  assert.ok(new Date(result.channels.shared.end) > new Date(), 'the channel has not ended');
  assert.equal(typeof result.jwt, 'string');
  assert.ok(result.exp > Date.now() / 1000 + 3600);
  assert.ok(Math.abs(new Date(result.serverTime) - Date.now()) < 5000, 'serverTime is now');
  assert.equal(result.publicChannels['1'].user_id, 1);
  const again = (await restOk(server, 'pull.application.config.get', {}, adminToken)).result;
  assert.equal(again.server.config_timestamp, result.server.config_timestamp, 'stable between calls');
});

test('pull.application.config.get and pull.application.event.add refuse anything but an application', async () => {
  await fails('pull.application.config.get', {}, 403, 'WRONG_AUTH_TYPE', APP_ONLY);
  await fails('pull.application.event.add', { COMMAND: 'x' }, 403, 'WRONG_AUTH_TYPE', APP_ONLY);
});

test('pull.config.get answers a user and refuses OAuth; it needs the pull_channel scope', async () => {
  const config = await userConfig(annHook);
  assert.equal(config.server.version, 5);
  assert.equal(config.channels.shared.type, 'shared');
  const app = (await restOk(server, 'pull.application.config.get', {}, annToken)).result;
  assert.notEqual(config.channels.shared.id, app.channels.shared.id, 'application channels are separate');
  await restFails(server, 'pull.config.get', {}, adminToken, 403, 'WRONG_AUTH_TYPE',
    'Get access to browser const available only for session authorization.');
  const imOnly = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'im').webhook;
  await fails('pull.config.get', {}, 403, 'insufficient_scope', undefined, { webhook: imOnly });
});

test('pull.application.event.add validates COMMAND, MODULE_ID, PARAMS and USER_ID as documented', async () => {
  const bad = (params, code, description) => restFails(server, 'pull.application.event.add', params, annToken, 400, code, description);
  await bad({}, 'COMMAND_ERROR', 'Command format error');
  await bad({ COMMAND: 'has space' }, 'COMMAND_ERROR');
  await bad({ COMMAND: ['list'] }, 'COMMAND_ERROR');
  await bad({ COMMAND: 'ok', MODULE_ID: 'Upper' }, 'MODULE_ID_ERROR', 'Module ID format error');
  await bad({ COMMAND: 'ok', MODULE_ID: 'a-b' }, 'MODULE_ID_ERROR');
  await bad({ COMMAND: 'ok', PARAMS: 'not json' }, 'PARAMS_ERROR', 'Params format error');
  await bad({ COMMAND: 'ok', PARAMS: 5 }, 'PARAMS_ERROR');
  await bad({ COMMAND: 'ok', USER_ID: bob }, 'USER_ID_ACCESS_ERROR', 'Only admin can send notifications to other channels');
  await bad({ COMMAND: 'ok', USER_ID: [ann, bob] }, 'USER_ID_ACCESS_ERROR');
  const r = await restOk(server, 'pull.application.event.add', { COMMAND: 'ok:1|x.y-z', USER_ID: ann }, annToken);
  assert.equal(r.result, true);
  assert.equal((await restOk(server, 'pull.application.event.add', { COMMAND: 'ok', USER_ID: [bob, ann] }, adminToken)).result, true);
});

test('an application event reaches the application frames it addresses, and nobody else', async () => {
  const appConfig = (await restOk(server, 'pull.application.config.get', {}, annToken)).result;
  const appWs = await subscribe(appConfig);
  const userWs = await subscribe(await userConfig(annHook));
  await restOk(server, 'pull.application.event.add',
    { COMMAND: 'saved', MODULE_ID: 'my.app', PARAMS: JSON.stringify({ key: 'v' }), USER_ID: ann }, annToken);
  await restOk(server, 'pull.application.event.add', { COMMAND: 'toAll', PARAMS: { n: 1 } }, adminToken);
  await appWs.next(command('saved'));
  await appWs.next(command('toAll'));
  const [saved, toAll] = bodies(appWs).map((p) => p.body);
  assert.equal(saved.module_id, 'my.app');
  assert.deepEqual(saved.params, { key: 'v' });
  assert.equal(saved.extra.revision_web, 19);
  assert.equal(toAll.module_id, 'application');
  assert.equal(bodies(appWs)[0].sender.type, 2);
  await sleep(200);
  assert.deepEqual(bodies(userWs), [], 'the user channel does not carry application events');
  appWs.destroy();
  userWs.destroy();
});

test('a missing, forged or expired token is closed with 4010; a fresh one signed the same way is served', async () => {
  const config = await userConfig(annHook);
  // A token signed with the server's own push key (derived from the master key) but expired.
  const master = masterKey(server.dataDir);
  const pushKey = createHmac('sha256', master).update('imhub push channels v1').digest('hex');
  const [head, claims] = config.jwt.split('.');
  const now = Math.floor(Date.now() / 1000);
  const signed = (c) => {
    const body = Buffer.from(JSON.stringify(c)).toString('base64url');
    return `${head}.${body}.${createHmac('sha256', pushKey).update(`${head}.${body}`).digest('base64url')}`;
  };
  const valid = JSON.parse(Buffer.from(claims, 'base64url').toString());
  const forged = config.jwt.slice(0, -2) + (config.jwt.endsWith('A') ? 'BB' : 'AA');
  const otherUser = { ...valid, sub: String(bob) };
  const tampered = `${head}.${Buffer.from(JSON.stringify(otherUser)).toString('base64url')}.${config.jwt.split('.')[2]}`;
  for (const token of ['', 'garbage', forged, tampered, signed({ ...valid, exp: now - 1 })]) {
    const ws = await subscribe({ ...config, jwt: token });
    assert.equal(await ws.closed, 4010, `token ${token.slice(0, 20)}`);
  }
  const fresh = await subscribe({ ...config, jwt: signed({ ...valid, exp: now + 60 }) });
  await fresh.next((f) => f === 'ping', 3000);
  assert.equal(fresh.closeCode, null);
  fresh.destroy();
});

test('the JSON-RPC mode: pings, answers to the client calls, errors for bad requests', async () => {
  const ws = await subscribe(await userConfig(annHook));
  await ws.next((f) => f === 'ping', 3000);
  ws.send('pong');
  ws.send('mack:00000000000000000000000001');
  ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'ping', params: {}, id: 1 }));
  ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'getUsersLastSeen', params: { userList: [ann, carl] }, id: 2 }));
  ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'listChannels', params: {}, id: 3 }));
  ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'nope', params: {}, id: 4 }));
  ws.send('{not json');
  const reply = async (id) => JSON.parse(await ws.next((f) => f.startsWith('{') && JSON.parse(f).id === id));
  assert.ok('result' in (await reply(1)));
  assert.deepEqual((await reply(2)).result, { [ann]: 0 }, 'Ann is connected; Carl never was');
  assert.equal((await reply(3)).result.channels.length, 2);
  assert.equal((await reply(4)).error.code, -32601);
  assert.equal((await reply(null)).error.code, -32700);
  ws.destroy();
});

test('a client sending too many frames is closed', async () => {
  const ws = await subscribe(await userConfig(bobHook));
  for (let i = 0; i < 30; ++i) ws.send('pong');
  assert.equal(await ws.closed, 1008);
});

test('im.message.add in a private dialog: `message` to both sides from their own point of view, never to others', async () => {
  const annWs = await subscribe(await userConfig(annHook));
  const bobWs = await subscribe(await userConfig(bobHook));
  const carlWs = await subscribe(await userConfig(carlHook));
  const id = (await ok('im.message.add', { DIALOG_ID: carl, MESSAGE: 'hello [b]Carl[/b]' }, { webhook: annHook })).result;
  await annWs.next(command('message'));
  await carlWs.next(command('message'));
  const mine = bodies(annWs).find((p) => p.body.command === 'message').body;
  const theirs = bodies(carlWs).find((p) => p.body.command === 'message').body;
  assert.equal(mine.module_id, 'im');
  assert.equal(mine.params.dialogId, String(carl));
  assert.equal(theirs.params.dialogId, String(ann));
  assert.equal(theirs.params.message.id, id);
  assert.equal(theirs.params.message.text, 'hello [b]Carl[/b]');
  assert.equal(theirs.params.message.senderId, ann);
  assert.equal(theirs.params.counter, 1);
  assert.equal(theirs.params.notify, true);
  assert.deepEqual(theirs.params.chat, []);
  for (const k of ['chatId', 'dialogId', 'chat', 'lines', 'userInChat', 'userBlockChat', 'users', 'message', 'counter',
    'counterType', 'files', 'notify', 'copilot', 'multidialog', 'dateLastActivity']) assert.ok(k in theirs.params, k);
  for (const k of ['id', 'templateId', 'templateFileId', 'prevId', 'chatId', 'senderId', 'recipientId', 'system', 'date',
    'text', 'textLegacy', 'params', 'counter', 'isImportant', 'importantFor', 'additionalEntities', 'forward']) {
    assert.ok(k in theirs.params.message, `message.${k}`);
  }
  assert.equal(theirs.params.users[ann].name, 'Ann Lee');
  assert.equal(theirs.extra.revision_web, 19);
  await sleep(300);
  assert.deepEqual(bodies(bobWs).filter((p) => p.body.module_id === 'im'), [], 'Bob is not in the dialog');
  for (const ws of [annWs, bobWs, carlWs]) ws.destroy();
});

test('im.message.add in a chat: `messageChat` to every member with dialogId chatN; typing reaches the others', async () => {
  const chatId = (await ok('im.chat.add', { TITLE: 'Team', USERS: [bob] }, { webhook: annHook })).result;
  const annWs = await subscribe(await userConfig(annHook));
  const bobWs = await subscribe(await userConfig(bobHook));
  const carlWs = await subscribe(await userConfig(carlHook));
  await ok('im.dialog.writing', { DIALOG_ID: `chat${chatId}` }, { webhook: bobHook });
  await ok('im.message.add', { DIALOG_ID: `chat${chatId}`, MESSAGE: 'team news' }, { webhook: bobHook });
  const typing = JSON.parse(await annWs.next(command('startWriting'))).params.body;
  assert.deepEqual(typing.params, { dialogId: `chat${chatId}`, userId: bob, userName: 'Bob' });
  const forAnn = JSON.parse(await annWs.next(command('messageChat'))).params.body.params;
  const forBob = JSON.parse(await bobWs.next(command('messageChat'))).params.body.params;
  assert.equal(forAnn.dialogId, `chat${chatId}`);
  assert.equal(forAnn.chat[chatId].id, chatId);
  assert.deepEqual(forAnn.userInChat[chatId].sort(), [ann, bob].sort());
  assert.equal(typeof forAnn.counter, 'number');
  assert.ok(forAnn.counter >= 1);
  assert.equal(forBob.notify, false, 'no sound for the author');
  await sleep(300);
  assert.deepEqual(bodies(carlWs), [], 'Carl is not a member');
  assert.ok(!bodies(bobWs).some((p) => p.body.command === 'startWriting'), 'the writer does not hear itself');
  for (const ws of [annWs, bobWs, carlWs]) ws.destroy();
});

test('im.message.update and im.message.delete: messageUpdate, messageDelete, messageDeleteComplete to the members only', async () => {
  const annWs = await subscribe(await userConfig(annHook));
  const bobWs = await subscribe(await userConfig(bobHook));
  const carlWs = await subscribe(await userConfig(carlHook));
  const id = (await ok('im.message.add', { DIALOG_ID: carl, MESSAGE: 'draft' }, { webhook: annHook })).result;
  const other = (await ok('im.message.add', { DIALOG_ID: carl, MESSAGE: 'to erase' }, { webhook: annHook })).result;
  await ok('im.message.update', { MESSAGE_ID: id, MESSAGE: 'final' }, { webhook: annHook });
  const upd = JSON.parse(await carlWs.next(command('messageUpdate'))).params.body.params;
  assert.equal(upd.id, id);
  assert.equal(upd.text, 'final');
  assert.equal(upd.type, 'private');
  assert.equal(upd.dialogId, String(ann));
  assert.equal(upd.senderId, ann);
  assert.equal(upd.params.IS_EDITED, 'Y');
  assert.equal(JSON.parse(await annWs.next(command('messageUpdate'))).params.body.params.dialogId, String(carl));
  await ok('im.message.delete', { MESSAGE_ID: id }, { webhook: annHook });
  const del = JSON.parse(await carlWs.next(command('messageDelete'))).params.body.params;
  assert.equal(del.id, id);
  assert.equal(del.params.IS_DELETED, 'Y');
  assert.equal(del.params.KEYBOARD, 'N');
  await ok('im.message.delete', { MESSAGE_ID: other, COMPLETE: 'Y' }, { webhook: annHook });
  const gone = JSON.parse(await carlWs.next(command('messageDeleteComplete'))).params.body.params;
  assert.equal(gone.id, other);
  for (const k of ['unread', 'muted', 'counter', 'counterType', 'newLastMessage']) assert.ok(k in gone, k);
  assert.equal(gone.newLastMessage.id, id, 'the soft-deleted message is now the last one');
  await sleep(300);
  assert.deepEqual(bodies(bobWs).filter((p) => p.body.module_id === 'im'), [], 'Bob is not in the dialog');
  for (const ws of [annWs, bobWs, carlWs]) ws.destroy();
});

test('im.dialog.read: readMessage to the reader, readMessageOpponent to the other side; readMessageChat(Opponent) in chats', async () => {
  const id = (await ok('im.message.add', { DIALOG_ID: ann, MESSAGE: 'read me' }, { webhook: bobHook })).result;
  const annWs = await subscribe(await userConfig(annHook));
  const bobWs = await subscribe(await userConfig(bobHook));
  const carlWs = await subscribe(await userConfig(carlHook));
  await ok('im.dialog.read', { DIALOG_ID: bob, MESSAGE_ID: id }, { webhook: annHook });
  const own = JSON.parse(await annWs.next(command('readMessage'))).params.body.params;
  assert.equal(own.dialogId, String(bob));
  assert.equal(own.lastId, id);
  assert.equal(own.counter, 0);
  assert.equal(own.type, 'private');
  const theirs = JSON.parse(await bobWs.next(command('readMessageOpponent'))).params.body.params;
  assert.equal(theirs.dialogId, String(ann));
  assert.equal(theirs.userId, ann);
  assert.equal(theirs.userName, 'Ann Lee');
  assert.equal(theirs.lastId, id);
  const chatId = (await ok('im.chat.add', { TITLE: 'Reads', USERS: [bob] }, { webhook: annHook })).result;
  const m = (await ok('im.message.add', { DIALOG_ID: `chat${chatId}`, MESSAGE: 'x' }, { webhook: annHook })).result;
  await ok('im.dialog.read', { DIALOG_ID: `chat${chatId}`, MESSAGE_ID: m }, { webhook: bobHook });
  const chatRead = JSON.parse(await annWs.next(command('readMessageChatOpponent'))).params.body.params;
  assert.equal(chatRead.dialogId, `chat${chatId}`);
  assert.equal(chatRead.userId, bob);
  await bobWs.next(command('readMessageChat'));
  await sleep(300);
  assert.deepEqual(bodies(carlWs), [], 'Carl is in neither');
  for (const ws of [annWs, bobWs, carlWs]) ws.destroy();
});

test('a client reconnecting with its last mid gets what it missed, in order', async () => {
  const config = await userConfig(carlHook);
  const first = await subscribe(config);
  await ok('im.message.add', { DIALOG_ID: carl, MESSAGE: 'one' }, { webhook: bobHook });
  const last = JSON.parse(await first.next(command('message'))).params.mid;
  first.destroy();
  await ok('im.message.add', { DIALOG_ID: carl, MESSAGE: 'two' }, { webhook: bobHook });
  await ok('im.message.add', { DIALOG_ID: carl, MESSAGE: 'three' }, { webhook: annHook });
  await sleep(200);
  const again = await subscribe(config, last);
  await again.next((f) => f.includes('three'));
  const texts = bodies(again).map((p) => p.body.params.message.text);
  assert.deepEqual(texts, ['two', 'three']);
  again.destroy();
});

test('pull.channel.public.list and .get describe users for client publishing', async () => {
  await fails('pull.channel.public.list', {}, 400, 'INVALID_FORMAT', 'A wrong format for the USERS field is passed', { webhook: annHook });
  await fails('pull.channel.public.list', { USERS: 'nope' }, 400, 'INVALID_FORMAT', undefined, { webhook: annHook });
  await fails('pull.channel.public.list', { USERS: [bob], APPLICATION: 'Y' }, 400, 'WRONG_AUTH_TYPE', undefined, { webhook: annHook });
  const list = (await ok('pull.channel.public.list', { users: JSON.stringify([bob, 999999]) }, { webhook: annHook })).result;
  assert.deepEqual(Object.keys(list), [String(bob)]);
  assert.deepEqual(Object.keys(list[bob]).sort(), ['end', 'public_id', 'signature', 'start', 'user_id']);
  const one = (await ok('pull.channel.public.get', { USER_ID: bob }, { webhook: annHook })).result;
  assert.equal(one.public_id, list[bob].public_id);
  const appList = (await restOk(server, 'pull.channel.public.list', { USERS: [bob], APPLICATION: 'Y' }, annToken)).result;
  assert.notEqual(appList[bob].public_id, list[bob].public_id);

  // A JSON-RPC publish to Bob's public id reaches Bob as a client message; a bad signature is refused.
  const bobWs = await subscribe(await userConfig(bobHook));
  const annWs = await subscribe(await userConfig(annHook));
  const body = { module_id: 'chat', command: 'hi', params: { a: 1 } };
  annWs.send(JSON.stringify({ jsonrpc: '2.0', method: 'publish', id: 7,
    params: { channelList: [{ publicId: list[bob].public_id, signature: 'bad' }], body } }));
  const rpc = (id) => (f) => f.startsWith('{"jsonrpc"') && JSON.parse(f).id === id;
  assert.equal(JSON.parse(await annWs.next(rpc(7))).error.code, -32602);
  annWs.send(JSON.stringify({ jsonrpc: '2.0', method: 'publish', id: 8,
    params: { channelList: [{ publicId: list[bob].public_id, signature: list[bob].signature }], body } }));
  assert.equal(JSON.parse(await annWs.next(rpc(8))).result, true);
  const got = JSON.parse(await bobWs.next(command('hi'))).params;
  assert.equal(got.sender.type, 1);
  assert.deepEqual(got.body.params, { a: 1 });
  bobWs.destroy();
  annWs.destroy();
});
