// The live chat (protocol-openlines.md §8-§9): live-chat auth (`livechat_auth_id` guest / hash,
// the allow-lists, every LIVECHAT_AUTH_* error, batch, CORS), every imopenlines.widget.* method,
// the relay between the visitor's LIVECHAT chat and the operators' LINES chat both ways (edits and
// deletions too), the visitor's push, the rating, the rate limits — and that the visitor never
// reaches anything of the operators' side, by REST or push.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connectWs } from './ws_client.mjs';
import { openlinesServer, sql, session, sleep, closeDue } from './openlines_setup.mjs';

let server, opId, opHook, lineId, code;

// The shared server lifts the per-address guards (every test comes from 127.0.0.1); the tests of
// the guards start servers with the defaults or tighter ones.
const LIMITS = '[livechat]\nregisters_per_minute = 1000\nmessages_per_minute = 1000\nauth_failures = 1000\n' +
  '[push]\nping_interval = 1\n';
const DEFAULTS = '[push]\nping_interval = 1\n';

// A live-chat call: `auth` is "guest" or the visitor's hash; `opts.origin` sends an Origin header,
// `opts.webhook` goes through a webhook path as well.
async function lc(srv, method, params = {}, auth = 'guest', opts = {}) {
  const path = opts.webhook ? `${opts.webhook}${method}` : `/rest/${method}.json`;
  const headers = { 'Content-Type': 'application/json' };
  if (opts.origin) headers.Origin = opts.origin;
  if (opts.cookie) headers.Cookie = opts.cookie;
  const r = await fetch(`${srv.base}${path}?livechat_auth_id=${encodeURIComponent(auth)}`, {
    method: 'POST', headers, body: JSON.stringify(params),
  });
  const text = await r.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: r.status, body, headers: r.headers, text };
}

async function lcOk(method, params, auth, srv = server) {
  const r = await lc(srv, method, params, auth);
  assert.equal(r.status, 200, `${method}: ${r.text}`);
  return r.body.result;
}

async function lcFails(method, params, auth, status, error, srv = server) {
  const r = await lc(srv, method, params, auth);
  assert.equal(r.status, status, `${method}: ${r.text}`);
  assert.equal(r.body.error, error, r.text);
  return r.body;
}

const codeOf = (srv, id) => srv.cli('openlines', 'lines').lines.find((l) => l.id === id).livechat_code;

async function addLine(srv, params) {
  return (await srv.ok('imopenlines.config.add', { PARAMS: { WELCOME_MESSAGE: 'N', ...params } })).result;
}

// A new visitor of `line` (its code's line id); returns {id, hash, chatId, dialogId}.
async function visitor(name = undefined, line = lineId, srv = server) {
  return lcOk('imopenlines.widget.user.register', { CONFIG_ID: line, ...(name ? { NAME: name } : {}) }, 'guest', srv);
}

async function says(v, text) {
  return lcOk('im.message.add', { DIALOG_ID: v.dialogId, MESSAGE: text }, v.hash);
}

// The LINES chat of a visitor chat, once the visitor has written.
function linesChatOf(v) {
  const rows = sql(server, `SELECT id FROM chats WHERE entity_type = 'LINES' AND entity_id = 'livechat|${lineId}|${v.chatId}|${v.id}'`);
  return rows[0]?.id;
}

const history = async (dialogId, auth) => (await lcOk('im.dialog.messages.get', { DIALOG_ID: dialogId, LIMIT: 50 }, auth)).messages;
const opHistory = async (chatId) =>
  (await server.ok('im.dialog.messages.get', { DIALOG_ID: `chat${chatId}`, LIMIT: 50 }, { webhook: opHook })).result.messages;

before(async () => {
  server = await openlinesServer(LIMITS);
  opId = server.cli('user', 'add', '--name', 'Olga', '--last-name', 'Operator').user_id;
  opHook = server.cli('webhook', 'add', '--user', String(opId), '--scope', 'im,imopenlines,pull,pull_channel').webhook;
  lineId = await addLine(server, { LINE_NAME: 'Website', QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: opId }],
    VOTE_MESSAGE: 'Y', VOTE_MESSAGE_2_TEXT: 'Rate us', WATCH_TYPING: 'Y' });
  code = codeOf(server, lineId);
});
after(async () => { await server.cleanup(); });

