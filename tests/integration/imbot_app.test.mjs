// Chat apps: imbot.app.register / unregister / update (spec 002 "Application for Chat"; reference
// chats/outdated/create-app/) and imhub.messenger.app.launch, the IFRAME launch parameters (reference
// chats/outdated/iframe.md), with the hashes recomputed here as an IFRAME handler would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServer } from './harness.mjs';
import { restFails } from './oauth_client.mjs';
import { db, makeBot, oauthApp, as } from './bot_setup.mjs';

let server, app, other, bot, bot2, foreignBot, hookBot;
let ann, bob, annHook, adminHook;
let api;

const HASH = 'd1ab17949a572b0979d8db0d5b349cd2';
const LANG = [{ LANGUAGE_ID: 'en', TITLE: 'Echobot IFRAME', DESCRIPTION: 'Open Echobot IFRAME app', COPYRIGHT: 'B24' }];
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
  Buffer.from([0, 0, 0, 2, 0, 0, 0, 3, 8, 6, 0, 0, 0])]).toString('base64');
const md5 = (s) => createHash('md5').update(s).digest('hex');

before(async () => {
  server = await startServer();
  ann = server.cli('user', 'add', '--name', 'Ann').user_id;
  bob = server.cli('user', 'add', '--name', 'Bob').user_id;
  annHook = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'im').webhook;
  adminHook = server.webhook;
  app = await oauthApp(server, { name: 'Echo' });
  other = await oauthApp(server, { name: 'Other' });
  bot = await makeBot(server, { code: 'echoBot', owner: app.owner });
  bot2 = await makeBot(server, { code: 'echoBot2', owner: app.owner });
  foreignBot = await makeBot(server, { code: 'alien', owner: other.owner });
  hookBot = await makeBot(server, { code: 'hooky', owner: 'customwh-1' });
  api = as(server, app.token);
});
after(async () => { await server.cleanup(); });

const fails = (method, params, status, error, description) =>
  restFails(server, method, params, app.token, status, error, description);
const iframeApp = async (params = {}) => (await api.ok('imbot.app.register', {
  BOT_ID: bot, CODE: 'echoFrame', IFRAME: 'https://marta.example.com/iframe/echo.php', IFRAME_WIDTH: '350',
  IFRAME_HEIGHT: '150', HASH, CONTEXT: 'ALL', LANG, ...params,
})).result;
const row = (id) => db(server, `SELECT * FROM chat_apps WHERE id = ${id}`)[0];
const launch = (params, webhook = annHook) => server.call('imhub.messenger.app.launch', params, { webhook });

test('imbot.app.register: an IFRAME app', async () => {
  const id = await iframeApp({ IFRAME_POPUP: 'Y', HIDDEN: 'N', EXTRANET_SUPPORT: 'Y', CONTEXT: 'bot-admin' });
  assert.equal(typeof id, 'number');
  const r = row(id);
  assert.equal(r.bot_id, bot);
  assert.equal(r.owner, app.owner);
  assert.equal(r.iframe, 'https://marta.example.com/iframe/echo.php');
  assert.deepEqual([r.iframe_width, r.iframe_height, r.iframe_popup], [350, 150, 1]);
  assert.equal(r.hash, HASH);
  assert.equal(r.context, 'bot-admin');
  assert.deepEqual([r.hidden, r.extranet_support, r.livechat_support], [0, 1, 0]);
  assert.deepEqual(JSON.parse(r.lang), LANG);
  assert.equal(await iframeApp({ IFRAME: 'https://other.example.com/' }), id, 'the same CODE returns the first id');
});

test('imbot.app.register: sizes are raised to the minimum, HASH cut to 32, defaults', async () => {
  const id = await iframeApp({ CODE: 'small', IFRAME_WIDTH: 10, IFRAME_HEIGHT: '1', HASH: `${HASH}EXTRA` });
  assert.deepEqual([row(id).iframe_width, row(id).iframe_height], [250, 50]);
  assert.equal(row(id).hash, HASH);
  const plain = await iframeApp({ CODE: 'plain', IFRAME_WIDTH: undefined, IFRAME_HEIGHT: undefined, CONTEXT: undefined });
  assert.deepEqual([row(plain).iframe_width, row(plain).iframe_height, row(plain).context], [320, 250, 'all']);
});

