// The developer console's REST methods (issue 13): imhub.console.handlers lists every application
// and bot with its handlers and their delivery state, imhub.console.failed and .deliveries page
// through the failed list and the delivery log (requests with their credentials redacted), and
// imhub.console.retry puts failed events back. Administrators only: a signed-in session or an
// administrator's webhook; a user's webhook and an application's token get ACCESS_DENIED.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { addApp, signIn, rest } from './oauth_client.mjs';
import { Sink, rows, until } from './sink.mjs';

const ADMIN_PW = 'console-admin-password-1';
const BOB_PW = 'console-bob-password-2';

let server;
let sink;
let botDown = true; // the webhook bot's handler answers 500 until a test fixes it
let app; // the OAuth application (handler /app, which echoes the tokens it got)
let appToken;
let webhookBot;
let appBot;
let bobHook;

const console_ = (method, params, opts) => server.ok(`imhub.console.${method}`, params, opts);

before(async () => {
  server = await startServer({
    config: '[log]\naccess_log = false\n[events]\nretry_base = 30\nexpire_after = 5\nlog_per_handler = 20\n'
      + 'allow_private = true\n',
  });
  sink = await new Sink((r) => {
    // The application's handler answers with the tokens it received: the log must not keep them.
    if (r.path.startsWith('/app?') || r.path === '/app') {
      const auth = r.form.auth ?? {};
      return { status: 200, body: `got ${auth.access_token} ${auth.refresh_token} ${auth.application_token}` };
    }
    if (r.path.startsWith('/bot')) return botDown ? { status: 500, body: 'handler is down' } : 200;
    return { status: 200, body: 'ok' };
  }).start();

  app = addApp(server, { name: 'Console app', handler: `${sink.url}app` });
  appToken = (await signIn(server, app)).access_token;
  const reg = await rest(server, 'imbot.register', {
    CODE: 'appbot', EVENT_HANDLER: `${sink.url}appbot`, PROPERTIES: { NAME: 'App bot' },
  }, appToken);
  assert.equal(reg.status, 200, reg.text);
  appBot = reg.body.result;
  webhookBot = (await server.ok('imbot.register', {
    CODE: 'hookbot', EVENT_HANDLER: `${sink.url}bot`, PROPERTIES: { NAME: 'Hook bot' }, CLIENT_ID: 'console-client',
  })).result;

  const bob = server.cli('user', 'add', '--name', 'Bob', '--email', 'bob@example.com').user_id;
  bobHook = server.cli('webhook', 'add', '--user', String(bob), '--scope', 'im,imbot').webhook;
  server.cli('user', 'passwd', '1', '--password', ADMIN_PW);
  server.cli('user', 'passwd', String(bob), '--password', BOB_PW);
});

after(async () => {
  await sink?.stop();
  await server?.cleanup();
});

async function session(login, password) {
  const r = await fetch(`${server.base}/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password }),
  });
  assert.equal(r.status, 200);
  const body = await r.json();
  return { cookie: (r.headers.get('set-cookie') || '').split(';')[0], sessid: body.sessid };
}

async function sessionCall(s, method, params = {}) {
  const r = await fetch(`${server.base}/rest/${method}.json?sessid=${s.sessid}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: s.cookie }, body: JSON.stringify(params),
  });
  return { status: r.status, body: await r.json() };
}

const handlerOf = (receiver, path) => receiver.HANDLERS.find((h) => new URL(h.HANDLER).pathname === path);

