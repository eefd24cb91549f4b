// What the browser messenger lists in a dialog (api/im_extensions.cpp, docs/operations.md "The
// messenger's extensions"): chat apps (imhub.messenger.app.list), slash-command hints
// (imhub.messenger.command.list), IM_* placements (imhub.messenger.placement.list) and the OAuth
// tokens a placement frame opens with (imhub.messenger.placement.auth, browser sessions only).
// imhub's own methods, so named: the im.* names they once had answer as on Bitrix24, not found.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rest } from './oauth_client.mjs';
import { makeBot, oauthApp, as } from './bot_setup.mjs';
import { startServer } from './harness.mjs';

const HASH = 'd1ab17949a572b0979d8db0d5b349cd2';
const H = 'https://apps.example.com/immarket/';
const ANN_PW = 'ann-frames-password-1';
let server, app, other, api, bot, commonBot;
let ann, bob, annHook, annSession, adminSession, group, botChat;
let ids = {};

async function login(loginName, password) {
  const r = await fetch(`${server.base}/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: loginName, password }),
  });
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  return { cookie: (r.headers.get('set-cookie') || '').split(';')[0], sessid: body.sessid };
}

// A call as the browser makes it: session cookie and the CSRF token.
async function srest(session, method, params = {}) {
  const r = await fetch(`${server.base}/rest/${method}.json`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: session.cookie, 'X-Bitrix-Csrf-Token': session.sessid },
    body: JSON.stringify(params),
  });
  const text = await r.text();
  return { status: r.status, body: JSON.parse(text), text };
}
const sok = async (session, method, params) => {
  const r = await srest(session, method, params);
  assert.equal(r.status, 200, `${method}: ${r.text}`);
  return r.body.result;
};

before(async () => {
  server = await startServer();
  ann = server.cli('user', 'add', '--name', 'Ann', '--email', 'ann@example.com').user_id;
  bob = server.cli('user', 'add', '--name', 'Bob').user_id;
  server.cli('user', 'passwd', String(ann), '--password', ANN_PW);
  server.cli('user', 'passwd', '1', '--password', ANN_PW);
  annHook = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'im').webhook;
  app = await oauthApp(server, { name: 'Immarket', scope: 'im,imbot,placement' });
  other = await oauthApp(server, { name: 'Other', scope: 'im,imbot,placement' });
  api = as(server, app.token);
  bot = await makeBot(server, { code: 'echoBot', owner: app.owner, name: 'Echo' });
  commonBot = await makeBot(server, { code: 'helper', owner: other.owner, name: 'Helper' });
  annSession = await login('ann@example.com', ANN_PW);
  adminSession = await login('1', ANN_PW);
  group = `chat${(await server.ok('im.chat.add', { TITLE: 'Team', USERS: [ann, bob] })).result}`;
  botChat = `chat${(await server.ok('im.chat.add', { TITLE: 'With the bot', USERS: [ann, bot] })).result}`;

  const lang = (title) => [{ LANGUAGE_ID: 'en', TITLE: title, DESCRIPTION: `${title} app`, COPYRIGHT: 'B24' },
    { LANGUAGE_ID: 'de', TITLE: `${title} (de)` }];
  const register = async (params) => (await api.ok('imbot.app.register', { BOT_ID: bot, ...params })).result;
  ids.frame = await register({ CODE: 'frame', IFRAME: 'https://apps.example.com/frame.php', IFRAME_WIDTH: 400,
    IFRAME_HEIGHT: 300, IFRAME_POPUP: 'Y', HASH, CONTEXT: 'ALL', LANG: lang('Frame') });
  ids.put = await register({ CODE: 'put', JS_METHOD: 'PUT', JS_PARAM: '/echo hi', CONTEXT: 'ALL', LANG: lang('Put') });
  ids.botOnly = await register({ CODE: 'botonly', JS_METHOD: 'SEND', JS_PARAM: '/help', CONTEXT: 'BOT', LANG: lang('Bot only') });
  ids.hidden = await register({ CODE: 'hidden', IFRAME: 'https://apps.example.com/h.php', HASH, HIDDEN: 'Y', LANG: lang('Hidden') });
  ids.admin = await register({ CODE: 'admin', JS_METHOD: 'PUT', JS_PARAM: '/admin', CONTEXT: 'ALL-ADMIN', LANG: lang('Admin') });
  ids.chatOnly = await register({ CODE: 'chatonly', JS_METHOD: 'PUT', JS_PARAM: '/xy', CONTEXT: 'CHAT', LANG: lang('Chat only') });

  const cmd = async (token, botId, command, params) => (await as(server, token).ok('imbot.command.register', {
    BOT_ID: botId, COMMAND: command, EVENT_COMMAND_ADD: 'http://127.0.0.1:9/cmd',
    LANG: [{ LANGUAGE_ID: 'en', TITLE: `${command} title`, PARAMS: `${command} params` },
      { LANGUAGE_ID: 'de', TITLE: `${command} Titel`, PARAMS: '' }], ...params,
  })).result;
  ids.echo = await cmd(app.token, bot, 'echo', {});
  ids.secret = await cmd(app.token, bot, 'secret', { HIDDEN: 'Y' });
  ids.help = await cmd(other.token, commonBot, 'help', { COMMON: 'Y' });
  ids.private = await cmd(other.token, commonBot, 'mine', {});

  const bind = (params) => api.ok('placement.bind', params);
  await bind({ PLACEMENT: 'IM_SIDEBAR', HANDLER: `${H}sidebar`, LANG_ALL: { en: { TITLE: 'Sidebar', DESCRIPTION: 'Side' }, de: { TITLE: 'Seitenleiste' } },
    OPTIONS: { iconName: 'fa-bug', context: 'USER;CHAT', color: 'AQUA' } });
  await bind({ PLACEMENT: 'IM_TEXTAREA', HANDLER: `${H}textarea`, TITLE: 'Textarea', OPTIONS: { iconName: 'fa-bars', context: 'USER' } });
  await bind({ PLACEMENT: 'IM_NAVIGATION', HANDLER: `${H}nav`, TITLE: 'Navigation', OPTIONS: { iconName: 'fa-check' } });
  await bind({ PLACEMENT: 'IM_CONTEXT_MENU', HANDLER: `${H}admin-menu`, TITLE: 'Admins only', OPTIONS: { role: 'ADMIN' } });
  await bind({ PLACEMENT: 'IM_SMILES_SELECTOR', HANDLER: `${H}smiles`, TITLE: 'Stickers', OPTIONS: { context: 'CHAT' } });
});
after(async () => { await server.cleanup(); });

const MESSENGER = ['imhub.messenger.app.list', 'imhub.messenger.command.list', 'imhub.messenger.placement.list',
  'imhub.messenger.placement.auth', 'imhub.messenger.app.auth'];

test('imhub\'s own names: the im.* ones are not found; methods lists the token methods to sessions only', async () => {
  for (const old of ['im.app.list', 'im.command.list', 'im.placement.list', 'im.placement.auth', 'im.app.auth',
    'im.app.launch']) {
    const bySession = await srest(annSession, old, { DIALOG_ID: group, PLACEMENT_ID: 1, APP_ID: ids.frame });
    assert.equal(bySession.body.error, 'ERROR_METHOD_NOT_FOUND', `${old}: ${bySession.text}`);
    const byHook = await server.call(old, { DIALOG_ID: group }, { webhook: annHook });
    assert.equal(byHook.body.error, 'ERROR_METHOD_NOT_FOUND', old);
    assert.equal((await server.ok('method.get', { name: old })).result.isExisting, false, old);
  }
  const listed = (list) => MESSENGER.filter((m) => list.includes(m));
  assert.deepEqual(listed(await sok(annSession, 'methods', {})), MESSENGER);
  // A webhook may list but never mint an application's tokens: the two token methods are not shown.
  const hookList = (await server.ok('methods', {}, { webhook: annHook })).result;
  assert.deepEqual(listed(hookList), MESSENGER.slice(0, 3));
  assert.deepEqual((await server.ok('method.get', { name: 'imhub.messenger.app.auth' }, { webhook: annHook })).result,
    { isExisting: true, isAvailable: false });
  assert.deepEqual((await sok(annSession, 'method.get', { name: 'imhub.messenger.app.auth' })),
    { isExisting: true, isAvailable: true });
});

test('imhub.messenger.app.list: the chat apps a dialog shows, by CONTEXT, HIDDEN and role', async () => {
  const list = await sok(annSession, 'imhub.messenger.app.list', { DIALOG_ID: botChat });
  assert.deepEqual(list.map((a) => a.code), ['frame', 'put', 'botonly', 'chatonly']);
  const frame = list[0];
  assert.deepEqual(frame, { id: ids.frame, code: 'frame', bot_id: bot, type: 'iframe', title: 'Frame',
    description: 'Frame app', copyright: 'B24', icon: '', context: 'all', width: 400, height: 300, popup: true });
  assert.deepEqual(list[1], { id: ids.put, code: 'put', bot_id: bot, type: 'js', title: 'Put', description: 'Put app',
    copyright: 'B24', icon: '', context: 'all', js_method: 'PUT', js_param: '/echo hi' });
  assert.ok(!JSON.stringify(list).includes(HASH), 'the HASH never reaches the browser');

  // A private dialog with a person: no bot-only and no chat-only apps.
  assert.deepEqual((await sok(annSession, 'imhub.messenger.app.list', { DIALOG_ID: String(bob) })).map((a) => a.code), ['frame', 'put']);
  // The private dialog with the bot: its bot-only app too.
  assert.deepEqual((await sok(annSession, 'imhub.messenger.app.list', { DIALOG_ID: String(bot) })).map((a) => a.code),
    ['frame', 'put', 'botonly']);
  // An administrator sees the -admin app.
  assert.deepEqual((await sok(adminSession, 'imhub.messenger.app.list', { DIALOG_ID: String(bob) })).map((a) => a.code),
    ['frame', 'put', 'admin']);
  // LANG picks the title; a missing language falls back to English.
  assert.equal((await sok(annSession, 'imhub.messenger.app.list', { DIALOG_ID: group, LANG: 'de' }))[0].title, 'Frame (de)');
  assert.equal((await sok(annSession, 'imhub.messenger.app.list', { DIALOG_ID: group, LANG: 'fr' }))[0].title, 'Frame');
  // What the list offers, imhub.messenger.app.launch opens.
  for (const a of list) assert.equal((await srest(annSession, 'imhub.messenger.app.launch', { APP_ID: a.id, DIALOG_ID: botChat })).status, 200);
});

test('imhub.messenger.app.list: a dialog the caller cannot read, or none at all', async () => {
  const bobsChat = `chat${(await server.ok('im.chat.add', { TITLE: 'Not Ann', USERS: [bob] })).result}`;
  const r = await srest(annSession, 'imhub.messenger.app.list', { DIALOG_ID: bobsChat });
  assert.equal(r.status, 403);
  assert.equal(r.body.error, 'ACCESS_ERROR');
  assert.equal((await srest(annSession, 'imhub.messenger.app.list', {})).body.error, 'DIALOG_ID_EMPTY');
  // Any caller kind may list (a webhook here).
  assert.equal((await server.ok('imhub.messenger.app.list', { DIALOG_ID: botChat }, { webhook: annHook })).result.length, 4);
});

test('imhub.messenger.command.list: the commands a typed "/" reaches in the dialog', async () => {
  const shape = (list) => list.map((c) => `${c.command}:${c.bot_id}`);
  // A chat with the bot: its visible commands and every COMMON one; not a COMMON bot's others.
  assert.deepEqual(shape(await sok(annSession, 'imhub.messenger.command.list', { DIALOG_ID: botChat })),
    [`help:${commonBot}`, `echo:${bot}`]);
  const [help, echo] = await sok(annSession, 'imhub.messenger.command.list', { DIALOG_ID: botChat });
  assert.deepEqual(echo, { id: ids.echo, bot_id: bot, command: 'echo', title: 'echo title', params: 'echo params', common: false });
  assert.equal(help.common, true);
  // A chat without bots, a private dialog with a person: only the COMMON command.
  assert.deepEqual(shape(await sok(annSession, 'imhub.messenger.command.list', { DIALOG_ID: group })), [`help:${commonBot}`]);
  assert.deepEqual(shape(await sok(annSession, 'imhub.messenger.command.list', { DIALOG_ID: String(bob) })), [`help:${commonBot}`]);
  // The private dialog with the bot, even before any message.
  assert.deepEqual(shape(await sok(annSession, 'imhub.messenger.command.list', { DIALOG_ID: String(bot) })),
    [`help:${commonBot}`, `echo:${bot}`]);
  const de = await sok(annSession, 'imhub.messenger.command.list', { DIALOG_ID: botChat, LANG: 'de' });
  assert.deepEqual([de[1].title, de[1].params], ['echo Titel', '']);
});

test('imhub.messenger.placement.list: what the user sees, per dialog by the context option', async () => {
  const codes = (list) => list.map((p) => p.placement);
  // Every binding Ann may see (no dialog): not the ADMIN one.
  const all = await sok(annSession, 'imhub.messenger.placement.list', {});
  assert.deepEqual(codes(all), ['IM_SIDEBAR', 'IM_TEXTAREA', 'IM_NAVIGATION', 'IM_SMILES_SELECTOR']);
  const sidebar = all[0];
  assert.equal(typeof sidebar.id, 'number');
  assert.deepEqual({ ...sidebar, id: 0 }, { id: 0, app_id: app.app_id, app_name: 'Immarket', placement: 'IM_SIDEBAR',
    handler: `${H}sidebar`, title: 'Sidebar', description: 'Side',
    options: { iconName: 'fa-bug', extranet: 'N', context: 'USER;CHAT', role: 'USER', color: 'AQUA' } });
  assert.equal((await sok(annSession, 'imhub.messenger.placement.list', { LANG: 'de' }))[0].title, 'Seitenleiste');
  // A private dialog with a person: USER placements; navigation always.
  assert.deepEqual(codes(await sok(annSession, 'imhub.messenger.placement.list', { DIALOG_ID: String(bob) })),
    ['IM_SIDEBAR', 'IM_TEXTAREA', 'IM_NAVIGATION']);
  // A group chat: CHAT ones.
  assert.deepEqual(codes(await sok(annSession, 'imhub.messenger.placement.list', { DIALOG_ID: group })),
    ['IM_SIDEBAR', 'IM_NAVIGATION', 'IM_SMILES_SELECTOR']);
  // A private dialog with a bot is not USER (spec: "excluding bots").
  assert.deepEqual(codes(await sok(annSession, 'imhub.messenger.placement.list', { DIALOG_ID: String(bot) })), ['IM_NAVIGATION']);
  // PLACEMENT filters; the administrator sees the ADMIN binding.
  assert.deepEqual(codes(await sok(adminSession, 'imhub.messenger.placement.list', { PLACEMENT: 'im_context_menu' })), ['IM_CONTEXT_MENU']);
  assert.deepEqual(await sok(annSession, 'imhub.messenger.placement.list', { PLACEMENT: 'IM_CONTEXT_MENU' }), []);
});

test('imhub.messenger.placement.auth: the app\'s tokens for the signed-in user, usable on /rest/', async () => {
  const [sidebar] = await sok(annSession, 'imhub.messenger.placement.list', { PLACEMENT: 'IM_SIDEBAR' });
  const auth = await sok(annSession, 'imhub.messenger.placement.auth', { PLACEMENT_ID: sidebar.id });
  assert.equal(typeof auth.access_token, 'string');
  assert.equal(typeof auth.refresh_token, 'string');
  assert.equal(auth.expires_in, 3600);
  assert.equal(auth.status, 'L');
  assert.equal(auth.user_id, ann);
  assert.equal(auth.app_id, app.app_id);
  assert.equal(auth.placement, 'IM_SIDEBAR');
  assert.equal(auth.handler, `${H}sidebar`);
  assert.equal(auth.is_admin, false);
  assert.equal(typeof auth.member_id, 'string');
  assert.equal(auth.application_token, undefined, 'the token that signs events stays on the server');
  assert.deepEqual([auth.user_options, auth.app_options], [{}, {}]);

  // The token is the application's, for Ann: REST calls act as Ann within the app's scopes.
  const me = await rest(server, 'im.user.get', {}, auth.access_token);
  assert.equal(me.status, 200, me.text);
  assert.equal(Number(me.body.result.id), ann);
  const info = await rest(server, 'app.info', {}, auth.access_token);
  assert.equal(info.body.result.CODE, app.client_id);
  const sent = await rest(server, 'im.message.add', { DIALOG_ID: group, MESSAGE: 'from the sidebar app' }, auth.access_token);
  assert.equal(sent.status, 200, sent.text);
  const last = (await server.ok('im.dialog.messages.get', { DIALOG_ID: group, LIMIT: 1 })).result.messages[0];
  assert.deepEqual([last.author_id, last.text], [ann, 'from the sidebar app']);

  // Options the app stored come back with the next tokens (getInitData's USER_OPTIONS/APP_OPTIONS).
  assert.equal((await rest(server, 'user.option.set', { options: { theme: 'dark', n: 5 } }, auth.access_token)).status, 200);
  await api.ok('app.option.set', { options: { mode: 'full' } });
  const again = await sok(annSession, 'imhub.messenger.placement.auth', { PLACEMENT_ID: sidebar.id });
  assert.deepEqual(again.user_options, { theme: 'dark', n: 5 });
  assert.deepEqual(again.app_options, { mode: 'full' });
  assert.notEqual(again.access_token, auth.access_token, 'each call mints fresh tokens (refreshAuth)');
  assert.equal((await sok(adminSession, 'imhub.messenger.placement.auth', { PLACEMENT_ID: sidebar.id })).is_admin, true);
});

test('imhub.messenger.app.auth: the tokens of the application whose bot owns an IFRAME chat app', async () => {
  const auth = await sok(annSession, 'imhub.messenger.app.auth', { APP_ID: ids.frame, DIALOG_ID: botChat });
  assert.equal(auth.app_id, app.app_id);
  assert.equal(auth.chat_app_id, ids.frame);
  assert.equal(auth.user_id, ann);
  assert.equal(auth.application_token, undefined);
  const me = await rest(server, 'im.user.get', {}, auth.access_token);
  assert.equal(Number(me.body.result.id), ann);
  // Checked as imhub.messenger.app.launch checks the launch: a hidden app outside context mode is refused.
  const hidden = await srest(annSession, 'imhub.messenger.app.auth', { APP_ID: ids.hidden, DIALOG_ID: botChat });
  assert.deepEqual([hidden.status, hidden.body.error], [403, 'ACCESS_ERROR']);
  // A JS app has no frame; a webhook bot's app has no application: no tokens.
  assert.equal((await srest(annSession, 'imhub.messenger.app.auth', { APP_ID: ids.put, DIALOG_ID: botChat })).body.error, 'APP_NOT_FOUND');
  const hookBot = await makeBot(server, { code: 'hooky', owner: 'customhooky' });
  const hookApp = (await server.ok('imbot.app.register', { BOT_ID: hookBot, CLIENT_ID: 'hooky', CODE: 'hookframe',
    IFRAME: 'https://apps.example.com/hook.php', HASH, LANG: [{ LANGUAGE_ID: 'en', TITLE: 'Hook frame' }] })).result;
  const none = await srest(annSession, 'imhub.messenger.app.auth', { APP_ID: hookApp, DIALOG_ID: String(bob) });
  assert.deepEqual([none.status, none.body.error], [400, 'APP_NOT_FOUND']);
  // Sessions only.
  const byHook = await server.call('imhub.messenger.app.auth', { APP_ID: ids.frame, DIALOG_ID: botChat }, { webhook: annHook });
  assert.deepEqual([byHook.status, byHook.body.error], [403, 'WRONG_AUTH_TYPE']);
});

test('imhub.messenger.placement.auth: sessions only, visible bindings only, installed applications only', async () => {
  const [sidebar] = await sok(annSession, 'imhub.messenger.placement.list', { PLACEMENT: 'IM_SIDEBAR' });
  // A webhook or an application cannot mint an application's tokens.
  const byHook = await server.call('imhub.messenger.placement.auth', { PLACEMENT_ID: sidebar.id }, { webhook: annHook });
  assert.equal(byHook.status, 403);
  assert.equal(byHook.body.error, 'WRONG_AUTH_TYPE');
  assert.equal((await rest(server, 'imhub.messenger.placement.auth', { PLACEMENT_ID: sidebar.id }, app.token)).body.error, 'WRONG_AUTH_TYPE');
  // Unknown ids and bindings the user may not see are "not found".
  for (const id of [0, 99999]) {
    const r = await srest(annSession, 'imhub.messenger.placement.auth', { PLACEMENT_ID: id });
    assert.deepEqual([r.status, r.body.error], [400, 'ERROR_PLACEMENT_NOT_FOUND']);
  }
  const [adminOnly] = await sok(adminSession, 'imhub.messenger.placement.list', { PLACEMENT: 'IM_CONTEXT_MENU' });
  assert.equal((await srest(annSession, 'imhub.messenger.placement.auth', { PLACEMENT_ID: adminOnly.id })).body.error,
    'ERROR_PLACEMENT_NOT_FOUND');
  // Without CSRF token the session is refused like every state-changing call.
  const noCsrf = await fetch(`${server.base}/rest/imhub.messenger.placement.auth.json`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: annSession.cookie },
    body: JSON.stringify({ PLACEMENT_ID: sidebar.id }),
  });
  assert.equal(noCsrf.status, 401);
  // An uninstalled application's placements disappear and mint nothing.
  server.cli('app', 'uninstall', String(app.app_id));
  assert.deepEqual(await sok(annSession, 'imhub.messenger.placement.list', {}), []);
  assert.equal((await srest(annSession, 'imhub.messenger.placement.auth', { PLACEMENT_ID: sidebar.id })).body.error,
    'ERROR_PLACEMENT_NOT_FOUND');
});
