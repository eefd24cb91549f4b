// `imhub store migrate` (issue 15): an SQLite store with users, chats, 100k messages, files, an
// avatar, an application with its token, bots and pending events is moved to PostgreSQL; the same
// REST reads answer the same before (SQLite) and after (PostgreSQL, served from a new, empty data
// directory with the files in a shared directory), the application's token signed before the move
// still works, a run killed half-way is resumed, and a finished target is refused.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BINARY, Server, freePort, onPostgres } from './harness.mjs';
import { makeBot, oauthApp } from './bot_setup.mjs';
import { rest } from './oauth_client.mjs';
import { pgUnavailable, startPg, stopPg, createDatabase, psql } from './pg_server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const skip = onPostgres ? 'the source of a migration is an SQLite store (this file runs on SQLite alone)' : pgUnavailable();
const kMessages = 100000;

let pgUrl;
let dataA;
let port;
let filesDir;
let before_ = {};
let app;
let ids = {};

function png() {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(4, 16);
  b.writeUInt32BE(3, 20);
  return Buffer.concat([b, Buffer.from('pixels')]);
}

// What may differ between two servers of one portal: signed links carry their expiry and
// signature (fresh on every read), and presence moves with every call.
function normalise(v) {
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') {
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      if (/^(last_activity_date|idle|mobile_last_date|desktop_last_date|is_online|status)$/i.test(k)) continue;
      out[k] = normalise(x);
    }
    return out;
  }
  if (typeof v === 'string' && /^https?:\/\/[^ ]*\?/.test(v) && /(expires|sig|token)=/.test(v)) return v.split('?')[0];
  return v;
}

// The reads compared before and after, through the admin's webhook and the application's token.
async function reads(server) {
  const r = {};
  const call = async (name, method, params) => { r[name] = normalise((await server.ok(method, params)).result); };
  await call('recent', 'im.recent.get', {});
  await call('users', 'user.get', {});
  await call('bots', 'imbot.bot.list', {});
  await call('counters', 'im.counters.get', {});
  await call('file', 'disk.file.get', { id: ids.file });
  for (const chat of ids.chats) {
    await call(`chat${chat}`, 'im.dialog.get', { DIALOG_ID: `chat${chat}` });
    await call(`history${chat}`, 'im.dialog.messages.get', { DIALOG_ID: `chat${chat}`, LIMIT: 50 });
    await call(`older${chat}`, 'im.dialog.messages.get', { DIALOG_ID: `chat${chat}`, LAST_ID: ids.middle, LIMIT: 20 });
  }
  const events = await rest(server, 'event.get', {}, app.token);
  assert.equal(events.status, 200, events.text);
  r.events = events.body.result;
  // The outbox as `imhub events status` sees it, without what moves with the clock.
  const status = server.cli('events', 'status');
  r.pending = {
    pending: status.pending, failed: status.failed,
    handlers: status.handlers.map(({ app_id, handler, pending, max_attempts, last_error, failed }) =>
      ({ app_id, handler, pending, max_attempts, last_error, failed })),
  };
  return r;
}

function migrate(url, ...extra) {
  const out = execFileSync(BINARY, ['store', 'migrate', '--from', dataA, '--to', url, ...extra],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.trim().split('\n').pop());
}