test('imbot.app.register: JS commands and their JS_PARAM patterns', async () => {
  const send = (await api.ok('imbot.app.register', {
    BOT_ID: bot, CODE: 'help', JS_METHOD: 'SEND', JS_PARAM: '/help me', CONTEXT: 'BOT', LANG,
  })).result;
  assert.deepEqual([row(send).js_method, row(send).js_param, row(send).iframe], ['SEND', '/help me', '']);
  const call = (await api.ok('imbot.app.register', {
    BOT_ID: bot, CODE: 'call', JS_METHOD: 'CALL', JS_PARAM: '+7 (495) 711-22-33', LANG,
  })).result;
  assert.equal(row(call).js_param, '+7 (495) 711-22-33');
  const support = (await api.ok('imbot.app.register', {
    BOT_ID: bot, CODE: 'support', JS_METHOD: 'SUPPORT', JS_PARAM: '6a4cdbcf753addac1a573ea64be826ca', LANG,
  })).result;
  assert.equal(row(support).js_param, '6a4cdbcf753addac1a573ea64be826ca');
  // A parameter off the pattern, or an unknown method, makes no JS command: PARAMS_ERROR.
  for (const [method, param] of [['SEND', 'help'], ['PUT', '/'], ['SUPPORT', 'short'], ['CALL', 'abc'],
    ['OPEN', '/help']]) {
    await fails('imbot.app.register', { BOT_ID: bot, CODE: `bad${method}`, JS_METHOD: method, JS_PARAM: param, LANG },
      400, 'PARAMS_ERROR', "Iframe or JS method isn't specified");
  }
});

test('imbot.app.register: every documented error', async () => {
  const base = { BOT_ID: bot, CODE: 'err', IFRAME: 'https://x.example.com/', HASH, LANG };
  await fails('imbot.app.register', { ...base, CODE: '' }, 400, 'CODE_ERROR', "App code isn't specified");
  await fails('imbot.app.register', { ...base, IFRAME: 'http://x.example.com/' }, 400, 'IFRAME_HTTPS',
    'Iframe params must be HTTPS site');
  await fails('imbot.app.register', { ...base, IFRAME: 'x.example.com/frame' }, 400, 'IFRAME_HTTPS');
  await fails('imbot.app.register', { ...base, HASH: '' }, 400, 'HASH_ERROR', "Hash can't be empty");
  await fails('imbot.app.register', { ...base, IFRAME: '' }, 400, 'PARAMS_ERROR');
  await fails('imbot.app.register', { ...base, CONTEXT: 'EVERYWHERE' }, 400, 'PARAMS_ERROR');
  await fails('imbot.app.register', { ...base, BOT_ID: undefined }, 400, 'BOT_ID_ERROR', 'Bot not found');
  await fails('imbot.app.register', { ...base, BOT_ID: 888888 }, 400, 'BOT_ID_ERROR');
  await fails('imbot.app.register', { ...base, BOT_ID: foreignBot }, 400, 'APP_ID_ERROR');
  await fails('imbot.app.register', { ...base, LANG: [] }, 400, 'LANG_ERROR', "Lang set can't be empty");
  const denied = await server.call('imbot.app.register', { ...base, BOT_ID: hookBot });
  assert.equal(denied.status, 403);
  assert.equal(denied.body.error, 'ACCESS_DENIED');
  const viaHook = (await server.ok('imbot.app.register', { ...base, BOT_ID: hookBot, CLIENT_ID: 'wh-1' })).result;
  assert.equal(row(viaHook).owner, 'user:1:customwh-1');
});

