// Event delivery against the real binary: rows are put into the outbox with the sqlite3 tool
// (as the CLI or another process would), and loopback sinks started here play the handlers.
// Covers: delivered once on 200; retries on 500 / timeout / connection refused until the handler
// is back, every event then arriving in order; Retry-After; a hanging handler slows neither other
// handlers nor REST calls; expiry to the failed list and `imhub events retry`; loop protection;
// the answer size cap; SIGTERM leaves unfinished events in the outbox; the optional signature and
// delivery-id headers; and an unmodified PHP handler (php -S) reading $_REQUEST.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Server, freePort, BINARY, storeArgs, storeSql } from './harness.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Fast retries so that a test sees several attempts within a second or two. The rows are written
// with sqlite3, so no administrator registered their loopback sinks: allow_private lets them through
// (handler_ssrf.test.mjs covers the address policy).
const FAST = `
[log]
access_log = false
[events]
allow_private = true
retry_base = 0.05
retry_max = 0.3
connect_timeout = 0.5
timeout = 1.0
max_response_bytes = 4096
drain_timeout = 0.5
`;

function sql(server, query) {
  const r = storeSql(server.dataDir, query);
  return r.length ? JSON.stringify(r) : '';
}
const rows = (server, query) => { const out = sql(server, query); return out ? JSON.parse(out) : []; };
const quote = (s) => `'${String(s).replace(/'/g, "''")}'`;

// Inserts outbox rows the way enqueue_event() writes them (payload JSON with data, auth_user_id,
// application_token, token_slots, event_ttl) in one transaction; returns their ids.
function enqueue(server, events) {
  const values = events.map((e) => {
    const payload = JSON.stringify({
      data: e.data ?? {}, auth_user_id: e.user ?? 0, send_refresh_token: false,
      application_token: e.token ?? '', token_slots: [], event_ttl: e.ttl ?? 7,
      ...(e.delivery_id ? { delivery_id: e.delivery_id } : {}),
    });
    return `(${e.app ?? 0}, ${quote(e.handler)}, ${quote(e.event ?? 'ONIMBOTMESSAGEADD')}, ${e.handler_id ?? 1}, ` +
      `${quote(payload)}, ${quote(e.order ?? `handler:${e.handler}`)}, ${Math.floor(Date.now() / 1000) * 1000}, ` +
      `${Math.floor(Date.now() / 1000) * 1000})`;
  });
  const out = rows(server, `INSERT INTO event_outbox (app_id, handler, event, event_handler_id, payload, order_key,
    created_at, next_attempt_at) VALUES ${values.join(', ')} RETURNING id`);
  return out.map((r) => r.id);
}

