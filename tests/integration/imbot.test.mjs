// imbot.register / unregister / update / bot.list and imbot.message.* (protocol.md §9.1, §9.5–§9.7;
// reference chat-bots/outdated/bots/ and messages/): every parameter and documented error, for a
// webhook with CLIENT_ID and for an OAuth application. The events they cause are read from the
// outbox (imbot_events.test.mjs covers the events of chats).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertShape } from './harness.mjs';
import { addApp, signIn, rest, restOk, restFails, outbox, sql } from './oauth_client.mjs';

let server;
let aliceId;
let alice;  // Alice's webhook (scopes im, imbot)

const H = 'http://127.0.0.1:9/bot';
// A 1x1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const reg = (params) => server.call('imbot.register', params);
const ok = async (method, params) => (await server.ok(method, params)).result;
const hook = (client) => ({ CLIENT_ID: client });

async function register(code, extra = {}, client = 'cli1') {
  return ok('imbot.register', {
    CODE: code, EVENT_HANDLER: H, PROPERTIES: { NAME: `Bot ${code}` }, ...hook(client), ...extra,
  });
}

before(async () => {
  server = await startServer({ config: '[bots]\nmax_per_app = 3\n' });
  aliceId = server.cli('user', 'add', '--name', 'Alice', '--last-name', 'Smith').user_id;
  alice = server.cli('webhook', 'add', '--user', String(aliceId), '--scope', 'im,imbot').webhook;
});
after(async () => { await server.cleanup(); });

test('imbot.register through a webhook needs CLIENT_ID', async () => {
  await server.fails('imbot.register', { CODE: 'x', EVENT_HANDLER: H, PROPERTIES: { NAME: 'X' } }, 403,
    'ACCESS_DENIED', 'Access denied! Client ID not specified');
  for (const m of ['imbot.unregister', 'imbot.update', 'imbot.message.add', 'imbot.message.update',
    'imbot.message.delete', 'imbot.message.like']) {
    await server.fails(m, { BOT_ID: 1 }, 403, 'ACCESS_DENIED', 'Access denied! Client ID not specified');
  }
});

test('imbot.register: required handlers, handler URLs, CODE and NAME', async () => {
  const base = { CODE: 'errs', PROPERTIES: { NAME: 'E' }, CLIENT_ID: 'cli-err' };
  const all = { EVENT_MESSAGE_ADD: H, EVENT_WELCOME_MESSAGE: H, EVENT_BOT_DELETE: H };
  const fail = (params, error, description) => server.fails('imbot.register', params, 400, error, description);
  await fail({ ...base, EVENT_WELCOME_MESSAGE: H, EVENT_BOT_DELETE: H }, 'EVENT_MESSAGE_ADD_ERROR',
    'Handler for "Message add" event isn\'t specified');
  await fail({ ...base, EVENT_MESSAGE_ADD: H, EVENT_BOT_DELETE: H }, 'EVENT_WELCOME_MESSAGE_ERROR',
    'Handler for "Welcome message" event isn\'t specified');
  await fail({ ...base, EVENT_MESSAGE_ADD: H, EVENT_WELCOME_MESSAGE: H }, 'EVENT_BOT_DELETE_ERROR',
    'Handler for "Bot delete" event isn\'t specified');
  for (const [param, error] of [['EVENT_MESSAGE_ADD', 'EVENT_MESSAGE_ADD_ERROR'],
    ['EVENT_MESSAGE_UPDATE', 'EVENT_MESSAGE_UPDATE_ERROR'], ['EVENT_MESSAGE_DELETE', 'EVENT_MESSAGE_DELETE_ERROR'],
    ['EVENT_WELCOME_MESSAGE', 'EVENT_WELCOME_MESSAGE_ERROR'], ['EVENT_BOT_DELETE', 'EVENT_BOT_DELETE_ERROR']]) {
    await fail({ ...base, ...all, [param]: 'ftp://example.com/h' }, error, 'Wrong handler URL');
    await fail({ ...base, ...all, [param]: 'http:///nohost' }, error, 'Wrong handler URL');
  }
  await fail({ ...base, EVENT_HANDLER: 'javascript:alert(1)' }, 'EVENT_MESSAGE_ADD_ERROR', 'Wrong handler URL');
  await fail({ ...base, ...all, CODE: '' }, 'CODE_ERROR', 'Bot code isn\'t specified');
  await fail({ ...base, ...all, PROPERTIES: {} }, 'NAME_ERROR', 'Bot name isn\'t specified');
  await fail({ ...base, ...all, PROPERTIES: { NAME: ' ', LAST_NAME: '' } }, 'NAME_ERROR', 'Bot name isn\'t specified');
  await fail({ ...base, ...all, PROPERTIES: 'Bob' }, 'NAME_ERROR');
  assert.equal(sql(server, "SELECT COUNT(*) AS n FROM bots WHERE owner = 'user:1:customcli-err'")[0].n, 0);
});

