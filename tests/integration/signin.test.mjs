// Sign-in (issue 13): passwords set by the CLI, sessions in an HttpOnly cookie plus the CSRF
// token `sessid`, the session as a REST caller, sign-out, expiry, the login throttle, cookie
// flags over http and https, the Origin check of the push WebSocket, and no secret in the log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import https from 'node:https';
import net from 'node:net';
import { BINARY, cli, startServer, storeArgs } from './harness.mjs';

const EVIL = 'http://evil.example';
let srv, short, secure, dataDir, adminPassword, alice, bob;
const ALICE_PW = 'alice-correct-horse-1';
const BOB_PW = 'bob-battery-staple-2';
const secrets = []; // everything that must never appear in a log

function passwd(dir, id, args = [], input) {
  return execFileSync(BINARY, ['user', 'passwd', String(id), ...args, '--data', dir, ...storeArgs(dir)],
    { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

// POST /auth/login; returns status, body, the raw Set-Cookie and the "imhub_session=…" pair.
async function login(server, loginName, password, headers = {}) {
  const r = await fetch(`${server.base}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ login: loginName, password }),
  });
  const setCookie = r.headers.get('set-cookie') || '';
  const body = await r.json();
  const cookie = setCookie.split(';')[0];
  if (r.status === 200) secrets.push(cookie.split('=')[1], body.sessid);
  return { status: r.status, body, setCookie, cookie, headers: r.headers };
}

async function signIn(server, loginName, password) {
  const r = await login(server, loginName, password);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { cookie: r.cookie, sessid: r.body.sessid, user: r.body.user };
}

// A REST call under session auth: /rest/METHOD.json with the cookie, `sessid` as a query
// parameter unless `header` puts it in X-Bitrix-Csrf-Token; `sessid: null` sends none.
async function rest(server, session, method, params = {}, { sessid = session.sessid, header = false, suffix = '.json' } = {}) {
  const q = sessid !== null && !header ? `?sessid=${encodeURIComponent(sessid)}` : ''; // null: none
  const headers = { 'Content-Type': 'application/json', Cookie: session.cookie };
  if (header) headers['X-Bitrix-Csrf-Token'] = sessid;
  const r = await fetch(`${server.base}/rest/${method}${suffix}${q}`, { method: 'POST', headers, body: JSON.stringify(params) });
  const text = await r.text();
  return { status: r.status, body: JSON.parse(text) };
}

async function messageCount(server, dialog) {
  const r = await server.ok('im.dialog.messages.get', { DIALOG_ID: dialog, LIMIT: 50 });
  return r.result.messages.length;
}

before(async () => {
  // The first init prints the administrator's password, a later one never again.
  dataDir = mkdtempSync(join(tmpdir(), 'imhub-signin-'));
  const first = cli(dataDir, 'init');
  adminPassword = first.password;
  assert.match(adminPassword, /^[a-z0-9]{20}$/);
  secrets.push(adminPassword);
  assert.equal(cli(dataDir, 'init').password, undefined);
  srv = await startServer({
    dataDir,
    config: '[auth]\nlogin_failures_per_user = 3\nlogin_failures_per_address = 1000\n[log]\nlevel = "debug"\n',
  });
  alice = srv.cli('user', 'add', '--name', 'Alice', '--email', 'alice@example.com').user_id;
  bob = srv.cli('user', 'add', '--name', 'Bob', '--email', 'bob@example.com').user_id;
  secrets.push(ALICE_PW, BOB_PW);
  short = await startServer({
    config: '[auth]\nsession_idle_timeout = 4\nsession_lifetime = 10\nlogin_failures_per_address = 4\n',
  });
  secure = await startServer({ https: true });
});

after(async () => {
  for (const s of [srv, short, secure]) if (s) await s.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

test('user passwd: --password, standard input; short passwords and bots refused', () => {
  assert.deepEqual(JSON.parse(passwd(dataDir, alice, ['--password', ALICE_PW])), { user_id: alice, password_set: true });
  assert.deepEqual(JSON.parse(passwd(dataDir, bob, [], `${BOB_PW}\n`)), { user_id: bob, password_set: true });
  assert.throws(() => passwd(dataDir, bob, ['--password', 'short']), /at least 8 characters/);
  assert.throws(() => passwd(dataDir, 999, ['--password', 'long enough pw']), /does not exist/);
});

test('login by e-mail and by id; wrong passwords and unknown logins refused alike', async () => {
  const byEmail = await login(srv, 'Alice@Example.com', ALICE_PW);
  assert.equal(byEmail.status, 200);
  assert.match(byEmail.body.sessid, /^[0-9a-f]{32}$/);
  assert.equal(byEmail.body.user.id, alice);
  assert.equal(byEmail.body.user.name, 'Alice');
  assert.match(byEmail.cookie, /^imhub_session=[0-9a-f]{64}$/);
  assert.equal(byEmail.headers.get('cache-control'), 'no-store');
  const byId = await login(srv, String(bob), BOB_PW);
  assert.equal(byId.status, 200);
  assert.equal(byId.body.user.id, bob);
  const admin = await login(srv, '1', adminPassword);
  assert.equal(admin.status, 200);
  assert.equal(admin.body.user.is_admin, true);
  for (const [l, p] of [[String(bob), 'wrong password'], ['nobody@example.com', BOB_PW], ['bob@example.com', '']]) {
    const r = await login(srv, l, p);
    assert.equal(r.status, p ? 401 : 400, `${l}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error, p ? 'INVALID_CREDENTIALS' : 'INVALID_REQUEST');
    assert.equal(r.setCookie, '');
  }
  const foreign = await login(srv, String(bob), BOB_PW, { Origin: EVIL });
  assert.equal(foreign.status, 403);
  assert.equal(foreign.setCookie, '');
  assert.equal((await login(srv, String(bob), BOB_PW, { Origin: srv.base })).status, 200);
});

test('a session calls im.message.add as its user; without or with a wrong sessid it is refused', async () => {
  const s = await signIn(srv, 'alice@example.com', ALICE_PW);
  const sent = await rest(srv, s, 'im.message.add', { DIALOG_ID: '1', MESSAGE: 'from the browser' });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  assert.ok(sent.body.result > 0);
  assert.ok(sent.body.time);
  const viaHeader = await rest(srv, s, 'im.message.add', { DIALOG_ID: '1', MESSAGE: 'csrf in a header' }, { header: true, suffix: '' });
  assert.equal(viaHeader.status, 200, JSON.stringify(viaHeader.body));
  const history = await rest(srv, s, 'im.dialog.messages.get', { DIALOG_ID: '1' });
  const mine = history.body.result.messages.find((m) => m.id === sent.body.result);
  assert.equal(mine.author_id, alice);
  const before = await messageCount(srv, alice);
  for (const sessid of [null, '', 'f'.repeat(32), s.sessid.slice(0, 31)]) {
    const r = await rest(srv, s, 'im.message.add', { DIALOG_ID: '1', MESSAGE: 'forged' }, { sessid });
    assert.equal(r.status, 401, `sessid ${sessid}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error, 'session_failed');
    assert.equal(r.body.error_description, 'Sessid check failed');
  }
  assert.equal(await messageCount(srv, alice), before, 'a refused call wrote nothing');
  // Another user's sessid does not fit this cookie.
  const b = await signIn(srv, 'bob@example.com', BOB_PW);
  assert.equal((await rest(srv, s, 'im.message.add', { DIALOG_ID: '1', MESSAGE: 'x' }, { sessid: b.sessid })).status, 401);
  // A webhook URL is still a webhook when the browser also sends its cookie.
  const hook = await fetch(`${srv.base}${srv.webhook}profile`, { headers: { Cookie: s.cookie } });
  assert.equal((await hook.json()).result.ID, '1');
});

test('methods the platform refuses to sessions answer WRONG_AUTH_TYPE; pull.config.get works', async () => {
  const s = await signIn(srv, 'alice@example.com', ALICE_PW);
  const cases = [
    ['event.bind', { event: 'ONIMBOTMESSAGEADD', handler: 'https://example.com/h' }, 'Access denied! Current authorization type is denied for this method'],
    ['imbot.register', { CODE: 'b', EVENT_HANDLER: 'https://example.com/h', PROPERTIES: { NAME: 'B' } }, 'Access for this method not allowed by session authorization.'],
    ['pull.application.config.get', {}, 'Get access to application config available only for application authorization.'],
    ['im.notify.system.add', { USER_ID: 1, MESSAGE: 'x' }, 'Access for this method not allowed by session authorization.'],
    ['placement.bind', { PLACEMENT: 'IM_SIDEBAR', HANDLER: 'https://example.com/p' }, 'Current authorization type is denied for this method Application context required'],
  ];
  for (const [method, params, description] of cases) {
    const r = await rest(srv, s, method, params);
    assert.equal(r.status, 403, `${method}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error, 'WRONG_AUTH_TYPE', method);
    assert.equal(r.body.error_description, description, method);
  }
  const config = await rest(srv, s, 'pull.config.get');
  assert.equal(config.status, 200, JSON.stringify(config.body));
  assert.ok(config.body.result.jwt);
  const profile = await rest(srv, s, 'profile');
  assert.equal(profile.body.result.ID, String(alice));
});

test('sign-out needs the sessid, deletes the session and clears the cookie', async () => {
  const s = await signIn(srv, 'bob@example.com', BOB_PW);
  const forged = await fetch(`${srv.base}/auth/logout`, { method: 'POST', headers: { Cookie: s.cookie } });
  assert.equal(forged.status, 401);
  assert.equal((await rest(srv, s, 'profile')).status, 200, 'still signed in');
  const info = await (await fetch(`${srv.base}/auth/session`, { headers: { Cookie: s.cookie } })).json();
  assert.equal(info.sessid, s.sessid);
  assert.equal(info.user.id, bob);
  const out = await fetch(`${srv.base}/auth/logout`, {
    method: 'POST', headers: { Cookie: s.cookie, 'X-Bitrix-Csrf-Token': s.sessid },
  });
  assert.equal(out.status, 200);
  assert.deepEqual(await out.json(), { result: true });
  assert.match(out.headers.get('set-cookie'), /^imhub_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax$/);
  const after = await rest(srv, s, 'profile');
  assert.equal(after.status, 401);
  assert.equal(after.body.error, 'access_denied');
  assert.equal(after.body.error_description, 'User not authorized');
  assert.equal((await fetch(`${srv.base}/auth/session`, { headers: { Cookie: s.cookie } })).status, 401);
});

test('a new password signs the user out everywhere', async () => {
  const s = await signIn(srv, 'alice@example.com', ALICE_PW);
  passwd(dataDir, alice, ['--password', ALICE_PW]);
  assert.equal((await rest(srv, s, 'profile')).status, 401);
});

test('failed logins are throttled per user (the right password too), other users unaffected', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await login(srv, 'alice@example.com', `guess ${i}`)).status, 401);
  const locked = await login(srv, String(alice), ALICE_PW); // by id: the same user's count
  assert.equal(locked.status, 429);
  assert.equal(locked.body.error, 'TOO_MANY_ATTEMPTS');
  assert.ok(Number(locked.headers.get('retry-after')) > 0);
  assert.equal((await login(srv, 'bob@example.com', BOB_PW)).status, 200);
});

