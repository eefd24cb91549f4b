// End-to-end: the official PullClient of @bitrix24/b24jssdk (unmodified), connected to imhub as
// the admin through pull.config.get, receives the im commands other people's actions cause:
// startWriting, messageUpdate, messageDelete, readMessageChatOpponent, chatUserAdd and notifyAdd
// (protocol-push.md §9), each through the SDK's own subscription routing. The SDK is browser-only:
// it gets the globals it reads (a `WebSocket` from the `ws` package trusting the server's local
// CA, no-op window listeners), and storage is skipped with its own `skipStorageInit` option.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { B24PullClientManager } from '@bitrix24/b24jssdk';
import { startServer } from '../integration/harness.mjs';
import { makeClient, trustCa } from './client.mjs';

let extraCa = [];
class TrustingWebSocket extends WebSocket {
  constructor(url, protocols, options = {}) {
    super(url, protocols, extraCa.length ? { ...options, ca: [...tls.rootCertificates, ...extraCa] } : options);
  }
}
globalThis.WebSocket = TrustingWebSocket;
globalThis.window = { WebSocket: TrustingWebSocket, addEventListener() {}, removeEventListener() {} };

let server, pull;
let ann, bob, annHook, chatId;
const ADMIN = 1;

// Resolves with the first `im` event `command` whose params `pred` accepts; rejects after `ms`.
function nextIm(command, pred = () => true, ms = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no im/${command} within ${ms} ms`)), ms);
    const off = pull.subscribe({ moduleId: 'im', command, callback: (params, extra) => {
      if (!pred(params)) return;
      clearTimeout(timer);
      off();
      resolve({ params, extra });
    } });
  });
}
const asAnn = (method, params) => server.ok(method, params, { webhook: annHook });

before(async () => {
  server = await startServer({ https: true });
  trustCa(server.caFile);
  extraCa = [readFileSync(server.caFile, 'utf8')];
  ann = server.cli('user', 'add', '--name', 'Ann').user_id;
  bob = server.cli('user', 'add', '--name', 'Bob').user_id;
  annHook = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'im').webhook;
  chatId = (await asAnn('im.chat.add', { TITLE: 'Live team', USERS: [ADMIN] })).result;
  const b24 = await makeClient(server);
  pull = new B24PullClientManager({ b24, siteId: 'imhub', userId: ADMIN, skipStorageInit: true });
  await pull.start();
  const deadline = Date.now() + 10000;
  while (!pull.isConnected() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(pull.isConnected(), 'the PullClient connected');
});
after(async () => {
  if (pull) pull.destroy();
  if (server) await server.cleanup();
});

test('startWriting when someone types in a chat of the user', async () => {
  const got = nextIm('startWriting');
  await asAnn('im.dialog.writing', { DIALOG_ID: `chat${chatId}` });
  const { params } = await got;
  assert.deepEqual(params, { dialogId: `chat${chatId}`, userId: ann, userName: 'Ann' });
});

test('messageUpdate and messageDelete for a message of the chat', async () => {
  const id = (await asAnn('im.message.add', { DIALOG_ID: `chat${chatId}`, MESSAGE: 'draft' })).result;
  const updated = nextIm('messageUpdate', (p) => p.id === id);
  await asAnn('im.message.update', { MESSAGE_ID: id, MESSAGE: 'final' });
  const upd = (await updated).params;
  assert.equal(upd.text, 'final');
  assert.equal(upd.dialogId, `chat${chatId}`);
  assert.equal(upd.params.IS_EDITED, 'Y');
  const deleted = nextIm('messageDelete', (p) => p.id === id);
  await asAnn('im.message.delete', { MESSAGE_ID: id });
  const del = (await deleted).params;
  assert.equal(del.params.IS_DELETED, 'Y');
  assert.equal(del.chatId, chatId);
});

test('readMessageChatOpponent when another member reads what the user wrote', async () => {
  const id = (await server.ok('im.message.add', { DIALOG_ID: `chat${chatId}`, MESSAGE: 'please read' })).result;
  const read = nextIm('readMessageChatOpponent', (p) => p.lastId === id);
  await asAnn('im.dialog.read', { DIALOG_ID: `chat${chatId}`, MESSAGE_ID: id });
  const { params } = await read;
  assert.equal(params.userId, ann);
  assert.equal(params.userName, 'Ann');
  assert.equal(params.dialogId, `chat${chatId}`);
  assert.ok(params.viewedMessages.includes(id));
});

test('chatUserAdd when someone joins a chat of the user', async () => {
  const added = nextIm('chatUserAdd');
  await asAnn('im.chat.user.add', { CHAT_ID: chatId, USERS: [bob] });
  const { params } = await added;
  assert.equal(params.chatId, chatId);
  assert.deepEqual(params.newUsers, [bob]);
  assert.equal(params.users[bob].name, 'Bob');
  assert.equal(params.userCount, 3);
});

test('notifyAdd for a notification to the user', async () => {
  const got = nextIm('notifyAdd');
  const id = (await asAnn('im.notify.personal.add', { USER_ID: ADMIN, MESSAGE: 'Ping from Ann' })).result;
  const { params, extra } = await got;
  assert.equal(params.id, id);
  assert.equal(params.text, 'Ping from Ann');
  assert.equal(params.userId, ann);
  assert.ok(params.counter >= 1);
  assert.equal(extra.revision_web, 19);
});
