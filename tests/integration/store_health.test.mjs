// Write health and the store's files (issue 17): /healthz says 503 while writes fail or the disk
// is short of space; a full disk answers 507 INSUFFICIENT_STORAGE; the database and its WAL are
// private; orphaned blobs and *.tmp files from a crash are removed at start; download links expire.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync, existsSync, utimesSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, BINARY, cli, freePort, onPostgres, storeArgs, masterKey } from './harness.mjs';

// On PostgreSQL the store is not in the data directory: its files, and a full or capped data
// directory under the writer, are SQLite's alone (PostgreSQL's own disk faults: docs/postgresql.md).
const sqliteOnly = onPostgres && 'SQLite by nature: the store\'s files in the data directory';

const servers = [];
after(async () => { for (const s of servers) await s.cleanup(); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('imhub.db, its WAL and shared memory are 0600', { skip: sqliteOnly }, async () => {
  const s = await startServer();
  servers.push(s);
  await s.ok('im.message.add', { DIALOG_ID: '1', MESSAGE: 'hello' });
  for (const f of ['imhub.db', 'imhub.db-wal', 'imhub.db-shm', 'imhub.key']) {
    const mode = statSync(join(s.dataDir, f)).mode & 0o777;
    assert.equal(mode.toString(8), '600', f);
  }
});

test('/healthz reports free space and goes 503 below store.min_free_bytes', async () => {
  const srv = await startCapped('unlimited', '[store]\nmin_free_bytes = 1125899906842624\n');
  try {
    const h = await fetch(`${srv.base}/healthz`);
    const body = await h.json();
    assert.equal(h.status, 503);
    assert.equal(body.status, 'failing');
    assert.equal(body.writes, 'ok');
    assert.ok(body.disk_free_bytes > 0);
    assert.equal(body.disk_min_free_bytes, 1125899906842624);
  } finally {
    srv.proc.kill('SIGKILL');
  }
});

// Starts imhub with a file-size limit (ulimit -f, in KiB): writes past it fail like a full disk.
// Waits for any answer from /healthz (it may be 503 here).
async function startCapped(kib, config = '') {
  const data = mkdtempSync(join(tmpdir(), 'imhub-full-'));
  const { webhook } = cli(data, 'init');
  const bob = cli(data, 'user', 'add', '--name', 'Bob').user_id;
  const port = await freePort();
  writeFileSync(join(data, 'c.toml'), config);
  const proc = spawn('bash', ['-c', `ulimit -f ${kib}; exec "$0" serve --data "$1" --listen 127.0.0.1:"$2" --config "$1/c.toml" "\${@:3}"`,
    BINARY, data, String(port), ...storeArgs(data)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try { await fetch(`${base}/healthz`); break; } catch { /* not up */ }
    await sleep(50);
  }
  const call = async (method, params) => {
    const r = await fetch(`${base}${webhook}${method}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(params),
    });
    return { status: r.status, body: await r.json() };
  };
  return { proc, base, call, bob, log: () => log };
}

// Starts imhub on its own 8 MB tmpfs (a user and mount namespace, so no privileges are needed and
// the mount goes away with the process): writes past it fail with ENOSPC, as on a full disk.
async function startOnTinyDisk() {
  const mnt = mkdtempSync(join(tmpdir(), 'imhub-tiny-'));
  const port = await freePort();
  const script = 'mount -t tmpfs -o size=8m tmpfs "$1" && "$0" init --data "$1/d" && ' +
    '"$0" user add --name Bob --data "$1/d" && exec "$0" serve --data "$1/d" --listen 127.0.0.1:"$2"';
  const proc = spawn('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script, BINARY, mnt, String(port)],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let log = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200 && proc.exitCode === null; i++) {
    try { await fetch(`${base}/healthz`); break; } catch { /* not up */ }
    await sleep(50);
  }
  if (proc.exitCode !== null) return null;  // no user namespaces here
  const webhook = JSON.parse(out.split('\n')[0]).webhook;
  const bob = JSON.parse(out.split('\n')[1]).user_id;
  const call = async (method, params) => {
    const r = await fetch(`${base}${webhook}${method}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(params),
    });
    return { status: r.status, body: await r.json() };
  };
  return { proc, base, call, bob, log: () => log };
}

test('a full disk: writes answer 507 INSUFFICIENT_STORAGE and /healthz 503 with the writer\'s error', { skip: sqliteOnly }, async (t) => {
  const srv = await startOnTinyDisk();
  if (!srv) return t.skip('unshare --user --mount is not available');
  try {
    const chat = (await srv.call('im.chat.add', { TITLE: 'Full', USERS: [srv.bob] })).body.result;
    const folder = (await srv.call('im.disk.folder.get', { CHAT_ID: chat })).body.result.ID;
    const up = await srv.call('disk.folder.uploadfile', {
      id: folder, data: { NAME: 'big.bin' }, fileContent: ['big.bin', Buffer.alloc(12 << 20, 1).toString('base64')],
    });
    assert.equal(up.status, 507, JSON.stringify(up.body));
    assert.equal(up.body.error, 'INSUFFICIENT_STORAGE');
    const small = await srv.call('disk.folder.uploadfile', {
      id: folder, data: { NAME: 'ok.bin' }, fileContent: ['ok.bin', Buffer.alloc(1000, 1).toString('base64')],
    });
    assert.equal(small.status, 200, JSON.stringify(small.body));
    let failed;
    const text = 'x'.repeat(20000);
    for (let i = 0; i < 2000 && !failed; i++) {
      const r = await srv.call('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: text });
      if (r.status !== 200) failed = r;
    }
    assert.ok(failed, 'no write failed');
    assert.equal(failed.status, 507, JSON.stringify(failed.body));
    assert.equal(failed.body.error, 'INSUFFICIENT_STORAGE');
    const h = await fetch(`${srv.base}/healthz`);
    const body = await h.json();
    assert.equal(h.status, 503, JSON.stringify(body));
    assert.equal(body.status, 'failing');
    // Reads still work.
    assert.equal((await srv.call('profile', {})).status, 200);
  } finally {
    srv.proc.kill('SIGKILL');
  }
});

test('a file-size limit (EFBIG) fails writes with a storage error, not a 500, and /healthz says why', { skip: sqliteOnly }, async () => {
  const srv = await startCapped(3072);
  try {
    const chat = (await srv.call('im.chat.add', { TITLE: 'Full', USERS: [srv.bob] })).body.result;
    let failed;
    const text = 'x'.repeat(20000);
    for (let i = 0; i < 400 && !failed; i++) {
      const r = await srv.call('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: text });
      if (r.status !== 200) failed = r;
    }
    assert.ok(failed, 'no write failed');
    // SQLite reports a write past the limit as an I/O error: 503 STORAGE_UNAVAILABLE.
    assert.ok(['INSUFFICIENT_STORAGE', 'STORAGE_UNAVAILABLE'].includes(failed.body.error), JSON.stringify(failed.body));
    assert.ok([503, 507].includes(failed.status));
    const h = await fetch(`${srv.base}/healthz`);
    const body = await h.json();
    assert.equal(h.status, 503, JSON.stringify(body));
    assert.equal(body.writes, 'failing');
    assert.match(body.last_write_error, /COMMIT|fdatasync/);
    assert.equal((await srv.call('profile', {})).status, 200);
  } finally {
    srv.proc.kill('SIGKILL');
  }
});

test('orphaned blobs and *.tmp files left by a crash are removed at start; named blobs stay', async () => {
  const s = await startServer();
  servers.push(s);
  const chat = (await s.ok('im.chat.add', { TITLE: 'Files', USERS: [s.cli('user', 'add', '--name', 'Bob').user_id] })).result;
  const folder = (await s.ok('im.disk.folder.get', { CHAT_ID: chat })).result.ID;
  await s.ok('disk.folder.uploadfile', {
    id: folder, data: { NAME: 'keep.txt' }, fileContent: ['keep.txt', Buffer.from('keep').toString('base64')],
  });
  await s.stop('SIGKILL');
  const dir = join(s.dataDir, 'files', 'zz');
  mkdirSync(dir, { recursive: true });
  const old = new Date(Date.now() - 3600 * 1000);
  for (const name of ['zz0123456789abcdef0123456789abcd', 'zz11.tmp', 'zzfresh']) {
    writeFileSync(join(dir, name), 'x');
    if (name !== 'zzfresh') utimesSync(join(dir, name), old, old);
  }
  const before = readdirSync(join(s.dataDir, 'files')).length;
  await s.start();
  assert.match(s.stderr, /removed 1 unfinished \(\*\.tmp\) and 1 orphaned file blobs/);
  assert.equal(existsSync(join(dir, 'zz11.tmp')), false);
  assert.equal(existsSync(join(dir, 'zz0123456789abcdef0123456789abcd')), false);
  assert.equal(existsSync(join(dir, 'zzfresh')), true, 'a file written a moment ago is left alone');
  assert.equal(readdirSync(join(s.dataDir, 'files')).length, before);
  const f = (await s.ok('im.disk.folder.get', { CHAT_ID: chat })).result;
  assert.ok(f);
});

// The shared files directory of several nodes is a mount that can go away under a running node: the
// balancer's check says so (and uploads fail), and it recovers when the directory is back.
test('/healthz is 503 with "files":"failing" while the files directory is gone, 200 once it is back', async () => {
  const shared = mkdtempSync(join(tmpdir(), 'imhub-files-mount-'));
  const s = await startServer({ config: `[files]\ndir = ${JSON.stringify(shared)}\n` });
  servers.push(s);
  const ok = await fetch(`${s.base}/healthz`);
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).files, 'ok');
  renameSync(shared, `${shared}.away`);  // as an unmounted export looks to the node
  const gone = await fetch(`${s.base}/healthz`);
  assert.equal(gone.status, 503);
  const body = await gone.json();
  assert.equal(body.status, 'failing');
  assert.equal(body.files, 'failing');
  assert.equal(body.writes, 'ok', 'the store itself is fine');
  renameSync(`${shared}.away`, shared);
  const back = await fetch(`${s.base}/healthz`);
  assert.equal(back.status, 200);
  assert.equal((await back.json()).files, 'ok');
});

test('signed download links carry an expiry: fresh on every read, refused once past', async () => {
  const s = await startServer({ config: '[files]\nlink_ttl = 600\n' });
  servers.push(s);
  const chat = (await s.ok('im.chat.add', { TITLE: 'Links', USERS: [s.cli('user', 'add', '--name', 'Bob').user_id] })).result;
  const folder = (await s.ok('im.disk.folder.get', { CHAT_ID: chat })).result.ID;
  const f = (await s.ok('disk.folder.uploadfile', {
    id: folder, data: { NAME: 'a.txt' }, fileContent: ['a.txt', Buffer.from('hello').toString('base64')],
  })).result;
  const url = new URL(f.DOWNLOAD_URL);
  const e = Number(url.searchParams.get('e'));
  const now = Date.now() / 1000;
  assert.ok(e > now + 600 - 1 && e <= now + 600 + 3600, `expiry ${e - now} s from now`);
  assert.equal((await s.raw(url.pathname + url.search)).text, 'hello');
  // A link signed (with the portal key) for a moment already past is refused.
  const key = masterKey(s.dataDir);
  const u = url.searchParams.get('u');
  const sign = (exp) => createHmac('sha256', key).update(`disk-file:${f.ID}:${u}:${exp}`).digest('hex').slice(0, 32);
  const past = Math.floor(now) - 10;
  const expired = await s.raw(`${url.pathname}?u=${u}&e=${past}&s=${sign(past)}`);
  assert.equal(expired.status, 403);
  assert.match(expired.body.error_description, /expired/);
  // Changing the expiry without the key is a wrong signature (looks like a missing file).
  const forged = await s.raw(`${url.pathname}?u=${u}&e=${e + 86400}&s=${url.searchParams.get('s')}`);
  assert.equal(forged.status, 404);
  // Reading the file again signs a fresh link.
  const again = (await s.ok('disk.file.get', { id: f.ID })).result.DOWNLOAD_URL;
  assert.equal((await s.raw(new URL(again).pathname + new URL(again).search)).text, 'hello');
});
