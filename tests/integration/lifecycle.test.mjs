// The process: init, restart, SIGTERM drain, configuration errors, limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { startServer, Server, cli, BINARY, freePort, storeArgs } from './harness.mjs';

test('init is idempotent and prints the same values (the first-run password only the first time)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'imhub-init-'));
  try {
    const { password, ...a } = cli(dir, 'init');
    const b = cli(dir, 'init');
    assert.match(password, /^\S{12,}$/);
    assert.deepEqual(b, a);
    assert.equal(a.user_id, 1);
    assert.match(a.webhook, /^\/rest\/1\/[a-z0-9]{16}\/$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a restart keeps data; the CLI works while serve runs', async () => {
  const s = await startServer();
  try {
    const { user_id } = s.cli('user', 'add', '--name', 'Ирина', '--last-name', 'Петрова', '--email', 'i@example.com', '--position', 'QA');
    assert.ok(user_id > 1);
    const { webhook } = s.cli('webhook', 'add', '--user', String(user_id), '--scope', 'user');
    assert.equal((await s.call('profile', {}, { webhook })).body.result.NAME, 'Ирина');
    const { code } = await s.stop();
    assert.equal(code, 0);
    const again = await new Server({ dataDir: s.dataDir }).start();
    try {
      const p = await again.call('profile', {}, { webhook });
      assert.equal(p.status, 200);
      assert.equal(p.body.result.LAST_NAME, 'Петрова');
      assert.equal(again.webhook, s.webhook);
      const users = again.cli('user', 'list').users;
      assert.ok(users.some((u) => u.user_id === user_id && u.position === 'QA'));
    } finally {
      await again.cleanup();
    }
  } finally {
    await s.cleanup();
  }
});

test('SIGTERM drains: in-flight requests finish, idle keep-alive connections close, exit 0', async () => {
  const s = await startServer();
  try {
    // An idle keep-alive connection must not hold the shutdown.
    const idle = net.connect(s.port, '127.0.0.1');
    await new Promise((r) => idle.on('connect', r));
    idle.write(`GET ${s.webhook}server.time HTTP/1.1\r\nHost: x\r\n\r\n`);
    await new Promise((r) => idle.once('data', r));
    const inflight = [];
    for (let i = 0; i < 20; i++) inflight.push(s.call('batch', { cmd: Array(50).fill('profile') }).catch((e) => e));
    await new Promise((r) => setTimeout(r, 5));
    s.proc.kill('SIGTERM');
    const started = Date.now();
    const { code } = await s.exited;
    assert.equal(code, 0);
    assert.ok(Date.now() - started < 5000, 'shutdown took too long');
    for (const r of await Promise.all(inflight)) {
      if (r instanceof Error) continue; // not yet accepted when the listener closed
      assert.equal(r.status, 200);
      assert.equal(Object.keys(r.body.result.result).length, 50);
    }
    idle.destroy();
  } finally {
    await s.cleanup();
  }
});

test('an unknown config key or bad value stops start-up naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'imhub-cfg-'));
  try {
    cli(dir, 'init');
    for (const [text, needle] of [
      ['[server]\nlisten_port = 1\n', 'server.listen_port'],
      ['[server]\nworkers = "many"\n', 'server.workers'],
      ['[rate_limit]\nenabled = 1\n', 'rate_limit.enabled'],
      ['[nope]\nx = 1\n', 'nope.x'],
      ['[log]\nlevel = "loud"\n', 'log.level'],
    ]) {
      const file = join(dir, 'c.toml');
      writeFileSync(file, text);
      const r = spawnSync(BINARY, ['serve', '--data', dir, ...storeArgs(dir), '--listen', '127.0.0.1:0', '--config', file], { encoding: 'utf8', timeout: 5000 });
      assert.notEqual(r.status, 0, text);
      assert.ok(r.stderr.includes(needle), `${needle} not named in: ${r.stderr}`);
    }
    // The example configuration is valid as shipped.
    const port = await freePort();
    const r = spawnSync(BINARY, ['serve', '--data', dir, ...storeArgs(dir), '--listen', `127.0.0.1:${port}`, '--config', join('..', '..', 'config', 'imhub.example.toml')], { encoding: 'utf8', timeout: 1500 });
    assert.ok(!/config:/.test(r.stderr), r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('leaky bucket: 503 QUERY_LIMIT_EXCEEDED with Retry-After once the bucket is full', async () => {
  const s = await startServer({ config: '[rate_limit]\nenabled = true\nrate = 1\nburst = 5\n' });
  try {
    const statuses = [];
    let limited;
    for (let i = 0; i < 8; i++) {
      const r = await s.call('server.time');
      statuses.push(r.status);
      if (r.status === 503) limited = r;
    }
    assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
    assert.ok(limited, 'no request was limited');
    assert.deepEqual(limited.body, { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' });
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    // Another credential has its own bucket.
    const { webhook } = s.cli('webhook', 'add', '--user', '1', '--scope', 'user');
    assert.equal((await s.call('server.time', {}, { webhook })).status, 200);
  } finally {
    await s.cleanup();
  }
});

test('operating-time budget: 429 OPERATION_TIME_LIMIT once exceeded', async () => {
  // Every call is counted (record_threshold = 0) so fast methods reach the tiny budget.
  const s = await startServer({ config: '[operating_limit]\nenabled = true\nseconds = 0.001\nrecord_threshold = 0\n' });
  try {
    let blocked;
    for (let round = 0; round < 200 && !blocked; round++) {
      const r = await s.call('batch', { cmd: { a: `user.add?EMAIL=z${round}@example.com&UF_DEPARTMENT[]=1` } });
      const err = r.body.result.result_error.a;
      if (err && err.error === 'OPERATION_TIME_LIMIT') blocked = err;
    }
    assert.ok(blocked, 'operating limit never triggered');
    assert.equal(blocked.error_description, 'Method is blocked due to operation time limit.');
    const direct = await s.call('user.add', { EMAIL: 'direct@example.com', UF_DEPARTMENT: [1] });
    assert.equal(direct.status, 429);
    assert.equal(direct.body.error, 'OPERATION_TIME_LIMIT');
    // Other methods have their own budget; time.operating reports the accumulated seconds.
    const other = await s.call('user.get');
    assert.equal(other.status, 200);
    assert.equal(typeof other.body.time.operating, 'number');
  } finally {
    await s.cleanup();
  }
});