test('sessions expire when idle and after their lifetime', async () => {
  // [auth] of `short`: idle 4 s, lifetime 10 s. Times are measured, not assumed: stored times are
  // whole seconds and a use is recorded after the answer, so each check keeps margin.
  const pw = 'short-lived-pw';
  passwd(short.dataDir, 1, ['--password', pw]);
  secrets.push(pw);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const t0 = Date.now();
  const busy = await signIn(short, '1', pw);
  const idle = await signIn(short, '1', pw);
  const idleSince = Date.now();
  let kept = 0;
  while (Date.now() - t0 < 11500) { // used every 0.5 s: never idle, until the lifetime ends
    await sleep(500);
    const started = Date.now() - t0;
    const r = await rest(short, busy, 'profile');
    if (started < 7500) {
      assert.equal(r.status, 200, `busy session at ${started} ms: ${JSON.stringify(r.body)}`);
      if (started > 5500) kept++; // alive past the idle timeout because it was used
    }
    if (Date.now() - idleSince > 5500) {
      const unused = await rest(short, idle, 'profile'); // unused for over idle + 1 s
      assert.equal(unused.status, 401);
      assert.equal(unused.body.error, 'access_denied');
    }
  }
  assert.ok(kept > 0, 'the busy session was checked after the idle timeout');
  const old = await rest(short, busy, 'profile'); // used 0.5 s ago, but signed in over 11 s ago
  assert.equal(old.status, 401);
  assert.equal(old.body.error, 'access_denied');
  // The login throttle per address: 4 failures from here, then even a right password waits.
  for (let i = 0; i < 4; i++) assert.equal((await login(short, `nobody${i}@example.com`, 'x')).status, 401);
  assert.equal((await login(short, '1', pw)).status, 429);
});

