// End-to-end: the official PullClient of @bitrix24/b24jssdk (unmodified) connects to imhub's push
// server in Node. The SDK is browser-only; it gets exactly the globals it reads: `WebSocket`
// (from the `ws` package; Node 20 has none without a flag) on `window` and globally, and no-op
// window listeners. Storage is skipped with the SDK's own `skipStorageInit` option.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { B24OAuth, B24PullClientManager, ParamsFactory, LoggerFactory, LogLevel } from '@bitrix24/b24jssdk';
import { startServer } from '../integration/harness.mjs';
import { addApp, signIn } from '../integration/oauth_client.mjs';
import { makeClient, trustCa, unthrottle } from './client.mjs';

// The server speaks https with its local CA (the SDK's webhook client refuses http). For wss:// the
// socket trusts that CA too — what NODE_EXTRA_CA_CERTS=DATA/ca.pem does for a CA made after start.
let extraCa = [];
class TrustingWebSocket extends WebSocket {
  constructor(url, protocols, options = {}) {
    super(url, protocols, extraCa.length ? { ...options, ca: [...tls.rootCertificates, ...extraCa] } : options);
  }
}
globalThis.WebSocket = TrustingWebSocket;
globalThis.window = { WebSocket: TrustingWebSocket, addEventListener() {}, removeEventListener() {} };

let server;
let app;
const clients = [];

before(async () => {
  server = await startServer({ https: true });
  trustCa(server.caFile);
  extraCa = [readFileSync(server.caFile, 'utf8')];
  app = addApp(server, { scope: 'im,pull' });
});
after(async () => {
  for (const c of clients) c.destroy();
  if (server) await server.cleanup();
});

async function oauthClient(t) {
  const b24 = new B24OAuth({
    applicationToken: app.application_token, userId: t.user_id, memberId: t.member_id, accessToken: t.access_token,
    refreshToken: t.refresh_token, expires: t.expires, expiresIn: t.expires_in, scope: t.scope, domain: t.domain,
    clientEndpoint: t.client_endpoint, serverEndpoint: t.server_endpoint, status: t.status,
  }, { clientId: app.client_id, clientSecret: app.client_secret });
  b24.offClientSideWarning();
  await unthrottle(b24);
  b24.setLogger(LoggerFactory.createForBrowserProduction('imhub-e2e', LogLevel.ERROR));
  return b24;
}

// Resolves with the first call of a subscription callback; rejects after `ms`.
function nextEvent(pull, moduleId, command, ms = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${moduleId}/${command} within ${ms} ms`)), ms);
    const off = pull.subscribe({ moduleId, command, callback: (params, extra, cmd) => {
      clearTimeout(timer);
      off();
      resolve({ params, extra, command: cmd });
    } });
  });
}

async function connected(pull) {
  await pull.start();
  const deadline = Date.now() + 10000;
  while (!pull.isConnected() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(pull.isConnected(), 'the PullClient connected');
}

test('an OAuth application receives its pull.application.event.add event through the PullClient', async () => {
  const t = await signIn(server, app);
  const b24 = await oauthClient(t);
  const pull = new B24PullClientManager({ b24, restApplication: 'imhub_e2e', userId: t.user_id, skipStorageInit: true });
  clients.push(pull);
  const got = nextEvent(pull, 'application', 'progress');
  await connected(pull);
  const r = await b24.callMethod('pull.application.event.add', { COMMAND: 'progress', PARAMS: { step: 2 }, USER_ID: t.user_id });
  assert.equal(r.getData().result, true);
  const event = await got;
  assert.deepEqual(event.params, { step: 2 });
  assert.equal(event.extra.revision_web, 19);
});

test('a user receives `message` for a private message through the PullClient (pull.config.get)', async () => {
  const ann = server.cli('user', 'add', '--name', 'Ann').user_id;
  const annHook = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'im').webhook;
  const b24 = await makeClient(server);
  const pull = new B24PullClientManager({ b24, siteId: 'imhub', userId: 1, skipStorageInit: true });
  clients.push(pull);
  const got = nextEvent(pull, 'im', 'message');
  await connected(pull);
  const id = (await server.ok('im.message.add', { DIALOG_ID: 1, MESSAGE: 'live hello' }, { webhook: annHook })).result;
  const event = await got;
  assert.equal(event.params.dialogId, String(ann));
  assert.equal(event.params.message.id, id);
  assert.equal(event.params.message.text, 'live hello');
  assert.equal(event.params.counter, 1);
});