test('imbot.register creates a bot user; CLIENT_ID goes into every handler URL', async () => {
  const id = await ok('imbot.register', {
    CODE: 'weather', TYPE: 'Z', EVENT_MESSAGE_ADD: `${H}/add?x=1`, EVENT_MESSAGE_UPDATE: `${H}/upd`,
    EVENT_MESSAGE_DELETE: `${H}/del`, EVENT_WELCOME_MESSAGE: `${H}/welcome`, EVENT_BOT_DELETE: `${H}/delete`,
    PROPERTIES: { NAME: 'Weather', LAST_NAME: 'Bot', COLOR: 'mint', EMAIL: 'weather@example.com',
      PERSONAL_BIRTHDAY: '2016-03-01', PERSONAL_WWW: 'https://example.com', PERSONAL_GENDER: 'F',
      PERSONAL_PHOTO: PNG },
    CLIENT_ID: 'cli1',
  });
  assert.equal(typeof id, 'number');
  const [row] = sql(server, `SELECT * FROM bots WHERE id = ${id}`);
  assert.equal(row.code, 'weather');
  assert.equal(row.type, 'B', 'an unknown TYPE is B');
  assert.equal(row.openline, 0);
  assert.equal(row.app_id, 0);
  assert.equal(row.owner, 'user:1:customcli1');  // bound to the registering user (issue 17)
  assert.equal(row.handler_message_add, `${H}/add?x=1&CLIENT_ID=cli1`);
  assert.equal(row.handler_welcome, `${H}/welcome?CLIENT_ID=cli1`);
  assert.equal(row.handler_bot_delete, `${H}/delete?CLIENT_ID=cli1`);
  assert.equal(row.handler_message_update, '', 'a B bot gets no edits');
  assert.equal(row.handler_message_delete, '');
  const [user] = sql(server, `SELECT * FROM users WHERE id = ${id}`);
  assert.match(user.login, /^bot_rest_weather_[a-z0-9]{5}$/);
  assert.equal(user.external_auth_id, 'bot');
  assert.equal(user.active, 1);
  const u = await ok('im.user.get', { ID: id });
  assert.equal(u.name, 'Weather Bot');
  assert.equal(u.bot, true);
  assert.equal(u.type, 'bot');
  assert.equal(u.work_position, 'Chat bot');
  assert.equal(u.color, '#4ba984');
  assert.equal(u.gender, 'F');
  assert.equal(u.birthday, '01-03');
  assert.equal(u.website, 'https://example.com');
  assert.equal(u.email, 'weather@example.com');
  assert.deepEqual(u.bot_data, { code: 'weather', type: 'bot', app_id: 'customcli1', is_hidden: false,
    is_support_openline: false });
  assert.match(u.avatar, /\/avatar\/user-[0-9a-f]{16}\.png$/);
  const photo = await server.raw(new URL(u.avatar).pathname);
  assert.equal(photo.status, 200);
  // Webhook bots keep their handlers in their row; no application binding is made.
  assert.equal(sql(server, 'SELECT COUNT(*) AS n FROM event_bindings')[0].n, 0);
  // The same CODE answers with the same bot.
  assert.equal(await register('weather'), id);
  assert.equal(sql(server, "SELECT COUNT(*) AS n FROM bots WHERE code = 'weather'")[0].n, 1);
});

