// A loopback HTTP handler for delivery tests: records every request with its PHP-style parsed
// form and answers what `behave(request, n)` says (a status, or {status, headers, body}).
import http from 'node:http';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort, storeSql } from './harness.mjs';

export function rows(server, query) {
  return storeSql(server.dataDir, query);
}
const quote = (s) => `'${String(s).replace(/'/g, "''")}'`;

// Inserts outbox rows the way enqueue_event() writes them, in one transaction; returns their ids.
// Each event: {handler, event, order, app, data, token}.
export function enqueue(server, events) {
  const values = events.map((e) => {
    const payload = JSON.stringify({
      data: e.data ?? {}, auth_user_id: 0, send_refresh_token: false, application_token: e.token ?? '',
      token_slots: [], event_ttl: 7,
    });
    return `(${e.app ?? 0}, ${quote(e.handler)}, ${quote(e.event ?? 'ONIMBOTMESSAGEADD')}, 1, ${quote(payload)}, ` +
      `${quote(e.order ?? 'handler')}, ${Math.floor(Date.now() / 1000) * 1000}, ` +
      `${Math.floor(Date.now() / 1000) * 1000})`;
  });
  return rows(server, `INSERT INTO event_outbox (app_id, handler, event, event_handler_id, payload, order_key,
    created_at, next_attempt_at) VALUES ${values.join(', ')} RETURNING id`).map((r) => r.id);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// PHP's parse_str for the bodies imhub sends: bracket keys into nested objects.
export function parseForm(body) {
  const out = {};
  for (const pair of body.split('&')) {
    if (!pair) continue;
    const [rawKey, rawValue = ''] = pair.split('=');
    const key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    const value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    const parts = key.match(/^[^[]*|\[[^\]]*\]/g).map((p) => p.replace(/^\[|\]$/g, ''));
    let at = out;
    parts.forEach((p, i) => {
      if (i === parts.length - 1) at[p] = value;
      else at = at[p] ??= {};
    });
  }
  return out;
}

export class Sink {
  constructor(behave = () => 200) {
    this.behave = behave;
    this.requests = [];
    this.connections = 0;  // TCP connections accepted
  }
  async start() {
    this.port = await freePort();
    this.url = `http://127.0.0.1:${this.port}/`;
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        const r = { path: req.url, headers: req.headers, body, form: parseForm(body), at: Date.now() };
        this.requests.push(r);
        const answer = this.behave(r, this.requests.length);
        const a = typeof answer === 'number' ? { status: answer } : answer;
        r.status = a.status;
        res.writeHead(a.status, { 'Content-Type': 'text/plain', ...(a.headers ?? {}) });
        res.end(a.body ?? 'ok');
      });
    });
    this.server.on('connection', () => { this.connections += 1; });
    await new Promise((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    return this;
  }
  accepted() { return this.requests.filter((r) => r.status >= 200 && r.status < 300); }
  async stop() {
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

export async function until(what, check, ms = 10000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(20);
  }
  assert.fail(`timed out waiting for ${what}`);
}