before(async () => {
  if (skip) return;
  pgUrl = startPg();
  dataA = mkdtempSync(join(tmpdir(), 'imhub-migrate-'));
  filesDir = mkdtempSync(join(tmpdir(), 'imhub-shared-files-'));
  port = await freePort();
  let a = await new Server({ dataDir: dataA, port }).start();
  const ann = a.cli('user', 'add', '--name', 'Ann', '--last-name', 'Lee').user_id;
  const bob = a.cli('user', 'add', '--name', 'Bob').user_id;
  ids.chats = [];
  for (const title of ['One', 'Two', 'Three'])
    ids.chats.push((await a.ok('im.chat.add', { TITLE: title, USERS: [ann, bob] })).result);
  await a.ok('im.chat.updateAvatar', { CHAT_ID: ids.chats[0], AVATAR: png().toString('base64') });
  const folder = (await a.ok('im.disk.folder.get', { CHAT_ID: ids.chats[1] })).result.ID;
  ids.file = (await a.ok('disk.folder.uploadfile', {
    id: folder, data: { NAME: 'notes.txt' }, fileContent: ['notes.txt', Buffer.from('the notes').toString('base64')],
  })).result.ID;
  await a.ok('im.disk.file.commit', { CHAT_ID: ids.chats[1], FILE_ID: ids.file });
  app = await oauthApp(a, { scope: 'im,imbot,user' });
  await rest(a, 'event.bind', { event: 'ONIMMESSAGEADD', handler: 'http://127.0.0.1:9/events' }, app.token);
  const bot = await makeBot(a, { code: 'migrant', owner: 'customMIG' });
  ids.bot = bot;
  for (let i = 0; i < 5; ++i) {
    await a.ok('im.message.add', { DIALOG_ID: `chat${ids.chats[2]}`, MESSAGE: `hello ${i} [b]bold[/b]` });
    await a.ok('im.message.add', { DIALOG_ID: String(bot), MESSAGE: `to the bot ${i}` });
  }
  await a.stop();
  // The bulk, straight into the stopped store (bench/seed.sh): 100k messages over every chat.
  execFileSync('bash', ['-c', `source "${root}/bench/seed.sh" && seed_messages "$0" ${kMessages} >/dev/null`,
    join(dataA, 'imhub.db')]);
  ids.middle = Number(execFileSync('sqlite3', [join(dataA, 'imhub.db'),
    `SELECT id FROM messages WHERE chat_id = ${ids.chats[2]} ORDER BY id LIMIT 1 OFFSET 1000`], { encoding: 'utf8' }));
  // The highest message id ever handed out belongs to a message deleted since: only id_floors
  // (migration 31) remembers it, and the move must carry it into the identity sequence.
  ids.deleted = Number(execFileSync('sqlite3', [join(dataA, 'imhub.db'),
    "INSERT INTO messages (chat_id, seq, author_id, text, created_at) VALUES (999999, 1, 1, 'gone', 1); " +
    'SELECT last_insert_rowid(); DELETE FROM messages WHERE chat_id = 999999;'], { encoding: 'utf8' }));
  a = await new Server({ dataDir: dataA, port, config: '[events]\nenabled = false\n' }).start();
  before_ = await reads(a);
  await a.stop();
  assert.ok(before_.pending.pending > 0, 'events are pending before the move');
  assert.equal(before_[`chat${ids.chats[0]}`].name, 'One');
  assert.equal(before_[`history${ids.chats[2]}`].messages.length, 50);
});

after(() => {
  if (skip) return;
  stopPg(pgUrl);
  for (const d of [dataA, filesDir]) if (d) rmSync(d, { recursive: true, force: true });
});

