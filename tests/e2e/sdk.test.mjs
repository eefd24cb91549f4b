// End-to-end: the official Bitrix24 JS SDK (@bitrix24/b24jssdk, version pinned in package.json)
// talks to a real build/imhub through its webhook client, B24Hook.
//
// The client set-up (https with the local CA, throttling lifted) is in client.mjs.
//
// How results come back (core/http/ajax-result.mjs, core/result.mjs):
//  - callMethod → AjaxResult: isSuccess, getData() = { result, time }, getTotal(), isMore().
//  - callBatch(calls, halt, false) → Result whose getData() maps each command key to its `result`.
//  - callListMethod → Result whose getData() is the concatenated array (pages via `next`).
//  - fetchListMethod → async generator of arrays, paging with filter {">ID": last}, order {ID: ASC},
//    start: -1 (core/actions/v2/fetch-list.mjs).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { B24Hook, ApiVersion } from '@bitrix24/b24jssdk';
import { startServer } from '../integration/harness.mjs';
import { makeClient } from './client.mjs';

const USERS_TO_ADD = 125; // + the administrator created by `imhub init` → 126 users, 3 pages of 50

let server;
let b24;


before(async () => {
  server = await startServer({ https: true });
  b24 = await makeClient(server);
});

after(async () => {
  if (server) await server.cleanup();
});

describe('B24Hook setup', () => {
  test('throttle is lifted', () => {
    const params = b24.getHttpClient(ApiVersion.v2).getRestrictionManagerParams();
    assert.equal(params.rateLimit.burstLimit, 1_000_000);
    assert.equal(params.adaptiveConfig.enabled, false);
    assert.equal(params.maxRetries, 1);
  });

  test('target is the loopback server over https', () => {
    assert.equal(b24.getTargetOrigin(), `https://127.0.0.1:${server.httpsPort}`);
  });
});

describe('single calls', () => {
  test('server.time', async () => {
    const res = await b24.callMethod('server.time');
    assert.equal(res.isSuccess, true, res.getErrorMessages().join('; '));
    assert.equal(res.getStatus(), 200);
    const data = res.getData();
    assert.equal(typeof data.result, 'string');
    assert.ok(!Number.isNaN(Date.parse(data.result)), `not a date: ${data.result}`);
    assert.equal(typeof data.time.start, 'number');
    assert.equal(typeof data.time.finish, 'number');
    assert.ok(data.time.finish >= data.time.start);
    assert.equal(res.isMore(), false);
  });

  test('profile', async () => {
    const res = await b24.callMethod('profile');
    assert.equal(res.isSuccess, true, res.getErrorMessages().join('; '));
    const { result } = res.getData();
    assert.equal(result.ID, '1');
    assert.equal(result.ADMIN, true);
    assert.equal(typeof result.NAME, 'string');
  });

  test('methods', async () => {
    const res = await b24.callMethod('methods');
    assert.equal(res.isSuccess, true, res.getErrorMessages().join('; '));
    const { result } = res.getData();
    assert.ok(Array.isArray(result));
    for (const m of ['server.time', 'profile', 'methods', 'batch']) assert.ok(result.includes(m), `${m} missing`);
  });

  test('unknown method rejects with the portal error code', async () => {
    await assert.rejects(b24.callMethod('no.such.method'), (err) => {
      assert.equal(err.code, 'ERROR_METHOD_NOT_FOUND');
      assert.equal(err.status, 404);
      return true;
    });
  });
});

