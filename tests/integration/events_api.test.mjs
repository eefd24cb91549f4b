// The subscription API (protocol.md §8.6, §3.4; api-reference/events/*.md): events,
// event.bind / unbind / get / test and the offline queue, with every documented error, and the
// outbox rows event.test leaves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertShape } from './harness.mjs';
import { addApp, signIn, rest, restOk, restFails, outbox, forgeToken, sql } from './oauth_client.mjs';

let server;
let app;    // scopes im,imbot
let admin;  // tokens of user 1 (admin)
let bob;    // tokens of a plain user
let bobId;

const H = 'http://127.0.0.1:9/handler';
const ok = (method, params = {}, t = admin) => restOk(server, method, params, t.access_token);
const fails = (method, params, status, error, description, t = admin) =>
  restFails(server, method, params, t.access_token, status, error, description);

before(async () => {
  // Bob, not an administrator, binds loopback handlers (H): allowed only with allow_private.
  server = await startServer({ config: '[events]\nallow_private = true\n' });
  app = addApp(server);
  admin = await signIn(server, app);
  bobId = server.cli('user', 'add', '--name', 'Bob').user_id;
  const bobHook = server.cli('webhook', 'add', '--user', String(bobId), '--scope', 'im').webhook;
  bob = await signIn(server, app, bobHook);
});
after(async () => { await server.cleanup(); });

test('every events method refuses webhooks with WRONG_AUTH_TYPE 403', async () => {
  for (const m of ['events', 'event.bind', 'event.unbind', 'event.get', 'event.test', 'event.offline.get',
    'event.offline.clear', 'event.offline.error', 'event.offline.list']) {
    await server.fails(m, { event: 'ONAPPTEST', handler: H }, 403, 'WRONG_AUTH_TYPE',
      'Access denied! Current authorization type is denied for this method');
  }
});

test('events lists the token scopes plus basic; SCOPE and FULL as documented', async () => {
  const mine = (await ok('events')).result;
  for (const e of ['ONAPPINSTALL', 'ONAPPUNINSTALL', 'ONAPPUPDATE', 'ONAPPTEST', 'ONOFFLINEEVENT',
    'ONIMBOTJOINCHAT', 'ONIMBOTMESSAGEADD', 'ONIMBOTMESSAGEUPDATE', 'ONIMBOTMESSAGEDELETE', 'ONIMCOMMANDADD',
    'ONIMBOTDELETE']) assert.ok(mine.includes(e), e);
  assert.ok(!mine.includes('ONOPENLINEMESSAGEADD'), 'imopenlines is not among the token scopes');
  const ol = (await ok('events', { SCOPE: 'imopenlines' })).result;
  assert.deepEqual(ol, ['ONOPENLINEMESSAGEADD', 'ONOPENLINEMESSAGEUPDATE', 'ONOPENLINEMESSAGEDELETE',
    'ONSESSIONSTART', 'ONSESSIONFINISH']);
  const full = (await ok('events', { FULL: true })).result;
  assert.ok(full.includes('ONOPENLINEMESSAGEADD') && full.includes('ONIMBOTMESSAGEADD'));
  const basic = (await ok('events', { SCOPE: 'basic' })).result;
  assert.ok(basic.includes('ONAPPTEST') && !basic.includes('ONIMBOTMESSAGEADD'));
  assert.deepEqual((await ok('events', { SCOPE: 'nosuch' })).result, []);
});

test('event.bind answers true and upper-cases the event; event.get lists it as the page shows', async () => {
  assert.equal((await ok('event.bind', { event: 'onImBotMessageAdd', handler: `${H}/msg` })).result, true);
  assert.equal((await ok('event.bind', { EVENT: 'ONAPPTEST', HANDLER: `${H}/test`, auth_type: bobId })).result, true);
  const list = (await ok('event.get')).result;
  const example = [{ event: 'ONCRMLEADADD', handler: 'https://www.my-domain.com/handler/', auth_type: '0', offline: 0 }];
  assertShape(assert, list, example);
  assert.deepEqual(list.slice(0, 2), [
    { event: 'ONIMBOTMESSAGEADD', handler: `${H}/msg`, auth_type: '0', offline: 0 },
    { event: 'ONAPPTEST', handler: `${H}/test`, auth_type: String(bobId), offline: 0 },
  ]);
});

