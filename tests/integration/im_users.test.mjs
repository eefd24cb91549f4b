// im.user.* against spec 002 ("Users") and api-reference/chats/users/: the messenger user object,
// presence (status, idle, last activity), errors and the extranet rule.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertShape } from './harness.mjs';

let server;
let ann, bob, ext;        // user ids
let annHook, extHook;     // scope im

const ok = (...args) => server.ok(...args);
const fails = (...args) => server.fails(...args);

// Spec 002 im.user.get example (SPEC:4216-4247).
const userExample = {
  id: 5, name: 'John Harrington', first_name: 'John', last_name: 'Harrington', work_position: '',
  color: '#df532d', avatar: 'http://192.168.2.232/upload/resize_cache/main/1d3/100_100_2/Harrington.png',
  gender: 'M', birthday: '', extranet: false, network: false, bot: false, connector: false,
  // The spec prints a date; someone never active has `false` (common.md §4): either is checked apart.
  external_auth_id: 'default', status: 'online', idle: false, last_activity_date: null,
  desktop_last_date: false, mobile_last_date: false, departments: [50], absent: false,
  phones: { work_phone: '', personal_mobile: '', personal_phone: '' },
};
const ATOM = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;

before(async () => {
  server = await startServer();
  ann = server.cli('user', 'add', '--name', 'Ann', '--last-name', 'Lee', '--position', 'Analyst').user_id;
  bob = server.cli('user', 'add', '--name', 'Bob', '--last-name', 'Stone').user_id;
  annHook = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'im').webhook;
  ext = (await ok('user.add', { EMAIL: 'ext@example.com', NAME: 'Eve', EXTRANET: 'Y', SONET_GROUP_ID: [1] })).result;
  extHook = server.cli('webhook', 'add', '--user', String(ext), '--scope', 'im').webhook;
  await ok('user.update', { ID: bob, WORK_PHONE: '+100', PERSONAL_MOBILE: '+200', UF_PHONE_INNER: '21',
    PERSONAL_BIRTHDAY: '1990-01-26', PERSONAL_GENDER: 'F' });
});
after(async () => { await server.cleanup(); });

test('im.user.get without ID returns the caller in the spec shape', async () => {
  const u = (await ok('im.user.get', {}, { webhook: annHook })).result;
  assertShape(assert, u, userExample);
  assert.equal(u.id, ann);
  assert.equal(u.name, 'Ann Lee');
  assert.equal(u.work_position, 'Analyst');
  assert.equal(u.status, 'online');
  assert.equal(u.type, 'user');
  assert.ok(!('avatar_hr' in u), 'avatar_hr only with AVATAR_HR=Y (spec 002)');
  // Once the dispatcher records activity (im/presence note_user_activity) this is the call's time.
  assert.ok(u.last_activity_date === false || ATOM.test(u.last_activity_date), String(u.last_activity_date));
});