test('ICON_FILE: a base64 image is stored and served; anything else leaves no icon', async () => {
  const id = await iframeApp({ CODE: 'icon', ICON_FILE: PNG });
  const icon = row(id).icon;
  assert.match(icon, /\/avatar\/chatapp-[0-9a-f]{16}\.png$/);
  const served = await fetch(icon.replace(/^https?:\/\/[^/]+/, server.base));
  assert.equal(served.status, 200);
  assert.equal(Buffer.from(await served.arrayBuffer()).toString('base64'), PNG);
  const none = await iframeApp({ CODE: 'noicon', ICON_FILE: 'bm90IGFuIGltYWdl' });
  assert.equal(row(none).icon, '');
});

test('imbot.app.update: FIELDS, JS over IFRAME, errors', async () => {
  const id = await iframeApp({ CODE: 'upd' });
  assert.equal((await api.ok('imbot.app.update', { APP_ID: id, FIELDS: {
    IFRAME: 'https://new.example.com/f', IFRAME_WIDTH: 100, IFRAME_HEIGHT: 400, CONTEXT: 'chat', HASH: 'h2',
    HIDDEN: 'Y', LIVECHAT_SUPPORT: 'Y', LANG: [{ LANGUAGE_ID: 'de', TITLE: 'Neu' }],
  } })).result, true);
  let r = row(id);
  assert.deepEqual([r.iframe, r.iframe_width, r.iframe_height, r.context, r.hash, r.hidden, r.livechat_support],
    ['https://new.example.com/f', 250, 400, 'chat', 'h2', 1, 1]);
  assert.deepEqual(JSON.parse(r.lang), [{ LANGUAGE_ID: 'de', TITLE: 'Neu', DESCRIPTION: '', COPYRIGHT: '' }]);
  assert.equal((await api.ok('imbot.app.update', { APP_ID: id, FIELDS: {
    JS_METHOD: 'PUT', JS_PARAM: '/echo hi', IFRAME: 'https://ignored.example.com/',
  } })).result, true);
  r = row(id);
  assert.deepEqual([r.js_method, r.js_param, r.iframe], ['PUT', '/echo hi', '']);
  assert.equal((await api.ok('imbot.app.update', { APP_ID: id, FIELDS: {} })).result, true);
  await fails('imbot.app.update', { APP_ID: id, FIELDS: { IFRAME: 'http://plain.example.com/' } }, 400, 'IFRAME_HTTPS');
  await fails('imbot.app.update', { APP_ID: id, FIELDS: { CONTEXT: 'nowhere' } }, 400, 'PARAMS_ERROR');
  await fails('imbot.app.update', { APP_ID: 777777, FIELDS: { HIDDEN: 'N' } }, 400, 'CHAT_APP_ID_ERROR',
    'App not found');
  await restFails(server, 'imbot.app.update', { APP_ID: id, FIELDS: { HIDDEN: 'N' } }, other.token, 400,
    'APP_ID_ERROR', 'App was installed by another rest application');
});

test('imbot.app.unregister', async () => {
  const id = await iframeApp({ CODE: 'bye' });
  await restFails(server, 'imbot.app.unregister', { APP_ID: id }, other.token, 400, 'APP_ID_ERROR');
  assert.equal((await api.ok('imbot.app.unregister', { APP_ID: id })).result, true);
  assert.equal(row(id), undefined);
  await fails('imbot.app.unregister', { APP_ID: id }, 400, 'CHAT_APP_ID_ERROR');
});