test('TYPE S and O keep the edit handlers; O forces OPENLINE', async () => {
  const s = await register('super', { TYPE: 'S' }, 'cli-types');
  const o = await register('lines', { TYPE: 'O', OPENLINE: 'N' }, 'cli-types');
  const ol = await register('hybrid', { TYPE: 'B', OPENLINE: 'Y' }, 'cli-types');
  const rows = Object.fromEntries(sql(server, `SELECT * FROM bots WHERE id IN (${s}, ${o}, ${ol})`).map((r) => [r.id, r]));
  assert.equal(rows[s].type, 'S');
  assert.equal(rows[s].handler_message_update, `${H}?CLIENT_ID=cli-types`);
  assert.equal(rows[s].handler_message_delete, `${H}?CLIENT_ID=cli-types`);
  assert.equal(rows[o].openline, 1);
  assert.equal(rows[o].handler_message_update, `${H}?CLIENT_ID=cli-types`);
  assert.equal(rows[ol].openline, 1);
  assert.equal(rows[ol].handler_message_delete, `${H}?CLIENT_ID=cli-types`);
  const list = await ok('imbot.bot.list', {});
  assert.equal(list[o].OPENLINE, 'Y');
  assert.equal(list[s].OPENLINE, 'N');
  assert.equal((await ok('im.user.get', { ID: s })).bot_data.type, 'supervisor');
  assert.equal((await ok('im.user.get', { ID: o })).bot_data.type, 'openline');
});

test('MAX_COUNT_ERROR at bots.max_per_app, per CLIENT_ID; an existing CODE still answers', async () => {
  await register('m1', {}, 'cli-max');
  await register('m2', {}, 'cli-max');
  const third = await register('m3', {}, 'cli-max');
  await server.fails('imbot.register', { CODE: 'm4', EVENT_HANDLER: H, PROPERTIES: { NAME: 'M4' }, CLIENT_ID: 'cli-max' },
    400, 'MAX_COUNT_ERROR', 'Has reached the maximum number of bots for application (max: 3)');
  assert.equal(await register('m3', {}, 'cli-max'), third);
  assert.ok(await register('m4', {}, 'cli-other') > 0, 'another CLIENT_ID has its own count');
});

test('imbot.bot.list: a map of every bot by id', async () => {
  const id = await register('listed', { PROPERTIES: { NAME: 'Listed', LAST_NAME: 'One' } }, 'cli-list');
  const list = await ok('imbot.bot.list', {});
  assertShape(assert, list, { [id]: { ID: 39, NAME: 'NewBot', CODE: 'newbot', OPENLINE: 'N' } });
  assert.deepEqual(list[id], { ID: id, NAME: 'Listed One', CODE: 'listed', OPENLINE: 'N' });
  // Even a caller without a CLIENT_ID may list (the platform checks only the session).
  assert.equal((await server.call('imbot.bot.list', {}, { webhook: alice })).status, 200);
});

test('imbot.update: errors', async () => {
  const id = await register('upd-err', {}, 'cli-ue');
  const fail = (params, status, error, description) => server.fails('imbot.update', params, status, error, description);
  await fail({ BOT_ID: 999999, FIELDS: { CODE: 'x' }, CLIENT_ID: 'cli-ue' }, 400, 'BOT_ID_ERROR', 'Bot not found');
  await fail({ FIELDS: { CODE: 'x' }, CLIENT_ID: 'cli-ue' }, 400, 'BOT_ID_ERROR', 'Bot not found');
  await fail({ BOT_ID: id, FIELDS: { CODE: 'x' }, CLIENT_ID: 'cli-ue2' }, 400, 'APP_ID_ERROR',
    'Bot was installed by another rest application');
  await fail({ BOT_ID: id, FIELDS: {}, CLIENT_ID: 'cli-ue' }, 400, 'WRONG_REQUEST', 'Update fields can\'t be empty');
  await fail({ BOT_ID: id, CLIENT_ID: 'cli-ue' }, 400, 'WRONG_REQUEST', 'Update fields can\'t be empty');
  await fail({ BOT_ID: id, FIELDS: { PROPERTIES: { NAME: '', LAST_NAME: '' } }, CLIENT_ID: 'cli-ue' }, 400, 'NAME_ERROR',
    'Bot name isn\'t specified');
  for (const [param, error] of [['EVENT_MESSAGE_ADD', 'EVENT_MESSAGE_ADD_ERROR'],
    ['EVENT_MESSAGE_UPDATE', 'EVENT_MESSAGE_UPDATE_ERROR'], ['EVENT_MESSAGE_DELETE', 'EVENT_MESSAGE_DELETE_ERROR'],
    ['EVENT_WELCOME_MESSAGE', 'EVENT_WELCOME_MESSAGE_ERROR'], ['EVENT_BOT_DELETE', 'EVENT_BOT_DELETE_ERROR']]) {
    await fail({ BOT_ID: id, FIELDS: { [param]: 'gopher://x.example/' }, CLIENT_ID: 'cli-ue' }, 400, error,
      'Wrong handler URL');
  }
  await register('taken', {}, 'cli-ue');
  await fail({ BOT_ID: id, FIELDS: { CODE: 'taken' }, CLIENT_ID: 'cli-ue' }, 400, 'WRONG_REQUEST',
    'Bot can\'t be updated');
});

