// OAuth 2.0 for local applications (protocol.md §7, settings/oauth/*): /oauth/authorize/,
// /oauth/token/ with both grants and rotation, tokens in `auth` / `access_token` / Bearer, the
// 401 codes of expired, forged and revoked tokens, insufficient_scope, app.info.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertShape } from './harness.mjs';
import {
  addApp, authorize, token, signIn, rest, restOk, restFails, forgeToken, sql, basicFor,
} from './oauth_client.mjs';

let server;
let app;     // installed by user 1 (admin), scopes im,imbot, with a redirect URI
let tokens;  // the first token response

const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  server = await startServer();
  app = addApp(server);
  tokens = await signIn(server, app);
});
after(async () => { await server.cleanup(); });

test('authorize redirects to the redirect URI with code, state, domain, member_id, scope, server_domain', async () => {
  const a = await authorize(server, app.client_id, server.webhook, 'JJHgsdgfkdaslg7lbadsfg');
  assert.equal(a.status, 302);
  assert.ok(a.location.startsWith('http://127.0.0.1:9/callback?'), a.location);
  assert.deepEqual(Object.keys(a.params), ['code', 'state', 'domain', 'member_id', 'scope', 'server_domain']);
  assert.match(a.params.code, /^[a-z0-9]{32}$/);
  assert.equal(a.params.state, 'JJHgsdgfkdaslg7lbadsfg');
  assert.equal(a.params.domain, `127.0.0.1:${server.port}`);
  assert.equal(a.params.server_domain, `127.0.0.1:${server.port}`);
  assert.match(a.params.member_id, /^[0-9a-f]{32}$/);
  assert.equal(a.params.scope, 'im,imbot');
  assert.ok(a.location.includes('scope=im%2Cimbot'), 'the comma travels as %2C');
});

test('authorize asks for HTTP Basic sign-in and refuses wrong secrets and unknown clients', async () => {
  const none = await authorize(server, app.client_id, null);
  assert.equal(none.status, 401);
  assert.match(none.headers.get('www-authenticate'), /^Basic realm="imhub"/);
  const wrong = await authorize(server, app.client_id, '/rest/1/wrongsecret0000/');
  assert.equal(wrong.status, 401);
  const unknown = await authorize(server, 'local.00000000000000.00000000', server.webhook);
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.error, 'invalid_client');
  assert.equal(unknown.location, null, 'a failed authorization never redirects');
  const missing = await fetch(`${server.base}/oauth/authorize/`, { headers: { Authorization: basicFor(server.webhook) } });
  assert.equal(missing.status, 400);
  assert.equal((await missing.json()).error, 'invalid_request');
});

test('an application without a redirect URI gets the code shown as JSON', async () => {
  const bare = addApp(server, { name: 'NoRedirect', redirect: '' });
  const a = await authorize(server, bare.client_id, server.webhook);
  assert.equal(a.status, 200);
  assert.match(a.body.code, /^[a-z0-9]{32}$/);
  assert.equal(a.body.state, 'st4te');
});

test('the token response has every documented field', async () => {
  const t = tokens;
  for (const k of ['access_token', 'refresh_token', 'expires', 'expires_in', 'scope', 'domain', 'server_endpoint',
    'client_endpoint', 'member_id', 'user_id', 'status']) assert.ok(k in t, `${k} missing`);
  assert.equal(t.expires_in, 3600);
  assert.ok(Math.abs(t.expires - (now() + 3600)) <= 5);
  assert.equal(t.scope, 'im,imbot');
  assert.equal(t.status, 'L');
  assert.equal(t.user_id, 1);
  assert.equal(t.client_endpoint, `${server.base}/rest/`);
  assert.equal(t.server_endpoint, `${server.base}/rest/`);
  assert.equal(t.domain, `127.0.0.1:${server.port}`);
  assert.notEqual(t.access_token, t.refresh_token);
});

test('the token endpoint also takes a POST form', async () => {
  const a = await authorize(server, app.client_id, server.webhook);
  const t = await token(server, {
    grant_type: 'authorization_code', client_id: app.client_id, client_secret: app.client_secret, code: a.params.code,
  }, 'POST');
  assert.equal(t.status, 200);
  assert.equal(t.headers.get('cache-control'), 'no-store');
  assert.ok(t.body.access_token);
});

test('a token works in auth, access_token and Authorization: Bearer', async () => {
  for (const via of ['auth', 'access_token', 'bearer']) {
    const r = await rest(server, 'profile', {}, tokens.access_token, via);
    assert.equal(r.status, 200, `${via}: ${r.text}`);
    assert.equal(r.body.result.ID, '1');
    assert.equal(r.body.result.ADMIN, true);
  }
  const scope = await restOk(server, 'scope', {}, tokens.access_token);
  assert.deepEqual(scope.result, ['im', 'imbot']);
});

