// The recent list's caches (views/recent_projection.hpp, views/recent_fragments.hpp,
// im/chat_roster.hpp) give the answers the list gives without them: a second server on the same store runs with [store] recent_cache_mb = 0
// (every item built from the store each call), and after each kind of change the cached server's
// im.recent.get / im.recent.list must answer byte for byte what it does, for every filter. The
// cached server is asked everything before each change, so every comparison reads warm lists and
// fragments: a list or item kept past a change that touches it shows as a difference.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, onPostgres, shareStore } from './harness.mjs';
import { openlinesServer, person, connectorApp, line, clientSays, sql } from './openlines_setup.mjs';

let cached, fresh;
let ann, bob, carl, dan, app, lineId, botId, group, other, open, lines;

const annOk = (method, params) => cached.ok(method, params, { webhook: ann.webhook });
const as = (who) => (method, params) => cached.ok(method, params, { webhook: who.webhook });
const say = (who, dialog, text, extra = {}) => as(who)('im.message.add', { DIALOG_ID: dialog, MESSAGE: text, ...extra })
  .then((r) => r.result);

// A write by another process: the rows through sqlite3 (or psql), then, on SQLite, the table's
// counter in imhub.db-epochs moved as every imhub process moves it after a commit (TableEpochs:
// FNV-1a of the lower-cased name, 64 slots of 8 bytes) — what tells the server's per-user lists
// (views/recent_projection.hpp) that someone else wrote. The fragments need no such hint.
function foreignWrite(server, table, query) {
  sql(server, query);
  if (onPostgres) return;
  let h = 2166136261;
  for (const ch of table.toLowerCase()) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const fd = openSync(join(server.dataDir, 'imhub.db-epochs'), 'r+');
  try {
    const slot = Buffer.alloc(8);
    readSync(fd, slot, 0, 8, (h % 64) * 8);
    slot.writeBigUInt64LE(slot.readBigUInt64LE() + 1n);
    writeSync(fd, slot, 0, 8, (h % 64) * 8);
  } finally {
    closeSync(fd);
  }
}

// The envelope without its time block (which differs per call): result, next, total as sent.
async function answer(server, who, method, params) {
  const query = new URLSearchParams(params).toString();
  const res = await fetch(`${server.base}${who.webhook}${method}.json?${query}`);
  const text = await res.text();
  assert.equal(res.status, 200, `${method} ${query}: ${text}`);
  return text.slice(0, text.lastIndexOf(',"time":'));
}

function queries() {
  const minuteAgo = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, '+00:00');
  const later = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, '+00:00');
  const get = [{}, { SKIP_CHAT: 'Y' }, { SKIP_DIALOG: 'Y' }, { SKIP_OPENLINES: 'Y' }, { ONLY_OPENLINES: 'Y' },
    { LAST_SYNC_DATE: minuteAgo }, { LAST_UPDATE: minuteAgo }, { SKIP_CHAT: 'Y', SKIP_DIALOG: 'Y' }];
  const list = [{}, { LIMIT: 2 }, { LIMIT: 2, OFFSET: 1 }, { LIMIT: 3, start: 2 }, { UNREAD_ONLY: 'Y' },
    { LAST_MESSAGE_DATE: later }, { LAST_MESSAGE_DATE: minuteAgo }, { SKIP_CHAT: 'Y' }, { SKIP_DIALOG: 'Y' },
    { ONLY_OPENLINES: 'Y' }, { SKIP_OPENLINES: 'Y', UNREAD_ONLY: 'Y' }];
  return [...get.map((p) => ['im.recent.get', p]), ...list.map((p) => ['im.recent.list', p])];
}

// Every viewer, every filter: the cached answer is the uncached one. Run twice: the first pass may
// build fragments, the second reads them.
async function same(label) {
  for (const who of [ann, bob, carl]) {
    for (const [method, params] of queries()) {
      for (let pass = 0; pass < 2; pass += 1) {
        let want = await answer(fresh, who, method, params);
        let got = await answer(cached, who, method, params);
        // Open lines write on their own (welcome messages, queue moves): a change between the two
        // requests is told from a stale item by asking again — a stale item stays stale.
        if (got !== want) [want, got] = [await answer(fresh, who, method, params), await answer(cached, who, method, params)];
        assert.equal(got, want, `${label}: ${method} ${JSON.stringify(params)} for user ${who.id} (pass ${pass})`);
      }
    }
  }
}