test('imbot.update: code, profile, handlers, and the TYPE quirk', async () => {
  const id = await register('upd', {}, 'cli-upd');
  assert.equal(await ok('imbot.update', {
    BOT_ID: id, CLIENT_ID: 'cli-upd',
    FIELDS: { CODE: 'upd2', EVENT_MESSAGE_UPDATE: `${H}/edits`, PROPERTIES: { NAME: 'Renamed', WORK_POSITION: 'Helper',
      COLOR: 'RED' } },
  }), true);
  let [row] = sql(server, `SELECT * FROM bots WHERE id = ${id}`);
  assert.equal(row.code, 'upd2');
  assert.equal(row.handler_message_update, `${H}/edits?CLIENT_ID=cli-upd`, 'imbot.update binds edits even for B');
  assert.equal(row.handler_message_add, `${H}?CLIENT_ID=cli-upd`, 'handlers not given stay');
  const u = await ok('im.user.get', { ID: id });
  assert.equal(u.name, 'Renamed');
  assert.equal(u.work_position, 'Helper');
  assert.equal(u.color, '#df532d');
  // FIELDS.TYPE counts only when the top-level TYPE is O, B or H.
  await server.fails('imbot.update', { BOT_ID: id, FIELDS: { TYPE: 'S' }, CLIENT_ID: 'cli-upd' }, 400, 'WRONG_REQUEST',
    'Update fields can\'t be empty');
  [row] = sql(server, `SELECT * FROM bots WHERE id = ${id}`);
  assert.equal(row.type, 'B');
  await ok('imbot.update', { BOT_ID: id, TYPE: 'B', FIELDS: { TYPE: 'S', OPENLINE: 'Y' }, CLIENT_ID: 'cli-upd' });
  [row] = sql(server, `SELECT * FROM bots WHERE id = ${id}`);
  assert.equal(row.type, 'S');
  assert.equal(row.openline, 1);
  // EVENT_HANDLER fills all five.
  await ok('imbot.update', { BOT_ID: id, FIELDS: { EVENT_HANDLER: `${H}/all` }, CLIENT_ID: 'cli-upd' });
  [row] = sql(server, `SELECT * FROM bots WHERE id = ${id}`);
  for (const k of ['handler_message_add', 'handler_message_update', 'handler_message_delete', 'handler_welcome',
    'handler_bot_delete']) assert.equal(row[k], `${H}/all?CLIENT_ID=cli-upd`, k);
});