test('codes are single-use, expire after 30 s and belong to one application', async () => {
  const a = await authorize(server, app.client_id, server.webhook);
  const params = { grant_type: 'authorization_code', client_id: app.client_id, client_secret: app.client_secret,
    code: a.params.code };
  assert.equal((await token(server, params)).status, 200);
  const again = await token(server, params);
  assert.equal(again.status, 400);
  assert.equal(again.body.error, 'invalid_grant');

  const b = await authorize(server, app.client_id, server.webhook);
  sql(server, 'UPDATE oauth_codes SET expires_at = expires_at - 31');
  const late = await token(server, { ...params, code: b.params.code });
  assert.equal(late.status, 400);
  assert.equal(late.body.error, 'invalid_grant');

  const other = addApp(server, { name: 'Other' });
  const c = await authorize(server, other.client_id, server.webhook);
  const stolen = await token(server, { ...params, code: c.params.code });
  assert.equal(stolen.body.error, 'invalid_grant');
});

test('token endpoint errors: invalid_request 400, invalid_client 401, invalid_grant 400', async () => {
  const none = await token(server, {});
  assert.equal(none.status, 400);
  assert.equal(none.body.error, 'invalid_request');
  assert.ok(none.body.error_description);
  const odd = await token(server, { grant_type: 'password', client_id: app.client_id, client_secret: 'x' });
  assert.equal(odd.body.error, 'invalid_request');
  const noSecret = await token(server, { grant_type: 'refresh_token', client_id: app.client_id,
    refresh_token: tokens.refresh_token });
  assert.equal(noSecret.status, 400);
  assert.equal(noSecret.body.error, 'invalid_request');
  const badSecret = await token(server, { grant_type: 'refresh_token', client_id: app.client_id,
    client_secret: 'wrong', refresh_token: tokens.refresh_token });
  assert.equal(badSecret.status, 401);
  assert.equal(badSecret.body.error, 'invalid_client');
  const badCode = await token(server, { grant_type: 'authorization_code', client_id: app.client_id,
    client_secret: app.client_secret, code: 'nosuchcode' });
  assert.equal(badCode.status, 400);
  assert.equal(badCode.body.error, 'invalid_grant');
  const notRefresh = await token(server, { grant_type: 'refresh_token', client_id: app.client_id,
    client_secret: app.client_secret, refresh_token: tokens.access_token });
  assert.equal(notRefresh.body.error, 'invalid_grant');
});

test('refresh rotates: new pair, the old refresh token is refused, the new one works', async () => {
  const first = await signIn(server, app);
  const params = { grant_type: 'refresh_token', client_id: app.client_id, client_secret: app.client_secret };
  const r1 = await token(server, { ...params, refresh_token: first.refresh_token });
  assert.equal(r1.status, 200);
  assert.notEqual(r1.body.refresh_token, first.refresh_token);
  assert.notEqual(r1.body.access_token, first.access_token);
  assert.equal(r1.body.user_id, 1);
  assert.equal((await rest(server, 'profile', {}, r1.body.access_token)).status, 200);
  const reused = await token(server, { ...params, refresh_token: first.refresh_token });
  assert.equal(reused.status, 400);
  assert.equal(reused.body.error, 'invalid_grant');
  const r2 = await token(server, { ...params, refresh_token: r1.body.refresh_token }, 'POST');
  assert.equal(r2.status, 200);
});

test('expired, forged, tampered and refresh tokens answer 401 expired_token / invalid_token', async () => {
  const expired = forgeToken(server, { app: app.app_id, expires: now() - 10 });
  await restFails(server, 'profile', {}, expired, 401, 'expired_token', 'The access token provided has expired');
  const live = forgeToken(server, { app: app.app_id, expires: now() + 600 });
  assert.equal((await rest(server, 'profile', {}, live)).status, 200, 'the forging helper signs like imhub');
  const forged = forgeToken(server, { app: app.app_id, expires: now() + 600 }, 'not-the-key');
  await restFails(server, 'profile', {}, forged, 401, 'invalid_token', 'The access token provided is invalid');
  const [claims, sig] = tokens.access_token.split('.');
  const decoded = Buffer.from(claims, 'base64url').toString().replace(/^a\.\d+\.1\./, `a.${app.app_id}.2.`);
  const tampered = `${Buffer.from(decoded).toString('base64url')}.${sig}`;
  await restFails(server, 'profile', {}, tampered, 401, 'invalid_token');
  await restFails(server, 'profile', {}, 'garbage', 401, 'invalid_token');
  await restFails(server, 'profile', {}, tokens.refresh_token, 401, 'invalid_token');
  const bearer = await rest(server, 'profile', {}, expired, 'bearer');
  assert.equal(bearer.status, 401);
  assert.equal(bearer.body.error, 'expired_token');
});

