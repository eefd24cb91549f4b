// `imhub openlines status | lines | sessions | close` and the imhub_openlines_* lines of /metrics
// (docs/openlines.md): open sessions by phase, time to first answer, closing a session from the CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openlinesServer, person, connectorApp, line, clientSays, lastOutbox, outboxSince, members, session } from
  './openlines_setup.mjs';
import { cliResult } from './oauth_client.mjs';

let server, app, op, lineId;

before(async () => {
  server = await openlinesServer();
  op = person(server, 'Una');
  app = await connectorApp(server, 'cliconn');
  lineId = await line(server, app, { LINE_NAME: 'CLI line', QUEUE_TYPE: 'strictly',
    QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: op.id }] });
});
after(async () => { await server.cleanup(); });

const metric = (text, name) => {
  const m = text.match(new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm'));
  return m ? Number(m[1]) : undefined;
};

test('status, lines, sessions, close; the metrics', async () => {
  const waiting = await clientSays(app, lineId, 'cli-1', 'hello');
  const answered = await clientSays(app, lineId, 'cli-2', 'hello');
  await server.ok('imopenlines.operator.answer', { CHAT_ID: answered.chat }, { webhook: op.webhook });

  const status = server.cli('openlines', 'status');
  assert.equal(status.waiting, 1);
  assert.equal(status.answered, 1);
  assert.equal(status.with_bot, 0);
  assert.deepEqual(status.by_status, { 0: 1, 10: 1 });
  assert.equal(status.answered_last_hour, 1);
  assert.equal(typeof status.first_answer_seconds, 'number');

  const { lines } = server.cli('openlines', 'lines');
  const mine = lines.find((l) => l.id === lineId);
  assert.match(mine.livechat_code, /^[0-9a-f]{32}$/);
  assert.deepEqual(mine, { id: lineId, name: 'CLI line', active: true, queue_type: 'strictly', operators: [op.id],
    network_code: null, open_sessions: 2, livechat_code: mine.livechat_code });

  const { sessions } = server.cli('openlines', 'sessions', '--line', String(lineId));
  assert.deepEqual(sessions.map((s) => s.id), [answered.session, waiting.session]);
  assert.equal(sessions[0].operator_id, op.id);

  const text = (await server.raw('/metrics')).text;
  assert.equal(metric(text, 'imhub_openlines_sessions{phase="waiting"}'), 1);
  assert.equal(metric(text, 'imhub_openlines_sessions{phase="answered"}'), 1);
  assert.equal(metric(text, 'imhub_openlines_sessions_by_status{status="10"}'), 1);
  assert.equal(metric(text, 'imhub_openlines_answered_last_hour'), 1);

  const mark = lastOutbox(server);
  assert.deepEqual(server.cli('openlines', 'close', String(waiting.session)), { session_id: waiting.session,
    closed: true });
  assert.equal(session(server, waiting.session).status, 60);
  assert.deepEqual(members(server, waiting.chat), [waiting.client]);
  assert.equal(outboxSince(server, mark, 'ONSESSIONFINISH').length, 1, 'the connector hears of it');
  const again = cliResult(server, 'openlines', 'close', String(waiting.session));
  assert.equal(again.code, 1);
  assert.equal(server.cli('openlines', 'sessions', '--all').sessions.length, 2);
});
