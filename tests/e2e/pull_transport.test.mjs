// End-to-end: the official PullClient of @bitrix24/b24jssdk (unmodified) against imhub's push
// transports in Node. It gets only the globals it reads: `WebSocket` (the `ws` package, wrapped
// so the test can see each socket, cut it like a dropped network, or hand it a bad token as a
// stale or forged config would; it trusts the server's local CA, as in pull.test.mjs) and, for the
// long-polling fallback, an `XMLHttpRequest` (./xhr.mjs, over the default https agent that
// client.mjs makes trust that CA) with `window.WebSocket` absent, which is how the SDK decides that
// WebSocket is unavailable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import WebSocket from 'ws';
import { B24PullClientManager } from '@bitrix24/b24jssdk';
import { masterKey, startServer } from '../integration/harness.mjs';
import { makeClient } from './client.mjs';
import { NodeXhr } from './xhr.mjs';

const sockets = [];       // every WebSocket the SDK opened, in order
let rewriteUrl = (url) => url;
let extraCa = [];         // the server's local CA (wss:// on its https port)
class TestWebSocket extends WebSocket {
  constructor(url, protocols, options = {}) {
    super(rewriteUrl(url), protocols, { ...options, ca: [...tls.rootCertificates, ...extraCa] });
    this.closeCode = null;
    this.deaf = false; // set: messages are lost before the SDK reads them, as on a dropping network
    this.on('close', (code) => { this.closeCode = code; });
    sockets.push(this);
  }

  emit(event, ...args) {
    if (event === 'message' && this.deaf) return false;
    return super.emit(event, ...args);
  }
}
globalThis.WebSocket = TestWebSocket;
globalThis.window = { WebSocket: TestWebSocket, addEventListener() {}, removeEventListener() {} };

let server;
let ann, annHook;
const clients = [];

before(async () => {
  server = await startServer({ https: true, config: '[push]\nlong_polling_timeout = 3\n' });
  extraCa = [readFileSync(server.caFile, 'utf8')];
  ann = server.cli('user', 'add', '--name', 'Ann').user_id;
  annHook = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'im').webhook;
});
after(async () => {
  for (const c of clients) c.destroy();
  if (server) await server.cleanup();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

// A PullClient of the admin (user 1) through pull.config.get, and the texts of the `message`
// commands it hears, in order.
async function adminPull() {
  const b24 = await makeClient(server);
  const pull = new B24PullClientManager({ b24, siteId: 'imhub', userId: 1, skipStorageInit: true });
  clients.push(pull);
  const texts = [];
  pull.subscribe({ moduleId: 'im', command: 'message', callback: (params) => texts.push(params.message.text) });
  return { pull, texts };
}
async function connected(pull) {
  pull.start().catch(() => {});
  await until(() => pull.isConnected(), 15000, 'the PullClient to connect');
}
const sendToAdmin = (text) => server.ok('im.message.add', { DIALOG_ID: 1, MESSAGE: text }, { webhook: annHook });

test('after a forced disconnect the PullClient comes back with its mid and receives what was sent meanwhile', async () => {
  const { pull, texts } = await adminPull();
  await connected(pull);
  await sendToAdmin('before');
  await until(() => texts.includes('before'), 10000, '"before"');
  // The network goes: what the server sends now never reaches the SDK, then the socket dies.
  const lost = sockets.at(-1);
  lost.deaf = true;
  await sendToAdmin('meanwhile 1');
  await sendToAdmin('meanwhile 2');
  await sleep(200);
  lost.terminate();
  await until(() => texts.includes('meanwhile 2'), 20000, 'the messages sent while it was away');
  assert.deepEqual(texts, ['before', 'meanwhile 1', 'meanwhile 2'], 'each once, in order');
  const back = sockets.at(-1);
  assert.notEqual(back, lost, 'a new socket');
  assert.match(back.url, /[?&]mid=\d{26}/, 'it reconnected with the mid of the last message it read');
  await sendToAdmin('after');
  await until(() => texts.includes('after'), 10000, '"after"');
  pull.destroy();
});

// A token signed with the server's push key but already expired.
function expiredToken(token) {
  const master = masterKey(server.dataDir);
  const key = createHmac('sha256', master).update('imhub push channels v1').digest('hex');
  const [head, body] = token.split('.');
  const claims = { ...JSON.parse(Buffer.from(body, 'base64url').toString()), exp: Math.floor(Date.now() / 1000) - 1 };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${head}.${payload}.${createHmac('sha256', key).update(`${head}.${payload}`).digest('base64url')}`;
}

test('an expired or forged token is refused with close code 4010', async () => {
  const cases = {
    forged: (t) => t.slice(0, -4) + (t.endsWith('AAAA') ? 'BBBB' : 'AAAA'),
    expired: expiredToken,
  };
  try {
    for (const [name, change] of Object.entries(cases)) {
      rewriteUrl = (url) => {
        const u = new URL(url);
        u.searchParams.set('token', change(u.searchParams.get('token')));
        return u.toString();
      };
      const opened = sockets.length;
      const { pull } = await adminPull();
      pull.start().catch(() => {});
      await until(() => sockets.length > opened && sockets.at(-1).closeCode !== null, 10000, `the ${name} token's close`);
      assert.equal(sockets.at(-1).closeCode, 4010, `${name} token`);
      assert.equal(pull.isConnected(), false);
      pull.destroy();
    }
  } finally {
    rewriteUrl = (url) => url;
  }
});

test('without WebSocket the PullClient falls back to long polling: messages arrive, acknowledgements are taken', async () => {
  window.WebSocket = undefined;
  globalThis.XMLHttpRequest = NodeXhr;
  try {
    const { pull, texts } = await adminPull();
    await connected(pull);
    const polls = () => NodeXhr.requests.filter((r) => r.method === 'GET' && r.url.includes('/bitrix/sub/'));
    assert.ok(polls().length >= 1, 'it polls /bitrix/sub/');
    assert.match(polls()[0].url, /[?&]jsonRpc=true/);
    await sendToAdmin('by long polling');
    await until(() => texts.includes('by long polling'), 10000, 'the message by long polling');
    // Its acknowledgement went to the publication URL; a poll that timed out (304) is followed by another.
    await until(() => NodeXhr.requests.some((r) => r.method === 'POST' && r.url.includes('/bitrix/pub/')), 5000, 'mack');
    const before = polls().length;
    await sleep(3500);
    assert.ok(polls().length > before, 'polling goes on after a 304');
    await sendToAdmin('second by long polling');
    await until(() => texts.includes('second by long polling'), 10000, 'the second message');
    assert.deepEqual(texts, ['by long polling', 'second by long polling']);
    // The SDK's JSON-RPC calls need its WebSocket; over long polling it only posts `mack:`.
    const posts = NodeXhr.requests.filter((r) => r.method === 'POST');
    await until(() => posts.every((r) => r.status !== null), 5000, 'the answers to its posts');
    assert.ok(posts.every((r) => r.url.includes('/bitrix/pub/') && r.status === 200), JSON.stringify(posts));
    assert.equal(sockets.filter((s) => s.readyState === WebSocket.OPEN).length, 0, 'no WebSocket in use');
    pull.destroy();
  } finally {
    window.WebSocket = TestWebSocket;
  }
});