test('imbot.unregister: errors, ONIMBOTDELETE, the bot user and its private chats go', async () => {
  const id = await register('gone', { EVENT_BOT_DELETE: `${H}/bye`, EVENT_HANDLER: undefined,
    EVENT_MESSAGE_ADD: H, EVENT_WELCOME_MESSAGE: H }, 'cli-gone');
  await server.fails('imbot.unregister', { BOT_ID: 999999, CLIENT_ID: 'cli-gone' }, 400, 'BOT_ID_ERROR', 'Bot not found');
  await server.fails('imbot.unregister', { CLIENT_ID: 'cli-gone' }, 400, 'BOT_ID_ERROR', 'Bot not found');
  await server.fails('imbot.unregister', { BOT_ID: id, CLIENT_ID: 'nope' }, 400, 'APP_ID_ERROR',
    'Bot was installed by another rest application');
  // A private dialog with the bot, a command of the bot, and a group chat it is in.
  await server.ok('im.message.add', { DIALOG_ID: String(id), MESSAGE: 'hi bot' });
  const chat = await ok('im.chat.add', { USERS: [id, aliceId], TITLE: 'With the bot' });
  await ok('imbot.command.register', { BOT_ID: id, COMMAND: 'gone', EVENT_COMMAND_ADD: H,
    LANG: [{ LANGUAGE_ID: 'en', TITLE: 'Gone' }], CLIENT_ID: 'cli-gone' });
  await ok('imbot.message.add', { BOT_ID: id, DIALOG_ID: `chat${chat}`, MESSAGE: 'bot was here', CLIENT_ID: 'cli-gone' });
  const privateChat = sql(server, `SELECT id FROM chats WHERE private_key = '1:${id}'`)[0].id;
  assert.equal(await ok('imbot.unregister', { BOT_ID: id, CLIENT_ID: 'cli-gone' }), true);
  const [e] = outbox(server, 'ONIMBOTDELETE').filter((r) => r.payload.data.BOT_ID === id);
  assert.equal(e.handler, `${H}/bye?CLIENT_ID=cli-gone`);
  assert.equal(e.app_id, 0);
  assert.deepEqual(e.payload.data, { BOT_ID: id, BOT_CODE: 'gone' });
  assert.equal(e.payload.application_token, 'cli-gone');
  assert.equal(e.payload.send_refresh_token, false);
  assert.equal(sql(server, `SELECT COUNT(*) AS n FROM bots WHERE id = ${id}`)[0].n, 0);
  assert.equal(sql(server, `SELECT COUNT(*) AS n FROM users WHERE id = ${id}`)[0].n, 0);
  assert.equal(sql(server, `SELECT COUNT(*) AS n FROM bot_commands WHERE bot_id = ${id}`)[0].n, 0);
  assert.equal(sql(server, `SELECT COUNT(*) AS n FROM chats WHERE id = ${privateChat}`)[0].n, 0);
  assert.equal(sql(server, `SELECT COUNT(*) AS n FROM messages WHERE chat_id = ${privateChat}`)[0].n, 0);
  assert.deepEqual((await ok('im.chat.user.list', { CHAT_ID: chat })).sort(), [1, aliceId].sort());
  assert.equal((await ok('imbot.bot.list', {}))[id], undefined);
  // What the bot wrote in group chats stays and still reads, without its author.
  const history = await ok('im.dialog.messages.get', { DIALOG_ID: `chat${chat}` });
  assert.ok(history.messages.some((m) => m.text === 'bot was here' && m.author_id === id));
  assert.equal(history.users[id], undefined);
  assert.ok((await ok('im.recent.get', {})).some((item) => item.id === `chat${chat}`));
  await server.fails('imbot.unregister', { BOT_ID: id, CLIENT_ID: 'cli-gone' }, 400, 'BOT_ID_ERROR');
});

test('imbot.message.add: errors', async () => {
  const id = await register('writer-err', {}, 'cli-w');
  const fail = (params, status, error, description) =>
    server.fails('imbot.message.add', { CLIENT_ID: 'cli-w', ...params }, status, error, description);
  await fail({ BOT_ID: 999999, DIALOG_ID: '1', MESSAGE: 'x' }, 400, 'BOT_ID_ERROR', 'Bot not found');
  await fail({ BOT_ID: id, DIALOG_ID: '1', MESSAGE: 'x', CLIENT_ID: 'cli-list' }, 400, 'APP_ID_ERROR');
  await server.fails('imbot.message.add', { DIALOG_ID: '1', MESSAGE: 'x', CLIENT_ID: 'nobots' }, 400, 'BOT_ID_ERROR',
    'Bot not found');
  await fail({ MESSAGE: 'x' }, 400, 'DIALOG_ID_EMPTY', 'Dialog ID can\'t be empty');
  await fail({ DIALOG_ID: 'chatx', MESSAGE: 'x' }, 400, 'DIALOG_ID_EMPTY');
  await fail({ DIALOG_ID: '1' }, 400, 'MESSAGE_EMPTY', 'Message can\'t be empty');
  await fail({ DIALOG_ID: '1', MESSAGE: '  \n ' }, 400, 'MESSAGE_EMPTY');
  await fail({ DIALOG_ID: '1', MESSAGE: 'x', ATTACH: { BLOCKS: 'nope' } }, 400, 'ATTACH_ERROR', 'Incorrect attach params');
  await fail({ DIALOG_ID: '1', MESSAGE: 'x', ATTACH: [{ MESSAGE: 'x'.repeat(31 * 1024) }] }, 400, 'ATTACH_OVERSIZE');
  await fail({ DIALOG_ID: '1', MESSAGE: 'x', KEYBOARD: [{ NOTEXT: 1 }] }, 400, 'KEYBOARD_ERROR',
    'Incorrect keyboard params');
  await fail({ DIALOG_ID: '1', MESSAGE: 'x', MENU: [{ TEXT: 'no action' }] }, 400, 'MENU_ERROR', 'Incorrect menu params');
  const chat = await ok('im.chat.add', { USERS: [aliceId], TITLE: 'No bot here' });
  await fail({ DIALOG_ID: `chat${chat}`, MESSAGE: 'x' }, 400, 'WRONG_REQUEST', 'Message isn\'t added');
  await fail({ DIALOG_ID: '999999', MESSAGE: 'x' }, 400, 'WRONG_REQUEST', 'Message isn\'t added');
});

