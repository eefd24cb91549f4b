// What the application tests share: adding and installing an application through the CLI,
// the OAuth dance against /oauth/authorize/ and /oauth/token/, REST calls with a token in each
// of its three places, tokens forged with the data directory's master key, and reading the
// store with the sqlite3 shell.
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import assert from 'node:assert/strict';
import { BINARY, masterKey, storeSql, storeArgs } from './harness.mjs';

// Runs `imhub <args> --data DIR`; returns {code, json} even when the command fails.
export function cliResult(server, ...args) {
  try {
    const out = execFileSync(BINARY, [...args, '--data', server.dataDir, ...storeArgs(server.dataDir)], { encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, json: JSON.parse(out.trim().split('\n').pop()) };
  } catch (e) {
    const out = (e.stdout || '').toString().trim();
    let json = null;
    try { json = JSON.parse(out.split('\n').pop()); } catch { /* not JSON */ }
    return { code: e.status, json, stderr: (e.stderr || '').toString() };
  }
}

export function sql(server, query) {
  return storeSql(server.dataDir, query);
}

// The outbox rows of `event` with their payload parsed.
export function outbox(server, event) {
  return sql(server, `SELECT * FROM event_outbox WHERE event = '${event}' ORDER BY id`)
    .map((r) => ({ ...r, payload: JSON.parse(r.payload) }));
}

// Adds and (unless install is false) installs an application for `user`.
export function addApp(server, { name = 'Echo', scope = 'im,imbot', handler = 'http://127.0.0.1:9/handler',
  redirect = 'http://127.0.0.1:9/callback', user = 1, install = true } = {}) {
  const args = ['app', 'add', '--name', name, '--handler', handler, '--scope', scope];
  if (redirect) args.push('--redirect-uri', redirect);
  const app = server.cli(...args);
  if (install) server.cli('app', 'install', String(app.app_id), '--user', String(user));
  return app;
}

// "Basic base64(user_id:secret)" for a webhook path "/rest/1/<secret>/".
export function basicFor(webhook) {
  const [, user, secret] = webhook.split('/').filter(Boolean);
  return 'Basic ' + Buffer.from(`${user}:${secret}`).toString('base64');
}

export async function authorize(server, clientId, webhook, state = 'st4te') {
  const headers = webhook ? { Authorization: basicFor(webhook) } : {};
  const q = new URLSearchParams({ client_id: clientId, state });
  const r = await fetch(`${server.base}/oauth/authorize/?${q}`, { headers, redirect: 'manual' });
  const text = await r.text();
  const location = r.headers.get('location');
  const params = location ? Object.fromEntries(new URL(location).searchParams) : null;
  let body = null;
  try { body = JSON.parse(text); } catch { /* empty */ }
  return { status: r.status, location, params, body, headers: r.headers };
}

// /oauth/token/ as a GET query (the documented form) or a POST form (what CRest and the JS SDK send).
export async function token(server, params, method = 'GET') {
  const q = new URLSearchParams(params);
  const r = method === 'GET'
    ? await fetch(`${server.base}/oauth/token/?${q}`)
    : await fetch(`${server.base}/oauth/token/`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: q.toString(),
    });
  return { status: r.status, body: await r.json(), headers: r.headers };
}

// authorize → code → tokens, asserting each step succeeds.
export async function signIn(server, app, webhook = server.webhook) {
  const a = await authorize(server, app.client_id, webhook);
  assert.equal(a.status, 302, JSON.stringify(a.body));
  const t = await token(server, {
    grant_type: 'authorization_code', client_id: app.client_id, client_secret: app.client_secret, code: a.params.code,
  });
  assert.equal(t.status, 200, JSON.stringify(t.body));
  return t.body;
}

// A REST call with the token in `auth` (JSON body), `access_token` (query) or a Bearer header.
export async function rest(server, method, params = {}, accessToken, via = 'auth') {
  let url = `${server.base}/rest/${method}`;
  const headers = { 'Content-Type': 'application/json' };
  let body = { ...params };
  if (via === 'auth') body.auth = accessToken;
  if (via === 'access_token') url += `?access_token=${encodeURIComponent(accessToken)}`;
  if (via === 'bearer') headers.Authorization = `Bearer ${accessToken}`;
  const r = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await r.text();
  let json;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: r.status, body: json, text };
}

export async function restOk(server, method, params, accessToken) {
  const r = await rest(server, method, params, accessToken);
  assert.equal(r.status, 200, `${method}: ${r.text}`);
  return r.body;
}

export async function restFails(server, method, params, accessToken, status, error, description) {
  const r = await rest(server, method, params, accessToken);
  assert.equal(r.status, status, `${method}: ${r.text}`);
  assert.equal(r.body.error, error, r.text);
  if (description !== undefined) assert.equal(r.body.error_description, description);
  return r.body;
}

const b64url = (buf) => Buffer.from(buf).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

// A token signed like imhub signs them (src/apps/token.hpp), with the data directory's key
// unless `key` is given: lets tests make expired tokens without waiting an hour.
export function forgeToken(server, { kind = 'a', app = 1, user = 1, generation = 1, expires, ttl = 0,
  nonce = 'deadbeef', scope = 'im,imbot' }, key) {
  const master = masterKey(server.dataDir);
  const signingKey = key ?? createHmac('sha256', master).update('imhub oauth token key v1').digest('hex');
  const claims = [kind, app, user, generation, expires, ttl, nonce, scope].join('.');
  return `${b64url(claims)}.${b64url(createHmac('sha256', signingKey).update(claims).digest())}`;
}