test('event.bind errors', async () => {
  await fails('event.bind', { event: 'ONIMBOTMESSAGEADD', handler: `${H}/msg` }, 400, 'ERROR_CORE',
    'Unable to set event handler: Handler already binded');
  await fails('event.bind', { event: 'ONNOSUCHEVENT', handler: H }, 400, 'ERROR_EVENT_NOT_FOUND', 'Event not found');
  await fails('event.bind', { event: 'ONOPENLINEMESSAGEADD', handler: H }, 400, 'ERROR_EVENT_NOT_FOUND');
  const noEvent = await fails('event.bind', { handler: H }, 400, 'ERROR_ARGUMENT');
  assert.equal(noEvent.argument, 'EVENT');
  const noHandler = await fails('event.bind', { event: 'ONAPPTEST' }, 400, 'ERROR_ARGUMENT');
  assert.equal(noHandler.argument, 'HANDLER');
  const badType = await fails('event.bind', { event: 'ONAPPTEST', handler: H, event_type: 'sometimes' }, 400,
    'ERROR_ARGUMENT');
  assert.equal(badType.argument, 'EVENT_TYPE');
  await fails('event.bind', { event: 'ONAPPTEST', handler: 'ftp://example.com/h' }, 400,
    'ERROR_UNSUPPORTED_PROTOCOL', 'Unsupported handler protocol');
  await fails('event.bind', { event: 'ONAPPTEST', handler: 'http://localhost/h' }, 400, 'ERROR_WRONG_HANDLER_URL',
    'Wrong handler URL');
  await fails('event.bind', { event: 'ONAPPTEST', handler: 'http:///h' }, 400, 'ERROR_WRONG_HANDLER_URL');
  await fails('event.bind', { event: 'ONOFFLINEEVENT', event_type: 'offline' }, 400, 'ERROR_EVENT_NOT_FOUND');
  await fails('event.bind', { event: 'ONAPPTEST', event_type: 'offline' }, 403, 'ACCESS_DENIED',
    'Access denied! Offline events binding requires administrator access rights', bob);
  await fails('event.bind', { event: 'ONAPPTEST', handler: H, auth_type: 1 }, 403, 'ACCESS_DENIED',
    'Access denied! Event binding with AUTH_TYPE requires administrator access rights', bob);
  await fails('event.bind', { event: 'ONOFFLINEEVENT', handler: H, options: { minTimeout: -1 } }, 400,
    'ERROR_ARGUMENT');
});

test('a plain user binds as itself and sees only its own bindings', async () => {
  assert.equal((await ok('event.bind', { event: 'ONAPPTEST', handler: `${H}/bob` }, bob)).result, true);
  const mine = (await ok('event.get', {}, bob)).result;
  assert.deepEqual(mine, [
    { event: 'ONAPPTEST', handler: `${H}/test`, auth_type: String(bobId), offline: 0 },  // bound for Bob by an admin
    { event: 'ONAPPTEST', handler: `${H}/bob`, auth_type: String(bobId), offline: 0 },
  ]);
  const all = (await ok('event.get')).result;
  assert.ok(all.length >= 3, 'an administrator sees every user');
});

test('event.unbind answers {count} and its errors', async () => {
  await fails('event.unbind', { event: 'ONAPPTEST', event_type: 'offline' }, 403, 'ACCESS_DENIED',
    'Access denied! Offline events unbinding requires administrator access rights', bob);
  await fails('event.unbind', { event: 'ONAPPTEST', handler: `${H}/bob`, auth_type: 1 }, 403, 'ACCESS_DENIED',
    'Access denied! Event unbinding with AUTH_TYPE requires administrator access rights', bob);
  assert.equal((await fails('event.unbind', { handler: H }, 400, 'ERROR_ARGUMENT')).argument, 'EVENT');
  assert.equal((await fails('event.unbind', { event: 'ONAPPTEST' }, 400, 'ERROR_ARGUMENT')).argument, 'HANDLER');
  assert.deepEqual((await ok('event.unbind', { event: 'ONAPPTEST', handler: `${H}/nothing` })).result, { count: 0 });
  // A plain user removes only its own rows.
  assert.deepEqual((await ok('event.unbind', { event: 'ONAPPTEST', handler: `${H}/bob` }, bob)).result, { count: 1 });
  // auth_type=0 targets only rows without a user.
  assert.deepEqual((await ok('event.unbind', { event: 'ONAPPTEST', handler: `${H}/test`, auth_type: 0 })).result,
    { count: 0 });
  // An administrator without auth_type removes every user's rows.
  assert.deepEqual((await ok('event.unbind', { event: 'onapptest', handler: `${H}/test` })).result, { count: 1 });
  assert.deepEqual((await ok('event.unbind', { event: 'ONIMBOTMESSAGEADD', handler: `${H}/msg` })).result,
    { count: 1 });
  assert.deepEqual((await ok('event.get')).result, []);
});

