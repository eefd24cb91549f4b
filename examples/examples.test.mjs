// The example bots run as a reader would run them (one command each) against a fresh server, and
// answer a message and their "Again" button.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, freePort, BINARY, storeArgs } from '../tests/integration/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
let server;
let bob;  // Bob's webhook: Bob talks to the bots
const children = [];

before(async () => {
  server = await startServer();
  const bobId = server.cli('user', 'add', '--name', 'Bob').user_id;
  bob = server.cli('webhook', 'add', '--user', String(bobId), '--scope', 'im').webhook;
});
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.on('exit', r)) : null)));
  if (server) await server.cleanup();
});

// Starts `cmd` and resolves with the first JSON line it prints ({"bot_id":…}).
function startBot(cmd, args) {
  const child = spawn(cmd, args, { cwd: join(here, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{"bot_id"'));
      if (line) resolve(JSON.parse(line));
    });
    child.on('exit', (code) => reject(new Error(`${cmd} exited ${code}: ${out}${err}`)));
    setTimeout(() => reject(new Error(`${cmd} printed no bot id: ${out}${err}`)), 20000);
  });
}

async function waitForMessage(dialog, check) {
  const deadline = Date.now() + 20000;
  for (;;) {
    const r = await server.ok('im.dialog.messages.get', { DIALOG_ID: String(dialog), LIMIT: 50 }, { webhook: bob });
    const found = r.result.messages.find(check);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out; history: ${JSON.stringify(r.result.messages.map((m) => m.text))}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

async function talkTo(botId) {
  await server.ok('im.message.add', { DIALOG_ID: String(botId), MESSAGE: 'ping' }, { webhook: bob });
  const answer = await waitForMessage(botId, (m) => m.author_id === botId && m.text === 'You said: ping');
  assert.equal(answer.params.KEYBOARD[0].TEXT, 'Again');
  await server.ok('im.message.command', { MESSAGE_ID: answer.id, BOT_ID: botId, COMMAND: 'echo', COMMAND_PARAMS: 'ping' },
    { webhook: bob });
  await waitForMessage(botId, (m) => m.author_id === botId && m.text === 'Again: ping');
}

test('PHP bot (raw form payload, webhook bot): examples/php/run.sh', async () => {
  const port = await freePort();
  const bot = await startBot(join(here, 'php', 'run.sh'), [`${server.base}${server.webhook}`, String(port)]);
  assert.ok(bot.bot_id > 0);
  await talkTo(bot.bot_id);
});

test('Node bot (official JS SDK, local application): node examples/node/echobot.mjs', async () => {
  const port = await freePort();
  const bot = await startBot(process.execPath, [join(here, 'node', 'echobot.mjs'), '--data', server.dataDir,
    ...storeArgs(server.dataDir), '--port', String(port), '--imhub', BINARY]);
  assert.ok(bot.bot_id > 0);
  await talkTo(bot.bot_id);
});
