// End-to-end: the official Bitrix24 JS SDK in OAuth mode (B24OAuth) against a real build/imhub.
// The application is added and installed with the CLI, signs in through /oauth/authorize/ and
// /oauth/token/, then the SDK calls REST with the access token and refreshes it by itself: when
// its copy says the token has expired (before the call) and when imhub answers 401 expired_token
// (retry after refresh). The SDK refreshes at serverEndpoint minus "/rest/" + "/oauth/token/"
// (oauth/auth.mjs), which is why imhub's token response names itself as the server endpoint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { B24OAuth, ParamsFactory, LoggerFactory, LogLevel } from '@bitrix24/b24jssdk';
import { unthrottle } from './client.mjs';
import { startServer } from '../integration/harness.mjs';
import { addApp, signIn, token, forgeToken } from '../integration/oauth_client.mjs';

let server;
let app;

before(async () => {
  server = await startServer();
  app = addApp(server, { scope: 'im,imbot,user' });
});
after(async () => { if (server) await server.cleanup(); });

// B24OAuth from a token response, throttling lifted as in client.mjs; `refreshed` collects what
// the SDK reports through its refresh callback.
async function sdkClient(t, overrides = {}) {
  const b24 = new B24OAuth({
    applicationToken: app.application_token,
    userId: t.user_id,
    memberId: t.member_id,
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    expires: t.expires,
    expiresIn: t.expires_in,
    scope: t.scope,
    domain: t.domain,
    clientEndpoint: t.client_endpoint,
    serverEndpoint: t.server_endpoint,
    status: t.status,
    ...overrides,
  }, { clientId: app.client_id, clientSecret: app.client_secret });
  b24.offClientSideWarning();
  await unthrottle(b24);
  b24.setLogger(LoggerFactory.createForBrowserProduction('imhub-e2e', LogLevel.ERROR));
  const refreshed = [];
  b24.setCallbackRefreshAuth(async ({ authData, b24OAuthParams }) => { refreshed.push({ authData, b24OAuthParams }); });
  return { b24, refreshed };
}

test('the SDK calls imhub with the access token from the OAuth dance', async () => {
  const t = await signIn(server, app);
  const { b24, refreshed } = await sdkClient(t);
  const profile = await b24.callMethod('profile');
  assert.ok(profile.isSuccess);
  assert.equal(profile.getData().result.ID, '1');
  const info = await b24.callMethod('app.info');
  assert.equal(info.getData().result.CODE, app.client_id);
  assert.equal(info.getData().result.STATUS, 'L');
  const users = await b24.callMethod('user.get', { ID: 1 });
  assert.equal(users.getData().result[0].ID, '1');
  await b24.initIsAdmin();
  assert.equal(b24.auth.isAdmin, true);
  assert.equal(refreshed.length, 0, 'a live token needs no refresh');
});

test('the SDK refreshes a token it knows has expired, through /oauth/token/', async () => {
  const t = await signIn(server, app);
  const { b24, refreshed } = await sdkClient(t, { expires: Math.floor(Date.now() / 1000) - 10 });
  const res = await b24.callMethod('profile');
  assert.ok(res.isSuccess);
  assert.equal(refreshed.length, 1);
  const next = refreshed[0].b24OAuthParams;
  assert.notEqual(next.refreshToken, t.refresh_token);
  assert.notEqual(next.accessToken, t.access_token);
  assert.equal(next.clientEndpoint, `${server.base}/rest/`);
  // Rotation: the refresh token the SDK spent is refused afterwards.
  const reuse = await token(server, { grant_type: 'refresh_token', client_id: app.client_id,
    client_secret: app.client_secret, refresh_token: t.refresh_token });
  assert.equal(reuse.body.error, 'invalid_grant');
});

test('on 401 expired_token the SDK refreshes and retries the call', async () => {
  const t = await signIn(server, app);
  const stale = forgeToken(server, { app: app.app_id, user: 1, generation: 1, scope: t.scope,
    expires: Math.floor(Date.now() / 1000) - 5 });
  const { b24, refreshed } = await sdkClient(t, { accessToken: stale });
  const res = await b24.callMethod('im.recent.get');
  assert.ok(res.isSuccess);
  assert.ok(Array.isArray(res.getData().result));
  assert.equal(refreshed.length, 1, 'one refresh after the 401');
  const again = await b24.callMethod('server.time');
  assert.ok(again.isSuccess);
  assert.equal(refreshed.length, 1, 'the refreshed token is used from then on');
});
