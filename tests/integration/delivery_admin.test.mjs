// What an administrator or a bot developer sees of event delivery: `imhub events status` shows
// the real next attempt (issue 17 item 9), `imhub events log` the last deliveries per handler with
// the answer (issue 11) and the request with its tokens redacted (issue 13), `imhub events secret`
// refuses an application that does not exist (issue 11), and `imhub events retry --handler` replays
// one handler's failed events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startServer, BINARY, storeArgs } from './harness.mjs';
import { cliResult, addApp } from './oauth_client.mjs';
import { Sink, enqueue, rows, until } from './sink.mjs';

let server;
let sink;

before(async () => {
  server = await startServer({
    config: '[log]\naccess_log = false\nlevel = "debug"\n[events]\nretry_base = 30\nlog_per_handler = 5\n'
      + 'allow_private = true\n',
  });
  sink = await new Sink((r) => {
    if (r.path.startsWith('/bad')) return { status: 500, body: 'boom' };
    if (r.path.startsWith('/down')) return 503;
    return { status: 200, body: 'hello from the bot' };
  }).start();
});
after(async () => {
  await sink.stop();
  await server.cleanup();
});

test('events status: the next attempt is the parked heads\', not "now"', async () => {
  const handler = `${sink.url}down`;
  enqueue(server, [1, 2, 3].map(() => ({ handler, order: 'chat:1' })).concat(
    [1, 2].map(() => ({ handler, order: 'chat:2' }))));
  await until('both heads failed once', () =>
    rows(server, `SELECT COUNT(*) AS n FROM event_outbox WHERE handler = '${handler}' AND attempts > 0`)[0].n === 2);
  const h = cliResult(server, 'events', 'status').json.handlers.find((x) => x.handler === handler);
  assert.equal(h.pending, 5);
  assert.equal(h.max_attempts, 1);
  assert.equal(h.last_error, 'HTTP 503');
  // retry_base = 30 s with jitter: the heads go again in 15 to 30 s; the rows behind them wait.
  assert.ok(h.next_attempt_in_seconds >= 10 && h.next_attempt_in_seconds <= 31, JSON.stringify(h));
});

test('events log: the last deliveries per handler with status, duration and answer; bounded', async () => {
  const ok = `${sink.url}ok`;
  const bad = `${sink.url}bad`;
  const ids = enqueue(server, [...Array(8)].map(() => ({ handler: ok, order: 'log:1', event: 'ONIMBOTJOINCHAT' })));
  const [badId] = enqueue(server, [{ handler: bad, order: 'log:2' }]);
  await until('delivered', () => sink.requests.filter((q) => q.path === '/ok').length === 8
    && sink.requests.some((q) => q.path === '/bad'));
  let log;
  await until('the log is written', () => {
    log = cliResult(server, 'events', 'log', '--handler', ok).json.deliveries;
    return log.length === 5 && log[4].outbox_id === ids[7];
  });
  assert.deepEqual(log.map((d) => d.outbox_id), ids.slice(3));  // the newest 5 of 8, oldest first
  const d = log[4];
  assert.equal(d.event, 'ONIMBOTJOINCHAT');
  assert.equal(d.outcome, 'delivered');
  assert.equal(d.status, 200);
  assert.equal(d.answer, 'hello from the bot');
  assert.equal(d.attempt, 1);
  assert.equal(d.error, '');
  assert.equal(d.app_id, 0);
  assert.ok(d.duration_ms >= 0 && d.duration_ms < 5000);
  assert.match(d.time, /^\d{4}-\d\d-\d\dT/);
  const b = cliResult(server, 'events', 'log', '--handler', bad).json.deliveries;
  assert.equal(b[0].outbox_id, badId);
  assert.equal(b[0].outcome, 'http_error');
  assert.equal(b[0].status, 500);
  assert.equal(b[0].answer, 'boom');
  assert.equal(b[0].error, 'HTTP 500');
  assert.equal(cliResult(server, 'events', 'log', '--app', '0', '--limit', '2').json.deliveries.length, 2);
  assert.equal(cliResult(server, 'events', 'log', '--app', '77').json.deliveries.length, 0);
  assert.equal(rows(server, `SELECT COUNT(*) AS n FROM event_delivery_log WHERE handler = '${ok}'`)[0].n, 5);
  // And at debug level in the server's log.
  assert.match(server.stderr,
    /events: ONIMBOTJOINCHAT \(row \d+, attempt 1\) to http:\/\/127\.0\.0\.1:\d+\/ok: delivered 200 in \d+ ms/);
});

