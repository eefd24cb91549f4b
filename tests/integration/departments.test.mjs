// department.* against api-reference/departments/*.md: shapes, filters, paging, errors, rights.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertShape } from './harness.mjs';

let server;
let userHook;  // a non-admin user's webhook with scope department

const itemExample = { ID: '15', NAME: 'R&D', SORT: 500, PARENT: '1' };

const ok = (...args) => server.ok(...args);
const fails = (...args) => server.fails(...args);

before(async () => {
  server = await startServer();
  const id = server.cli('user', 'add', '--name', 'Dora').user_id;
  userHook = server.cli('webhook', 'add', '--user', String(id), '--scope', 'department').webhook;
});
after(async () => { await server.cleanup(); });

test('department.get returns the root with no PARENT key', async () => {
  const body = await ok('department.get', { ID: 1 });
  assert.equal(body.total, 1);
  const root = body.result[0];
  assert.equal(root.ID, '1');
  assert.equal(root.SORT, 500);
  assert.equal(root.UF_HEAD, '1');
  assert.ok(!('PARENT' in root));
});

test('department.add / get / update / delete round trip in the page shapes', async () => {
  const add = await ok('department.add', { NAME: 'R&D', PARENT: 1, SORT: 300, UF_HEAD: 1 });
  assert.equal(typeof add.result, 'number');
  const id = add.result;
  const got = await ok('department.get', { ID: id });
  assertShape(assert, got.result, [itemExample]);
  assert.deepEqual(got.result[0], { ID: String(id), NAME: 'R&D', SORT: 300, PARENT: '1', UF_HEAD: '1' });
  const upd = await ok('department.update', { ID: id, NAME: 'Research', SORT: 100, UF_HEAD: '' });
  assert.equal(upd.result, true);
  const after = (await ok('department.get', { ID: id })).result[0];
  assert.deepEqual(after, { ID: String(id), NAME: 'Research', SORT: 100, PARENT: '1' });
  const del = await ok('department.delete', { ID: id });
  assert.equal(del.result, true);
  assert.equal((await ok('department.get', { ID: id })).total, 0);
});

test('department.get filters and sorts', async () => {
  const a = (await ok('department.add', { NAME: 'Accounting', PARENT: 1, SORT: 200 })).result;
  const b = (await ok('department.add', { NAME: 'Sales Department', PARENT: 1, SORT: 100 })).result;
  const c = (await ok('department.add', { NAME: 'Inside Sales', PARENT: b, UF_HEAD: 1 })).result;
  const ids = async (p) => (await ok('department.get', p)).result.map((d) => Number(d.ID));
  assert.deepEqual(await ids({ NAME: 'Accounting' }), [a]);
  assert.deepEqual(await ids({ NAME: 'Account' }), []);  // the full name is needed
  assert.deepEqual(await ids({ PARENT: b }), [c]);
  assert.deepEqual(await ids({ SORT: 200 }), [a]);
  assert.deepEqual(await ids({ UF_HEAD: 1, PARENT: b }), [c]);
  assert.deepEqual(await ids({ ID: 'x' }), []);
  assert.deepEqual(await ids({ sort: 'NAME', order: 'ASC', PARENT: 1 }), [a, b]);
  assert.deepEqual(await ids({ sort: 'NAME', order: 'DESC', PARENT: 1 }), [b, a]);
  assert.deepEqual(await ids({ sort: 'SORT', order: 'ASC', PARENT: 1 }), [b, a]);
  assert.deepEqual(await ids({ sort: 'ID', order: 'DESC', PARENT: 1 }), [b, a]);
  await ok('department.delete', { ID: c });
  await ok('department.delete', { ID: b });
  await ok('department.delete', { ID: a });
});

test('department.add errors follow the page', async () => {
  await fails('department.add', { PARENT: 1 }, 400, 'ERROR_CORE', 'Department name not provided.<br>');
  const raw = await server.call('department.add', { PARENT: 1 });
  assert.ok(raw.text.includes('\\u003Cbr\\u003E') || raw.text.includes('\\u003cbr\\u003e'), raw.text);
  await fails('department.add', { NAME: 'Orphan' }, 400, 'ERROR_CORE',
    'There can only be one top-level department in the company structure');
  await fails('department.add', { NAME: 'Orphan', PARENT: 9999 }, 400, 'ERROR_CORE',
    'There can only be one top-level department in the company structure');
  await fails('department.add', { NAME: 'Headless', PARENT: 1, UF_HEAD: 9999 }, 400, 'ERROR_CORE');
  await fails('department.add', { NAME: 'Mine', PARENT: 1 }, 400, 'ERROR_CORE', 'Access denied', { webhook: userHook });
});