test('imbot.message.add: private, chat, SYSTEM, FROM_USER_ID+TO_USER_ID, keyboard', async () => {
  const id = await register('writer', { PROPERTIES: { NAME: 'Writer', LAST_NAME: 'Bot' } }, 'cli-w2');
  // BOT_ID omitted: the first bot of the CLIENT_ID.
  const m1 = await ok('imbot.message.add', { DIALOG_ID: String(aliceId), MESSAGE: 'Hello [b]Alice[/b]', CLIENT_ID: 'cli-w2',
    KEYBOARD: [{ TEXT: 'Next', COMMAND: 'page', COMMAND_PARAMS: '2' }], ATTACH: [{ MESSAGE: 'attached' }] });
  assert.equal(typeof m1, 'number');
  const hist = (await server.ok('im.dialog.messages.get', { DIALOG_ID: String(id) }, { webhook: alice })).result;
  const got = hist.messages.find((m) => m.id === m1);
  assert.equal(got.author_id, id);
  assert.equal(got.text, 'Hello [b]Alice[/b]');
  assert.equal(got.params.KEYBOARD[0].BOT_ID, id, 'buttons go to the writing bot');
  assert.equal(got.params.KEYBOARD[0].COMMAND, 'page');
  assert.ok(got.params.ATTACH);
  const chat = await ok('im.chat.add', { USERS: [id, aliceId], TITLE: 'Bot room' });
  const m2 = await ok('imbot.message.add', { BOT_ID: id, DIALOG_ID: `chat${chat}`, MESSAGE: 'Maintenance at 5',
    SYSTEM: 'Y', URL_PREVIEW: 'N', CLIENT_ID: 'cli-w2' });
  const [row2] = sql(server, `SELECT * FROM messages WHERE id = ${m2}`);
  assert.equal(row2.text, 'Writer Bot:\nMaintenance at 5');
  assert.equal(row2.system, 1);
  const m3 = await ok('imbot.message.add', { BOT_ID: id, FROM_USER_ID: 1, TO_USER_ID: aliceId, MESSAGE: 'Reminder',
    CLIENT_ID: 'cli-w2' });
  const [row3] = sql(server, `SELECT m.*, c.type, c.private_key FROM messages m JOIN chats c ON c.id = m.chat_id WHERE m.id = ${m3}`);
  assert.equal(row3.author_id, 1);
  assert.equal(row3.system, 1);
  assert.equal(row3.private_key, `1:${aliceId}`);
  assert.equal(row3.text, `Message from [USER=${id}][/USER]\nReminder`);
  // Bots write without causing bot events.
  const mine = (r) => r.payload.application_token === 'cli-w2';
  assert.equal(outbox(server, 'ONIMBOTMESSAGEADD').filter(mine).length, 0);
  assert.equal(outbox(server, 'ONIMBOTJOINCHAT').filter(mine).length, 1, 'only the join of the chat it was added to');
});

