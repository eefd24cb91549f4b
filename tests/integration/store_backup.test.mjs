// `imhub store backup` / `store restore`: SQLite's online backup taken while the server writes,
// one file holding the database and the master key, restored into a new directory as a working
// portal (the same init webhook, the same messages); restore refuses a directory a server is
// using and one that holds a store unless --force. With --store: pg_dump and pg_restore.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BINARY, Server, onPostgres } from './harness.mjs';
import { pgUnavailable, startPg, stopPg, createDatabase } from './pg_server.mjs';

const sqliteSkip = onPostgres ? 'SQLite backups (this file tests PostgreSQL through its own server)' : false;
const pgSkip = pgUnavailable();
const work = mkdtempSync(join(tmpdir(), 'imhub-backup-'));
let server;
let chat;

function run(...args) {
  const out = execFileSync(BINARY, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.trim().split('\n').pop());
}
const refused = (pattern) => (e) => e.status === 1 && pattern.test(e.stderr.toString());

before(async () => {
  if (sqliteSkip) return;
  server = await new Server({ dataDir: join(work, 'live') }).start();
  const ann = server.cli('user', 'add', '--name', 'Ann').user_id;
  chat = (await server.ok('im.chat.add', { TITLE: 'Kept', USERS: [ann] })).result;
  await server.ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'before the backup' });
});

after(async () => {
  if (server) await server.stop();
  rmSync(work, { recursive: true, force: true });
});

test('backup while the server writes; restore makes a working portal with the same key', { skip: sqliteSkip }, async () => {
  const file = join(work, 'one.imhub-backup');
  const writes = [];
  for (let i = 0; i < 100; ++i)
    writes.push(server.ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: `during ${i}` }));
  const out = run('store', 'backup', '--to', file, '--data', server.dataDir);
  await Promise.all(writes);
  assert.equal(out.engine, 'sqlite');
  assert.ok(out.bytes > 0);
  assert.equal(statSync(file).mode & 0o777, 0o600, 'the backup holds the key: owner only');
  assert.throws(() => run('store', 'backup', '--to', file, '--data', server.dataDir), refused(/exists already/));

  const restored = join(work, 'restored');
  const r = run('store', 'restore', '--from', file, '--data', restored);
  assert.equal(r.engine, 'sqlite');
  assert.equal(readFileSync(join(restored, 'imhub.key'), 'utf8'), readFileSync(join(server.dataDir, 'imhub.key'), 'utf8'));
  assert.equal(statSync(join(restored, 'imhub.key')).mode & 0o777, 0o600);
  // The key is back in its file and out of the restored database.
  const secrets = execFileSync('sqlite3', [join(restored, 'imhub.db'), 'SELECT count(*) FROM portal_secrets'],
    { encoding: 'utf8' }).trim();
  assert.equal(secrets, '0');
  const copy = await new Server({ dataDir: restored, config: '[events]\nenabled = false\n' }).start();
  try {
    assert.equal(copy.webhook, server.webhook, 'the same init webhook: the same master key');
    const texts = (await copy.ok('im.dialog.messages.get', { DIALOG_ID: `chat${chat}`, LIMIT: 200 })).result.messages
      .map((m) => m.text);
    assert.ok(texts.includes('before the backup'));
    // A snapshot: the messages written during the backup are there up to some point, in order.
    const during = texts.filter((t) => t.startsWith('during ')).map((t) => Number(t.slice(7)));
    assert.ok(during.length <= 100);
  } finally {
    await copy.stop();
  }
});

test('restore refuses a store a server is using, and an existing store without --force', { skip: sqliteSkip }, () => {
  const file = join(work, 'two.imhub-backup');
  run('store', 'backup', '--to', file, '--data', server.dataDir);
  assert.throws(() => run('store', 'restore', '--from', file, '--data', server.dataDir, '--force'),
    refused(/already served/));
  const target = join(work, 'target');
  run('store', 'restore', '--from', file, '--data', target);
  assert.throws(() => run('store', 'restore', '--from', file, '--data', target), refused(/holds a store already/));
  assert.equal(run('store', 'restore', '--from', file, '--data', target, '--force').engine, 'sqlite');
  assert.throws(() => run('store', 'restore', '--from', join(work, 'target', 'imhub.key'), '--data', join(work, 'x')),
    (e) => e.status === 1);
  assert.ok(!existsSync(join(work, 'x', 'imhub.db')), 'nothing restored from a file that is no backup');
});

test('with --store: pg_dump into a file, pg_restore into an empty database only', { skip: pgSkip }, async () => {
  const pgUrl = startPg();
  const dirs = [];
  try {
    const url = createDatabase(pgUrl);
    const dir = () => { const d = mkdtempSync(join(tmpdir(), 'imhub-node-')); dirs.push(d); return d; };
    const a = await new Server({ dataDir: dir(), store: url }).start();
    const ann = a.cli('user', 'add', '--name', 'Ann').user_id;
    const id = (await a.ok('im.chat.add', { TITLE: 'Dumped', USERS: [ann] })).result;
    await a.ok('im.message.add', { DIALOG_ID: `chat${id}`, MESSAGE: 'in the dump' });
    const file = join(work, 'pg.dump');
    assert.equal(run('store', 'backup', '--to', file, '--data', a.dataDir, '--store', url).engine, 'postgresql');
    await a.stop();
    const url2 = createDatabase(pgUrl);
    assert.equal(run('store', 'restore', '--from', file, '--data', dir(), '--store', url2).engine, 'postgresql');
    assert.throws(() => run('store', 'restore', '--from', file, '--data', dir(), '--store', url2), (e) => e.status === 1);
    const b = await new Server({ dataDir: dir(), store: url2 }).start();
    try {
      assert.equal(b.webhook, a.webhook);
      const texts = (await b.ok('im.dialog.messages.get', { DIALOG_ID: `chat${id}` })).result.messages.map((m) => m.text);
      assert.ok(texts.includes('in the dump'));
    } finally {
      await b.stop();
    }
  } finally {
    stopPg(pgUrl);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
