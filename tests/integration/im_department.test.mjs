// im.department.* against spec 002 ("Departments") and api-reference/chats/departments/:
// department objects, heads, employees, colleagues, errors, intranet-only access.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertShape } from './harness.mjs';

let server;
let root, sales, east;                 // department ids: root > sales > east
let head, seller, easter, other;       // user ids
let sellerHook, headHook, extHook;

const ok = (...args) => server.ok(...args);
const fails = (...args) => server.fails(...args);

const deptExample = { id: 51, name: 'New York branch', full_name: 'New York branch / Bitrix24', manager_user_id: 11 };
const userExample = { id: 1, name: 'John Harrington', color: '#df532d', status: 'online', idle: false,
  last_activity_date: null, departments: [50], phones: { work_phone: '' } };

before(async () => {
  server = await startServer();
  root = 1;
  head = server.cli('user', 'add', '--name', 'Hanna', '--last-name', 'Head').user_id;
  sales = (await ok('department.add', { NAME: 'Sales', PARENT: root, UF_HEAD: head })).result;
  east = (await ok('department.add', { NAME: 'East', PARENT: sales })).result;
  seller = server.cli('user', 'add', '--name', 'Sam', '--department', String(sales)).user_id;
  easter = server.cli('user', 'add', '--name', 'Eddie', '--department', String(east)).user_id;
  other = server.cli('user', 'add', '--name', 'Olga').user_id;  // root department
  await ok('user.update', { ID: head, UF_DEPARTMENT: [sales] });
  sellerHook = server.cli('webhook', 'add', '--user', String(seller), '--scope', 'im').webhook;
  headHook = server.cli('webhook', 'add', '--user', String(head), '--scope', 'im').webhook;
  const ext = (await ok('user.add', { EMAIL: 'x@example.com', NAME: 'Xena', EXTRANET: 'Y', SONET_GROUP_ID: [1] })).result;
  extHook = server.cli('webhook', 'add', '--user', String(ext), '--scope', 'im').webhook;
});
after(async () => { await server.cleanup(); });

test('im.department.get: objects in the spec shape, full name up to the root', async () => {
  const rootName = (await ok('department.get', { ID: root })).result[0].NAME;
  const list = (await ok('im.department.get', { ID: [east, sales, 9999] }, { webhook: sellerHook })).result;
  assertShape(assert, list, [deptExample]);
  assert.deepEqual(list[0], { id: east, name: 'East', full_name: `East / Sales / ${rootName}`, manager_user_id: 0 });
  assert.deepEqual(list[1], { id: sales, name: 'Sales', full_name: `Sales / ${rootName}`, manager_user_id: head });
  const json = (await ok('im.department.get', { ID: JSON.stringify([sales]) }, { webhook: sellerHook })).result;
  assert.equal(json[0].id, sales);
});

test('im.department.get USER_DATA=Y adds manager_user_data', async () => {
  const [d] = (await ok('im.department.get', { ID: [sales], USER_DATA: 'Y' }, { webhook: sellerHook })).result;
  assertShape(assert, d.manager_user_data, userExample);
  assert.equal(d.manager_user_data.id, head);
  assert.equal(d.manager_user_data.name, 'Hanna Head');
});

test('im.department.get: INVALID_FORMAT', async () => {
  for (const p of [{}, { ID: [] }, { ID: 'zzz' }, { ID: [0] }])
    await fails('im.department.get', p, 400, 'INVALID_FORMAT', 'A wrong format for the ID field is passed',
      { webhook: sellerHook });
});

test('im.department.managers.get and employees.get: keyed by department id', async () => {
  const m = (await ok('im.department.managers.get', { ID: [sales, east] }, { webhook: sellerHook })).result;
  assert.deepEqual(m, { [sales]: [head], [east]: [] });
  const mu = (await ok('im.department.managers.get', { ID: [sales], USER_DATA: 'Y' }, { webhook: sellerHook })).result;
  assertShape(assert, mu[sales], [userExample]);
  assert.equal(mu[sales][0].id, head);
  const e = (await ok('im.department.employees.get', { ID: [sales, east] }, { webhook: sellerHook })).result;
  assert.deepEqual(e, { [sales]: [head, seller].sort((a, b) => a - b), [east]: [easter] });
  const eu = (await ok('im.department.employees.get', { ID: [east], USER_DATA: 'Y' }, { webhook: sellerHook })).result;
  assert.equal(eu[east][0].id, easter);
});

test('im.department.managers.get / employees.get: ID_EMPTY', async () => {
  for (const m of ['im.department.managers.get', 'im.department.employees.get']) {
    await fails(m, {}, 400, 'ID_EMPTY', "Department ID can't be empty", { webhook: sellerHook });
    await fails(m, { ID: [] }, 400, 'ID_EMPTY', undefined, { webhook: sellerHook });
  }
});

test('im.department.colleagues.list: department mates and heads; a head also gets subordinates', async () => {
  const mine = await ok('im.department.colleagues.list', {}, { webhook: sellerHook });
  // the root department's head (the administrator, user 1) is above everyone
  assert.deepEqual(mine.result, [1, head]);
  assert.equal(mine.total, 2);
  assert.ok(!('next' in mine));
  const boss = await ok('im.department.colleagues.list', {}, { webhook: headHook });
  assert.deepEqual(boss.result, [1, seller, easter].sort((a, b) => a - b));
  assert.ok(!boss.result.includes(other));
});

test('im.department.colleagues.list: USER_DATA, LIMIT/OFFSET and start paging', async () => {
  const page1 = await ok('im.department.colleagues.list', { LIMIT: 1 }, { webhook: headHook });
  assert.equal(page1.result.length, 1);
  assert.equal(page1.total, 3);
  assert.equal(page1.next, 1);
  const page2 = await ok('im.department.colleagues.list', { LIMIT: 2, OFFSET: 1, USER_DATA: 'Y' },
    { webhook: headHook });
  assert.equal(page2.result.length, 2);
  assertShape(assert, page2.result, [userExample]);
  assert.ok(!('next' in page2));
  const viaStart = await ok('im.department.colleagues.list', { LIMIT: 1, start: 1 }, { webhook: headHook });
  assert.equal(viaStart.result[0], page2.result[0].id);
});

test('im.department.*: ACCESS_ERROR for extranet users', async () => {
  for (const [m, p] of [['im.department.get', { ID: [1] }], ['im.department.colleagues.list', {}],
    ['im.department.managers.get', { ID: [1] }], ['im.department.employees.get', { ID: [1] }]])
    await fails(m, p, 403, 'ACCESS_ERROR', 'Only intranet users have access to this method.', { webhook: extHook });
});