test('event.test answers 1 and leaves ONAPPTEST with QUERY for every online binding', async () => {
  await ok('event.bind', { event: 'ONAPPTEST', handler: `${H}/t1` });
  await ok('event.bind', { event: 'ONAPPTEST', handler: `${H}/t2`, auth_type: bobId });
  const before = outbox(server, 'ONAPPTEST').length;
  const r = await ok('event.test', { any: 'data', nested: { a: [1, 2] } });
  assert.equal(r.result, 1);
  const rows = outbox(server, 'ONAPPTEST').slice(before);
  assert.deepEqual(rows.map((x) => x.handler), [`${H}/t1`, `${H}/t2`]);
  const bindings = sql(server, `SELECT id, handler FROM event_bindings WHERE event = 'ONAPPTEST' ORDER BY id`);
  for (const row of rows) {
    assert.equal(row.app_id, app.app_id);
    assert.deepEqual(row.payload.data, { QUERY: { any: 'data', nested: { a: [1, 2] } }, LANGUAGE_ID: 'en' });
    assert.equal(row.payload.send_refresh_token, true);
    assert.equal(row.payload.event_ttl, 7);
    assert.equal(row.event_handler_id, bindings.find((b) => b.handler === row.handler).id);
  }
  assert.equal(rows[0].payload.auth_user_id, 1, 'no auth_type: the calling user');
  assert.equal(rows[1].payload.auth_user_id, bobId, 'auth_type: that user');
  assert.deepEqual(Object.keys(rows[0].payload.data.QUERY), ['any', 'nested'], 'auth is not part of QUERY');
});

test('events caused with a token minted for an event carry one hop less (loop protection)', async () => {
  const before = outbox(server, 'ONAPPTEST').length;
  const t = forgeToken(server, { app: app.app_id, user: 1, generation: 1, ttl: 3,
    expires: Math.floor(Date.now() / 1000) + 600 });
  assert.equal((await rest(server, 'event.test', {}, t)).status, 200);
  const last = forgeToken(server, { app: app.app_id, user: 1, generation: 1, ttl: 1,
    expires: Math.floor(Date.now() / 1000) + 600 });
  assert.equal((await rest(server, 'event.test', {}, last)).status, 200);
  const rows = outbox(server, 'ONAPPTEST').slice(before);
  assert.deepEqual(rows.map((x) => x.payload.event_ttl), [2, 2, 0, 0]);
});

test('offline events: bind, record, list, reserve, mark errors, clear', async () => {
  await fails('event.offline.list', {}, 403, 'ACCESS_DENIED', 'Access denied!', bob);
  await fails('event.offline.get', {}, 403, 'ACCESS_DENIED', 'Access denied!', bob);
  await fails('event.offline.clear', { process_id: 'x' }, 403, 'ACCESS_DENIED', 'Access denied!', bob);
  await fails('event.offline.error', { process_id: 'x' }, 403, 'ACCESS_DENIED', 'Access denied!', bob);

  assert.equal((await ok('event.bind', { event: 'ONAPPTEST', event_type: 'offline' })).result, true);
  const got = (await ok('event.get')).result.find((b) => b.offline === 1);
  assert.deepEqual(got, { event: 'ONAPPTEST', connector_id: '', offline: 1 });
  await ok('event.test', { n: 1 });
  await ok('event.test', { n: 1 });  // same object, same data: one row, refreshed
  await ok('event.test', { n: 2 });

  const list = await ok('event.offline.list');
  assert.equal(list.total, 2);
  const listExample = [{ ID: '2', TIMESTAMP_X: '2024-07-18T12:32:31+02:00', EVENT_NAME: 'ONCRMCOMPANYADD',
    MESSAGE_ID: '2', PROCESS_ID: '', ERROR: '0' }];
  assertShape(assert, list.result, listExample);
  assert.deepEqual(list.result.map((e) => e.EVENT_DATA.QUERY.n), [1, 2]);
  assert.deepEqual(list.result[0].EVENT_ADDITIONAL, { user_id: 1 });
  assert.match(list.result[0].MESSAGE_ID, /^[0-9a-f]{32}$/);
  const desc = await ok('event.offline.list', { order: { ID: 'DESC' } });
  assert.deepEqual(desc.result.map((e) => e.EVENT_DATA.QUERY.n), [2, 1]);
  const filtered = await ok('event.offline.list', { filter: { '>ID': list.result[0].ID } });
  assert.equal(filtered.total, 1);

  // clear=0 reserves the rows under a process id; a parallel reader does not get them.
  const reserved = await ok('event.offline.get', { clear: 0, limit: 1 });
  assert.match(reserved.result.process_id, /^[a-z0-9]{32}$/);
  assert.equal(reserved.result.events.length, 1);
  assertShape(assert, reserved.result.events, [{ ID: '1', TIMESTAMP_X: '', EVENT_NAME: '', MESSAGE_ID: '1' }]);
  const pid = reserved.result.process_id;
  const other = await ok('event.offline.get', { clear: 0 });
  assert.equal(other.result.events.length, 1, 'only the unreserved row');
  assert.notEqual(other.result.process_id, pid);
  const listed = await ok('event.offline.list', { filter: { PROCESS_ID: pid } });
  assert.equal(listed.total, 1);

  // event.offline.error marks rows and releases them; error=1 fetches them again.
  const msg = reserved.result.events[0].MESSAGE_ID;
  assert.equal((await ok('event.offline.error', { process_id: pid, message_id: [msg] })).result, true);
  assert.equal((await ok('event.offline.list', { filter: { ERROR: 1 } })).total, 1);
  assert.equal((await ok('event.offline.get', { clear: 0 })).result.events.length, 0, 'errors are skipped');
  const retry = await ok('event.offline.get', { error: 1, clear: 1 });
  assert.equal(retry.result.process_id, null);
  assert.equal(retry.result.events.length, 1);

  // event.offline.clear removes a process's rows.
  assert.equal((await ok('event.offline.clear', { process_id: other.result.process_id })).result, true);
  assert.equal((await ok('event.offline.list')).total, 0);
});