test('cookie flags: HttpOnly, SameSite=Lax, Path=/; Secure over https', async () => {
  const plain = await login(srv, 'bob@example.com', BOB_PW);
  assert.match(plain.setCookie, /^imhub_session=[0-9a-f]{64}; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax$/);
  const pw = 'https-admin-pw';
  passwd(secure.dataDir, 1, ['--password', pw]);
  secrets.push(pw);
  // Plain http to a server that also serves https: no Secure (the browser would drop the cookie).
  const overHttp = await login(secure, '1', pw);
  assert.equal(overHttp.status, 200);
  assert.doesNotMatch(overHttp.setCookie, /Secure/);
  const r = await new Promise((resolve, reject) => {
    const body = JSON.stringify({ login: '1', password: pw });
    const req = https.request(`${secure.httpsBase}/auth/login`, {
      method: 'POST', ca: readFileSync(secure.caFile), headers: { 'Content-Type': 'application/json' },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
    req.end(body);
  });
  assert.equal(r.statusCode, 200);
  const cookie = r.headers['set-cookie'][0];
  assert.match(cookie, /; HttpOnly; SameSite=Lax; Secure$/);
  secrets.push(cookie.split(';')[0].split('=')[1]);
});

// The status line of a WebSocket upgrade to the push path with these extra headers.
function upgradeStatus(server, headers) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    let got = '';
    socket.on('connect', () => {
      const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.write(`GET /bitrix/subws/?token=x HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`);
    });
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) {
        socket.destroy();
        resolve(Number(got.split(' ')[1]));
      }
    });
    socket.on('error', reject);
    setTimeout(() => { socket.destroy(); reject(new Error('no answer to the upgrade')); }, 5000);
  });
}