test('handlers: the application and both bots, each with its handler URLs and events', async () => {
  // ONAPPINSTALL went to the application's handler when it was installed.
  await until('ONAPPINSTALL delivered', () => sink.requests.some((r) => r.form.event === 'ONAPPINSTALL'));
  const { result } = await console_('handlers');
  const a = result.find((r) => r.KIND === 'app' && r.ID === app.app_id);
  assert.ok(a, JSON.stringify(result));
  assert.equal(a.CODE, app.client_id);
  assert.equal(a.NAME, 'Console app');
  assert.equal(a.CLIENT_ID, app.client_id);
  assert.equal(a.OWNER_ID, 1);
  assert.equal(a.ACTIVE, true);
  const install = handlerOf(a, '/app');
  assert.deepEqual(install.EVENTS, ['ONAPPINSTALL', 'ONAPPUNINSTALL', 'ONAPPUPDATE']);
  assert.equal(install.PENDING, 0);
  assert.equal(install.FAILED, 0);
  assert.equal(install.DATE_NEXT_ATTEMPT, null);
  // The application's bot subscribed its handler for the application: listed with both.
  assert.ok(handlerOf(a, '/appbot').EVENTS.includes('ONIMBOTMESSAGEADD'));

  const ab = result.find((r) => r.KIND === 'bot' && r.ID === appBot);
  assert.equal(ab.CODE, 'appbot');
  assert.equal(ab.NAME, 'App bot');
  assert.equal(ab.APP_ID, app.app_id);
  assert.equal(ab.CLIENT_ID, app.client_id);
  // (ONIMBOTMESSAGEUPDATE is kept only for supervisor and open-line bots.)
  assert.deepEqual(handlerOf(ab, '/appbot').EVENTS, ['ONIMBOTDELETE', 'ONIMBOTJOINCHAT', 'ONIMBOTMESSAGEADD']);

  const wb = result.find((r) => r.KIND === 'bot' && r.ID === webhookBot);
  assert.equal(wb.CODE, 'hookbot');
  assert.equal(wb.APP_ID, 0);
  assert.equal(wb.CLIENT_ID, 'console-client');
  assert.equal(wb.OWNER_ID, 1);
  const h = handlerOf(wb, '/bot');
  assert.match(h.HANDLER, /CLIENT_ID=console-client/);
  assert.ok(h.EVENTS.includes('ONIMBOTMESSAGEADD'));
});