test('imbot.message.update / delete / like', async () => {
  const id = await register('editor', {}, 'cli-e');
  const c = { CLIENT_ID: 'cli-e' };
  const mid = await ok('imbot.message.add', { ...c, DIALOG_ID: String(aliceId), MESSAGE: 'v1',
    KEYBOARD: [{ TEXT: 'A', COMMAND: 'a' }], MENU: [{ TEXT: 'M', COMMAND: 'm' }], ATTACH: [{ MESSAGE: 'att' }] });
  await server.fails('imbot.message.update', { ...c, MESSAGE: 'x' }, 400, 'MESSAGE_ID_ERROR', 'Message ID can\'t be empty');
  const aliceMsg = (await server.ok('im.message.add', { DIALOG_ID: String(id), MESSAGE: 'mine' }, { webhook: alice })).result;
  await server.fails('imbot.message.update', { ...c, MESSAGE_ID: aliceMsg, MESSAGE: 'x' }, 403, 'CANT_EDIT_MESSAGE',
    'Time has expired for modification or you don\'t have access');
  await server.fails('imbot.message.update', { ...c, MESSAGE_ID: mid, KEYBOARD: [{ X: 1 }] }, 400, 'KEYBOARD_ERROR');
  assert.equal(await ok('imbot.message.update', { ...c, MESSAGE_ID: mid, MESSAGE: 'v2', KEYBOARD: 'N', MENU: '' }), true);
  let [row] = sql(server, `SELECT * FROM messages WHERE id = ${mid}`);
  const params = JSON.parse(row.params);
  assert.equal(row.text, 'v2');
  assert.equal(params.KEYBOARD, undefined);
  assert.equal(params.MENU, undefined);
  assert.ok(params.ATTACH);
  assert.equal(params.IS_EDITED, undefined, 'bot rewrites carry no edited mark');
  // An empty MESSAGE deletes unless an attach is left: remove it too.
  await ok('imbot.message.update', { ...c, MESSAGE_ID: mid, MESSAGE: '', ATTACH: 'N' });
  [row] = sql(server, `SELECT * FROM messages WHERE id = ${mid}`);
  assert.equal(row.deleted, 1);
  await server.fails('imbot.message.update', { ...c, MESSAGE_ID: mid, MESSAGE: 'again' }, 403, 'CANT_EDIT_MESSAGE');

  const m2 = await ok('imbot.message.add', { ...c, DIALOG_ID: String(aliceId), MESSAGE: 'to delete' });
  await server.fails('imbot.message.delete', { ...c }, 400, 'MESSAGE_ID_ERROR', 'Message ID can\'t be empty');
  await server.fails('imbot.message.delete', { ...c, MESSAGE_ID: aliceMsg }, 403, 'CANT_EDIT_MESSAGE');
  assert.equal(await ok('imbot.message.delete', { ...c, MESSAGE_ID: m2 }), true);
  [row] = sql(server, `SELECT * FROM messages WHERE id = ${m2}`);
  assert.equal(row.deleted, 1);
  assert.equal(row.text, 'This message was deleted.');
  const m3 = await ok('imbot.message.add', { ...c, DIALOG_ID: String(aliceId), MESSAGE: 'to erase' });
  assert.equal(await ok('imbot.message.delete', { ...c, MESSAGE_ID: m3, COMPLETE: 'Y' }), true);
  assert.equal(sql(server, `SELECT COUNT(*) AS n FROM messages WHERE id = ${m3}`)[0].n, 0);

  await server.fails('imbot.message.like', { ...c }, 400, 'MESSAGE_ID_ERROR');
  assert.equal(await ok('imbot.message.like', { ...c, MESSAGE_ID: aliceMsg }), true);
  assert.deepEqual(JSON.parse(sql(server, `SELECT params FROM messages WHERE id = ${aliceMsg}`)[0].params).LIKE, [id]);
  await server.fails('imbot.message.like', { ...c, MESSAGE_ID: aliceMsg, ACTION: 'plus' }, 400, 'WITHOUT_CHANGES',
    'Action completed without changes');
  assert.equal(await ok('imbot.message.like', { ...c, MESSAGE_ID: aliceMsg, ACTION: 'minus' }), true);
  const elsewhere = await ok('im.chat.add', { USERS: [aliceId], TITLE: 'No bot' });
  const foreign = await ok('im.message.add', { DIALOG_ID: `chat${elsewhere}`, MESSAGE: 'not for bots' });
  await server.fails('imbot.message.like', { ...c, MESSAGE_ID: foreign }, 400, 'WITHOUT_CHANGES');
});