test('the push WebSocket refuses the session cookie from a foreign origin only', async () => {
  const s = await signIn(srv, 'bob@example.com', BOB_PW);
  assert.equal(await upgradeStatus(srv, { Cookie: s.cookie, Origin: EVIL }), 403);
  assert.equal(await upgradeStatus(srv, { Cookie: s.cookie }), 403);
  assert.equal(await upgradeStatus(srv, { Cookie: s.cookie, Origin: srv.base }), 101);
  assert.equal(await upgradeStatus(srv, { Origin: EVIL }), 101); // an app in a frame: its JWT decides
});

test('a long poll refuses the session cookie from a foreign origin only', async () => {
  const s = await signIn(srv, 'bob@example.com', BOB_PW);
  const poll = (headers) => fetch(`${srv.base}/bitrix/sub/?token=x&jsonRpc=true`, { headers });
  assert.equal((await poll({ Cookie: s.cookie, Origin: EVIL })).status, 403);
  assert.equal((await poll({ Cookie: s.cookie })).status, 403);
  assert.equal((await poll({ Cookie: s.cookie, Origin: srv.base })).status, 400); // past the check: a bad token
  assert.equal((await poll({ Origin: EVIL })).status, 400); // no cookie: only the token decides
});

test('the /login page: labelled form, sign-in by form post, signed-in view with sign-out', async () => {
  const page = await fetch(`${srv.base}/login`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  assert.match(page.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  const html = await page.text();
  assert.match(html, /<label for="login">/);
  assert.match(html, /<label for="password">/);
  assert.match(html, /<input id="login"[^>]* autofocus>/);
  const form = (l, p, headers = {}) => fetch(`${srv.base}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ login: l, password: p }).toString(),
  });
  const bad = await form('bob@example.com', 'nope');
  assert.equal(bad.status, 401);
  const badHtml = await bad.text();
  assert.match(badHtml, /role="alert">Incorrect login or password</);
  assert.match(badHtml, /value="bob@example.com"/);
  assert.match(badHtml, /<input id="password"[^>]* autofocus>/);
  assert.equal((await form('bob@example.com', BOB_PW, { Origin: EVIL })).status, 403);
  const ok = await form('bob@example.com', BOB_PW, { Origin: srv.base });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), '/login');
  const cookie = ok.headers.get('set-cookie').split(';')[0];
  secrets.push(cookie.split('=')[1]);
  const signedIn = await (await fetch(`${srv.base}/login`, { headers: { Cookie: cookie } })).text();
  assert.match(signedIn, /signed in as <strong>Bob<\/strong>/);
  const sessid = signedIn.match(/name="sessid" value="([0-9a-f]{32})"/)[1];
  secrets.push(sessid);
  const out = await fetch(`${srv.base}/auth/logout`, {
    method: 'POST', redirect: 'manual',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body: `sessid=${sessid}`,
  });
  assert.equal(out.status, 303);
  assert.match(await (await fetch(`${srv.base}/login`, { headers: { Cookie: cookie } })).text(), /Sign in to imhub/);
});

test('no password, session token or sessid ever reaches the server log', async () => {
  for (const s of [srv, short, secure]) {
    await s.stop();
    assert.ok(s.stderr.includes('sign-in'), 'sign-ins are logged');
    for (const secret of secrets) assert.ok(!s.stderr.includes(secret), `a secret in the log: ${secret.slice(0, 4)}…`);
  }
});