test('store migrate moves every table, file and the key to PostgreSQL; the same reads answer the same', { skip }, async () => {
  const url = createDatabase(pgUrl);
  const started = Date.now();
  const out = migrate(url, '--files-to', filesDir);
  const seconds = (Date.now() - started) / 1000;
  assert.equal(out.resumed, false);
  assert.ok(out.tables.every((t) => t.verified), JSON.stringify(out.tables));
  const messages = out.tables.find((t) => t.table === 'messages');
  assert.ok(messages.rows >= kMessages, JSON.stringify(messages));
  assert.ok(out.files.copied >= 2, JSON.stringify(out.files)); // the blob and the avatar
  assert.ok(out.sequences_set > 0);
  console.log(`# migrated ${out.rows_copied} rows (${messages.rows} messages) in ${seconds.toFixed(1)} s`);
  // The key is in the database now, the progress table gone.
  assert.equal(psql(url, "SELECT length(value) FROM portal_secrets WHERE name = 'master_key'")[0], '64');
  assert.equal(psql(url, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'store_migrate_progress'")[0], '0');
  // Identity sequences past the copied ids: a new message gets an id above every old one.
  const maxId = Number(psql(url, 'SELECT MAX(id) FROM messages')[0]);

  const dataB = mkdtempSync(join(tmpdir(), 'imhub-node-'));
  const b = await new Server({
    dataDir: dataB, port, store: url, config: `[files]\ndir = ${JSON.stringify(filesDir)}\n[events]\nenabled = false\n`,
  }).start();
  try {
    assert.ok(!existsSync(join(dataB, 'imhub.key')), 'the node keeps no key of its own');
    const after_ = await reads(b);
    for (const k of Object.keys(before_)) assert.deepEqual(after_[k], before_[k], `${k} differs after the move`);
    // The bytes behind the file and the avatar come from the shared directory.
    const file = (await b.ok('disk.file.get', { id: ids.file })).result;
    const u = new URL(file.DOWNLOAD_URL);
    const got = await b.raw(u.pathname + u.search);
    assert.equal(got.status, 200);
    assert.equal(got.text, 'the notes');
    const avatar = new URL((await b.ok('im.dialog.get', { DIALOG_ID: `chat${ids.chats[0]}` })).result.avatar);
    assert.equal((await b.raw(avatar.pathname)).status, 200);
    // A token signed by the SQLite node before the move is valid here: the key came along.
    const me = await rest(b, 'user.current', {}, app.token);
    assert.equal(me.status, 200, me.text);
    const sent = (await b.ok('im.message.add', { DIALOG_ID: `chat${ids.chats[0]}`, MESSAGE: 'after the move' })).result;
    assert.ok(sent > maxId, `new id ${sent} above ${maxId}`);
    assert.ok(maxId < ids.deleted && sent > ids.deleted, `new id ${sent} above the deleted ${ids.deleted}`);
  } finally {
    await b.cleanup();
    rmSync(dataB, { recursive: true, force: true });
  }
});

test('store migrate refuses a database that is not empty', { skip }, () => {
  const url = createDatabase(pgUrl);
  migrate(url, '--batch', '50000');
  assert.throws(() => migrate(url), (e) => e.status === 1 && /not empty/.test(e.stderr.toString()));
});

test('a migration killed half-way is resumed by running it again', { skip }, async () => {
  const url = createDatabase(pgUrl);
  const proc = spawn(BINARY, ['store', 'migrate', '--from', dataA, '--to', url, '--batch', '2000'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  await new Promise((resolve) => {
    proc.stderr.on('data', (d) => {
      err += d.toString();
      if (/messages: 20000 rows copied/.test(err)) {
        proc.kill('SIGKILL');
        resolve();
      }
    });
    proc.on('exit', resolve);
  });
  await exited;
  assert.match(err, /messages: 20000 rows copied/);
  const partial = Number(psql(url, 'SELECT count(*) FROM messages')[0]);
  assert.ok(partial >= 20000 && partial < kMessages, `${partial} messages before the rerun`);
  const out = migrate(url, '--batch', '7000');
  assert.equal(out.resumed, true);
  assert.ok(out.tables.every((t) => t.verified));
  assert.ok(out.rows_copied < kMessages, `the rerun copied only what was left (${out.rows_copied})`);
  const total = Number(psql(url, 'SELECT count(*) FROM messages')[0]);
  assert.equal(total, out.tables.find((t) => t.table === 'messages').rows);
});

test('store migrate refuses a source that a server is using', { skip }, async () => {
  const a = await new Server({ dataDir: dataA, port: await freePort(), config: '[events]\nenabled = false\n' }).start();
  try {
    const url = createDatabase(pgUrl);
    assert.throws(() => migrate(url), (e) => e.status === 1 && /already served/.test(e.stderr.toString()));
  } finally {
    await a.stop();
  }
});