before(async () => {
  cached = await openlinesServer();
  ann = person(cached, 'Ann', ['--last-name', 'Lee']);
  bob = person(cached, 'Bob');
  carl = person(cached, 'Carl');
  dan = person(cached, 'Dan');
  // The same store through another data directory (one server per directory): its files linked.
  const shared = mkdtempSync(join(tmpdir(), 'imhub-test-'));
  // (On PostgreSQL the master key is in the database too: nothing to link.)
  for (const f of onPostgres ? [] : ['imhub.db', 'imhub.db-epochs', 'imhub.key'])
    symlinkSync(join(cached.dataDir, f), join(shared, f));
  shareStore(cached.dataDir, shared); // on PostgreSQL, the same database
  fresh = new Server({ dataDir: shared,
    config: '[events]\nenabled = false\n[push]\nenabled = false\n[store]\nrecent_cache_mb = 0\n' });
  await fresh.start();

  await say(bob, String(ann.id), 'hello Ann');
  await say(ann, String(carl.id), 'hi Carl, ask [USER=' + bob.id + ']Bob[/USER]');
  await say(ann, String(ann.id), 'a note to self');
  group = (await annOk('im.chat.add', { TITLE: 'Group', USERS: [bob.id, carl.id] })).result;
  other = (await as(bob)('im.chat.add', { TITLE: 'Bob\'s', USERS: [ann.id, dan.id], COLOR: 'MINT' })).result;
  open = (await annOk('im.chat.add', { TITLE: 'Open', TYPE: 'OPEN', USERS: [bob.id] })).result;
  await say(bob, `chat${group}`, 'in the group');
  await say(dan, `chat${other}`, 'with an attachment', { ATTACH: JSON.stringify([{ MESSAGE: 'card' }]) });
  botId = (await cached.ok('imbot.register', { CODE: 'helper', EVENT_HANDLER: 'http://127.0.0.1:9/bot',
    CLIENT_ID: 'recent-cache', PROPERTIES: { NAME: 'Helper' } })).result;
  await cached.ok('imbot.message.add', { BOT_ID: botId, DIALOG_ID: String(ann.id), MESSAGE: 'from a bot',
    CLIENT_ID: 'recent-cache' });
  app = await connectorApp(cached);
  lineId = await line(cached, app, { LINE_NAME: 'Support', QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: ann.id }] });
  lines = (await clientSays(app, lineId, 'c1', 'I need help')).chat;
});
after(async () => {
  await fresh?.stop();
  if (fresh) rmSync(fresh.dataDir, { recursive: true, force: true });
  await cached?.cleanup();
});