test('imhub.messenger.app.launch: the IFRAME URL and parameters, hashes as the handler checks them', async () => {
  const id = await iframeApp({ CODE: 'launch', CONTEXT: 'USER', IFRAME: 'https://marta.example.com/f.php?v=2' });
  const r = await launch({ APP_ID: id, DIALOG_ID: String(bob), LANG: 'de', IS_CHROME: 'Y' });
  assert.equal(r.status, 200, r.text);
  const out = r.body.result;
  assert.equal(out.type, 'iframe');
  assert.deepEqual([out.width, out.height, out.popup], [350, 150, false]);
  const p = out.params;
  assert.deepEqual(Object.keys(p), ['BOT_ID', 'BOT_CODE', 'APP_ID', 'APP_CODE', 'DOMAIN', 'DOMAIN_HASH', 'USER_ID',
    'USER_HASH', 'DIALOG_ID', 'CONTEXT', 'LANG', 'IS_CHROME', 'DIALOG_ENTITY_ID', 'DIALOG_ENTITY_DATA_1',
    'DIALOG_CONTEXT']);
  assert.equal(p.BOT_ID, String(bot));
  assert.equal(p.BOT_CODE, 'echoBot');
  assert.equal(p.APP_ID, String(id));
  assert.equal(p.APP_CODE, 'launch');
  assert.equal(p.DOMAIN, server.base);
  assert.equal(p.DOMAIN_HASH, md5(new URL(p.DOMAIN).hostname + HASH));
  assert.equal(p.USER_ID, String(ann));
  assert.equal(p.USER_HASH, md5(String(ann) + HASH));
  assert.equal(p.DIALOG_ID, String(bob));
  assert.equal(p.CONTEXT, 'textarea');
  assert.equal(p.LANG, 'de');
  assert.equal(p.IS_CHROME, 'Y');
  assert.equal(p.DIALOG_CONTEXT, 'user');
  const url = new URL(out.url);
  assert.equal(url.origin + url.pathname, 'https://marta.example.com/f.php');
  assert.equal(url.searchParams.get('v'), '2');
  for (const [k, v] of Object.entries(p)) assert.equal(url.searchParams.get(k), v, k);
});

test('imhub.messenger.app.launch: CONTEXT decides where an app opens; -admin apps only for administrators', async () => {
  const chatOnly = await iframeApp({ CODE: 'chatOnly', CONTEXT: 'CHAT' });
  const botOnly = await iframeApp({ CODE: 'botOnly', CONTEXT: 'BOT' });
  const adminOnly = await iframeApp({ CODE: 'adminOnly', CONTEXT: 'ALL-admin' });
  const hidden = await iframeApp({ CODE: 'hidden', HIDDEN: 'Y' });
  const chat = (await server.ok('im.chat.add', { USERS: [bob] }, { webhook: annHook })).result;
  assert.equal((await launch({ APP_ID: chatOnly, DIALOG_ID: `chat${chat}` })).status, 200);
  const wrong = await launch({ APP_ID: chatOnly, DIALOG_ID: String(bob) });
  assert.equal(wrong.status, 403);
  assert.equal(wrong.body.error, 'ACCESS_ERROR');
  assert.equal((await launch({ APP_ID: botOnly, DIALOG_ID: String(bob) })).status, 403);
  const withBot = await launch({ APP_ID: botOnly, DIALOG_ID: String(bot) });
  assert.equal(withBot.status, 200, withBot.text);
  assert.equal(withBot.body.result.params.DIALOG_CONTEXT, 'bot');
  assert.equal((await launch({ APP_ID: adminOnly, DIALOG_ID: String(bob) })).status, 403);
  assert.equal((await launch({ APP_ID: adminOnly, DIALOG_ID: String(bob) }, adminHook)).status, 200);
  assert.equal((await launch({ APP_ID: hidden, DIALOG_ID: String(bob) })).status, 403);
});

