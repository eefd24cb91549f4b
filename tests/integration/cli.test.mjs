// The command line (issue 11): usage errors exit 2 on stderr with the nearest known word, help and
// --version, refused data directories, one server per data directory, init after the webhook was
// revoked, errors that name their address or path.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { BINARY, Server, freePort, cli, storeArgs } from './harness.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'imhub-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const run = (...args) => spawnSync(BINARY, args, { encoding: 'utf8' });
const fresh = (name) => {
  const dir = join(scratch, name);
  assert.equal(run('init', '--data', dir).status, 0);
  return dir;
};

function usage(args, ...fragments) {
  const r = run(...args);
  assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  for (const f of fragments) assert.ok(r.stderr.includes(f), `${args.join(' ')}: stderr lacks ${f}:\n${r.stderr}`);
  return r;
}

test('unknown commands and options are named with the nearest known one; exit 2 on stderr', () => {
  const data = fresh('usage');
  usage(['serv'], "unknown command 'serv'", "did you mean 'serve'");
  usage(['webhok', 'list'], "unknown command 'webhok'", "'webhook'");
  usage(['user', 'ad', '--name', 'x'], "unknown command 'ad' for 'imhub user'", "'add'");
  usage(['user', 'add', '--bogus', '--data', data], "unknown option '--bogus' for 'imhub user add'");
  usage(['user', 'add', '--nme', 'Bob', '--data', data], "unknown option '--nme'", "did you mean '--name'");
  usage(['user', 'add', '--data', data], '--name');
  usage(['user'], 'subcommand');
  usage([]);
  const r = run('user', 'add', '--bogus', '--data', data);
  assert.equal(r.stdout, '', 'a usage error prints nothing on stdout');
});

test('imhub help, --help and --version', () => {
  const help = run('help');
  assert.equal(help.status, 0);
  for (const c of ['init', 'serve', 'user', 'webhook', 'app', 'events', 'coverage']) assert.match(help.stdout, new RegExp(`\\n\\s+${c}\\s`));
  const sub = run('help', 'user', 'add');
  assert.equal(sub.status, 0);
  assert.match(sub.stdout, /--name/);
  assert.equal(run('webhook', '--help').status, 0);
  usage(['help', 'nope'], "unknown command 'nope'");
  const v = run('--version');
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^imhub \d+\.\d+\.\d+( \(.+\))?\n$/);
});

test('empty names and unknown scopes are refused (exit 2), as app add refuses them', () => {
  const data = fresh('input');
  const empty = usage(['user', 'add', '--name', '', '--data', data], '--name must not be empty');
  assert.match(empty.stdout, /"error"/);
  usage(['user', 'add', '--name', '  ', '--data', data], 'must not be empty');
  usage(['webhook', 'add', '--user', '1', '--scope', 'im,bogus', '--data', data], "unknown scope 'bogus'");
  usage(['app', 'add', '--name', 'A', '--handler', 'http://h/', '--scope', 'im,bogus', '--data', data], "unknown scope 'bogus'");
  assert.deepEqual(cli(data, 'user', 'list').users.map((u) => u.name), ['Admin'], 'nothing was written');
  assert.equal(cli(data, 'webhook', 'list').webhooks.length, 1);
});

test('a data directory without a store is refused (except by init), and init creates one level only', () => {
  const missing = join(scratch, 'typo');
  for (const args of [['user', 'list'], ['user', 'add', '--name', 'x'], ['webhook', 'list'], ['app', 'list'],
    ['events', 'status'], ['events', 'secret', '--app', '1'], ['serve']]) {
    const r = run(...args, '--data', missing);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.includes(`'${missing}' does not exist`), r.stderr);
    assert.ok(r.stderr.includes('imhub init --data'), r.stderr);
    assert.equal(existsSync(missing), false, `${args.join(' ')} created ${missing}`);
  }
  const deep = join(scratch, 'no', 'such', 'dir');
  const r = run('init', '--data', deep);
  assert.equal(r.status, 1);
  assert.ok(r.stderr.includes(`'${join(scratch, 'no', 'such')}' does not exist`), r.stderr);
  assert.equal(existsSync(join(scratch, 'no')), false);
  const emptyDir = mkdtempSync(join(scratch, 'empty-'));
  assert.ok(run('user', 'list', '--data', emptyDir).stderr.includes('holds no imhub store'));
  assert.equal(run('init', '--data', join(scratch, 'one-level')).status, 0);
});

test('init on an existing store: the webhook while it is active, otherwise says so and how to add one', () => {
  const data = join(scratch, 'revoked');
  const { password, ...first } = cli(data, 'init');
  assert.match(password, /^[a-z0-9]{20}$/); // the administrator's first sign-in password, printed once
  assert.deepEqual(cli(data, 'init'), first);
  const id = cli(data, 'webhook', 'list').webhooks.find((w) => w.title === 'init').id;
  assert.equal(cli(data, 'webhook', 'revoke', String(id)).revoked, true);
  const r = run('init', '--data', data, ...storeArgs(data));
  assert.equal(r.status, 0);
  const out = JSON.parse(r.stdout);
  assert.equal(out.webhook, null);
  assert.match(out.note, /revoked/);
  assert.match(out.note, /imhub webhook add --user 1 --scope /);
  assert.match(r.stderr, /revoked/);
});

const waitExit = (proc, ms = 10000) => new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error('did not exit')), ms);
  proc.on('exit', (code) => { clearTimeout(t); resolve(code); });
});

test('one server per data directory: the second names the directory and the pid holding it', async () => {
  const first = new Server();
  await first.start();
  try {
    const port = await freePort();
    const second = spawn(BINARY, ['serve', '--data', first.dataDir, ...storeArgs(first.dataDir), '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    second.stderr.on('data', (d) => { stderr += d; });
    const code = await waitExit(second);
    assert.notEqual(code, 0);
    assert.ok(stderr.includes(`'${first.dataDir}' is already served by another imhub (pid ${first.proc.pid}`), stderr);
    assert.equal((await first.raw('/healthz')).status, 200, 'the first one serves on');
  } finally {
    await first.cleanup();
  }
});

test('a taken port: the error names the address', async () => {
  const blocker = net.createServer();
  const port = await freePort();
  await new Promise((r) => blocker.listen(port, '127.0.0.1', r));
  try {
    const data = fresh('port');
    const proc = spawn(BINARY, ['serve', '--data', data, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d) => { stderr += d; });
    assert.notEqual(await waitExit(proc), 0);
    assert.ok(stderr.includes(`127.0.0.1:${port}`), stderr);
    assert.match(stderr, /in use/i);
  } finally {
    blocker.close();
  }
});

test('ids are never reused: a bot registered after the newest one was deleted gets a new id', async () => {
  const s = new Server();
  await s.start();
  try {
    const reg = (code, clientId) => s.ok('imbot.register', { CODE: code, CLIENT_ID: clientId, EVENT_HANDLER: 'http://127.0.0.1:9/h',
      PROPERTIES: { NAME: code } });
    const old = (await reg('oldbot', 'old-1')).result;
    await s.ok('im.message.add', { DIALOG_ID: String(old), MESSAGE: 'to the old bot' });
    await s.ok('imbot.unregister', { BOT_ID: old, CLIENT_ID: 'old-1' });
    const next = (await reg('newbot', 'new-1')).result;
    assert.ok(next > old, `new bot ${next} must not take the deleted bot's id ${old}`);
    const user = s.cli('user', 'add', '--name', 'Eve').user_id;
    assert.ok(user > next);
  } finally {
    await s.cleanup();
  }
});
