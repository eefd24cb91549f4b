// imbot.command.register / unregister / update / answer (spec 002 "Commands"; reference
// chat-bots/outdated/commands/; im_rest.php and Bitrix\Im\Command for the order of checks and the
// answer rules).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { restFails } from './oauth_client.mjs';
import { db, makeBot, oauthApp, as } from './bot_setup.mjs';

let server, app, other, bot, bot2, foreignBot, hookBot;
let ann, bob, annHook;
let api;

const HANDLER = 'http://127.0.0.1:9/commands.php';
const LANG = [{ LANGUAGE_ID: 'EN', TITLE: 'Get echo message', PARAMS: 'some text' }];

before(async () => {
  server = await startServer();
  ann = server.cli('user', 'add', '--name', 'Ann').user_id;
  bob = server.cli('user', 'add', '--name', 'Bob').user_id;
  annHook = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'im').webhook;
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
const register = async (params) => (await api.ok('imbot.command.register', {
  BOT_ID: bot, COMMAND: 'echo', EVENT_COMMAND_ADD: HANDLER, LANG, ...params,
})).result;
const row = (id) => db(server, `SELECT * FROM bot_commands WHERE id = ${id}`)[0];
const bindings = (appId) => db(server,
  `SELECT handler FROM event_bindings WHERE app_id = ${appId} AND event = 'ONIMCOMMANDADD' ORDER BY id`);
const message = (id) => db(server, `SELECT chat_id, author_id, system, text, params FROM messages WHERE id = ${id}`)[0];
// Ann writes `text` to a dialog; returns the message id.
const annSays = async (dialogId, text) =>
  (await server.ok('im.message.add', { DIALOG_ID: dialogId, MESSAGE: text }, { webhook: annHook })).result;

test('imbot.command.register stores the command and binds ONIMCOMMANDADD to its handler', async () => {
  const id = await register({ COMMAND: '/echo', COMMON: 'N', HIDDEN: 'N', EXTRANET_SUPPORT: 'Y' });
  assert.equal(typeof id, 'number');
  const r = row(id);
  assert.equal(r.bot_id, bot);
  assert.equal(r.command, 'echo', 'the leading slash goes');
  assert.deepEqual([r.common, r.hidden, r.extranet_support], [0, 0, 1]);
  assert.equal(r.handler, HANDLER);
  assert.equal(r.owner, app.owner);
  assert.deepEqual(JSON.parse(r.lang), [{ LANGUAGE_ID: 'en', TITLE: 'Get echo message', PARAMS: 'some text' }]);
  assert.deepEqual(bindings(app.app_id), [{ handler: HANDLER }]);
  assert.equal(await register({ COMMAND: 'echo' }), id, 're-registering returns the first id');
});

test('one ONIMCOMMANDADD handler per application: the last registered serves every command', async () => {
  const first = await register({ COMMAND: 'help' });
  const second = await register({ COMMAND: 'ping', BOT_ID: bot2, EVENT_COMMAND_ADD: 'http://127.0.0.1:9/new.php' });
  assert.equal(row(first).handler, 'http://127.0.0.1:9/new.php');
  assert.equal(row(second).handler, 'http://127.0.0.1:9/new.php');
  assert.deepEqual(bindings(app.app_id), [{ handler: 'http://127.0.0.1:9/new.php' }]);
  await register({ COMMAND: 'help' });
  assert.deepEqual(bindings(app.app_id), [{ handler: HANDLER }]);
});

test('imbot.command.register: every documented error, in the platform order', async () => {
  const base = { BOT_ID: bot, COMMAND: 'x', EVENT_COMMAND_ADD: HANDLER, LANG };
  await fails('imbot.command.register', { ...base, EVENT_COMMAND_ADD: '' }, 400, 'EVENT_COMMAND_ADD_ERROR',
    'Handler for "Command add" event isn\'t specified');
  await fails('imbot.command.register', { ...base, EVENT_COMMAND_ADD: 'ftp://h.example.com/x' }, 400,
    'EVENT_COMMAND_ADD_ERROR', 'Unsupported handler protocol');
  await fails('imbot.command.register', { ...base, EVENT_COMMAND_ADD: 'http://localhost/x' }, 400,
    'EVENT_COMMAND_ADD_ERROR', 'Wrong handler URL');
  await fails('imbot.command.register', { ...base, COMMAND: ' / ' }, 400, 'COMMAND_ERROR', "Command isn't specified");
  await fails('imbot.command.register', { ...base, BOT_ID: undefined }, 400, 'BOT_ID_ERROR', 'Bot not found');
  await fails('imbot.command.register', { ...base, BOT_ID: 987654 }, 400, 'BOT_ID_ERROR');
  await fails('imbot.command.register', { ...base, BOT_ID: foreignBot }, 400, 'APP_ID_ERROR');
  await fails('imbot.command.register', { ...base, LANG: [] }, 400, 'LANG_ERROR', "Lang set can't be empty");
  await fails('imbot.command.register', { ...base, LANG: undefined, EVENT_COMMAND_ADD: '' }, 400,
    'EVENT_COMMAND_ADD_ERROR');
});

test('webhook bots: CLIENT_ID is required and lands in the handler URL', async () => {
  const params = { BOT_ID: hookBot, COMMAND: 'hook', EVENT_COMMAND_ADD: 'http://127.0.0.1:9/h.php?x=1', LANG };
  const denied = await server.call('imbot.command.register', params);
  assert.equal(denied.status, 403);
  assert.equal(denied.body.error, 'ACCESS_DENIED');
  const id = (await server.ok('imbot.command.register', { ...params, CLIENT_ID: 'wh-1' })).result;
  assert.equal(row(id).handler, 'http://127.0.0.1:9/h.php?x=1&CLIENT_ID=wh-1');
  assert.equal(row(id).owner, 'user:1:customwh-1');
  const foreign = await server.call('imbot.command.register', { ...params, BOT_ID: bot, CLIENT_ID: 'wh-1' });
  assert.equal(foreign.body.error, 'APP_ID_ERROR');
  const wrongClient = await server.call('imbot.command.unregister', { COMMAND_ID: id, CLIENT_ID: 'wh-2' });
  assert.equal(wrongClient.body.error, 'APP_ID_ERROR');
  assert.equal((await server.ok('imbot.command.unregister', { COMMAND_ID: id, CLIENT_ID: 'wh-1' })).result, true);
});

test('imbot.command.update: FIELDS, LANG replaced, handler rebound, errors', async () => {
  const id = await register({ COMMAND: 'upd' });
  const lang = [{ LANGUAGE_ID: 'de', TITLE: 'Echo', PARAMS: 'Text' }, { TITLE: 'no language' }];
  assert.equal((await api.ok('imbot.command.update', {
    COMMAND_ID: id, FIELDS: { HIDDEN: 'Y', EXTRANET_SUPPORT: 'Y', COMMON: 'Y', LANG: lang, COMMAND: '/upd2' },
  })).result, true);
  const r = row(id);
  assert.deepEqual([r.command, r.hidden, r.extranet_support, r.common], ['upd2', 1, 1, 1]);
  assert.deepEqual(JSON.parse(r.lang), [{ LANGUAGE_ID: 'de', TITLE: 'Echo', PARAMS: 'Text' }]);
  assert.equal((await api.ok('imbot.command.update', {
    COMMAND_ID: id, FIELDS: { EVENT_COMMAND_ADD: 'http://127.0.0.1:9/v2.php' },
  })).result, true);
  assert.equal(row(id).handler, 'http://127.0.0.1:9/v2.php');
  assert.deepEqual(bindings(app.app_id), [{ handler: 'http://127.0.0.1:9/v2.php' }]);
  await fails('imbot.command.update', { COMMAND_ID: id, FIELDS: {} }, 400, 'WRONG_REQUEST',
    "Update fields can't be empty");
  await fails('imbot.command.update', { COMMAND_ID: id, FIELDS: { EVENT_COMMAND_ADD: 'gopher://x.y/' } }, 400,
    'EVENT_COMMAND_ADD_ERROR');
  await fails('imbot.command.update', { COMMAND_ID: id, FIELDS: { COMMAND: 'echo' } }, 400, 'WRONG_REQUEST',
    "Command can't be updated");
  await fails('imbot.command.update', { COMMAND_ID: 123456, FIELDS: { HIDDEN: 'Y' } }, 400, 'COMMAND_ID_ERROR',
    'Command not found');
  const alien = (await restFails(server, 'imbot.command.update', { COMMAND_ID: id, FIELDS: { HIDDEN: 'N' } },
    other.token, 400, 'APP_ID_ERROR', 'Command was installed by another rest application'));
  assert.ok(alien);
});

test('imbot.command.unregister removes the command', async () => {
  const id = await register({ COMMAND: 'gone' });
  await restFails(server, 'imbot.command.unregister', { COMMAND_ID: id }, other.token, 400, 'APP_ID_ERROR');
  assert.equal((await api.ok('imbot.command.unregister', { COMMAND_ID: id })).result, true);
  assert.equal(row(id), undefined);
  await fails('imbot.command.unregister', { COMMAND_ID: id }, 400, 'COMMAND_ID_ERROR');
});

test('imbot.command.answer in the private dialog with the bot: a message of the bot', async () => {
  const id = await register({ COMMAND: 'echo' });
  const asked = await annSays(String(bot), '/echo hello');
  const answer = (await api.ok('imbot.command.answer', {
    COMMAND_ID: id, MESSAGE_ID: asked, MESSAGE: 'hello[BR]again',
    KEYBOARD: [{ TEXT: 'More', COMMAND: 'echo', COMMAND_PARAMS: 'more' }],
    ATTACH: [{ MESSAGE: 'attached' }],
  })).result;
  assert.equal(typeof answer, 'number');
  const m = message(answer);
  assert.equal(m.chat_id, message(asked).chat_id);
  assert.equal(m.author_id, bot);
  assert.equal(m.system, 0);
  assert.equal(m.text, 'hello\nagain');
  const params = JSON.parse(m.params);
  assert.equal(params.KEYBOARD[0].BOT_ID, bot, 'keyboard commands go to the command bot');
  assert.equal(params.KEYBOARD[0].COMMAND, 'echo');
  assert.ok(params.ATTACH, 'ATTACH kept');
  // By name, and SYSTEM=Y.
  const bySystem = (await api.ok('imbot.command.answer', {
    COMMAND: 'echo', MESSAGE_ID: asked, MESSAGE: 'quiet', SYSTEM: 'Y',
  })).result;
  assert.equal(message(bySystem).system, 1);
  assert.equal(message(bySystem).text, `[USER=${bot}][/USER] Chat Bot:\nquiet`);
});

test('imbot.command.answer: a COMMON command answers where the bot is not, a local one does not', async () => {
  const common = await register({ COMMAND: 'giphy', COMMON: 'Y' });
  const local = await register({ COMMAND: 'local' });
  const chat = (await server.ok('im.chat.add', { USERS: [bob] }, { webhook: annHook })).result;
  const asked = await annSays(`chat${chat}`, 'look:\n/giphy cats');
  const answer = (await api.ok('imbot.command.answer', { COMMAND_ID: common, MESSAGE_ID: asked, MESSAGE: 'a cat' }))
    .result;
  const m = message(answer);
  assert.equal(m.chat_id, chat);
  assert.equal(m.system, 1, 'the bot is not a member: a system message');
  assert.equal(m.text, `[USER=${bot}][/USER] Chat Bot:\na cat`);
  await fails('imbot.command.answer', { COMMAND_ID: local, MESSAGE_ID: asked, MESSAGE: 'no' }, 400, 'WRONG_REQUEST',
    "Message isn't added");
  const other = await annSays(`chat${chat}`, 'no command here');
  await fails('imbot.command.answer', { COMMAND_ID: common, MESSAGE_ID: other, MESSAGE: 'no' }, 400, 'WRONG_REQUEST');
});

test('imbot.command.answer: every documented error', async () => {
  const id = await register({ COMMAND: 'echo' });
  const asked = await annSays(String(bot), '/echo x');
  const base = { COMMAND_ID: id, MESSAGE_ID: asked, MESSAGE: 'ok' };
  await fails('imbot.command.answer', { ...base, COMMAND_ID: 999999 }, 400, 'COMMAND_ID_ERROR');
  await fails('imbot.command.answer', { MESSAGE_ID: asked, MESSAGE: 'ok' }, 400, 'COMMAND_ID_ERROR');
  await fails('imbot.command.answer', { ...base, COMMAND_ID: undefined, COMMAND: 'nope' }, 400, 'COMMAND_ID_ERROR');
  await fails('imbot.command.answer', { ...base, MESSAGE_ID: 0 }, 400, 'MESSAGE_ID_EMPTY');
  await fails('imbot.command.answer', { ...base, MESSAGE: '  ' }, 400, 'MESSAGE_EMPTY');
  await fails('imbot.command.answer', { ...base, ATTACH: [{ LINK: { LINK: 'javascript:x' } }] }, 400, 'ATTACH_ERROR');
  await fails('imbot.command.answer', { ...base, KEYBOARD: [{ NOPE: 1 }] }, 400, 'KEYBOARD_ERROR');
  await fails('imbot.command.answer', { ...base, MENU: [{ TEXT: 'x' }] }, 400, 'MENU_ERROR');
  await fails('imbot.command.answer', { ...base, ATTACH: [{ MESSAGE: 'x'.repeat(40000) }] }, 400, 'ATTACH_OVERSIZE');
  await fails('imbot.command.answer', { ...base, MESSAGE_ID: 99999999 }, 400, 'WRONG_REQUEST');
  await restFails(server, 'imbot.command.answer', base, other.token, 400, 'APP_ID_ERROR');
});

test('uninstalling the application removes its commands', async () => {
  const temp = await oauthApp(server, { name: 'Temp' });
  const tempBot = await makeBot(server, { code: 'temp', owner: temp.owner });
  const id = (await as(server, temp.token).ok('imbot.command.register', {
    BOT_ID: tempBot, COMMAND: 'bye', EVENT_COMMAND_ADD: HANDLER, LANG,
  })).result;
  assert.ok(row(id));
  server.cli('app', 'uninstall', String(temp.app_id));
  assert.equal(row(id), undefined);
  assert.deepEqual(bindings(temp.app_id), []);
});