test('imhub.messenger.app.launch in context mode: MESSAGE_ID and the button\'s APP_PARAMS', async () => {
  const id = await iframeApp({ CODE: 'ctx', HIDDEN: 'Y', CONTEXT: 'CHAT', IFRAME_POPUP: 'Y' });
  const cmd = (await api.ok('imbot.command.register', {
    BOT_ID: bot, COMMAND: 'open', EVENT_COMMAND_ADD: 'http://127.0.0.1:9/c', LANG: [{ LANGUAGE_ID: 'en', TITLE: 'o' }],
  })).result;
  const asked = (await server.ok('im.message.add', { DIALOG_ID: String(bot), MESSAGE: '/open' },
    { webhook: annHook })).result;
  const withButton = (await api.ok('imbot.command.answer', {
    COMMAND_ID: cmd, MESSAGE_ID: asked, MESSAGE: 'Open the app',
    KEYBOARD: [{ TEXT: 'Open App', APP_ID: id, APP_PARAMS: 'test' }],
  })).result;
  const r = await launch({ APP_ID: id, DIALOG_ID: String(bot), MESSAGE_ID: withButton });
  assert.equal(r.status, 200, r.text);
  const p = r.body.result.params;
  assert.equal(p.CONTEXT, 'button');
  assert.equal(p.MESSAGE_ID, String(withButton));
  assert.equal(p.BUTTON_PARAMS, 'test');
  assert.equal(r.body.result.popup, false, 'IFRAME_POPUP is ignored in context mode');
  const noButton = await launch({ APP_ID: id, DIALOG_ID: String(bot), MESSAGE_ID: asked });
  assert.equal(noButton.status, 400);
  assert.equal(noButton.body.error, 'MESSAGE_ID_ERROR');
  const otherDialog = await launch({ APP_ID: id, DIALOG_ID: String(bob), MESSAGE_ID: withButton });
  assert.equal(otherDialog.body.error, 'MESSAGE_ID_ERROR');
});

test('imhub.messenger.app.launch: errors, and JS apps answer their command', async () => {
  const js = (await api.ok('imbot.app.register', {
    BOT_ID: bot, CODE: 'jsapp', JS_METHOD: 'SEND', JS_PARAM: '/help', LANG,
  })).result;
  const r = await launch({ APP_ID: js, DIALOG_ID: String(bob) });
  assert.deepEqual(r.body.result, { type: 'js', js_method: 'SEND', js_param: '/help' });
  assert.equal((await launch({ APP_ID: 5555555, DIALOG_ID: String(bob) })).body.error, 'CHAT_APP_ID_ERROR');
  const noDialog = await launch({ APP_ID: js, DIALOG_ID: 'nowhere' });
  assert.deepEqual([noDialog.status, noDialog.body.error], [400, 'DIALOG_ID_EMPTY']);
  const adminChat = (await server.ok('im.chat.add', { USERS: [bob] })).result;
  const closed = await launch({ APP_ID: js, DIALOG_ID: `chat${adminChat}` });
  assert.deepEqual([closed.status, closed.body.error], [403, 'ACCESS_ERROR']);
});

test('uninstalling the application removes its chat apps', async () => {
  const temp = await oauthApp(server, { name: 'Temp' });
  const tempBot = await makeBot(server, { code: 'tempBot', owner: temp.owner });
  const id = (await as(server, temp.token).ok('imbot.app.register', {
    BOT_ID: tempBot, CODE: 'x', JS_METHOD: 'SEND', JS_PARAM: '/x1', LANG,
  })).result;
  assert.ok(row(id));
  server.cli('app', 'uninstall', String(temp.app_id));
  assert.equal(row(id), undefined);
});

test('[chat_apps] allow_http_iframe lets an http IFRAME through', async () => {
  const lax = await startServer({ config: '[chat_apps]\nallow_http_iframe = true\n' });
  try {
    const laxApp = await oauthApp(lax, { name: 'Lax' });
    const laxBot = await makeBot(lax, { code: 'lax', owner: laxApp.owner });
    const r = await as(lax, laxApp.token).call('imbot.app.register', {
      BOT_ID: laxBot, CODE: 'lan', IFRAME: 'http://intranet.example.com/app', HASH, LANG,
    });
    assert.equal(r.status, 200, r.text);
    const ftp = await as(lax, laxApp.token).call('imbot.app.register', {
      BOT_ID: laxBot, CODE: 'ftp', IFRAME: 'ftp://intranet.example.com/app', HASH, LANG,
    });
    assert.equal(ftp.body.error, 'IFRAME_HTTPS');
  } finally {
    await lax.cleanup();
  }
});
