// user.* against api-reference/user/*.md: shapes, filters, paging, errors, scopes, rights.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertShape } from './harness.mjs';

let server;
let bobHook;    // webhook of a non-admin user (scope user)
let bobId;
let basicHook;  // admin webhook with user_basic only

// user-get.md example item. TIMESTAMP_X / LAST_ACTIVITY_DATE are `{}` there (PHP date objects);
// imhub's Value writes an empty map as `[]`, so those two are checked separately.
const getExample = {
  ID: '1', ACTIVE: true, NAME: 'Vadim', LAST_NAME: 'Valeev', SECOND_NAME: '', EMAIL: 'v.r.valeev@bitrix.com',
  LAST_LOGIN: '2024-07-25T13:06:54+00:00', DATE_REGISTER: '2024-07-15T00:00:00+00:00', TIME_ZONE: '',
  IS_ONLINE: 'Y', PERSONAL_GENDER: '', PERSONAL_WWW: '', PERSONAL_BIRTHDAY: '2018-07-14T00:00:00+00:00',
  PERSONAL_MOBILE: '', PERSONAL_CITY: '', WORK_PHONE: '', WORK_POSITION: '', UF_EMPLOYMENT_DATE: '',
  UF_DEPARTMENT: [1], USER_TYPE: 'employee',
};
const currentExample = {
  ID: '3', ACTIVE: true, NAME: 'John', LAST_NAME: 'Smith', EMAIL: 'test@gmail.com',
  LAST_LOGIN: '2024-07-23T08:07:26+00:00', DATE_REGISTER: '2024-07-22T00:00:00+00:00', IS_ONLINE: 'Y',
  LAST_ACTIVITY_DATE: '2024-07-23 08:08:50', PERSONAL_GENDER: '', PERSONAL_BIRTHDAY: '', WORK_POSITION: '',
  UF_EMPLOYMENT_DATE: '', UF_DEPARTMENT: [1],
};
const ATOM = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;

const ok = (...args) => server.ok(...args);
const fails = (...args) => server.fails(...args);

before(async () => {
  server = await startServer();
  bobId = server.cli('user', 'add', '--name', 'Bob', '--last-name', 'Builder', '--email', 'bob@example.com').user_id;
  bobHook = server.cli('webhook', 'add', '--user', String(bobId), '--scope', 'user').webhook;
  basicHook = server.cli('webhook', 'add', '--user', '1', '--scope', 'user_basic').webhook;
});
after(async () => { await server.cleanup(); });

