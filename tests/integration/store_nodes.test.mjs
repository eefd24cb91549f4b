// Two nodes on one PostgreSQL store (issue 15, shared node state): `init --store` puts the portal
// and its master key in the database, so a second node started with an empty data directory and
// the same --store serves the same portal — the init webhook is the same, an OAuth token and a
// pull token signed by node A are valid on node B, and what A wrote B reads.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from './harness.mjs';
import { oauthApp } from './bot_setup.mjs';
import { rest } from './oauth_client.mjs';
import { connectWs } from './ws_client.mjs';
import { pgUnavailable, startPg, stopPg, createDatabase, psql } from './pg_server.mjs';

const skip = pgUnavailable();
let pgUrl;
let url;
let a;
let b;
const dirs = [];

function emptyDir() {
  const d = mkdtempSync(join(tmpdir(), 'imhub-node-'));
  dirs.push(d);
  return d;
}

before(async () => {
  if (skip) return;
  pgUrl = startPg();
  url = createDatabase(pgUrl);
  a = await new Server({ dataDir: emptyDir(), store: url }).start();
  b = await new Server({ dataDir: emptyDir(), store: url }).start();
});

after(async () => {
  if (skip) return;
  for (const s of [a, b]) if (s) await s.stop();
  stopPg(pgUrl);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('the master key lives in the database, not in either data directory', { skip }, () => {
  assert.ok(!existsSync(join(a.dataDir, 'imhub.key')));
  assert.ok(!existsSync(join(b.dataDir, 'imhub.key')));
  assert.deepEqual(psql(url, "SELECT count(*) FROM portal_secrets WHERE name = 'master_key'"), ['1']);
  // `init` on the second node found the portal: the same init webhook (derived from the key).
  assert.equal(b.webhook, a.webhook);
});

test('an OAuth token issued by node A is accepted by node B', { skip }, async () => {
  const app = await oauthApp(a, { scope: 'im,user' });
  const me = await rest(b, 'user.current', {}, app.token);
  assert.equal(me.status, 200, me.text);
  assert.equal(me.body.result.ID, '1');
});

test('a pull token signed by node A opens a push socket on node B', { skip }, async () => {
  const config = (await a.ok('pull.config.get', { CACHE: 'N' })).result;
  const onB = new URL(config.server.websocket);
  onB.port = String(b.port);
  onB.searchParams.set('token', config.jwt);
  onB.searchParams.set('jsonRpc', 'true');
  const ws = connectWs(onB.toString());
  await ws.opened;
  // Served (a token B could not verify is closed with 4010 at once): it answers a JSON-RPC ping.
  ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'ping', params: {}, id: 7 }));
  await ws.next((f) => f.includes('"id":7'), 3000);
  assert.equal(ws.closeCode, null);
  ws.destroy();
  // A token that is not the key's is refused by the same node.
  const forged = new URL(onB);
  forged.searchParams.set('token', config.jwt.slice(0, -2) + (config.jwt.endsWith('A') ? 'BB' : 'AA'));
  const bad = connectWs(forged.toString());
  assert.equal(await bad.closed, 4010);
});

test('what node A writes, node B reads', { skip }, async () => {
  const ann = a.cli('user', 'add', '--name', 'Ann').user_id;
  const chat = (await a.ok('im.chat.add', { TITLE: 'Across nodes', USERS: [ann] })).result;
  await a.ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'written on A' });
  const history = (await b.ok('im.dialog.messages.get', { DIALOG_ID: `chat${chat}` })).result;
  assert.ok(history.messages.some((m) => m.text === 'written on A'));
});

test('a command on a new node without init refuses a database that holds no portal', { skip }, () => {
  const other = createDatabase(pgUrl);
  const s = new Server({ dataDir: emptyDir(), store: other });
  assert.throws(() => s.cli('user', 'list'), (e) => e.status === 1 && /no imhub portal/.test(e.stderr.toString()));
});