test('the recent list with its caches answers what it answers without them, after every kind of change',
  async () => {
    await same('start');

    await say(carl, `chat${group}`, 'a new message');
    await same('message added');
    const mid = await say(ann, `chat${group}`, 'to be edited');
    await annOk('im.message.update', { MESSAGE_ID: mid, MESSAGE: 'edited' });
    await same('message edited');
    await annOk('im.message.update', { MESSAGE_ID: mid, MESSAGE: 'edited', ATTACH: JSON.stringify([{ MESSAGE: 'x' }]) });
    await same('attachment added by an edit');
    await annOk('im.message.delete', { MESSAGE_ID: mid });
    await same('message deleted');
    await annOk('im.dialog.read', { DIALOG_ID: `chat${group}` });
    await same('read');
    await as(bob)('im.dialog.read', { DIALOG_ID: String(ann.id) });
    await same('the other side read');

    await annOk('im.recent.pin', { DIALOG_ID: `chat${other}` });
    await same('pinned');
    await annOk('im.recent.pin', { DIALOG_ID: `chat${other}`, PIN: 'N' });
    await same('unpinned');
    await annOk('im.recent.unread', { DIALOG_ID: String(bob.id) });
    await same('marked unread');
    await annOk('im.recent.unread', { DIALOG_ID: String(bob.id), ACTION: 'N' });
    await same('unmarked');
    await annOk('im.recent.hide', { DIALOG_ID: `chat${open}` });
    await same('hidden');
    await say(bob, `chat${open}`, 'back again');
    await same('hidden chat has a new message');

    await annOk('im.chat.updateTitle', { CHAT_ID: group, TITLE: 'Renamed' });
    await same('renamed');
    // A new chat's colour is picked by the clock; choose one it does not have (the same one is refused).
    const { color } = (await annOk('im.dialog.get', { DIALOG_ID: `chat${group}` })).result;
    await annOk('im.chat.updateColor', { CHAT_ID: group, COLOR: color === '#1eb4aa' ? 'PINK' : 'AQUA' });
    await same('colour');
    await annOk('im.chat.mute', { CHAT_ID: group, ACTION: 'Y' });
    await same('muted by the viewer');
    await as(bob)('im.chat.mute', { CHAT_ID: group, ACTION: 'Y' });
    await same('muted by another member');
    await annOk('im.chat.user.add', { CHAT_ID: group, USERS: [dan.id], HIDE_HISTORY: 'Y' });
    await same('member added with hidden history');
    await annOk('im.chat.user.delete', { CHAT_ID: group, USER_ID: carl.id });
    await same('member removed');
    await annOk('im.chat.setOwner', { CHAT_ID: group, USER_ID: bob.id });
    await same('owner changed');
    // Written behind the server's back: the roster stamp is kept by triggers, not by the writers.
    foreignWrite(cached, 'chat_members', `UPDATE chat_members SET manager = 1 WHERE chat_id = ${group} AND user_id = ${ann.id}`);
    await same('manager set in the store');
    foreignWrite(cached, 'chat_members', `UPDATE chat_members SET manager = 1 WHERE chat_id = ${other} AND user_id = ${dan.id}`);
    await same('another member made manager in the store');
    await as(bob)('im.chat.user.add', { CHAT_ID: other, USERS: [carl.id] });
    await same('the viewer joined a chat');
    await say(carl, String(bob.id), 'a first word between Carl and Bob');
    await same('a new dialog');
    await as(carl)('im.chat.leave', { CHAT_ID: other });
    await same('the viewer left a chat');
    await as(dan)('im.user.status.set', { STATUS: 'dnd' });
    await same('status of a last author only');

    await cached.ok('user.update', { ID: bob.id, NAME: 'Robert', PERSONAL_PHOTO: '/upload/bob.png' });
    await same('profile of a dialog partner and of a mentioned user');
    await as(bob)('im.user.status.set', { STATUS: 'away' });
    await same('status');
    await as(carl)('im.user.status.idle.start', { AGO: 5 });
    await same('idle');
    await as(carl)('im.user.status.idle.end', {});
    await same('idle ended');
    await cached.ok('imbot.update', { BOT_ID: botId, CLIENT_ID: 'recent-cache', FIELDS: { PROPERTIES: { NAME: 'Aide',
      COLOR: 'RED' } } });
    await same('bot renamed');

    await clientSays(app, lineId, 'c1', 'still there?');
    await same('open-line client wrote');
    await annOk('imopenlines.operator.answer', { CHAT_ID: lines });
    await same('open-line session answered');
    await annOk('imopenlines.session.mode.silent', { CHAT_ID: lines, ACTIVATE: 'Y' });
    await same('open-line entity data');
    await annOk('imopenlines.operator.finish', { CHAT_ID: lines });
    await same('open-line session finished');
  });

test('the cached answer is served from fragments and a changed input rebuilds only its item', async () => {
  // A store change another process made shows: the lists drop on its epoch, the fragment's row
  // compared is the snapshot's.
  foreignWrite(cached, 'chats', `UPDATE chats SET title = 'Behind its back' WHERE id = ${other}`);
  const items = (await annOk('im.recent.list', { LIMIT: 200 })).result.items;
  assert.equal(items.find((i) => i.chat_id === other).title, 'Behind its back');
  await same('chat row written in the store');
});

test('batch and XML read the spliced answer back as the same tree', async () => {
  const get = (server, path) => fetch(`${server.base}${ann.webhook}${path}`).then((r) => r.text());
  const direct = (await annOk('im.recent.list', { LIMIT: 3 })).result;
  const batch = (await annOk('batch', { cmd: { a: 'im.recent.list?LIMIT=3', b: 'im.recent.get' } })).result;
  assert.deepEqual(batch.result.a, direct);
  assert.equal(batch.result_next.a, 3);
  assert.deepEqual(batch.result.b, (await annOk('im.recent.get', {})).result);
  for (const path of ['im.recent.get.xml', 'im.recent.list.xml?LIMIT=2']) {
    const strip = (t) => t.replace(/<time>.*<\/time>/, '');
    const xml = strip(await get(cached, path));
    assert.match(xml, /^<response><result>(<items>)?<item><id>/, path);
    assert.equal(xml, strip(await get(fresh, path)), path);
  }
});