test('every line has a random 32-hex URL code; config.get names the line by it', async () => {
  assert.match(code, /^[0-9a-f]{32}$/);
  const other = await addLine(server, { LINE_NAME: 'Other' });
  assert.notEqual(codeOf(server, other), code);
  const config = await lcOk('imopenlines.widget.config.get', { CODE: code });
  assert.equal(config.configId, lineId);
  assert.equal(config.configName, 'Website');
  assert.equal(config.voteEnable, true);
  assert.equal(config.vote.enable, true);
  assert.equal(config.vote.messageText, 'Rate us');
  assert.equal(config.watchTyping, true);
  assert.deepEqual(config.disk, { enabled: false, maxFileSize: 5242880 });
  assert.deepEqual(config.connectors, []);
  assert.equal(typeof config.online, 'boolean');
  assert.ok(config.operators.length <= 3);
  assert.deepEqual(config.operators.map((o) => o.id), [opId]);
  assert.equal(config.operators[0].firstName, 'Olga');
  assert.ok(config.serverVariables && 'FORMAT_DATE' in config.serverVariables);
  await lcFails('imopenlines.widget.config.get', { CODE: '0'.repeat(32) }, 'guest', 400, 'CONFIG_NOT_FOUND');
  await lcFails('imopenlines.widget.config.get', {}, 'guest', 400, 'CONFIG_NOT_FOUND');
  // Live-chat auth only.
  await server.fails('imopenlines.widget.config.get', { CODE: code }, 403, 'WRONG_AUTH_TYPE');
});