test('a failing handler: pending with the last error and the next attempt, then failed; retried', async () => {
  // The first message to the bot: ONIMBOTJOINCHAT, then ONIMBOTMESSAGEADD behind it (one chat,
  // one lane), both to the handler that answers 500.
  await server.ok('im.message.add', { DIALOG_ID: String(webhookBot), MESSAGE: 'are you there?' });
  const state = async () => {
    const { result } = await console_('handlers');
    return handlerOf(result.find((r) => r.ID === webhookBot && r.KIND === 'bot'), '/bot');
  };
  let h;
  await until('the first attempt failed', async () => {
    h = await state();
    return h.PENDING === 2 && h.ATTEMPTS === 1;
  });
  assert.equal(h.LAST_ERROR, 'HTTP 500');
  assert.match(h.DATE_LAST_ERROR, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  assert.match(h.DATE_NEXT_ATTEMPT, /^\d{4}-\d\d-\d\dT/);
  assert.match(h.DATE_OLDEST_PENDING, /^\d{4}-\d\d-\d\dT/);
  assert.equal(h.FAILED, 0);

  // expire_after = 5: the next attempt is the last one, and both events move to the failed list.
  await until('moved to the failed list', async () => {
    h = await state();
    return h.PENDING === 0 && h.FAILED === 2;
  }, 20000);
  assert.equal(h.LAST_ERROR, 'HTTP 500');
  assert.equal(h.DATE_NEXT_ATTEMPT, null);
  const failed = await console_('failed', { BOT_ID: webhookBot });
  assert.equal(failed.total, 2);
  assert.equal(failed.next, undefined);
  assert.deepEqual(failed.result.map((x) => x.EVENT), ['ONIMBOTJOINCHAT', 'ONIMBOTMESSAGEADD']);
  const f = failed.result[1];
  assert.equal(f.HANDLER, h.HANDLER);
  assert.equal(f.APP_ID, 0);
  assert.ok(f.ATTEMPTS >= 1, JSON.stringify(f));
  assert.equal(f.LAST_ERROR, 'HTTP 500');
  assert.match(f.DATE_FAILED, /^\d{4}-\d\d-\d\dT/);
  assert.match(f.DATE_CREATE, /^\d{4}-\d\d-\d\dT/);
  assert.match(f.DELIVERY_ID, /^[0-9a-f]{32}$/);
  // The delivery log has each attempt with the handler's answer.
  const log = await console_('deliveries', { BOT_ID: webhookBot });
  assert.ok(log.total >= 3, JSON.stringify(log));
  const d = log.result.find((x) => x.EVENT === 'ONIMBOTMESSAGEADD'); // newest first
  assert.equal(d.OUTCOME, 'http_error');
  assert.equal(d.ANSWER.STATUS, 500);
  assert.equal(d.ANSWER.BODY, 'handler is down');
  assert.equal(d.ANSWER.ERROR, 'HTTP 500');
  assert.equal(d.REQUEST.EVENT, 'ONIMBOTMESSAGEADD');
  assert.equal(d.REQUEST.HANDLER, h.HANDLER);
  assert.match(d.REQUEST.BODY, /data%5BPARAMS%5D%5BMESSAGE%5D=are\+you\+there%3F/);
  // A webhook bot's CLIENT_ID is its application_token: redacted as well.
  assert.match(d.REQUEST.BODY, /auth%5Bapplication_token%5D=%5Bredacted%5D/);
  assert.ok(d.DURATION_MS >= 0);
  assert.match(d.DATE, /^\d{4}-\d\d-\d\dT/);

  // Retried by id: it leaves the failed list at once and the handler, now up, receives it.
  botDown = false;
  const before = sink.requests.length;
  const retried = await console_('retry', { ID: f.ID });
  assert.deepEqual(retried.result, { RETRIED: 1, IDS: [f.ID], NOT_FOUND: [] });
  const left = await console_('failed', { BOT_ID: webhookBot });
  assert.deepEqual(left.result.map((x) => x.EVENT), ['ONIMBOTJOINCHAT']);
  await until('the handler got the retried event', () => sink.requests.slice(before)
    .some((r) => r.path.startsWith('/bot') && r.status === 200 && r.form.data?.PARAMS?.MESSAGE === 'are you there?'));
  await until('the log shows it delivered', async () =>
    (await console_('deliveries', { BOT_ID: webhookBot })).result[0].OUTCOME === 'delivered');
  // It is no longer in the failed list.
  await server.fails('imhub.console.retry', { ID: f.ID }, 404, 'ERROR_NOT_FOUND');
});

test('deliveries: requests as sent with every token redacted, answers scrubbed of echoed tokens', async () => {
  await rest(server, 'im.message.add', { DIALOG_ID: String(appBot), MESSAGE: 'hello app bot' }, appToken);
  await server.ok('im.message.add', { DIALOG_ID: String(appBot), MESSAGE: 'hello from the admin' });
  await until('the app bot got the message', () => sink.requests.some((r) => r.path.startsWith('/appbot')
    && r.form.data?.PARAMS?.MESSAGE === 'hello from the admin'));
  const install = sink.requests.find((r) => r.form.event === 'ONAPPINSTALL');
  const botEvent = sink.requests.find((r) => r.path.startsWith('/appbot')
    && r.form.data?.PARAMS?.MESSAGE === 'hello from the admin');
  // Every credential the handlers were sent.
  const secrets = [install.form.auth.access_token, install.form.auth.refresh_token,
    install.form.auth.application_token, botEvent.form.auth.access_token];
  for (const b of Object.values(botEvent.form.data.BOT)) secrets.push(b.access_token, b.refresh_token, b.AUTH.access_token);
  assert.ok(secrets.every((s) => typeof s === 'string' && s.length >= 16), JSON.stringify(secrets));

  let log;
  await until('both are in the log', async () => {
    log = await console_('deliveries', { APP_ID: app.app_id });
    return log.result.some((d) => d.EVENT === 'ONAPPINSTALL')
      && log.result.some((d) => d.REQUEST.BODY.includes('hello+from+the+admin'));
  });
  const text = JSON.stringify(log);
  for (const s of secrets) assert.ok(!text.includes(s), `a token is in the console's answer: ${s.slice(0, 12)}…`);
  for (const s of secrets) assert.ok(!text.includes(encodeURIComponent(s)));

  const inst = log.result.find((d) => d.EVENT === 'ONAPPINSTALL');
  assert.equal(inst.APP_ID, app.app_id);
  assert.equal(inst.OUTCOME, 'delivered');
  assert.equal(inst.REQUEST.HANDLER, `${sink.url}app`);
  for (const field of ['access_token', 'refresh_token', 'application_token'])
    assert.match(inst.REQUEST.BODY, new RegExp(`auth%5B${field}%5D=%5Bredacted%5D`));
  assert.match(inst.REQUEST.BODY, /auth%5Bdomain%5D=127\.0\.0\.1/); // what is no secret stays
  assert.equal(inst.REQUEST.BODY_TRUNCATED, false);
  assert.equal(inst.REQUEST.BODY_BYTES, inst.REQUEST.BODY.length);
  // The handler echoed the tokens: the answer keeps its text, not the tokens.
  assert.equal(inst.ANSWER.STATUS, 200);
  assert.equal(inst.ANSWER.BODY, 'got [redacted] [redacted] [redacted]');

  const msg = log.result.find((d) => d.REQUEST.BODY.includes('hello+from+the+admin'));
  assert.match(msg.REQUEST.BODY, /data%5BBOT%5D%5B\d+%5D%5BAUTH%5D%5Baccess_token%5D=%5Bredacted%5D/);
  // The store holds no token either.
  const stored = JSON.stringify(rows(server, 'SELECT request, answer, error FROM event_delivery_log'));
  for (const s of secrets) assert.ok(!stored.includes(s));

  // Filters: by handler, by bot, by an application that has none.
  const byHandler = await console_('deliveries', { HANDLER: `${sink.url}app` });
  assert.ok(byHandler.result.length >= 1 && byHandler.result.every((d) => d.HANDLER === `${sink.url}app`));
  const byBot = await console_('deliveries', { BOT_ID: appBot });
  assert.ok(byBot.result.length >= 2 && byBot.result.every((d) => d.HANDLER === `${sink.url}appbot`));
  assert.equal((await console_('deliveries', { APP_ID: 9999 })).total, 0);
  await server.fails('imhub.console.deliveries', { BOT_ID: 9999 }, 404, 'ERROR_NOT_FOUND');
  await server.fails('imhub.console.deliveries', { APP_ID: 'x' }, 400, 'ERROR_ARGUMENT');
});

test('paging with start: 50 a page, next and total; retry of a whole handler', async () => {
  const handler = 'http://127.0.0.1:1/paged';
  const values = [...Array(60)].map((_, i) => `(${100000 + i}, 0, '${handler}', 'ONIMBOTJOINCHAT', 0, `
    + `'{"data":{},"event_ttl":7}', 'paged:${i}', 1000, 3, 'connection refused', 2000, 'd${i}')`);
  rows(server, `INSERT INTO event_failed (id, app_id, handler, event, event_handler_id, payload, order_key, created_at,
    attempts, last_error, failed_at, delivery_id) VALUES ${values.join(', ')}`);
  const first = await console_('failed', { HANDLER: handler });
  assert.equal(first.result.length, 50);
  assert.equal(first.total, 60);
  assert.equal(first.next, 50);
  assert.equal(first.result[0].ID, 100000); // oldest first, as `imhub events failed`
  const second = await console_('failed', { HANDLER: handler, start: 50 });
  assert.equal(second.result.length, 10);
  assert.equal(second.next, undefined);
  assert.equal(second.result[9].ID, 100059);

  const logValues = [...Array(55)].map((_, i) => `(${3000 + i}, 0, '${handler}', 'ONIMBOTJOINCHAT', ${i}, 1, `
    + `'connect_error', 0, 5, '', 'connection refused', 'event=ONIMBOTJOINCHAT', 500)`);
  rows(server, `INSERT INTO event_delivery_log (at, app_id, handler, event, outbox_id, attempt, outcome, status,
    duration_ms, answer, error, request, request_bytes) VALUES ${logValues.join(', ')}`);
  const page1 = await console_('deliveries', { HANDLER: handler });
  assert.equal(page1.total, 55);
  assert.equal(page1.next, 50);
  assert.equal(page1.result[0].OUTBOX_ID, 54); // newest first
  assert.equal(page1.result[0].REQUEST.BODY_TRUNCATED, true);
  const page2 = await console_('deliveries', { HANDLER: handler, start: 50 });
  assert.deepEqual(page2.result.map((d) => d.OUTBOX_ID), [4, 3, 2, 1, 0]);

  const r = await console_('retry', { HANDLER: handler });
  assert.equal(r.result.RETRIED, 60);
  assert.equal((await console_('failed', { HANDLER: handler })).total, 0);
  assert.equal(rows(server, `SELECT COUNT(*) AS n FROM event_outbox WHERE handler = '${handler}'`)[0].n, 60);
  await server.fails('imhub.console.retry', {}, 400, 'ERROR_ARGUMENT');
  await server.fails('imhub.console.retry', { ID: 1, HANDLER: handler }, 400, 'ERROR_ARGUMENT');
});

test('administrators only: a session or webhook of an administrator; anyone else gets ACCESS_DENIED', async () => {
  for (const m of ['handlers', 'failed', 'deliveries', 'retry']) {
    const r = await server.call(`imhub.console.${m}`, { ID: 1 }, { webhook: bobHook });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.body.error, 'ACCESS_DENIED');
    const byApp = await rest(server, `imhub.console.${m}`, { ID: 1 }, appToken);
    assert.equal(byApp.status, 403, byApp.text);
    assert.equal(byApp.body.error, 'ACCESS_DENIED');
  }
  const bob = await session('bob@example.com', BOB_PW);
  const refused = await sessionCall(bob, 'imhub.console.handlers');
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error, 'ACCESS_DENIED');
  const admin = await session('1', ADMIN_PW);
  const ok = await sessionCall(admin, 'imhub.console.handlers');
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.ok(ok.body.result.some((r) => r.ID === webhookBot && r.KIND === 'bot'));
  // In the method registry, as imhub's own methods.
  assert.equal((await server.ok('method.get', { name: 'imhub.console.deliveries' })).result.isExisting, true);
});