describe('batch', () => {
  test('callBatch with a $result reference', async () => {
    const res = await b24.callBatch(
      {
        methods: { method: 'methods' },
        // The first method name from `methods`, resolved by the server before the call.
        first: { method: 'method.get', params: { name: '$result[methods][0]' } },
        me: { method: 'profile' },
        time: { method: 'server.time' },
      },
      true,
    );
    assert.equal(res.isSuccess, true, res.getErrorMessages().join('; '));
    const data = res.getData();
    assert.deepEqual(Object.keys(data).sort(), ['first', 'me', 'methods', 'time']);
    assert.ok(Array.isArray(data.methods) && data.methods.length > 0);
    assert.deepEqual(data.first, { isExisting: true, isAvailable: true });
    assert.equal(data.me.ID, '1');
    assert.equal(typeof data.time, 'string');
  });

  test('callBatch, array form, returnAjaxResult', async () => {
    const res = await b24.callBatch([['server.time', {}], ['profile', {}]], true, true);
    assert.equal(res.isSuccess, true, res.getErrorMessages().join('; '));
    const [time, me] = res.getData();
    assert.equal(time.isSuccess, true);
    assert.equal(typeof time.getData().result, 'string');
    assert.equal(me.getData().result.ID, '1');
  });

  test('callBatch without halt keeps per-command errors', async () => {
    const res = await b24.callBatch(
      { ok: { method: 'server.time' }, bad: { method: 'no.such.method' } },
      false,
    );
    assert.equal(res.isSuccess, false);
    assert.equal(typeof res.getData().ok, 'string');
    assert.ok(!('bad' in res.getData()));
    const byKey = res.getErrorMessagesByKey();
    assert.ok(byKey.bad && byKey.bad.length > 0, JSON.stringify(byKey));
  });
});

describe('list paging over user.get', () => {
  let expectedIds;

  before(() => {
    for (let i = 0; i < USERS_TO_ADD; i++) server.cli('user', 'add', '--name', `U${i}`);
    expectedIds = Array.from({ length: USERS_TO_ADD + 1 }, (_, i) => String(i + 1));
  });

  test('user.get first page: 50 rows, total and next', async () => {
    const res = await b24.callMethod('user.get', {});
    assert.equal(res.isSuccess, true, res.getErrorMessages().join('; '));
    assert.equal(res.getData().result.length, 50);
    assert.equal(res.getTotal(), USERS_TO_ADD + 1);
    assert.equal(res.isMore(), true);
    const next = await res.fetchNext(b24.getHttpClient(ApiVersion.v2));
    assert.ok(next, 'second page');
    assert.equal(next.getData().result.length, 50);
    assert.equal(next.getData().result[0].ID, '51');
  });

  test('callListMethod collects every page', async () => {
    const progress = [];
    const res = await b24.callListMethod('user.get', {}, (p) => progress.push(p));
    assert.equal(res.isSuccess, true, res.getErrorMessages().join('; '));
    const list = res.getData();
    assert.equal(list.length, USERS_TO_ADD + 1);
    assert.deepEqual(list.map((u) => String(u.ID)).sort((a, b) => a - b), expectedIds);
    assert.equal(new Set(list.map((u) => u.ID)).size, list.length, 'no duplicates');
    assert.equal(progress.at(-1), 100);
    assert.ok(list.some((u) => u.NAME === `U${USERS_TO_ADD - 1}`));
  });

  test('fetchListMethod streams chunks with the ID cursor', async () => {
    const chunks = [];
    for await (const chunk of b24.fetchListMethod('user.get', {}, 'ID')) chunks.push(chunk);
    assert.deepEqual(chunks.map((c) => c.length), [50, 50, USERS_TO_ADD + 1 - 100]);
    const ids = chunks.flat().map((u) => String(u.ID));
    assert.deepEqual(ids, expectedIds, 'ascending by ID, no gaps, no duplicates');
  });

  test('batch: user.get by ID taken from profile through $result', async () => {
    const res = await b24.callBatch(
      {
        me: { method: 'profile' },
        user: { method: 'user.get', params: { ID: '$result[me][ID]' } },
      },
      true,
    );
    assert.equal(res.isSuccess, true, res.getErrorMessages().join('; '));
    const { me, user } = res.getData();
    assert.ok(Array.isArray(user));
    assert.equal(user.length, 1);
    assert.equal(user[0].ID, me.ID);
  });
});