test('user.current returns the caller in the page shape', async () => {
  const body = await ok('user.current');
  assertShape(assert, body.result, currentExample);
  assert.equal(body.result.ID, '1');
  assert.match(body.result.DATE_REGISTER, ATOM);
  assert.match(body.result.LAST_ACTIVITY_DATE, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.equal(body.result.IS_ONLINE, 'Y');
  const bob = await ok('user.current', {}, { webhook: bobHook });
  assert.equal(bob.result.ID, String(bobId));
  assert.equal(bob.result.NAME, 'Bob');
});

test('user.get lists users in the page shape with total', async () => {
  const body = await ok('user.get', { ID: 1 });
  assert.equal(body.total, 1);
  assert.equal(body.next, undefined);
  assertShape(assert, body.result, [getExample]);
  const u = body.result[0];
  assert.deepEqual(u.UF_DEPARTMENT, [1]);
  assert.match(u.DATE_REGISTER, ATOM);
  assert.ok('TIMESTAMP_X' in u && 'LAST_ACTIVITY_DATE' in u);
});

test('user.add creates a user and returns its id as an integer', async () => {
  const body = await ok('user.add', {
    EMAIL: 'newuser1@example.com', UF_DEPARTMENT: [1], NAME: 'Ivan', LAST_NAME: 'Petrov',
    WORK_POSITION: 'Tester', PERSONAL_BIRTHDAY: '1990-05-17', PERSONAL_CITY: 'New York',
  });
  assert.equal(typeof body.result, 'number');
  const got = await ok('user.get', { filter: { ID: body.result } });
  const u = got.result[0];
  assert.equal(u.ID, String(body.result));
  assert.equal(u.EMAIL, 'newuser1@example.com');
  assert.equal(u.NAME, 'Ivan');
  assert.match(u.PERSONAL_BIRTHDAY, /^1990-05-17T00:00:00[+-]\d\d:\d\d$/);
  assert.equal(u.USER_TYPE, 'employee');
});

test('user.add errors follow the page', async () => {
  const e = await fails('user.add', { UF_DEPARTMENT: [1] }, 400, 'ERROR_ARGUMENT', 'wrong_email');
  assert.equal(e.argument, '');
  await fails('user.add', { EMAIL: 'not-an-email', UF_DEPARTMENT: [1] }, 400, 'ERROR_ARGUMENT', 'wrong_email');
  await fails('user.add', { EMAIL: 'BOB@example.com', UF_DEPARTMENT: [1] }, 400, 'ERROR_ARGUMENT',
    'A user with this email already exists');
  await fails('user.add', { EMAIL: 'nodep@example.com' }, 400, 'ERROR_ARGUMENT', 'no_extranet_field');
  await fails('user.add', { EMAIL: 'ext@example.com', EXTRANET: 'Y' }, 400, 'ERROR_GROUPID', 'Group code not specified');
  await fails('user.add', { EMAIL: 'ext@example.com', EXTRANET: 'Y', SONET_GROUP_ID: ['x'] }, 400, 'ERROR_NO_GROUP',
    'Group is specified incorrectly');
  await fails('user.add', { EMAIL: 'nodept@example.com', UF_DEPARTMENT: [999] }, 400, 'ERROR_CORE');
  await fails('user.add', { EMAIL: 'x1@example.com', UF_DEPARTMENT: [1] }, 400, 'ERROR_CORE', 'access_denied',
    { webhook: bobHook });
});

test('user.add makes extranet users with their groups', async () => {
  const id = (await ok('user.add', { EMAIL: 'ext1@example.com', EXTRANET: 'Y', SONET_GROUP_ID: [3] })).result;
  const u = (await ok('user.get', { ID: id })).result[0];
  assert.equal(u.USER_TYPE, 'extranet');
  assert.deepEqual(u.UF_DEPARTMENT, []);
});

test('user.update changes fields and returns true; errors follow the page', async () => {
  const id = (await ok('user.add', { EMAIL: 'upd@example.com', UF_DEPARTMENT: [1], NAME: 'Old' })).result;
  const body = await ok('user.update', { ID: id, NAME: 'Administrator', LAST_NAME: 'SomeLastName' });
  assert.equal(body.result, true);
  const u = (await ok('user.get', { ID: id })).result[0];
  assert.equal(u.NAME, 'Administrator');
  assert.equal(u.LAST_NAME, 'SomeLastName');
  await fails('user.update', { NAME: 'x' }, 400, 'ERROR_CORE', 'access_denied');
  await fails('user.update', { ID: 'abc' }, 400, 'ERROR_CORE', 'access_denied');
  await fails('user.update', { ID: 99999, NAME: 'x' }, 400, 'ERROR_CORE', '');
  await fails('user.update', { ID: id, EMAIL: 'bob@example.com' }, 400, 'ERROR_ARGUMENT',
    'A user with this email already exists');
  await fails('user.update', { ID: id, EMAIL: 'broken' }, 400, 'ERROR_ARGUMENT', 'wrong_email');
});

test('user.update: a non-admin may edit only their own profile, not activity', async () => {
  await fails('user.update', { ID: 1, NAME: 'Hacked' }, 400, 'ERROR_CORE', 'access_denied', { webhook: bobHook });
  const own = await server.call('user.update', { ID: bobId, WORK_POSITION: 'Foreman', ACTIVE: 'N' },
    { webhook: bobHook });
  assert.equal(own.status, 200, own.text);
  const u = (await ok('user.get', { ID: bobId })).result[0];
  assert.equal(u.WORK_POSITION, 'Foreman');
  assert.equal(u.ACTIVE, true);
});

test('user.update deactivates; inactive users need ADMIN_MODE', async () => {
  const id = (await ok('user.add', { EMAIL: 'gone@example.com', UF_DEPARTMENT: [1], NAME: 'Gone' })).result;
  await ok('user.update', { ID: id, ACTIVE: 'N' });
  assert.equal((await ok('user.get', { ID: id })).total, 0);
  const admin = await ok('user.get', { ID: id, ADMIN_MODE: 'True' });
  assert.equal(admin.result[0].ACTIVE, false);
  const inactiveOnly = await ok('user.get', { filter: { ACTIVE: false }, ADMIN_MODE: true });
  assert.ok(inactiveOnly.result.every((u) => u.ACTIVE === false));
  // ADMIN_MODE from a non-admin does not reveal anyone.
  assert.equal((await ok('user.get', { ID: id, ADMIN_MODE: true }, { webhook: bobHook })).total, 0);
  await ok('user.update', { ID: id, ACTIVE: 'Y' });
  assert.equal((await ok('user.get', { ID: id })).total, 1);
});

test('user.get filter operators', async () => {
  const add = async (p) => (await ok('user.add', { UF_DEPARTMENT: [1], ...p })).result;
  const a = await add({ EMAIL: 'ivy@example.com', NAME: 'Ivy', LAST_NAME: 'Ivanov', PERSONAL_CITY: 'Los Angeles' });
  const b = await add({ EMAIL: 'iva@example.com', NAME: 'Ivana', LAST_NAME: 'Smith', PERSONAL_CITY: 'Berlin' });
  const ids = async (filter, extra = {}) =>
    (await ok('user.get', { filter, ...extra })).result.map((u) => Number(u.ID)).filter((i) => i === a || i === b);
  assert.deepEqual(await ids({ NAME: 'Iv%' }), [a, b]);
  assert.deepEqual(await ids({ '%NAME': 'van' }), [b]);
  assert.deepEqual(await ids({ '=%NAME': 'Iva%' }), [b]);
  assert.deepEqual(await ids({ '%=NAME': '%y' }), [a]);
  assert.deepEqual(await ids({ '!%LAST_NAME': 'ov', '%NAME': 'iv' }), [b]);
  assert.deepEqual(await ids({ '!=%LAST_NAME': '%ov', '%NAME': 'iv' }), [b]);
  assert.deepEqual(await ids({ '!%=LAST_NAME': 'Sm%', '%NAME': 'iv' }), [a]);
  assert.deepEqual(await ids({ '@PERSONAL_CITY': ['New York', 'Los Angeles'] }), [a]);
  assert.deepEqual(await ids({ '!@PERSONAL_CITY': ['Los Angeles'], '%NAME': 'iv' }), [b]);
  assert.deepEqual(await ids({ '>ID': a }), [b]);
  assert.deepEqual(await ids({ '>=ID': a }), [a, b]);
  assert.deepEqual(await ids({ '<ID': b }), [a]);
  assert.deepEqual(await ids({ '<=ID': b }), [a, b]);
  assert.deepEqual(await ids({ '!ID': a, '%NAME': 'iv' }), [b]);
  assert.deepEqual(await ids({ '!=ID': b, '%NAME': 'iv' }), [a]);
  assert.deepEqual(await ids({ '=EMAIL': 'ivy@example.com' }), [a]);
  assert.deepEqual(await ids({ ID: [a, b] }), [a, b]);
  assert.deepEqual(await ids({ UF_DEPARTMENT: 1, '%NAME': 'iv' }), [a, b]);
  assert.deepEqual(await ids({ UF_DEPARTMENT: 2, '%NAME': 'iv' }), []);
  assert.deepEqual(await ids({ USER_TYPE: 'employee', ACTIVE: true, '%NAME': 'iv' }), [a, b]);
  assert.deepEqual(await ids({ USER_TYPE: 'extranet', '%NAME': 'iv' }), []);
  assert.deepEqual(await ids({ IS_ONLINE: 'N', '%NAME': 'iv' }), [a, b]);
  assert.deepEqual(await ids({ IS_ONLINE: 'Y', '%NAME': 'iv' }), []);
  assert.deepEqual(await ids({ NAME_SEARCH: 'ivan' }), [a, b]);  // Ivanov, Ivana
  assert.deepEqual(await ids({ NAME_SEARCH: 'iva smi' }), [b]);
  assert.deepEqual(await ids({ '>DATE_REGISTER': '2000-01-01T00:00:00+00:00', '%NAME': 'iv' }), [a, b]);
  assert.deepEqual(await ids({ '>DATE_REGISTER': 'not a date' }), []);
  // Top-level fields filter too (user-get.md examples), and unknown fields are ignored.
  assert.deepEqual(await ids(undefined, { NAME: 'Ivy' }), [a]);
  assert.deepEqual(await ids({ NAME: 'Ivy', NO_SUCH_FIELD: 'x' }), [a]);
  // FILTER in upper case works like `filter`.
  const upper = await ok('user.get', { FILTER: { '=EMAIL': 'iva@example.com' } });
  assert.deepEqual(upper.result.map((u) => Number(u.ID)), [b]);
  // Hostile keys never reach SQL.
  assert.equal((await server.call('user.get', { filter: { "ID; DROP TABLE users --": 1 } })).status, 200);
  assert.ok((await ok('user.get', {})).total > 0);
});

test('user.get sort and order', async () => {
  const asc = (await ok('user.get', { sort: 'ID', order: 'ASC' })).result.map((u) => Number(u.ID));
  assert.deepEqual(asc, [...asc].sort((x, y) => x - y));
  const desc = (await ok('user.get', { SORT: 'ID', ORDER: 'desc' })).result.map((u) => Number(u.ID));
  assert.deepEqual(desc, [...desc].sort((x, y) => y - x));
  const byName = (await ok('user.get', { sort: 'NAME', order: 'asc' })).result.map((u) => u.NAME.toLowerCase());
  assert.deepEqual(byName, [...byName].sort());
});

test('user.search: FIND and prefix fields', async () => {
  const id = (await ok('user.add', {
    EMAIL: 'zed@example.com', UF_DEPARTMENT: [1], NAME: 'Zedekiah', LAST_NAME: 'Quartermain', WORK_POSITION: 'Pilot',
  })).result;
  const found = async (params) => (await ok('user.search', params)).result.map((u) => Number(u.ID));
  assert.deepEqual(await found({ FIND: 'zedek' }), [id]);
  assert.deepEqual(await found({ FILTER: { FIND: 'quarter' } }), [id]);
  assert.deepEqual(await found({ FIND: 'zed quarter' }), [id]);
  assert.deepEqual(await found({ FIND: 'zedekiah', NAME: 'Nobody' }), [id]);  // FIND wins
  assert.deepEqual(await found({ FILTER: { NAME: 'Zede' } }), [id]);
  assert.deepEqual(await found({ FILTER: { LAST_NAME: 'Quart', WORK_POSITION: 'Pil' } }), [id]);
  assert.deepEqual(await found({ FILTER: { NAME: 'dekiah' } }), []);
  assert.ok((await found({ FILTER: { UF_DEPARTMENT_NAME: 'Comp' } })).includes(id));
  assert.ok((await found({ FIND: 'company' })).includes(id));  // department name
  const body = await ok('user.search', { FIND: 'zedek' });
  assertShape(assert, body.result, [getExample]);
  assert.equal(body.total, 1);
});

test('user.fields returns the page map', async () => {
  const body = await ok('user.fields');
  assert.equal(body.result.ID, 'ID');
  assert.equal(body.result.UF_DEPARTMENT, 'Units');
  assert.equal(body.result.USER_TYPE, 'USER_TYPE');
  assert.equal(Object.keys(body.result).length, 62);
});

test('select limits the returned fields', async () => {
  const body = await ok('user.get', { ID: 1, select: ['ID', 'NAME', 'UF_*'] });
  assert.deepEqual(Object.keys(body.result[0]).sort(), ['ID', 'NAME', 'UF_DEPARTMENT', 'UF_EMPLOYMENT_DATE']);
});

test('scopes: user_basic reads, write methods need user, others get insufficient_scope', async () => {
  const basic = await ok('user.get', { ID: 1 }, { webhook: basicHook });
  assert.equal(basic.result[0].ID, '1');
  assert.ok(!('LAST_LOGIN' in basic.result[0]));
  await ok('user.current', {}, { webhook: basicHook });
  await ok('user.search', { FIND: 'bob' }, { webhook: basicHook });
  await fails('user.add', { EMAIL: 'q@example.com', UF_DEPARTMENT: [1] }, 403, 'insufficient_scope', undefined,
    { webhook: basicHook });
  await fails('user.update', { ID: 1 }, 403, 'insufficient_scope', undefined, { webhook: basicHook });
  const imHook = server.cli('webhook', 'add', '--user', '1', '--scope', 'im').webhook;
  for (const m of ['user.current', 'user.get', 'user.search', 'user.fields', 'user.add', 'user.update'])
    await fails(m, {}, 403, 'insufficient_scope', undefined, { webhook: imHook });
});

test('paging over 120+ users: 50 per page, next and total', async () => {
  for (let b = 0; b < 3; b++) {
    const cmd = {};
    for (let i = 0; i < 45; i++) {
      const q = new URLSearchParams({ EMAIL: `page${b}_${i}@example.com`, NAME: `Pager${b}_${i}`, 'UF_DEPARTMENT[0]': '1' });
      cmd[`u${i}`] = `user.add?${q}`;
    }
    const r = await ok('batch', { halt: 0, cmd });
    assert.deepEqual(r.result.result_error, [], JSON.stringify(r.result.result_error));
  }
  const filter = { '%NAME': 'Pager' };
  const first = await ok('user.get', { filter });
  assert.equal(first.total, 135);
  assert.equal(first.result.length, 50);
  assert.equal(first.next, 50);
  const seen = new Set(first.result.map((u) => u.ID));
  let start = first.next;
  let pages = 1;
  while (start !== undefined) {
    const page = await ok('user.get', { filter, start });
    page.result.forEach((u) => seen.add(u.ID));
    assert.equal(page.total, 135);
    start = page.next;
    pages++;
  }
  assert.equal(pages, 3);
  assert.equal(seen.size, 135);
  const last = await ok('user.get', { filter, start: 100 });
  assert.equal(last.result.length, 35);
  assert.equal(last.next, undefined);
  const beyond = await ok('user.get', { filter, start: 500 });
  assert.deepEqual(beyond.result, []);
  // start=-1 skips counting (protocol.md §5.1).
  const nocount = await ok('user.get', { filter, start: -1 });
  assert.equal(nocount.result.length, 50);
  assert.equal(nocount.total, undefined);
  assert.equal(nocount.next, undefined);
  // The whole portal pages the same way.
  assert.ok((await ok('user.get', {})).total > 135);
});

test('cached credentials and profiles follow changes at once', async () => {
  const id = (await ok('user.add', { EMAIL: 'cache@example.com', UF_DEPARTMENT: [1], NAME: 'Before' })).result;
  const { webhook } = server.cli('webhook', 'add', '--user', String(id), '--scope', 'user');
  for (let i = 0; i < 3; i++) assert.equal((await server.call('profile', {}, { webhook })).body.result.NAME, 'Before');
  await ok('user.update', { ID: id, NAME: 'After' });
  assert.equal((await server.call('profile', {}, { webhook })).body.result.NAME, 'After');
  await ok('user.update', { ID: id, ACTIVE: 'N' });
  assert.equal((await server.call('profile', {}, { webhook })).status, 401, 'a deactivated user is refused');
  await ok('user.update', { ID: id, ACTIVE: 'Y' });
  assert.equal((await server.call('profile', {}, { webhook })).status, 200);
});

test('scopes: user_brief reads names and work data, never contact details', async () => {
  const briefHook = server.cli('webhook', 'add', '--user', '1', '--scope', 'user_brief').webhook;
  const u = (await ok('user.get', { ID: 1 }, { webhook: briefHook })).result[0];
  assert.equal(u.ID, '1');
  assert.ok(typeof u.NAME === 'string' && 'LAST_NAME' in u);
  for (const hidden of ['EMAIL', 'LOGIN', 'LAST_LOGIN', 'PERSONAL_MOBILE', 'WORK_PHONE', 'PERSONAL_PHONE'])
    assert.ok(!(hidden in u), `${hidden} must not be shown under user_brief`);
  await ok('user.current', {}, { webhook: briefHook });
  await fails('user.update', { ID: 1 }, 403, 'insufficient_scope', undefined, { webhook: briefHook });
});
