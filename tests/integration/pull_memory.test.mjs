// What an idle push connection costs the server (issue 12: at most 16 KB of RSS each, measured by
// bench/push.sh at 20,000). The HTTP side's 16 KB read buffer and parsed request used to stay
// with every socket the push server took over, for as long as the client stayed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer } from './harness.mjs';
import { connectWs } from './ws_client.mjs';

const CONNECTIONS = 1500;
let server;

before(async () => { server = await startServer({ config: '[log]\naccess_log = false\n' }); });
after(async () => { await server.cleanup(); });

const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.proc.pid}/status`, 'utf8'))[1]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('an idle push connection costs the server at most 16 KB of RSS', async (t) => {
  const hook = server.cli('webhook', 'add', '--user', '1', '--scope', 'im,pull,pull_channel').webhook;
  const config = (await server.ok('pull.config.get', {}, { webhook: hook })).result;
  const url = new URL(config.server.websocket);
  url.searchParams.set('token', config.jwt);
  url.searchParams.set('jsonRpc', 'true');
  url.searchParams.set('revision', '19');
  // A few first, so the io threads' allocator arenas and caches exist before the baseline.
  const warm = await Promise.all(Array.from({ length: 20 }, async () => { const ws = connectWs(url.toString()); await ws.opened; return ws; }));
  await sleep(300);
  const before = rssKb();
  const sockets = [];
  for (let i = 0; i < CONNECTIONS; i += 100) {
    const batch = Array.from({ length: Math.min(100, CONNECTIONS - i) }, () => connectWs(url.toString()));
    await Promise.all(batch.map((ws) => ws.opened));
    sockets.push(...batch);
  }
  await sleep(500);
  const perConnection = (rssKb() - before) / CONNECTIONS;
  t.diagnostic(`${perConnection.toFixed(1)} KB of RSS per idle push connection`);
  for (const ws of [...warm, ...sockets]) ws.destroy();
  assert.ok(perConnection <= 16, `${perConnection.toFixed(1)} KB of RSS per idle push connection`);
});