// PHP's parse_str for the bodies we send: bracket keys into nested objects.
function parseForm(body) {
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

// A loopback handler. `behave(req, n)` decides each answer: a status, {status, headers, body},
// or 'hang' (never answer). Every request is recorded with its parsed form.
class Sink {
  constructor(behave = () => 200) {
    this.behave = behave;
    this.requests = [];
    this.hanging = [];
  }
  async start(port) {
    this.port = port ?? await freePort();
    this.url = `http://127.0.0.1:${this.port}/`;
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        const r = { path: req.url, headers: req.headers, body, form: parseForm(body), at: Date.now() };
        this.requests.push(r);
        const answer = this.behave(r, this.requests.length);
        if (answer === 'hang') { this.hanging.push(res); return; }
        const a = typeof answer === 'number' ? { status: answer } : answer;
        r.status = a.status;
        res.writeHead(a.status, { 'Content-Type': 'text/plain', ...(a.headers ?? {}) });
        res.end(a.body ?? 'ok');
      });
    });
    await new Promise((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    return this;
  }
  // Requests that the sink answered with a 2xx.
  accepted() { return this.requests.filter((r) => r.status >= 200 && r.status < 300); }
  async stop() {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

async function until(what, check, ms = 10000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(20);
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function metric(server, name) {
  const text = (await server.raw('/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line ? Number(line.split(' ').pop()) : undefined;
}
async function outcome(server, name) {
  const text = (await server.raw('/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith(`imhub_event_deliveries_total{outcome="${name}"}`));
  return Number(line.split(' ').pop());
}

let server;
before(async () => { server = await startServer({ config: FAST }); });
after(async () => { await server.cleanup(); });

test('a 200 answer: delivered once, within a second, in the platform\'s format, then gone from the outbox', async () => {
  const sink = await new Sink().start();
  try {
    const started = Date.now();
    const [id] = enqueue(server, [{
      handler: `${sink.url}bot.php?CLIENT_ID=cl1`, event: 'ONIMBOTMESSAGEADD', handler_id: 17, token: 'cl1', user: 5,
      data: { PARAMS: { MESSAGE: 'Привет, [b]мир[/b] & 100%', DIALOG_ID: 'chat3', FILES: null, ATTACH: [], SYSTEM: false },
        USER: { ID: 5, NAME: 'Ann Lee' } },
    }]);
    await until('the delivery', () => sink.accepted().length === 1);
    assert.ok(Date.now() - started < 1500, 'a row written by another process is seen within a second');
    await sleep(300);
    assert.equal(sink.requests.length, 1, 'exactly once');
    const r = sink.requests[0];
    assert.equal(r.path, '/bot.php?CLIENT_ID=cl1');
    assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(r.headers['user-agent'], 'Bitrix24 Webhook Engine');
    assert.equal(r.headers['x-imhub-signature'], undefined, 'signature is off by default');
    assert.equal(r.headers['x-imhub-delivery-id'], undefined, 'delivery id is off by default');
    assert.match(r.body, /^event=ONIMBOTMESSAGEADD&event_handler_id=17&data%5BPARAMS%5D%5BMESSAGE%5D=%D0%9F/);
    assert.equal(r.form.event, 'ONIMBOTMESSAGEADD');
    assert.equal(r.form.event_handler_id, '17');
    assert.equal(r.form.data.PARAMS.MESSAGE, 'Привет, [b]мир[/b] & 100%');
    assert.equal(r.form.data.PARAMS.SYSTEM, '0');
    assert.ok(!('FILES' in r.form.data.PARAMS) && !('ATTACH' in r.form.data.PARAMS), 'nulls and empty arrays vanish');
    assert.equal(r.form.data.USER.ID, '5');
    assert.ok(Math.abs(Number(r.form.ts) - Date.now() / 1000) < 5);
    const member = rows(server, 'SELECT member_id FROM portal')[0].member_id;
    assert.deepEqual(r.form.auth, {
      domain: `127.0.0.1:${server.port}`, client_endpoint: `${server.base}/rest/`,
      server_endpoint: `${server.base}/rest/`, member_id: member, application_token: 'cl1',
    });
    await until('the row to go', () => rows(server, `SELECT id FROM event_outbox WHERE id = ${id}`).length === 0);
    assert.ok(await outcome(server, 'delivered') >= 1);
    await until('the latency histogram', async () => (await metric(server, 'imhub_event_delivery_latency_seconds_count')) >= 1);
  } finally {
    await sink.stop();
  }
});

test('500 answers are retried until a 2xx; every event of a chat arrives in order, chats do not wait for each other',
  async () => {
    let calls = 0;
    // Fails about a third of the requests, deterministically.
    const sink = await new Sink(() => (++calls % 3 === 0 ? 500 : 200)).start();
    try {
      const events = [];
      for (let i = 1; i <= 20; i++) {
        for (const chat of [1, 2, 3]) events.push({ handler: sink.url, order: `chat:${chat}`, data: { CHAT: chat, SEQ: i } });
      }
      enqueue(server, events);
      await until('60 accepted events', () => sink.accepted().length === 60, 20000);
      for (const chat of ['1', '2', '3']) {
        const seqs = sink.accepted().filter((r) => r.form.data.CHAT === chat).map((r) => Number(r.form.data.SEQ));
        assert.deepEqual(seqs, Array.from({ length: 20 }, (_, i) => i + 1), `chat ${chat} in order, each once`);
        // A failed event is never overtaken: what the sink saw of the chat, retries included, is sorted.
        const seen = sink.requests.filter((r) => r.form.data.CHAT === chat).map((r) => Number(r.form.data.SEQ));
        assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
      }
      assert.ok(sink.requests.length > 60, 'some were retried');
      await until('an empty outbox', () => rows(server, 'SELECT COUNT(*) AS n FROM event_outbox')[0].n === 0);
      assert.ok(await outcome(server, 'http_error') >= 1);
    } finally {
      await sink.stop();
    }
  });

test('a handler that is down (connection refused) gets every event, in order, once it is back', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/down`;
  enqueue(server, Array.from({ length: 10 }, (_, i) => ({ handler: url, data: { SEQ: i + 1 } })));
  await until('failed attempts', () => rows(server,
    `SELECT attempts, last_error FROM event_outbox WHERE handler = ${quote(url)} AND attempts > 1`).length > 0);
  const failed = rows(server, `SELECT last_error FROM event_outbox WHERE handler = ${quote(url)} AND attempts > 0`)[0];
  assert.match(failed.last_error, /^connect: /);
  // only the head of the lane was tried
  assert.equal(rows(server, `SELECT COUNT(*) AS n FROM event_outbox WHERE handler = ${quote(url)} AND attempts > 0`)[0].n, 1);
  const status = server.cli('events', 'status');
  const h = status.handlers.find((x) => x.handler === url);
  assert.equal(h.pending, 10);
  assert.ok(h.max_attempts >= 1);
  assert.match(h.last_error, /^connect: /);
  const sink = await new Sink().start(port);
  try {
    await until('all 10', () => sink.accepted().length === 10);
    assert.deepEqual(sink.accepted().map((r) => Number(r.form.data.SEQ)), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.ok(await outcome(server, 'connect_error') >= 1);
  } finally {
    await sink.stop();
  }
});

test('a timeout is a failure and is retried', async () => {
  const sink = await new Sink((r, n) => (n === 1 ? 'hang' : 200)).start();
  try {
    enqueue(server, [{ handler: sink.url, data: { SEQ: 1 } }, { handler: sink.url, data: { SEQ: 2 } }]);
    await until('both', () => sink.accepted().length === 2, 8000);
    assert.deepEqual(sink.requests.map((r) => Number(r.form.data.SEQ)), [1, 1, 2]);
    assert.ok(sink.requests[1].at - sink.requests[0].at >= 900, 'the retry came after the 1 s timeout');
    assert.ok(await outcome(server, 'timeout') >= 1);
  } finally {
    await sink.stop();
  }
});

test('Retry-After is honoured, in seconds and as an HTTP date', async () => {
  const sink = await new Sink((r, n) => {
    if (n === 1) return { status: 503, headers: { 'Retry-After': '2' } };
    if (n === 3) return { status: 429, headers: { 'Retry-After': new Date(Date.now() + 2000).toUTCString() } };
    return 200;
  }).start();
  try {
    enqueue(server, [{ handler: sink.url, data: { SEQ: 1 } }, { handler: sink.url, data: { SEQ: 2 } }]);
    await until('both', () => sink.accepted().length === 2, 10000);
    const [a, b, c, d] = sink.requests;
    assert.ok(b.at - a.at >= 1900, `waited ${b.at - a.at} ms for Retry-After: 2`);
    // An HTTP date has a one-second resolution: at least one full second must have passed.
    assert.ok(d.at - c.at >= 1000, `waited ${d.at - c.at} ms for an HTTP-date Retry-After`);
  } finally {
    await sink.stop();
  }
});

test('a hanging handler slows neither other handlers nor REST calls', async () => {
  const hanging = await new Sink(() => 'hang').start();
  const fine = await new Sink().start();
  try {
    // Many chats for the hanging handler: more lanes than there are request slots per handler.
    enqueue(server, Array.from({ length: 60 }, (_, i) => ({ handler: hanging.url, order: `chat:${i}`, data: { SEQ: i } })));
    await until('the hanging handler to hold its slots', () => hanging.requests.length >= 16);
    const t0 = Date.now();
    enqueue(server, Array.from({ length: 50 }, (_, i) => ({ handler: fine.url, order: `chat:${i % 5}`, data: { SEQ: i } })));
    const rest = [];
    while (fine.accepted().length < 50 && Date.now() - t0 < 5000) {
      const s = Date.now();
      const r = await server.call('server.time');
      assert.equal(r.status, 200);
      rest.push(Date.now() - s);
      await sleep(10);
    }
    assert.equal(fine.accepted().length, 50);
    assert.ok(Date.now() - t0 < 1500, `the other handler got its 50 events in ${Date.now() - t0} ms`);
    assert.ok(Math.max(...rest) < 500, `REST calls took up to ${Math.max(...rest)} ms`);
    assert.ok(hanging.requests.length <= 16 * 3, 'the hanging handler never had more than its slots');
  } finally {
    await hanging.stop();
    await fine.stop();
  }
  // Leave nothing behind for the other tests.
  sql(server, `DELETE FROM event_outbox WHERE handler = ${quote(hanging.url)}`);
});

test('event_ttl 0: the hop budget is spent and the event is not sent (loop protection)', async () => {
  const sink = await new Sink().start();
  try {
    const before = await outcome(server, 'loop_dropped');
    const [dropped] = enqueue(server, [{ handler: sink.url, ttl: 0, data: { SEQ: 1 } }]);
    enqueue(server, [{ handler: sink.url, ttl: 1, data: { SEQ: 2 } }]);
    await until('the second', () => sink.accepted().length === 1);
    assert.equal(sink.accepted()[0].form.data.SEQ, '2');
    await until('the dropped row gone', () => rows(server, `SELECT id FROM event_outbox WHERE id = ${dropped}`).length === 0);
    assert.equal(await outcome(server, 'loop_dropped'), before + 1);
    assert.equal(rows(server, `SELECT COUNT(*) AS n FROM event_failed WHERE id = ${dropped}`)[0].n, 0);
  } finally {
    await sink.stop();
  }
});

test('an answer over max_response_bytes is a failure', async () => {
  const sink = await new Sink((r, n) => (n === 1 ? { status: 200, body: 'x'.repeat(100000) } : 200)).start();
  try {
    enqueue(server, [{ handler: sink.url, data: { SEQ: 1 } }]);
    await until('the retry', () => sink.requests.length === 2);
    assert.ok(await outcome(server, 'too_large') >= 1);
  } finally {
    await sink.stop();
  }
});

test('SIGTERM: a request in flight past the drain timeout stays in the outbox and goes out after the restart',
  async () => {
    const s = await startServer({ config: FAST });
    const hang = await new Sink(() => 'hang').start();
    try {
      const [id] = enqueue(s, [{ handler: hang.url, data: { SEQ: 1 } }]);
      await until('the request in flight', () => hang.requests.length === 1);
      const t0 = Date.now();
      const { code } = await s.stop();
      assert.equal(code, 0);
      assert.ok(Date.now() - t0 < 3000, 'the drain is bounded');
      assert.equal(rows(s, `SELECT COUNT(*) AS n FROM event_outbox WHERE id = ${id}`)[0].n, 1, 'nothing lost');
      const sink = await new Sink().start();
      try {
        sql(s, `UPDATE event_outbox SET handler = ${quote(sink.url)}, order_key = 'moved' WHERE id = ${id}`);
        const again = await new Server({ dataDir: s.dataDir, config: FAST }).start();
        try {
          await until('the delivery after the restart', () => sink.accepted().length === 1);
          assert.equal(sink.accepted()[0].form.data.SEQ, '1');
        } finally {
          await again.stop();
        }
      } finally {
        await sink.stop();
      }
    } finally {
      await hang.stop();
      await s.cleanup();
    }
  });

test('expiry: a handler failing past expire_after sends the event to the failed list; events retry replays it',
  async () => {
    const s = await startServer({ config: FAST + 'expire_after = 1\n' });
    let mode = 500;
    const sink = await new Sink(() => mode).start();
    try {
      const ids = enqueue(s, [
        { handler: sink.url, app: 3, handler_id: 9, event: 'ONAPPTEST', order: 'chat:1', data: { SEQ: 1 } },
        { handler: sink.url, app: 3, handler_id: 9, event: 'ONAPPTEST', order: 'chat:1', data: { SEQ: 2 } },
      ]);
      await until('both in the failed list', () => rows(s, 'SELECT COUNT(*) AS n FROM event_failed')[0].n === 2, 10000);
      assert.equal(rows(s, 'SELECT COUNT(*) AS n FROM event_outbox')[0].n, 0);
      const failed = s.cli('events', 'failed');
      assert.equal(failed.total, 2);
      assert.deepEqual(failed.failed.map((f) => f.id), ids, 'kept their ids, oldest first');
      const f = failed.failed[0];
      assert.equal(f.app_id, 3);
      assert.equal(f.handler, sink.url);
      assert.equal(f.event, 'ONAPPTEST');
      assert.equal(f.event_handler_id, 9);
      assert.equal(f.last_error, 'HTTP 500');
      assert.ok(f.attempts >= 1);
      assert.match(f.delivery_id, /^[0-9a-f]{32}$/);
      assert.match(f.created, /^\d{4}-\d\d-\d\dT/);
      const status = s.cli('events', 'status');
      assert.equal(status.failed, 2);
      assert.equal(status.pending, 0);
      assert.equal(status.handlers.find((h) => h.handler === sink.url).failed, 2);
      await until('the failure metrics', async () => (await metric(s, 'imhub_event_failures_total')) === 2 &&
        (await metric(s, 'imhub_event_failed_depth')) === 2);

      // Unknown ids are reported (exit code 1); known ones go back, in order, with a fresh window.
      const bad = spawnSync(BINARY,
        ['events', 'retry', '999999', '--data', s.dataDir, ...storeArgs(s.dataDir)], { encoding: 'utf8' });
      assert.equal(bad.status, 1);
      assert.deepEqual(JSON.parse(bad.stdout.trim()), { retried: 0, ids: [], not_found: [999999] });
      mode = 200;
      const before = sink.accepted().length;
      const r = s.cli('events', 'retry', '--all');
      assert.deepEqual(r, { retried: 2, ids, not_found: [] });
      await until('the replay', () => sink.accepted().length === before + 2);
      assert.deepEqual(sink.accepted().slice(before).map((x) => x.form.data.SEQ), ['1', '2']);
      assert.equal(s.cli('events', 'failed').total, 0);
      await until('an empty outbox', () => rows(s, 'SELECT COUNT(*) AS n FROM event_outbox')[0].n === 0);
    } finally {
      await sink.stop();
      await s.cleanup();
    }
  });

test('retry without ids, --handler, --app or --all is refused, and ids do not go with --handler', () => {
  const out = spawnSync(BINARY,
    ['events', 'retry', '--data', server.dataDir, ...storeArgs(server.dataDir)], { encoding: 'utf8' });
  assert.equal(out.status, 1);
  assert.match(out.stdout, /give the ids to retry, --handler URL, --app ID or --all/);
  const both = spawnSync(BINARY,
    ['events', 'retry', '7', '--handler', 'http://127.0.0.1:9/', '--data', server.dataDir, ...storeArgs(server.dataDir)], { encoding: 'utf8' });
  assert.equal(both.status, 1);
  assert.match(both.stdout, /--handler and --app do not go with ids or --all/);
});

test('signature and delivery-id headers, when enabled: a handler can verify the body and drop duplicates',
  async () => {
    const s = await startServer({ config: FAST + 'signature = true\ndelivery_id_header = true\n' });
    const sink = await new Sink((r, n) => (n === 1 ? 500 : 200)).start();
    try {
      // `events secret` answers only for an application and a webhook bot's CLIENT_ID that exist.
      const app = s.cli('app', 'add', '--name', 'Signed', '--handler', 'http://127.0.0.1:9/', '--scope', 'im');
      await s.ok('imbot.register', { CODE: 'signed', EVENT_HANDLER: 'http://127.0.0.1:9/', PROPERTIES: { NAME: 'S' },
        CLIENT_ID: 'client-xyz' });
      enqueue(s, [
        { handler: sink.url, app: app.app_id, data: { SEQ: 1 }, delivery_id: '0123456789abcdef0123456789abcdef' },
        { handler: sink.url, app: 0, token: 'client-xyz', data: { SEQ: 2 } },
      ]);
      await until('both', () => sink.accepted().length === 2);
      const [first, retry, second] = sink.requests;
      const appSecret = s.cli('events', 'secret', '--app', String(app.app_id)).secret;
      const botSecret = s.cli('events', 'secret', '--client-id', 'client-xyz').secret;
      assert.match(appSecret, /^[0-9a-f]{64}$/);
      assert.notEqual(appSecret, botSecret);
      const sign = (secret, body) => 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
      assert.equal(first.headers['x-imhub-signature'], sign(appSecret, first.body));
      assert.equal(retry.headers['x-imhub-signature'], sign(appSecret, retry.body));
      assert.equal(second.headers['x-imhub-signature'], sign(botSecret, second.body));
      assert.notEqual(first.headers['x-imhub-signature'], sign(botSecret, first.body));
      // The same id on every attempt of one event, another id for another event.
      assert.equal(first.headers['x-imhub-delivery-id'], '0123456789abcdef0123456789abcdef');
      assert.equal(retry.headers['x-imhub-delivery-id'], first.headers['x-imhub-delivery-id']);
      assert.match(second.headers['x-imhub-delivery-id'], /^[0-9a-f]{32}$/);
      assert.notEqual(second.headers['x-imhub-delivery-id'], first.headers['x-imhub-delivery-id']);
    } finally {
      await sink.stop();
      await s.cleanup();
    }
  });

test('an unmodified PHP handler (php -S) reads the event through $_REQUEST', async (t) => {
  if (spawnSync('php', ['-v']).status !== 0) {
    t.skip('php-cli is not installed (scripts/deps.sh installs it)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'imhub-php-'));
  const out = join(dir, 'seen.json');
  // What a Bitrix24 bot handler does: read $_REQUEST, nothing imhub-specific.
  writeFileSync(join(dir, 'handler.php'), `<?php
file_put_contents(${JSON.stringify(out)}, json_encode([
  'event' => $_REQUEST['event'],
  'handler_id' => $_REQUEST['event_handler_id'],
  'message' => $_REQUEST['data']['PARAMS']['MESSAGE'],
  'dialog' => $_REQUEST['data']['PARAMS']['DIALOG_ID'],
  'mentioned' => $_REQUEST['data']['PARAMS']['MENTIONED_LIST'],
  'bot_code' => $_REQUEST['data']['BOT'][39]['BOT_CODE'],
  'is_bot' => $_REQUEST['data']['USER']['IS_BOT'],
  'has_files' => isset($_REQUEST['data']['PARAMS']['FILES']),
  'application_token' => $_REQUEST['auth']['application_token'],
  'domain' => $_REQUEST['auth']['domain'],
  'member_id' => $_REQUEST['auth']['member_id'],
  'ts' => $_REQUEST['ts'],
  'types' => gettype($_REQUEST['data']['PARAMS']['FROM_USER_ID']),
], JSON_UNESCAPED_UNICODE));
echo 'OK';
`);
  const port = await freePort();
  const php = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', dir], { stdio: 'ignore' });
  try {
    await until('php -S', async () => {
      try { return (await fetch(`http://127.0.0.1:${port}/not-there`)).status === 404; } catch { return false; }
    });
    enqueue(server, [{
      handler: `http://127.0.0.1:${port}/handler.php?CLIENT_ID=php-bot`, token: 'php-bot', handler_id: 23,
      data: {
        BOT: { 39: { BOT_ID: 39, BOT_CODE: 'echo bot' } },
        PARAMS: { MESSAGE: 'Hi [b]there[/b] — 100% "quoted" & more?', DIALOG_ID: 'chat12', FROM_USER_ID: 5,
          MENTIONED_LIST: { 39: 39 }, FILES: [] },
        USER: { ID: 5, IS_BOT: false },
      },
    }]);
    await until('the PHP handler to run', () => existsSync(out) && readFileSync(out, 'utf8').length > 0);
    const seen = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual(seen, {
      event: 'ONIMBOTMESSAGEADD', handler_id: '23', message: 'Hi [b]there[/b] — 100% "quoted" & more?',
      dialog: 'chat12', mentioned: { 39: '39' }, bot_code: 'echo bot', is_bot: '0', has_files: false,
      application_token: 'php-bot', domain: `127.0.0.1:${server.port}`,
      member_id: rows(server, 'SELECT member_id FROM portal')[0].member_id, ts: seen.ts, types: 'string',
    });
    assert.match(seen.ts, /^\d{10}$/);
  } finally {
    php.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
