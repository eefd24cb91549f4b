// Two imhub nodes on one PostgreSQL database (docs/postgresql.md "Several nodes"): the second
// data directory shares the first's database and a copy of its master key (which another layer
// moves into the database). Only under IMHUB_TEST_STORE=postgres; `multinodeSkip` says why not.
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, onPostgres, shareStore, storeSql } from './harness.mjs';

export const multinodeSkip = onPostgres ? false
  : 'several nodes need a shared PostgreSQL store: run through tests/pg/run.sh (IMHUB_TEST_STORE=postgres)';

// Starts node A on a fresh database, then node B on the same database. `config` goes to both.
export async function twoNodes(config = '') {
  const a = new Server({ config });
  await a.start();
  const b = await joinNode(a, config);
  return { a, b };
}

// Another node on `a`'s database, with a data directory of its own (empty: the key is in the database).
export async function joinNode(a, config = '') {
  const dir = mkdtempSync(join(tmpdir(), 'imhub-test-'));
  shareStore(a.dataDir, dir);
  const b = new Server({ dataDir: dir, config });
  b.ownsData = true;
  await b.start();
  return b;
}

// A loopback event handler that records every request's form (data[CHAT], data[N]) and answers
// after `delayMs` (requests whose node died meanwhile are recorded all the same).
export class CountingHandler {
  constructor(delayMs = 0) {
    this.delayMs = delayMs;
    this.requests = [];
  }
  async start() {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        const form = new URLSearchParams(body);
        this.requests.push({ chat: form.get('data[CHAT]'), n: Number(form.get('data[N]')), id: form.get('data[ID]'),
          at: Date.now() });
        setTimeout(() => { res.writeHead(200); res.end('ok'); }, this.delayMs);
      });
    });
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${this.server.address().port}/`;
    return this;
  }
  // chat → the N values received, in arrival order.
  perChat() {
    const out = new Map();
    for (const r of this.requests) {
      if (!out.has(r.chat)) out.set(r.chat, []);
      out.get(r.chat).push(r.n);
    }
    return out;
  }
  async stop() {
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

// Puts events into the outbox as enqueue_event() writes them, one lane per chat: data {CHAT, N, ID}.
export function enqueue(node, handler, events) {
  const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
  const now = Date.now();
  const values = events.map((e) => {
    const payload = JSON.stringify({ data: { CHAT: e.chat, N: e.n, ID: `${e.chat}/${e.n}` }, auth_user_id: 0,
      send_refresh_token: false, application_token: '', token_slots: [], event_ttl: 7 });
    return `(0, ${q(handler.url)}, 'ONIMBOTMESSAGEADD', 1, ${q(payload)}, ${q(`chat:${e.chat}`)}, ${now}, ${now})`;
  });
  storeSql(node.dataDir, `INSERT INTO event_outbox (app_id, handler, event, event_handler_id, payload, order_key,
    created_at, next_attempt_at) VALUES ${values.join(', ')}`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(what, check, ms = 20000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function delivered(node) {
  const text = (await node.raw('/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith('imhub_event_deliveries_total{outcome="delivered"}'));
  return line ? Number(line.split(' ').pop()) : 0;
}

// A user with a webhook that may post messages and open a pull socket.
export function member(node, name) {
  const id = node.cli('user', 'add', '--name', name).user_id;
  const webhook = node.cli('webhook', 'add', '--user', String(id), '--scope', 'im,imbot,pull,pull_channel').webhook;
  return { id, webhook };
}