test('scopes are enforced: insufficient_scope 403 for a method outside the token scopes', async () => {
  await restFails(server, 'user.get', {}, tokens.access_token, 403, 'insufficient_scope',
    'The request requires higher privileges than provided by the access token');
  const method = await restOk(server, 'method.get', { name: 'user.get' }, tokens.access_token);
  assert.deepEqual(method.result, { isExisting: true, isAvailable: false });
  const im = await restOk(server, 'im.recent.get', {}, tokens.access_token);
  assert.ok(Array.isArray(im.result));
});

test('app.info in its application form matches the reference example', async () => {
  const example = {
    ID: 5, CODE: 'telefum24.kp10', VERSION: 4, STATUS: 'F', INSTALLED: true, PAYMENT_EXPIRED: 'N', DAYS: null,
    LANGUAGE_ID: 'de', LICENSE: 'de_ent10000', LICENSE_TYPE: 'ent10000', LICENSE_FAMILY: 'ent',
  };
  const body = await restOk(server, 'app.info', {}, tokens.access_token);
  assertShape(assert, body.result, example);
  assert.deepEqual(Object.keys(body.result), Object.keys(example));
  assert.equal(body.result.ID, app.app_id);
  assert.equal(body.result.CODE, app.client_id);
  assert.equal(body.result.VERSION, 1);
  assert.equal(body.result.STATUS, 'L');
  assert.equal(body.result.DAYS, null);
  assert.equal(body.result.LICENSE, 'en_selfhosted');
  // The webhook form stays as it was.
  const hook = await server.ok('app.info');
  assert.deepEqual(Object.keys(hook.result), ['SCOPE', 'LICENSE']);
});

test('app.option.* work for an application', async () => {
  await restOk(server, 'app.option.set', { options: { greeting: 'hi', n: 3 } }, tokens.access_token);
  const got = await restOk(server, 'app.option.get', {}, tokens.access_token);
  assert.deepEqual(got.result, { greeting: 'hi', n: 3 });
});

test('a deactivated user cannot use or refresh tokens', async () => {
  const bob = server.cli('user', 'add', '--name', 'Bob').user_id;
  const bobHook = server.cli('webhook', 'add', '--user', String(bob), '--scope', 'im').webhook;
  const bobTokens = await signIn(server, app, bobHook);
  assert.equal(bobTokens.user_id, bob);
  const profile = await restOk(server, 'profile', {}, bobTokens.access_token);
  assert.equal(profile.result.ADMIN, false);
  await server.ok('user.update', { ID: bob, ACTIVE: 'N' });
  await restFails(server, 'profile', {}, bobTokens.access_token, 401, 'authorization_error');
  const refresh = await token(server, { grant_type: 'refresh_token', client_id: app.client_id,
    client_secret: app.client_secret, refresh_token: bobTokens.refresh_token });
  assert.equal(refresh.body.error, 'invalid_grant');
  const a = await authorize(server, app.client_id, bobHook);
  assert.equal(a.status, 401, 'an inactive user cannot sign in');
});

test('uninstall revokes every token; a reinstall does not bring old ones back', async () => {
  const victim = addApp(server, { name: 'Victim' });
  const t = await signIn(server, victim);
  assert.equal((await rest(server, 'profile', {}, t.access_token)).status, 200);
  server.cli('app', 'uninstall', String(victim.app_id));
  await restFails(server, 'profile', {}, t.access_token, 401, 'APPLICATION_NOT_FOUND');
  const refresh = { grant_type: 'refresh_token', client_id: victim.client_id, client_secret: victim.client_secret,
    refresh_token: t.refresh_token };
  assert.equal((await token(server, refresh)).body.error, 'invalid_client', 'an uninstalled app gets no tokens');
  const a = await authorize(server, victim.client_id, server.webhook);
  assert.equal(a.status, 400);
  server.cli('app', 'install', String(victim.app_id), '--user', '1');
  await restFails(server, 'profile', {}, t.access_token, 401, 'invalid_token');
  assert.equal((await token(server, refresh)).body.error, 'invalid_grant');
  const fresh = await signIn(server, victim);
  assert.equal((await rest(server, 'profile', {}, fresh.access_token)).status, 200);
});

test('a token for an application that was never installed is refused', async () => {
  const idle = addApp(server, { name: 'Idle', install: false });
  const a = await authorize(server, idle.client_id, server.webhook);
  assert.equal(a.status, 400);
  const t = forgeToken(server, { app: idle.app_id, generation: 0, expires: now() + 600 });
  await restFails(server, 'profile', {}, t, 401, 'APPLICATION_NOT_FOUND');
});