test('an OAuth application: CLIENT_ID ignored, handlers become its event bindings, limit per application', async () => {
  const app = addApp(server, { name: 'BotApp', scope: 'im,imbot' });
  const tokens = await signIn(server, app);
  const call = (method, params) => restOk(server, method, params, tokens.access_token);
  const first = (await call('imbot.register', { CODE: 'appbot1', TYPE: 'S', EVENT_HANDLER: `${H}/v1`,
    PROPERTIES: { NAME: 'App One' }, CLIENT_ID: 'ignored' })).result;
  const [row] = sql(server, `SELECT * FROM bots WHERE id = ${first}`);
  assert.equal(row.owner, `app:${app.app_id}`);
  assert.equal((await call('im.user.get', { ID: first })).result.bot_data.app_id, app.client_id);
  assert.equal(row.app_id, app.app_id);
  assert.equal(row.handler_message_add, `${H}/v1`, 'no CLIENT_ID for applications');
  const bindings = () => sql(server, `SELECT event, handler, user_id FROM event_bindings WHERE app_id = ${app.app_id} ORDER BY event`);
  assert.deepEqual(bindings(), ['ONIMBOTDELETE', 'ONIMBOTJOINCHAT', 'ONIMBOTMESSAGEADD', 'ONIMBOTMESSAGEDELETE',
    'ONIMBOTMESSAGEUPDATE'].map((event) => ({ event, handler: `${H}/v1`, user_id: 0 })));
  // A second bot re-binds the application's one set of handlers; its B type keeps the old edit URLs.
  const second = (await call('imbot.register', { CODE: 'appbot2', EVENT_HANDLER: `${H}/v2`,
    PROPERTIES: { NAME: 'App Two' } })).result;
  const b2 = Object.fromEntries(bindings().map((b) => [b.event, b.handler]));
  assert.equal(b2.ONIMBOTMESSAGEADD, `${H}/v2`);
  assert.equal(b2.ONIMBOTJOINCHAT, `${H}/v2`);
  assert.equal(b2.ONIMBOTMESSAGEUPDATE, `${H}/v1`);
  // imbot.* of another owner are refused.
  await restFails(server, 'imbot.update', { BOT_ID: (await register('webhook-owned', {}, 'cli-wo')), FIELDS: { CODE: 'zz' } },
    tokens.access_token, 400, 'APP_ID_ERROR');
  await call('imbot.register', { CODE: 'appbot3', EVENT_HANDLER: `${H}/v2`, PROPERTIES: { NAME: 'Three' } });
  await restFails(server, 'imbot.register', { CODE: 'appbot4', EVENT_HANDLER: `${H}/v2`, PROPERTIES: { NAME: 'Four' } },
    tokens.access_token, 400, 'MAX_COUNT_ERROR', 'Has reached the maximum number of bots for application (max: 3)');
  // Bindings stay while a bot is left, and go with the last one.
  await call('imbot.unregister', { BOT_ID: first });
  assert.equal(bindings().length, 5);
  const del = outbox(server, 'ONIMBOTDELETE').find((r) => r.payload.data.BOT_ID === first);
  assert.equal(del.app_id, app.app_id);
  assert.equal(del.handler, `${H}/v2`);
  assert.ok(del.event_handler_id > 0);
  assert.equal(del.payload.auth_user_id, 1);
  assert.equal(del.payload.send_refresh_token, false);
  await call('imbot.unregister', { BOT_ID: second });
  const third = sql(server, `SELECT id FROM bots WHERE owner = 'app:${app.app_id}'`)[0].id;
  await call('imbot.unregister', { BOT_ID: third });
  assert.deepEqual(bindings(), []);
});

test('uninstalling an application removes its bots with ONIMBOTDELETE each', async () => {
  const app = addApp(server, { name: 'Leaving', scope: 'im,imbot' });
  const tokens = await signIn(server, app);
  const ids = [];
  for (const code of ['leave1', 'leave2']) {
    ids.push((await restOk(server, 'imbot.register', { CODE: code, EVENT_HANDLER: `${H}/leaving`,
      PROPERTIES: { NAME: code } }, tokens.access_token)).result);
  }
  await restOk(server, 'imbot.command.register', { BOT_ID: ids[0], COMMAND: 'bye', EVENT_COMMAND_ADD: `${H}/leaving`, LANG: [{ LANGUAGE_ID: 'en', TITLE: 'Bye' }],
    }, tokens.access_token);
  server.cli('app', 'uninstall', String(app.app_id));
  const rows = outbox(server, 'ONIMBOTDELETE').filter((r) => r.app_id === app.app_id);
  assert.deepEqual(rows.map((r) => r.payload.data), ids.map((id, i) => ({ BOT_ID: id, BOT_CODE: `leave${i + 1}` })));
  for (const r of rows) {
    assert.equal(r.handler, `${H}/leaving`);
    assert.equal(r.payload.auth_user_id, 0, 'nobody in particular uninstalls');
  }
  // ONAPPUNINSTALL is queued before the bots' deletions.
  const uninstall = outbox(server, 'ONAPPUNINSTALL').find((r) => r.app_id === app.app_id);
  assert.ok(uninstall.id < rows[0].id);
  assert.equal(sql(server, `SELECT COUNT(*) AS n FROM bots WHERE owner = 'app:${app.app_id}'`)[0].n, 0);
  assert.equal(sql(server, `SELECT COUNT(*) AS n FROM bot_commands WHERE owner = 'app:${app.app_id}'`)[0].n, 0);
  assert.equal(sql(server, `SELECT COUNT(*) AS n FROM users WHERE id IN (${ids.join(',')})`)[0].n, 0);
  await rest(server, 'imbot.bot.list', {}, tokens.access_token).then((r) => assert.equal(r.status, 401));
});
