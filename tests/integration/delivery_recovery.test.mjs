// Issue 17 item 9: a handler that comes back gets its whole backlog at once. Before, each chat's
// lane waited out its own backoff after the handler recovered (97 s to clear 396 events); now the
// first 2xx wakes the handler's other parked lanes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { Sink, enqueue, rows, until } from './sink.mjs';

let server;
let sink;
let down = true;

before(async () => {
  // Every failure parks its lane 15 to 30 s.
  server = await startServer({ config: '[log]\naccess_log = false\n[events]\nretry_base = 30\nallow_private = true\n' });
  sink = await new Sink(() => (down ? 503 : 200)).start();
});
after(async () => {
  await sink.stop();
  await server.cleanup();
});

test('400 events in 100 chat lanes clear within seconds of the handler\'s recovery', async () => {
  const handler = `${sink.url}bot`;
  const events = [];
  for (let i = 0; i < 4; ++i) for (let chat = 1; chat <= 100; ++chat) events.push({ handler, order: `chat:${chat}`, data: { CHAT: chat, SEQ: i } });
  enqueue(server, events);
  await until('every lane failed once and is parked', () =>
    rows(server, `SELECT COUNT(*) AS n FROM event_outbox WHERE handler = '${handler}' AND attempts > 0`)[0].n === 100);
  down = false;
  const recovered = Date.now();
  // The next event for the handler (a new chat) succeeds and wakes the rest.
  enqueue(server, [{ handler, order: 'chat:new' }]);
  // Waited for in memory: polling the store with the sqlite3 tool would block this process, which
  // is also the handler.
  await until('the backlog is delivered', () => sink.accepted().length === 401, 60000);
  const elapsed = Date.now() - recovered;
  const times = sink.accepted().map((r) => r.at);
  const first = Math.min(...times);
  console.log(`401 events in 101 lanes cleared ${elapsed} ms after recovery; ${Math.max(...times) - first} ms from `
    + 'the first 2xx to the last');
  // Each lane is parked for 15 to 30 s: without the wake-up the last would arrive after 15 s at best.
  assert.ok(elapsed < 10000, `took ${elapsed} ms`);
  await until('the outbox is empty', () =>
    rows(server, `SELECT COUNT(*) AS n FROM event_outbox WHERE handler = '${handler}'`)[0].n === 0);
  // Each chat's events still arrive in order.
  const last = new Map();
  for (const r of sink.accepted()) {
    const { CHAT: chat, SEQ: seq } = r.form.data ?? {};
    if (chat === undefined) continue;
    assert.equal(Number(seq), (last.get(chat) ?? -1) + 1, `chat ${chat}`);
    last.set(chat, Number(seq));
  }
  assert.equal(sink.accepted().length, 401);
});
