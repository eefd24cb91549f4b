// The ITR scenario of protocol-openlines.md §10 end to end, with real deliveries: a PHP bot that
// makes the ITR bot's calls (itr/itr_bot.php, under `php -S`) is installed as a local
// application and registers itself from ONAPPINSTALL; a line has it as its welcome bot; a client
// writes through a custom connector. The bot shows its menu, answers menu choices, the client's
// 0 hands the session to the queue's operator (the bot leaves), the operator answers and the
// client receives it through the connector, the operator finishes. Menu items of the second menu
// transfer to a user and finish the session through imopenlines.bot.session.*.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './harness.mjs';
import {
  openlinesServer, person, connectorApp, line, clientSays, lastOutbox, outboxSince, members, session, eventually, sql,
} from './openlines_setup.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const hasPhp = spawnSync('php', ['-v']).status === 0;

let server, php, dir, connector, op, botId, lineId;

before(async () => {
  if (!hasPhp) return;
  server = await openlinesServer();
  dir = mkdtempSync(join(tmpdir(), 'imhub-itr-'));
  copyFileSync(join(here, 'itr', 'itr_bot.php'), join(dir, 'itr_bot.php'));
  const port = await freePort();
  php = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', dir], { stdio: 'ignore' });
  await eventually(async () => {
    try { return (await fetch(`http://127.0.0.1:${port}/not-there`)).status === 404; } catch { return false; }
  });
  // Installed as a local application: ONAPPINSTALL makes it register its bot.
  const app = server.cli('app', 'add', '--name', 'ITR', '--handler', `http://127.0.0.1:${port}/itr_bot.php`,
    '--scope', 'im,imbot,imopenlines');
  server.cli('app', 'install', String(app.app_id), '--user', '1');
  botId = await eventually(() => sql(server, "SELECT id FROM bots WHERE code = 'itrbot'")[0]?.id, 10000);
  op = person(server, 'Olga', ['--last-name', 'Operator']);
  connector = await connectorApp(server, 'itrconn', { name: 'Messenger bridge' });
  lineId = await line(server, connector, { LINE_NAME: 'ITR support', WELCOME_BOT_ENABLE: 'Y', WELCOME_BOT_ID: botId,
    QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: op.id }] });
});

after(async () => {
  php?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
  await server?.cleanup();
});

// What the client has received through the connector since `mark` (texts, in order).
const received = (mark) => outboxSince(server, mark, 'ONIMCONNECTORMESSAGEADD')
  .map((r) => r.payload.data.MESSAGES[0].message.text);
const waitFor = (mark, n) => eventually(() => received(mark).length >= n && received(mark), 10000);
const calls = () => (existsSync(join(dir, 'calls.log')) ? readFileSync(join(dir, 'calls.log'), 'utf8') : '')
  .trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

test('menu, choices, 0 to the operator, the operator answers and finishes', { skip: !hasPhp && 'php-cli missing' },
  async () => {
    let mark = lastOutbox(server);
    const r = await clientSays(connector, lineId, 'tg-1', 'hello');
    // ONIMBOTJOINCHAT (USER_ID = the client) shows the menu; ONIMBOTMESSAGEADD "hello" shows it again.
    let got = await waitFor(mark, 2);
    // The bot's [br] are line breaks once stored (protocol.md §12.1); the signature is the connector's.
    assert.equal(got[0], '[b]ITR Bot:[/b][br]Main menu (#0)\n[send=1]1. Text[/send]\n[send=2]2. Text without menu' +
      '[/send]\n[send=3]3. Open menu #1[/send]\n[send=0]0. Wait operator answer[/send]');

    mark = lastOutbox(server);
    await clientSays(connector, lineId, 'tg-1', '1');
    got = await waitFor(mark, 2);
    assert.equal(got[0], '[b]ITR Bot:[/b][br]Text message (for Client tg-1)');
    assert.match(got[1], /Main menu \(#0\)/);

    mark = lastOutbox(server);
    await clientSays(connector, lineId, 'tg-1', '3');
    assert.match((await waitFor(mark, 1))[0], /Second menu \(#1\)/);
    mark = lastOutbox(server);
    await clientSays(connector, lineId, 'tg-1', '9');
    assert.match((await waitFor(mark, 1))[0], /Main menu \(#0\)/);

    // 0: the platform ends the bot's part; the queue's operator is offered the session.
    await clientSays(connector, lineId, 'tg-1', '0');
    assert.equal(session(server, r.session).operator_id, op.id);
    assert.ok(!members(server, r.chat).includes(botId), 'the bot left');
    mark = lastOutbox(server);
    await server.ok('im.message.add', { DIALOG_ID: `chat${r.chat}`, MESSAGE: 'Hello, I am Olga' },
      { webhook: op.webhook });
    assert.deepEqual(received(mark), ['[b]Olga Operator:[/b][br]Hello, I am Olga']);
    await server.ok('imopenlines.operator.finish', { CHAT_ID: r.chat }, { webhook: op.webhook });
    assert.equal(session(server, r.session).status, 60);
    assert.deepEqual(members(server, r.chat), [r.client]);
    // Every call the bot made succeeded but the one that came after the hand-over.
    const failed = calls().filter((c) => !c.answer || c.answer.error);
    assert.ok(failed.every((c) => c.method === 'imbot.message.add'), JSON.stringify(failed));
  });

test('the second menu: transfer to user #1, and finish the session', { skip: !hasPhp && 'php-cli missing' }, async () => {
  const r = await clientSays(connector, lineId, 'tg-2', 'hi');
  await eventually(() => calls().filter((c) => c.method === 'imbot.message.add').length > 0);
  let mark = lastOutbox(server);
  await clientSays(connector, lineId, 'tg-2', '3');
  await waitFor(mark, 1);
  await clientSays(connector, lineId, 'tg-2', '3');
  await eventually(() => session(server, r.session).operator_id === 1, 10000);
  assert.ok(members(server, r.chat).includes(botId), 'LEAVE=N: the bot waits for the answer');
  await server.ok('imopenlines.operator.answer', { CHAT_ID: r.chat });
  assert.ok(!members(server, r.chat).includes(botId));
  await server.ok('imopenlines.operator.finish', { CHAT_ID: r.chat });

  const f = await clientSays(connector, lineId, 'tg-3', 'hi');
  mark = lastOutbox(server);
  await clientSays(connector, lineId, 'tg-3', '3');
  await waitFor(mark, 1);
  await clientSays(connector, lineId, 'tg-3', '5');
  await eventually(() => session(server, f.session).closed === 1, 10000);
  assert.equal(session(server, f.session).status, 60);
  assert.deepEqual(members(server, f.chat), [f.client]);
});