test('department.update errors follow the page and keep the tree whole', async () => {
  const p = (await ok('department.add', { NAME: 'Parent', PARENT: 1 })).result;
  const ch = (await ok('department.add', { NAME: 'Child', PARENT: p })).result;
  await fails('department.update', { ID: 9999, NAME: 'x' }, 400, 'ERROR_CORE', 'Department not found');
  await fails('department.update', { NAME: 'x' }, 400, 'ERROR_CORE', 'Department not found');
  await fails('department.update', { ID: p, NAME: 'x' }, 400, 'ERROR_CORE', 'Access denied', { webhook: userHook });
  await fails('department.update', { ID: p, NAME: '' }, 400, 'ERROR_CORE', 'Department name not provided.<br>');
  await fails('department.update', { ID: p, PARENT: ch }, 400, 'ERROR_CORE');  // would loop
  await fails('department.update', { ID: p, PARENT: p }, 400, 'ERROR_CORE');
  await fails('department.update', { ID: 1, PARENT: p }, 400, 'ERROR_CORE',
    'There can only be one top-level department in the company structure');
  await fails('department.update', { ID: p, PARENT: 0 }, 400, 'ERROR_CORE',
    'There can only be one top-level department in the company structure');
  await ok('department.update', { ID: ch, PARENT: 1 });
  assert.equal((await ok('department.get', { ID: ch })).result[0].PARENT, '1');
  await ok('department.delete', { ID: ch });
  await ok('department.delete', { ID: p });
});

test('department.delete errors: not found, root, children, employees, rights', async () => {
  await fails('department.delete', { ID: 9999 }, 400, 'ERROR_CORE', 'Department not found');
  await fails('department.delete', {}, 400, 'ERROR_CORE', 'Department not found');
  await fails('department.delete', { ID: 1 }, 400, 'ERROR_CORE');
  const p = (await ok('department.add', { NAME: 'Busy', PARENT: 1 })).result;
  const ch = (await ok('department.add', { NAME: 'Sub', PARENT: p })).result;
  await fails('department.delete', { ID: p }, 400, 'ERROR_CORE');
  await fails('department.delete', { ID: ch }, 400, 'ERROR_CORE', 'Access denied', { webhook: userHook });
  const u = (await ok('user.add', { EMAIL: 'member@example.com', UF_DEPARTMENT: [ch] })).result;
  await fails('department.delete', { ID: ch }, 400, 'ERROR_CORE');
  await ok('user.update', { ID: u, UF_DEPARTMENT: [1] });
  await ok('department.delete', { ID: ch });
  await ok('department.delete', { ID: p });
});

test('department.fields returns the page map', async () => {
  const body = await ok('department.fields');
  assert.deepEqual(body.result, {
    ID: 'ID', NAME: 'Department Name', SORT: 'Sort Order', PARENT: 'Parent Department', UF_HEAD: 'Manager',
  });
});

test('non-admins can read; scope department is required', async () => {
  assert.equal((await ok('department.get', {}, { webhook: userHook })).result[0].ID, '1');
  await ok('department.fields', {}, { webhook: userHook });
  const imHook = server.cli('webhook', 'add', '--user', '1', '--scope', 'im').webhook;
  for (const m of ['department.get', 'department.add', 'department.update', 'department.delete', 'department.fields'])
    await fails(m, {}, 403, 'insufficient_scope', undefined, { webhook: imHook });
});

test('department.get pages 50 at a time with next and total', async () => {
  for (let b = 0; b < 2; b++) {
    const cmd = {};
    for (let i = 0; i < 30; i++) cmd[`d${i}`] = `department.add?${new URLSearchParams({ NAME: `Team ${b}-${i}`, PARENT: '1' })}`;
    const r = await ok('batch', { cmd });
    assert.deepEqual(r.result.result_error, []);
  }
  const first = await ok('department.get', {});
  assert.equal(first.total, 61);
  assert.equal(first.result.length, 50);
  assert.equal(first.next, 50);
  const second = await ok('department.get', { start: 50 });
  assert.equal(second.result.length, 11);
  assert.equal(second.next, undefined);
  const all = new Set([...first.result, ...second.result].map((d) => d.ID));
  assert.equal(all.size, 61);
});