test('im.user.get by ID: birthday, phones, departments, AVATAR_HR', async () => {
  const u = (await ok('im.user.get', { ID: bob, AVATAR_HR: 'Y' }, { webhook: annHook })).result;
  assert.equal(u.id, bob);
  assert.equal(u.birthday, '26-01');
  assert.equal(u.gender, 'F');
  assert.deepEqual(u.phones, { work_phone: '+100', personal_mobile: '+200', personal_phone: '', inner_phone: '21' });
  assert.deepEqual(u.departments, [1]);
  assert.equal(typeof u.avatar_hr, 'string');
  assert.match(u.color, /^#[0-9a-f]{6}$/);
});

test('im.user.get errors: ID_EMPTY, USER_NOT_EXISTS', async () => {
  await fails('im.user.get', { ID: 0 }, 400, 'ID_EMPTY', "User ID can't be empty", { webhook: annHook });
  await fails('im.user.get', { ID: 'abc' }, 400, 'ID_EMPTY', undefined, { webhook: annHook });
  await fails('im.user.get', { ID: 987654 }, 400, 'USER_NOT_EXISTS', 'User does not exist', { webhook: annHook });
});

test('im.user.get: an extranet user sees only people sharing a chat', async () => {
  await fails('im.user.get', { ID: ann }, 403, 'ACCESS_DENIED',
    'You can request only users who are part of your extranet group', { webhook: extHook });
  assert.equal((await ok('im.user.get', {}, { webhook: extHook })).result.extranet, true);
  assert.equal((await ok('im.user.get', {}, { webhook: extHook })).result.type, 'extranet');
  await ok('im.chat.add', { USERS: [ext] }, { webhook: annHook });
  assert.equal((await ok('im.user.get', { ID: ann }, { webhook: extHook })).result.id, ann);
  // the extranet user can't see Bob: list.get skips him without an error
  const list = (await ok('im.user.list.get', { ID: [ann, bob] }, { webhook: extHook })).result;
  assert.deepEqual(Object.keys(list), [String(ann)]);
});

test('im.user.list.get: keyed by id with null for unknown ids; RESULT_TYPE=array; JSON text', async () => {
  const keyed = (await ok('im.user.list.get', { ID: [ann, 987654] }, { webhook: annHook })).result;
  assert.deepEqual(Object.keys(keyed).sort(), [String(ann), '987654'].sort());
  assert.equal(keyed['987654'], null);
  assertShape(assert, keyed[String(ann)], userExample);
  const list = (await ok('im.user.list.get', { ID: JSON.stringify([bob, ann]), RESULT_TYPE: 'ARRAY' },
    { webhook: annHook })).result;
  assert.deepEqual(list.map((u) => u.id), [bob, ann]);
  const form = await server.raw(`${annHook}im.user.list.get?ID[]=${bob}`);
  assert.equal(form.status, 200, form.text);
  assert.equal(form.body.result[String(bob)].id, bob);
});

test('im.user.list.get: INVALID_FORMAT', async () => {
  for (const ID of [undefined, [], [0, -1], 'not json'])
    await fails('im.user.list.get', ID === undefined ? {} : { ID }, 400, 'INVALID_FORMAT',
      'A wrong format for the ID field is passed', { webhook: annHook });
});

test('im.user.status.set / get: the four statuses; dnd looks online to others', async () => {
  assert.equal((await ok('im.user.status.get', {}, { webhook: annHook })).result, 'online');
  for (const s of ['away', 'break', 'dnd', 'online']) {
    assert.equal((await ok('im.user.status.set', { STATUS: s }, { webhook: annHook })).result, true);
    assert.equal((await ok('im.user.status.get', {}, { webhook: annHook })).result, s);
  }
  await ok('im.user.status.set', { STATUS: 'dnd' }, { webhook: annHook });
  assert.equal((await ok('im.user.get', { ID: ann })).result.status, 'online');
  await ok('im.user.status.set', { STATUS: 'away' }, { webhook: annHook });
  assert.equal((await ok('im.user.get', { ID: ann })).result.status, 'away');
  await ok('im.user.status.set', { STATUS: 'online' }, { webhook: annHook });
});

test('im.user.status.set: STATUS_ERROR for missing, unknown or upper-case values', async () => {
  for (const p of [{}, { STATUS: 'DND' }, { STATUS: 'offline' }, { STATUS: ['dnd'] }])
    await fails('im.user.status.set', p, 400, 'STATUS_ERROR', 'Status is not available', { webhook: annHook });
  assert.equal((await ok('im.user.status.get', {}, { webhook: annHook })).result, 'online');
});

test('im.user.status.idle.start / end: idle is the ATOM time AGO minutes back, then false', async () => {
  const before = Math.floor(Date.now() / 1000);
  assert.equal((await ok('im.user.status.idle.start', { AGO: 30 }, { webhook: annHook })).result, true);
  let u = (await ok('im.user.get', { ID: ann })).result;
  assert.match(u.idle, ATOM);
  const since = Date.parse(u.idle) / 1000;
  assert.ok(Math.abs(since - (before - 30 * 60)) <= 5, `${u.idle}`);
  await ok('im.user.status.idle.start', {}, { webhook: annHook });  // default 10 minutes
  u = (await ok('im.user.get', { ID: ann })).result;
  assert.ok(Math.abs(Date.parse(u.idle) / 1000 - (before - 10 * 60)) <= 5);
  assert.equal((await ok('im.user.status.idle.end', {}, { webhook: annHook })).result, true);
  assert.equal((await ok('im.user.get', { ID: ann })).result.idle, false);
});

test('im.user.business.list: employees only, ids or objects, OFFSET/LIMIT paging', async () => {
  const all = await ok('im.user.business.list', { LIMIT: 50 }, { webhook: annHook });
  assert.ok(all.result.includes(ann) && all.result.includes(bob));
  assert.ok(!all.result.includes(ext));
  assert.equal(all.total, all.result.length);
  assert.ok(!('next' in all));
  const first = await ok('im.user.business.list', { LIMIT: 1 }, { webhook: annHook });
  assert.equal(first.result.length, 1);
  assert.equal(first.next, 1);
  assert.equal(first.total, all.total);
  const second = await ok('im.user.business.list', { LIMIT: 1, OFFSET: 1, USER_DATA: 'Y' }, { webhook: annHook });
  assertShape(assert, second.result, [userExample]);
  assert.equal(second.result[0].id, all.result[1]);
  const viaStart = await ok('im.user.business.list', { LIMIT: 1, start: 2 }, { webhook: annHook });
  assert.equal(viaStart.result[0], all.result[2]);
});

test('im.user.* need the im scope', async () => {
  const userOnly = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'user').webhook;
  for (const m of ['im.user.get', 'im.user.list.get', 'im.user.status.get', 'im.user.status.set',
    'im.user.status.idle.start', 'im.user.status.idle.end', 'im.user.business.list'])
    await fails(m, {}, 403, 'insufficient_scope', undefined, { webhook: userOnly });
});

test('presence activity: choosing a status counts as activity in im.user.get and user.get IS_ONLINE', async () => {
  const before = Math.floor(Date.now() / 1000);
  await ok('im.user.status.set', { STATUS: 'online' }, { webhook: annHook });
  const u = (await ok('im.user.get', { ID: ann }, { webhook: annHook })).result;
  assert.match(u.last_activity_date, ATOM);
  assert.ok(Math.abs(Date.parse(u.last_activity_date) / 1000 - before) <= 5, u.last_activity_date);
  const [annRow] = (await ok('user.get', { ID: ann })).result;
  assert.equal(annRow.IS_ONLINE, 'Y');
  const [bobRow] = (await ok('user.get', { ID: bob })).result;
  assert.equal(bobRow.IS_ONLINE, 'N');
});