test('methods and method.get show the console only to those who may call it', async () => {
  const CONSOLE = ['imhub.console.handlers', 'imhub.console.failed', 'imhub.console.deliveries', 'imhub.console.retry'];
  const consoleIn = (list) => CONSOLE.filter((m) => list.includes(m));
  // An administrator's webhook and session: listed, whichever way `methods` is asked.
  for (const params of [{}, { full: true }, { scope: '' }])
    assert.deepEqual(consoleIn((await server.ok('methods', params)).result), CONSOLE, JSON.stringify(params));
  const admin = await session('1', ADMIN_PW);
  assert.deepEqual(consoleIn((await sessionCall(admin, 'methods')).body.result), CONSOLE);
  assert.equal((await server.ok('method.get', { name: 'imhub.console.retry' })).result.isAvailable, true);

  // A user's webhook and session, and an application's token (even an administrator's): not listed.
  const bob = await session('bob@example.com', BOB_PW);
  const lists = [
    (await sessionCall(bob, 'methods')).body.result,
    (await sessionCall(bob, 'methods', { full: true })).body.result,
    (await rest(server, 'methods', {}, appToken)).body.result,
    (await rest(server, 'methods', { full: true }, appToken)).body.result,
  ];
  for (const params of [{}, { full: true }, { scope: '' }])
    lists.push((await server.ok('methods', params, { webhook: bobHook })).result);
  for (const list of lists) {
    assert.ok(list.includes('im.message.add') || list.includes('server.time'), 'the list itself is there');
    assert.deepEqual(consoleIn(list), []);
  }
  // method.get: it exists (calling it answers ACCESS_DENIED, not ERROR_METHOD_NOT_FOUND), not for them.
  const got = (await server.ok('method.get', { name: 'imhub.console.retry' }, { webhook: bobHook })).result;
  assert.deepEqual(got, { isExisting: true, isAvailable: false });
  assert.deepEqual((await rest(server, 'method.get', { name: 'imhub.console.failed' }, appToken)).body.result,
    { isExisting: true, isAvailable: false });
});