test('offline argument errors', async () => {
  assert.equal((await fails('event.offline.get', { limit: 0 }, 400, 'ERROR_ARGUMENT')).argument, 'limit');
  assert.equal((await fails('event.offline.get', { filter: { NOPE: 1 } }, 400, 'ERROR_ARGUMENT')).argument, 'filter');
  assert.equal((await fails('event.offline.get', { filter: { PROCESS_ID: 'x' } }, 400, 'ERROR_ARGUMENT')).argument,
    'filter', 'PROCESS_ID is a filter of event.offline.list only');
  assert.equal((await fails('event.offline.list', { order: { ID: 'SIDEWAYS' } }, 400, 'ERROR_ARGUMENT')).argument,
    'order');
  assert.equal((await fails('event.offline.clear', {}, 400, 'ERROR_ARGUMENT')).argument, 'process_id');
  assert.equal((await fails('event.offline.error', {}, 400, 'ERROR_ARGUMENT')).argument, 'process_id');
  assert.equal((await fails('event.offline.clear', { process_id: 'p', id: ['x'] }, 400, 'ERROR_ARGUMENT')).argument,
    'id');
});

test('event.offline.get with clear=1 deletes what it returns, honouring filter and limit', async () => {
  for (let i = 0; i < 3; ++i) await ok('event.test', { i });
  const got = await ok('event.offline.get', { limit: 2, filter: { '=EVENT_NAME': 'onapptest' } });
  assert.equal(got.result.process_id, null);
  assert.deepEqual(got.result.events.map((e) => e.EVENT_DATA.QUERY.i), [0, 1]);
  const rest3 = await ok('event.offline.get');
  assert.deepEqual(rest3.result.events.map((e) => e.EVENT_DATA.QUERY.i), [2]);
  assert.equal((await ok('event.offline.get')).result.events.length, 0);
});

test('ONOFFLINEEVENT tells online subscribers about new offline rows, at most once per minTimeout', async () => {
  await ok('event.bind', { event: 'ONOFFLINEEVENT', handler: `${H}/offline`, options: { minTimeout: 3600 } });
  const before = outbox(server, 'ONOFFLINEEVENT').length;
  await ok('event.test', { x: 1 });
  await ok('event.test', { x: 2 });
  const rows = outbox(server, 'ONOFFLINEEVENT').slice(before);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].handler, `${H}/offline`);
  assert.deepEqual(rows[0].payload.data, []);
  assert.equal(rows[0].payload.send_refresh_token, true);
  await ok('event.offline.get', { limit: 50 });
});

test('auth_connector keeps a separate offline queue and skips changes made through it', async () => {
  await ok('event.bind', { event: 'ONAPPTEST', event_type: 'offline', auth_connector: 'sync1' });
  await ok('event.test', { via: 'plain' });
  await ok('event.test', { via: 'connector', auth_connector: 'sync1' });
  const plain = await ok('event.offline.list');
  const conn = await ok('event.offline.list', { auth_connector: 'sync1' });
  assert.deepEqual(conn.result.map((e) => e.EVENT_DATA.QUERY.via), ['plain'],
    'the change made through sync1 is not queued for sync1');
  assert.deepEqual(plain.result.map((e) => e.EVENT_DATA.QUERY.via), ['plain', 'connector']);
  const got = await ok('event.offline.get', { auth_connector: 'sync1' });
  assert.equal(got.result.events.length, 1);
  assert.equal((await ok('event.offline.list', { auth_connector: 'sync1' })).total, 0);
});