test('events log --follow prints each new delivery as a JSON line', async () => {
  const child = spawn(BINARY, ['events', 'log', '--follow', '--limit', '0', '--data', server.dataDir, ...storeArgs(server.dataDir)]);
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const [id] = enqueue(server, [{ handler: `${sink.url}ok`, order: 'follow' }]);
    await until('the follower printed it', () => out.split('\n').some((l) => l && JSON.parse(l).outbox_id === id));
    const line = JSON.parse(out.split('\n').find((l) => l && JSON.parse(l).outbox_id === id));
    assert.equal(line.outcome, 'delivered');
  } finally {
    child.kill();
  }
});

test('events secret: refused for an application or CLIENT_ID that does not exist', async () => {
  const none = cliResult(server, 'events', 'secret', '--app', '999');
  assert.equal(none.code, 1);
  assert.match(none.json.error, /application 999 does not exist/);
  const noClient = cliResult(server, 'events', 'secret', '--client-id', 'nobody');
  assert.equal(noClient.code, 1);
  assert.match(noClient.json.error, /CLIENT_ID nobody/);
  const app = addApp(server, { install: false });
  const s = cliResult(server, 'events', 'secret', '--app', String(app.app_id));
  assert.equal(s.code, 0);
  assert.match(s.json.secret, /^[0-9a-f]{64}$/);
  await server.ok('imbot.register', { CODE: 'sec', EVENT_HANDLER: `${sink.url}ok`, PROPERTIES: { NAME: 'S' },
    CLIENT_ID: 'known' });
  assert.equal(cliResult(server, 'events', 'secret', '--client-id', 'known').code, 0);
});

test('events log shows the request with its tokens redacted; events retry --handler replays one handler', async () => {
  const handler = `${sink.url}ok-token`;
  const [id] = enqueue(server, [{ handler, order: 'tok', token: 'client-id-as-application-token' }]);
  let d;
  await until('logged', () => {
    d = cliResult(server, 'events', 'log', '--handler', handler).json.deliveries.find((x) => x.outbox_id === id);
    return d;
  });
  assert.match(d.request, /^event=ONIMBOTMESSAGEADD&/);
  assert.match(d.request, /auth%5Bapplication_token%5D=%5Bredacted%5D/);
  assert.ok(!d.request.includes('client-id-as-application-token'));
  assert.equal(d.request_bytes, d.request.length);

  const failed = (n, h) => `(${n}, 0, '${h}', 'ONIMBOTJOINCHAT', 0, '{"data":{},"event_ttl":7}', 'r:${n}', 1000, 2, `
    + `'HTTP 500', 2000, '')`;
  rows(server, `INSERT INTO event_failed (id, app_id, handler, event, event_handler_id, payload, order_key, created_at,
    attempts, last_error, failed_at, delivery_id) VALUES ${failed(900001, 'http://127.0.0.1:1/a')},
    ${failed(900002, 'http://127.0.0.1:1/b')}, ${failed(900003, 'http://127.0.0.1:1/a')}`);
  const r = cliResult(server, 'events', 'retry', '--handler', 'http://127.0.0.1:1/a');
  assert.equal(r.code, 0);
  assert.deepEqual(r.json.ids, [900001, 900003]);
  assert.deepEqual(rows(server, 'SELECT id FROM event_failed WHERE id >= 900001').map((x) => x.id), [900002]);
});