test('user.register: a connector user with a LIVECHAT chat; the hash is kept only as a digest', async () => {
  const v = await visitor('Vera');
  assert.match(v.hash, /^[0-9a-f]{32}$/);
  assert.equal(v.dialogId, `chat${v.chatId}`);
  assert.equal(v.userConsent, false);
  const user = sql(server, `SELECT external_auth_id, xml_id, name FROM users WHERE id = ${v.id}`)[0];
  assert.equal(user.external_auth_id, 'imconnector');
  assert.match(user.xml_id, /^livechat\|[0-9a-f]{32}$/);
  assert.equal(user.name, 'Vera');
  const chat = sql(server, `SELECT type, entity_type, entity_id FROM chats WHERE id = ${v.chatId}`)[0];
  assert.deepEqual(chat, { type: 'L', entity_type: 'LIVECHAT', entity_id: `${lineId}|${v.id}` });
  assert.deepEqual(sql(server, `SELECT user_id FROM chat_members WHERE chat_id = ${v.chatId}`), [{ user_id: v.id }]);
  // Nowhere in the store in clear.
  const dump = JSON.stringify(sql(server, `SELECT * FROM users WHERE id = ${v.id}`)) +
    JSON.stringify(sql(server, 'SELECT * FROM livechat_visitors'));
  assert.ok(!dump.includes(v.hash));
  // The same visitor again: by USER_HASH as a guest, or under their hash.
  const again = await lcOk('imopenlines.widget.user.register', { CONFIG_ID: lineId, USER_HASH: v.hash });
  assert.deepEqual([again.id, again.chatId, again.hash], [v.id, v.chatId, v.hash]);
  const under = await lcOk('imopenlines.widget.user.register', { CONFIG_ID: lineId }, v.hash);
  assert.deepEqual([under.id, under.chatId], [v.id, v.chatId]);
  // An unknown USER_HASH makes a new visitor with a hash of the server's choosing.
  const fresh = await lcOk('imopenlines.widget.user.register', { CONFIG_ID: lineId, USER_HASH: 'a'.repeat(32) });
  assert.notEqual(fresh.id, v.id);
  assert.notEqual(fresh.hash, 'a'.repeat(32));
  assert.match(sql(server, `SELECT name FROM users WHERE id = ${fresh.id}`)[0].name, /^Guest #\d+$/);
  await lcFails('imopenlines.widget.user.register', {}, 'guest', 400, 'CONFIG_ID_EMPTY');
  await lcFails('imopenlines.widget.user.register', { CONFIG_ID: 99999 }, 'guest', 400, 'CONFIG_NOT_FOUND');
  await server.fails('imopenlines.widget.user.register', { CONFIG_ID: lineId }, 403, 'WRONG_AUTH_TYPE');
});

test('user.get answers the visitor; a guest is no widget user yet', async () => {
  const v = await visitor('Walt');
  const me = await lcOk('imopenlines.widget.user.get', {}, v.hash);
  assert.equal(me.id, v.id);
  assert.equal(me.hash, v.hash);
  assert.equal(me.name, 'Walt');
  assert.equal(me.firstName, 'Walt');
  for (const key of ['lastName', 'avatar', 'email', 'phone', 'www', 'gender', 'position']) assert.ok(key in me, key);
  await lcFails('imopenlines.widget.user.get', {}, 'guest', 401, 'LIVECHAT_AUTH_WIDGET_USER');
  await lcFails('pull.config.get', {}, 'guest', 401, 'LIVECHAT_AUTH_WIDGET_USER');
});

test('auth errors: malformed, unknown, method not listed, portal user', async () => {
  const v = await visitor();
  await lcFails('imopenlines.widget.user.get', {}, 'not-a-hash', 401, 'LIVECHAT_AUTH_FAILED');
  await lcFails('imopenlines.widget.user.get', {}, 'b'.repeat(32), 401, 'LIVECHAT_AUTH_WIDGET_USER');
  // Guests: only the guest list.
  await lcFails('im.message.add', { DIALOG_ID: v.dialogId, MESSAGE: 'x' }, 'guest', 401, 'LIVECHAT_AUTH_METHOD_ERROR');
  await lcFails('imopenlines.widget.vote.send', { SESSION_ID: 1, ACTION: 'like' }, 'guest', 401,
    'LIVECHAT_AUTH_METHOD_ERROR');
  // Visitors: the two lists, nothing else.
  for (const method of ['im.recent.get', 'user.get', 'imopenlines.operator.answer', 'im.chat.add', 'im.notify.get',
    'imopenlines.dialog.get', 'pull.application.event.add'])
    await lcFails(method, {}, v.hash, 401, 'LIVECHAT_AUTH_METHOD_ERROR');
  // A request that is also an employee's (a webhook, a signed-in browser) is not a visitor's.
  const r = await lc(server, 'imopenlines.widget.user.get', {}, v.hash, { webhook: opHook });
  assert.equal(r.status, 401);
  assert.equal(r.body.error, 'LIVECHAT_AUTH_PORTAL_USER');
  server.cli('user', 'passwd', String(opId), '--password', 'olga-widget-secret-1');
  const login = await fetch(`${server.base}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: String(opId), password: 'olga-widget-secret-1' }) });
  assert.equal(login.status, 200);
  const cookie = (login.headers.get('set-cookie') || '').split(';')[0];
  const signedIn = await lc(server, 'imopenlines.widget.config.get', { CODE: code }, 'guest', { cookie });
  assert.equal(signedIn.status, 401);
  assert.equal(signedIn.body.error, 'LIVECHAT_AUTH_PORTAL_USER');
  // A stale cookie is no one's: the visitor is a visitor.
  const stale = await lc(server, 'imopenlines.widget.config.get', { CODE: code }, 'guest', { cookie: 'imhub_session=nope' });
  assert.equal(stale.status, 200, stale.text);
});

test('more than three failures block the address (LIVECHAT_AUTH_BLOCKED)', async () => {
  const own = await openlinesServer(DEFAULTS);
  try {
    const id = await addLine(own, { LINE_NAME: 'B' });
    const v = await visitor(undefined, id, own);
    for (const bad of ['x', 'c'.repeat(32), 'y'])
      assert.match((await lc(own, 'imopenlines.widget.user.get', {}, bad)).body.error, /^LIVECHAT_AUTH_(FAILED|WIDGET_USER)$/);
    // Now even the right hash, and a guest, are refused from this address.
    for (const auth of [v.hash, 'guest']) {
      const r = await lc(own, 'imopenlines.widget.user.get', {}, auth);
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'LIVECHAT_AUTH_BLOCKED');
    }
  } finally {
    await own.cleanup();
  }
});

test('batch: allowed when every sub-call is allowed', async () => {
  const v = await visitor();
  const ok = await lcOk('batch', { halt: 0, cmd: { me: 'imopenlines.widget.user.get', t: 'server.time',
    d: `imopenlines.widget.dialog.get?CHAT_ID=${v.chatId}` } }, v.hash);
  assert.equal(ok.result.me.id, v.id);
  assert.equal(ok.result.d.chatId, v.chatId);
  assert.ok(ok.result.t);
  await lcFails('batch', { cmd: { me: 'imopenlines.widget.user.get', bad: 'im.recent.get' } }, v.hash, 401,
    'LIVECHAT_AUTH_METHOD_ERROR');
  await lcFails('batch', { cmd: { a: 'imopenlines.widget.config.get', b: 'im.message.add' } }, 'guest', 401,
    'LIVECHAT_AUTH_METHOD_ERROR');
  // A sub-call still reaches only the visitor's own dialog.
  const other = await visitor();
  const mixed = await lcOk('batch', { cmd: { x: `im.dialog.messages.get?DIALOG_ID=${other.dialogId}` } }, v.hash);
  assert.equal(mixed.result_error.x.error, 'ACCESS_DENIED');
});

test('CORS: a live-chat reply names the calling origin and allows credentials', async () => {
  const v = await visitor();
  const r = await lc(server, 'imopenlines.widget.user.get', {}, v.hash, { origin: 'https://shop.example' });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('access-control-allow-origin'), 'https://shop.example');
  assert.equal(r.headers.get('access-control-allow-credentials'), 'true');
  // Refusals too (the page must be able to read the error).
  const bad = await lc(server, 'imopenlines.widget.user.get', {}, 'd'.repeat(32), { origin: 'https://shop.example' });
  assert.equal(bad.headers.get('access-control-allow-origin'), 'https://shop.example');
  const pre = await server.raw(`/rest/im.message.add.json?livechat_auth_id=${v.hash}`, {
    method: 'OPTIONS', headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' } });
  assert.equal(pre.status, 200);
  assert.equal(pre.headers.get('access-control-allow-origin'), 'https://shop.example');
  assert.equal(pre.headers.get('access-control-allow-credentials'), 'true');
  const otherPre = await server.raw('/rest/server.time', {
    method: 'OPTIONS', headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' } });
  assert.equal(otherPre.headers.get('access-control-allow-origin'), '*');
  // Everyone else's replies keep the platform's "*" without credentials.
  const plain = await server.call('server.time', {}, { headers: { Origin: 'https://shop.example' } });
  assert.equal(plain.headers.get('access-control-allow-origin'), '*');
  assert.equal(plain.headers.get('access-control-allow-credentials'), null);
});

test('relay: the first message opens the LINES chat and a session; replies come back, notices do not', async () => {
  const v = await visitor('Rita');
  assert.equal((await lcOk('imopenlines.widget.dialog.get', { CONFIG_ID: lineId }, v.hash)).sessionId, 0);
  const first = await says(v, 'Hello, is anyone there?');
  assert.ok(first > 0);
  const lines = linesChatOf(v);
  assert.ok(lines, 'the LINES chat exists');
  const chat = sql(server, `SELECT type, title FROM chats WHERE id = ${lines}`)[0];
  assert.deepEqual(chat, { type: 'L', title: 'Rita - Website' });
  const s = sql(server, `SELECT * FROM openline_sessions WHERE chat_id = ${lines}`)[0];
  assert.equal(s.connector, 'livechat');
  assert.equal(s.user_id, v.id);
  assert.equal(s.operator_id, opId);
  // The operator reads it in the LINES chat, written by the visitor.
  const seen = (await opHistory(lines)).find((m) => m.text === 'Hello, is anyone there?');
  assert.equal(seen.author_id, v.id);

  // The operator answers; the visitor reads it in their chat, by the operator (OPERATOR_DATA=profile).
  await server.ok('im.message.add', { DIALOG_ID: `chat${lines}`, MESSAGE: 'Hi Rita, how can I help?' }, { webhook: opHook });
  const mine = await history(v.dialogId, v.hash);
  const reply = mine.find((m) => m.text === 'Hi Rita, how can I help?');
  assert.equal(reply.author_id, opId);
  // Only the two messages: no "Dialog #N started", no "joined the conversation".
  assert.deepEqual(mine.map((m) => m.text).sort(), ['Hello, is anyone there?', 'Hi Rita, how can I help?']);
  assert.equal(session(server, s.id).status, 40);

  // Silent mode: what the operators say stays with them.
  await server.ok('imopenlines.session.mode.silent', { CHAT_ID: lines, ACTIVATE: 'Y' }, { webhook: opHook });
  await server.ok('im.message.add', { DIALOG_ID: `chat${lines}`, MESSAGE: 'internal note' }, { webhook: opHook });
  await server.ok('imopenlines.session.mode.silent', { CHAT_ID: lines, ACTIVATE: 'N' }, { webhook: opHook });
  assert.ok(!(await history(v.dialogId, v.hash)).some((m) => m.text === 'internal note'));

  const dialog = await lcOk('imopenlines.widget.dialog.get', { CHAT_ID: v.chatId }, v.hash);
  assert.equal(dialog.chatId, v.chatId);
  assert.equal(dialog.dialogId, v.dialogId);
  assert.equal(dialog.sessionId, s.id);
  assert.equal(dialog.sessionClose, false);
  assert.equal(dialog.sessionStatus, 40);
  assert.equal(dialog.userVote, 'none');
  assert.equal(dialog.operator.ID, opId);
  assert.equal(dialog.operator.FIRST_NAME, 'Olga');
  assert.equal(dialog.operatorChatId, lines);
});

test('OPERATOR_DATA=hide: the visitor sees the line, not the operator', async () => {
  const hidden = await addLine(server, { LINE_NAME: 'Hidden', OPERATOR_DATA: 'hide',
    QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: opId }] });
  const v = await visitor(undefined, hidden);
  await says(v, 'who are you?');
  const lines = sql(server, `SELECT id FROM chats WHERE entity_id = 'livechat|${hidden}|${v.chatId}|${v.id}'`)[0].id;
  await server.ok('im.message.add', { DIALOG_ID: `chat${lines}`, MESSAGE: 'a secret agent' }, { webhook: opHook });
  const page = await lcOk('im.dialog.messages.get', { DIALOG_ID: v.dialogId }, v.hash);
  const reply = page.messages.find((m) => m.text === 'a secret agent');
  assert.equal(reply.author_id, 0);
  const users = Array.isArray(page.users) ? page.users : Object.values(page.users);
  assert.ok(users.length > 0 && !users.some((u) => u.id === opId), JSON.stringify(page.users));
  const dialog = await lcOk('imopenlines.widget.dialog.get', { CHAT_ID: v.chatId }, v.hash);
  assert.equal(dialog.operator.ID, 0);
  const config = await lcOk('imopenlines.widget.config.get', { CODE: codeOf(server, hidden) });
  assert.deepEqual(config.operators, []);
});

test('edits and deletions follow to the other side', async () => {
  const v = await visitor();
  const own = await says(v, 'typo hre');
  const lines = linesChatOf(v);
  await server.ok('im.message.add', { DIALOG_ID: `chat${lines}`, MESSAGE: 'answer one' }, { webhook: opHook });
  await server.ok('im.message.add', { DIALOG_ID: `chat${lines}`, MESSAGE: 'answer two' }, { webhook: opHook });
  const opMsgs = await opHistory(lines);
  const one = opMsgs.find((m) => m.text === 'answer one').id;
  const two = opMsgs.find((m) => m.text === 'answer two').id;
  // The operator edits and deletes: the visitor's copies follow.
  await server.ok('im.message.update', { MESSAGE_ID: one, MESSAGE: 'answer one (fixed)' }, { webhook: opHook });
  await server.ok('im.message.delete', { MESSAGE_ID: two }, { webhook: opHook });
  let mine = await history(v.dialogId, v.hash);
  assert.ok(mine.some((m) => m.text === 'answer one (fixed)'));
  assert.ok(!mine.some((m) => m.text === 'answer one'));
  assert.ok(!mine.some((m) => m.text === 'answer two'));
  // The visitor edits and deletes theirs: the operators' copy follows.
  await lcOk('im.message.update', { MESSAGE_ID: own, MESSAGE: 'typo here' }, v.hash);
  let theirs = await opHistory(lines);
  assert.ok(theirs.some((m) => m.text === 'typo here' && m.author_id === v.id));
  assert.ok(!theirs.some((m) => m.text === 'typo hre'));
  await lcOk('im.message.delete', { MESSAGE_ID: own }, v.hash);
  theirs = await opHistory(lines);
  assert.ok(!theirs.some((m) => m.text === 'typo here'));
  // The visitor cannot touch the operator's copy in their chat.
  mine = await history(v.dialogId, v.hash);
  const copy = mine.find((m) => m.text === 'answer one (fixed)');
  const refused = await lc(server, 'im.message.update', { MESSAGE_ID: copy.id, MESSAGE: 'hacked' }, v.hash);
  assert.ok(refused.status >= 400 && refused.status < 500, refused.text);
  assert.ok((await opHistory(lines)).some((m) => m.text === 'answer one (fixed)'));
  assert.ok((await history(v.dialogId, v.hash)).some((m) => m.text === 'answer one (fixed)'));
});

test('the visitor never reaches the operator side by REST', async () => {
  const v = await visitor();
  await says(v, 'let me in');
  const lines = linesChatOf(v);
  await server.ok('im.message.add', { DIALOG_ID: `chat${lines}`, MESSAGE: 'operator text' }, { webhook: opHook });
  const opMessage = (await opHistory(lines)).find((m) => m.text === 'operator text').id;
  const denied = [
    ['im.dialog.messages.get', { DIALOG_ID: `chat${lines}` }],
    ['im.chat.get', { CHAT_ID: lines }],
    ['im.chat.get', { DIALOG_ID: `chat${lines}` }],
    ['im.message.add', { DIALOG_ID: `chat${lines}`, MESSAGE: 'sneaky' }],
    ['im.message.add', { DIALOG_ID: String(opId), MESSAGE: 'private hello' }],
    ['im.message.add', { USER_ID: opId, MESSAGE: 'private hello' }],
    ['im.message.update', { MESSAGE_ID: opMessage, MESSAGE: 'x' }],
    ['im.message.delete', { MESSAGE_ID: opMessage }],
    ['im.message.like', { MESSAGE_ID: opMessage }],
    ['im.dialog.writing', { DIALOG_ID: `chat${lines}` }],
    ['im.dialog.read', { DIALOG_ID: `chat${lines}` }],
    ['pull.watch.extend', { TAGS: [`IM_PUBLIC_${lines}`] }],
    ['imopenlines.widget.dialog.get', { CHAT_ID: lines }],
    ['imopenlines.widget.action.send', { MESSAGE_ID: opMessage }],
  ];
  for (const [method, params] of denied) {
    const r = await lc(server, method, params, v.hash);
    assert.equal(r.status, 403, `${method} ${JSON.stringify(params)}: ${r.text}`);
    assert.equal(r.body.error, 'ACCESS_DENIED', method);
  }
  // Another visitor's chat is just as closed.
  const other = await visitor();
  await lcFails('im.dialog.messages.get', { DIALOG_ID: other.dialogId }, v.hash, 403, 'ACCESS_DENIED');
  // Files are off.
  await lcFails('im.disk.folder.get', { CHAT_ID: v.chatId }, v.hash, 403, 'ACCESS_DENIED');
  assert.ok(!sql(server, `SELECT text FROM messages WHERE text IN ('sneaky', 'private hello')`).length);
});

function livePush(config) {
  const url = new URL(config.server.websocket);
  url.searchParams.set('token', config.jwt);
  url.searchParams.set('jsonRpc', 'true');
  return connectWs(url.toString());
}
const body = (f) => (f.includes('"incoming.message"') ? JSON.parse(f).params.body : null);
const is = (module, command, pred = () => true) => (f) => {
  const b = body(f);
  return !!b && b.module_id === module && b.command === command && pred(b.params);
};

test('push: the visitor hears their chat and their sessions, nothing of the LINES chat', async () => {
  const v = await visitor('Pat');
  const vConfig = await lcOk('pull.config.get', { CACHE: 'N' }, v.hash);
  const ws = livePush(vConfig);
  const opConfig = (await server.ok('pull.config.get', { CACHE: 'N' }, { webhook: opHook })).result;
  const op = livePush(opConfig);
  try {
    await ws.opened;
    await op.opened;
    await says(v, 'push me');
    const start = body(await ws.next(is('imopenlines', 'sessionStart', (p) => p.chatId === v.chatId)));
    const lines = linesChatOf(v);
    const s = sql(server, `SELECT id FROM openline_sessions WHERE chat_id = ${lines}`)[0].id;
    assert.deepEqual(start.params, { chatId: v.chatId, sessionId: s });
    await ws.next(is('imopenlines', 'sessionStatus', (p) => p.chatId === v.chatId && p.sessionId === s));
    // The operator is offered it and hears the visitor's typing (WATCH_TYPING=Y) in the LINES chat.
    await op.next(is('im', 'messageChat', (p) => p.chatId === lines && p.message.text === 'push me'));
    await lcOk('im.dialog.writing', { DIALOG_ID: v.dialogId }, v.hash);
    await op.next(is('im', 'startWriting', (p) => p.dialogId === `chat${lines}` && p.userId === v.id));
    // The operator types and answers: the visitor hears both in their own chat.
    await server.ok('im.dialog.writing', { DIALOG_ID: `chat${lines}` }, { webhook: opHook });
    const typing = body(await ws.next(is('im', 'startWriting', (p) => p.dialogId === v.dialogId)));
    assert.equal(typing.params.userId, opId);
    await server.ok('im.message.add', { DIALOG_ID: `chat${lines}`, MESSAGE: 'live answer' }, { webhook: opHook });
    const msg = body(await ws.next(is('im', 'messageChat', (p) => p.message?.text === 'live answer')));
    assert.equal(msg.params.chatId, v.chatId);
    assert.equal(msg.params.message.senderId, opId);
    const copyId = msg.params.message.id;
    const opMsg = (await opHistory(lines)).find((m) => m.text === 'live answer').id;
    await server.ok('im.message.update', { MESSAGE_ID: opMsg, MESSAGE: 'live answer!' }, { webhook: opHook });
    await ws.next(is('im', 'messageUpdate', (p) => p.id === copyId && p.text === 'live answer!'));
    await server.ok('im.message.delete', { MESSAGE_ID: opMsg }, { webhook: opHook });
    await ws.next(is('im', 'messageDelete', (p) => p.id === copyId));
    // The operator's close asks for the rating (VOTE_MESSAGE=Y): the session waits for the client (50).
    await server.ok('imopenlines.operator.finish', { CHAT_ID: lines }, { webhook: opHook });
    const closed = body(await ws.next(is('imopenlines', 'sessionStatus', (p) => p.sessionStatus === 50)));
    assert.deepEqual(closed.params, { chatId: v.chatId, sessionId: s, sessionStatus: 50, spam: false, sessionClose: false });
    // The final close (FULL_CLOSE_TIME, moved to now): sessionStatus with sessionClose.
    closeDue(server, s);
    const final = body(await ws.next(is('imopenlines', 'sessionStatus', (p) => p.sessionClose === true)));
    assert.deepEqual(final.params, { chatId: v.chatId, sessionId: s, sessionStatus: 60, spam: false, sessionClose: true });
    await sleep(300);
    // Nothing the visitor heard names the LINES chat or is an operator-only command.
    for (const f of ws.frames) {
      const b = body(f);
      if (!b) continue;
      const text = JSON.stringify(b.params);
      assert.ok(!text.includes(`"chatId":${lines}`) && !text.includes(`"chat${lines}"`), `leaked: ${text}`);
      assert.ok(!['updateSessionStatus', 'linesAnswer', 'chatUserAdd', 'chatUserLeave'].includes(b.command), b.command);
    }
  } finally {
    ws.destroy();
    op.destroy();
  }
});

test('rating: vote.send lands on the session; dialog.get and the operators see it', async () => {
  const v = await visitor();
  await says(v, 'rate me');
  const lines = linesChatOf(v);
  const s = sql(server, `SELECT id FROM openline_sessions WHERE chat_id = ${lines}`)[0].id;
  await server.ok('im.message.add', { DIALOG_ID: `chat${lines}`, MESSAGE: 'done' }, { webhook: opHook });
  await server.ok('imopenlines.operator.finish', { CHAT_ID: lines }, { webhook: opHook });
  const closed = await lcOk('imopenlines.widget.dialog.get', { CHAT_ID: v.chatId }, v.hash);
  // Closed by the operator with the rating asked for: waiting for the client (50) until FULL_CLOSE_TIME.
  assert.equal(closed.sessionClose, false);
  assert.equal(closed.sessionStatus, 50);
  assert.equal(await lcOk('imopenlines.widget.vote.send', { SESSION_ID: s, ACTION: 'like' }, v.hash), true);
  assert.equal(session(server, s).vote, 5);
  assert.equal((await lcOk('imopenlines.widget.dialog.get', { CHAT_ID: v.chatId }, v.hash)).userVote, 'like');
  assert.equal(server.cli('openlines', 'sessions', '--all').sessions.find((x) => x.id === s).vote, 5);
  // The operators (who left with the close) find it in the chat's history.
  assert.ok(sql(server, `SELECT 1 FROM messages WHERE chat_id = ${lines} AND author_id = 0 AND text = 'The client rated dialog #${s}: like'`).length);
  await lcOk('imopenlines.widget.vote.send', { SESSION_ID: s, ACTION: 'dislike' }, v.hash);
  assert.equal(session(server, s).vote, 1);
  // Not someone else's session, not a made-up action.
  const other = await visitor();
  await lcFails('imopenlines.widget.vote.send', { SESSION_ID: s, ACTION: 'like' }, other.hash, 403, 'ACCESS_DENIED');
  await lcFails('imopenlines.widget.vote.send', { SESSION_ID: s, ACTION: 'meh' }, v.hash, 403, 'ACCESS_DENIED');
  await lcFails('imopenlines.widget.vote.send', { SESSION_ID: 999999, ACTION: 'like' }, v.hash, 403, 'ACCESS_DENIED');
  // Writing while it waits for the client reopens it with its operator (25), no new session.
  await says(v, 'one more thing');
  const sessions = sql(server, `SELECT id, status FROM openline_sessions WHERE chat_id = ${lines} ORDER BY id`);
  assert.deepEqual(sessions, [{ id: s, status: 25 }]);
});

test('operator.get, action.send, consent.apply, and the disabled methods', async () => {
  const v = await visitor();
  await says(v, 'hello operator');
  // Only the operators of the visitor's open sessions (user 1, the administrator, is none).
  const channels = await lcOk('imopenlines.widget.operator.get', { USERS: [opId, 1] }, v.hash);
  assert.deepEqual(Object.keys(channels), [String(opId)]);
  const desc = channels[opId];
  assert.equal(desc.user_id, opId);
  assert.match(desc.public_id, /.+/);
  assert.ok(desc.signature);
  assert.deepEqual(await lcOk('imopenlines.widget.operator.get', { USERS: [1] }, v.hash), {});

  const own = (await history(v.dialogId, v.hash))[0].id;
  assert.equal(await lcOk('imopenlines.widget.action.send', { MESSAGE_ID: own, ACTION_VALUE: 'yes' }, v.hash), true);
  await lcFails('imopenlines.widget.action.send', { MESSAGE_ID: 0 }, v.hash, 403, 'ACCESS_DENIED');

  assert.equal(await lcOk('imopenlines.widget.user.consent.apply', { CONFIG_ID: lineId, CONSENT_URL: 'https://x' }, v.hash),
    false);
  const agreed = await addLine(server, { LINE_NAME: 'Agreement', AGREEMENT_MESSAGE: 'Y' });
  const w = await visitor(undefined, agreed);
  assert.equal(await lcOk('imopenlines.widget.user.consent.apply', { CONFIG_ID: agreed, CONSENT_URL: 'https://x' }, w.hash),
    true);
  assert.equal((await lcOk('imopenlines.widget.dialog.get', { CONFIG_ID: agreed }, w.hash)).userConsent, true);

  await lcFails('imopenlines.widget.dialog.list', {}, v.hash, 403, 'WRONG_REQUEST');
  await lcFails('imopenlines.widget.chat.create', {}, v.hash, 403, 'WRONG_REQUEST');
  assert.deepEqual(await lcOk('imopenlines.widget.crm.bindings.get', {}, v.hash), []);
});

test('rate limits per address on user.register and im.message.add', async () => {
  const own = await openlinesServer('[livechat]\nregisters_per_minute = 2\nmessages_per_minute = 3\n');
  try {
    const id = await addLine(own, { LINE_NAME: 'R' });
    const v = await visitor(undefined, id, own);
    await visitor(undefined, id, own);
    const third = await lc(own, 'imopenlines.widget.user.register', { CONFIG_ID: id });
    assert.equal(third.status, 503);
    assert.equal(third.body.error, 'QUERY_LIMIT_EXCEEDED');
    for (let i = 0; i < 3; ++i) {
      const r = await lc(own, 'im.message.add', { DIALOG_ID: v.dialogId, MESSAGE: `m${i}` }, v.hash);
      assert.equal(r.status, 200, r.text);
    }
    const fourth = await lc(own, 'im.message.add', { DIALOG_ID: v.dialogId, MESSAGE: 'm3' }, v.hash);
    assert.equal(fourth.status, 503);
    assert.equal(fourth.body.error, 'QUERY_LIMIT_EXCEEDED');
  } finally {
    await own.cleanup();
  }
});

test('a deleted line takes its code with it', async () => {
  const id = await addLine(server, { LINE_NAME: 'Gone' });
  const gone = codeOf(server, id);
  await server.ok('imopenlines.config.delete', { CONFIG_ID: id });
  await lcFails('imopenlines.widget.config.get', { CODE: gone }, 'guest', 400, 'CONFIG_NOT_FOUND');
  assert.deepEqual(sql(server, `SELECT * FROM livechat_lines WHERE line_id = ${id}`), []);
});
