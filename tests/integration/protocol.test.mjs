// URL forms, parameter decoding, the envelope, transports and the platform errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertShape } from './harness.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.cleanup(); });

const secret = () => s.webhook.split('/')[3];

const profileExample = { ID: '1', ADMIN: true, NAME: 'Vadim', LAST_NAME: 'Valeev', PERSONAL_GENDER: '', TIME_ZONE: '' };
const timeExample = {
  start: 1.5, finish: 1.5, duration: 0.04, processing: 0.001, date_start: '2024-08-05T08:56:22+00:00',
  date_finish: '2024-08-05T08:56:22+00:00', operating_reset_at: 1, operating: 0,
};

test('profile answers in the Bitrix24 envelope with the example shape', async () => {
  const r = await s.raw(`${s.webhook}profile.json`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json; charset=utf-8/);
  assertShape(assert, r.body.result, profileExample);
  assert.equal(r.body.result.ID, '1');
  assert.equal(typeof r.body.time.start, 'number');
  for (const k of Object.keys(timeExample)) assert.ok(k in r.body.time, `time.${k}`);
  assert.match(r.body.time.date_start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  assert.ok(!('next' in r.body) && !('total' in r.body));
});

test('every URL form reaches the method', async () => {
  const forms = [
    `${s.webhook}profile`, `${s.webhook}profile/`, `${s.webhook}profile.json`, `${s.webhook}PROFILE.JSON`,
    `/rest//1//${secret()}///profile`, `//rest/1/${secret()}/profile/`,
    `/rest/profile?aplogin=1&ap=${secret()}`, `/rest/profile.json/?aplogin=1&ap=${secret()}`,
    `/rest/admin/${secret()}/profile`, // aplogin may be the user's LOGIN
  ];
  for (const url of forms) {
    const r = await s.raw(url);
    assert.equal(r.status, 200, url);
    assert.equal(r.body.result.ID, '1', url);
  }
});

test('XML transport for results and errors', async () => {
  const ok = await s.raw(`${s.webhook}profile.xml`);
  assert.equal(ok.status, 200);
  assert.match(ok.headers.get('content-type'), /^text\/xml/);
  assert.match(ok.text, /^<response><result><ID>1<\/ID><ADMIN>1<\/ADMIN>/);
  assert.match(ok.text, /<time><start>[\d.]+<\/start>/);
  const err = await s.raw(`${s.webhook}no.such.method.xml`);
  assert.equal(err.status, 404);
  assert.equal(err.text, '<response><error>ERROR_METHOD_NOT_FOUND</error><error_description>Method not found!</error_description></response>');
});

test('CORS and content headers as the platform sends them', async () => {
  const r = await s.raw(`${s.webhook}server.time`);
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  assert.equal(r.headers.get('access-control-allow-headers'), 'origin, content-type, accept');
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  const pre = await s.raw(`/rest/server.time`, { method: 'OPTIONS', headers: { Origin: 'http://x', 'Access-Control-Request-Method': 'POST' } });
  assert.equal(pre.status, 200);
  assert.equal(pre.headers.get('access-control-allow-origin'), '*');
});

test('server.time is an ATOM date string', async () => {
  const r = await s.call('server.time');
  assert.match(r.body.result, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
});

test('parameters: query, form with PHP brackets, JSON, multipart; body wins by top-level key', async () => {
  const base = `${s.base}${s.webhook}method.get`;
  let r = await s.raw(`${s.webhook}method.get?name=profile`);
  assert.deepEqual(r.body.result, { isExisting: true, isAvailable: true });
  r = await s.raw(`${s.webhook}method.get?name=nothing`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'name=PROFILE',
  });
  assert.deepEqual(r.body.result, { isExisting: true, isAvailable: true });
  const fd = new FormData();
  fd.append('name', 'server.time');
  r = await fetch(base, { method: 'POST', body: fd }).then((x) => x.json());
  assert.deepEqual(r.result, { isExisting: true, isAvailable: true });
  r = await s.call('method.get', { name: 'im.nothing' });
  assert.deepEqual(r.body.result, { isExisting: false, isAvailable: false });
  // `+` is a space in form encoding; bracket nesting reaches the method.
  r = await s.raw(`${s.webhook}batch?cmd[a]=method.get%3Fname%3Dprofile&cmd[b]=server.time`);
  assert.deepEqual(r.body.result.result.a, { isExisting: true, isAvailable: true });
});

test('malformed JSON means no parameters, as on the real platform', async () => {
  const r = await s.raw(`${s.webhook}feature.get`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"CODE": "x",' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error, 'CODE_EMPTY');
  const ok = await s.call('feature.get', { CODE: 'rest_offline_extended' });
  assert.equal(ok.status, 200);
  assert.ok(typeof ok.body.result.value === 'string');
});

test('telemetry and reserved parameters are consumed', async () => {
  const r = await s.raw(`${s.webhook}method.get?bx24_request_id=1&bx24_sdk_ver=1&name=profile&state=x`);
  assert.equal(r.status, 200);
  const t = await s.raw(`${s.webhook}profile?token=abc`);
  assert.equal(t.status, 403);
  assert.equal(t.body.error, 'ACCESS_DENIED');
});

test('auth errors and their statuses', async () => {
  let r = await s.raw('/rest/profile');
  assert.equal(r.status, 401);
  assert.deepEqual(r.body, { error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' });
  r = await s.raw(`/rest/1/${secret().replace(/./, (c) => (c === 'a' ? 'b' : 'a'))}/profile`);
  assert.equal(r.status, 401);
  assert.equal(r.body.error, 'INVALID_CREDENTIALS');
  r = await s.raw(`/rest/999/${secret()}/profile`);
  assert.equal(r.status, 401);
  assert.equal(r.body.error, 'INVALID_CREDENTIALS');
  assert.ok(!('time' in r.body));
});

test('unknown method is 404 ERROR_METHOD_NOT_FOUND', async () => {
  const r = await s.call('im.nothing.here');
  assert.equal(r.status, 404);
  assert.deepEqual(r.body, { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' });
  const two = await s.raw('/rest/a/b');
  assert.equal(two.status, 404);
});

test('scopes: a limited webhook sees its scopes and is refused other methods', async () => {
  const { webhook } = s.cli('webhook', 'add', '--user', '1', '--scope', 'im');
  const sc = await s.call('scope', {}, { webhook });
  assert.deepEqual(sc.body.result, ['im']);
  const full = await s.call('scope', { full: true }, { webhook });
  assert.ok(full.body.result.includes('user') && full.body.result.includes('imbot'));
  const mg = await s.call('method.get', { name: 'user.get' }, { webhook });
  assert.equal(mg.body.result.isAvailable, false);
  const info = await s.call('app.info', {}, { webhook });
  assert.deepEqual(info.body.result.SCOPE, ['im']);
  assert.match(info.body.result.LICENSE, /_selfhosted$/);
  const denied = await s.call('user.current', {}, { webhook });
  assert.equal(denied.status, 403);
  assert.equal(denied.body.error, 'insufficient_scope');
});

test('methods lists the registry by scope', async () => {
  const r = await s.call('methods');
  assert.ok(r.body.result.includes('batch') && r.body.result.includes('server.time'));
  const global = await s.raw(`${s.webhook}methods?scope=`);
  assert.ok(global.body.result.includes('profile'));
  assert.ok(!global.body.result.includes('user.get'));
});

test('revoked webhooks stop working', async () => {
  const { webhook } = s.cli('webhook', 'add', '--user', '1', '--scope', 'user');
  assert.equal((await s.call('profile', {}, { webhook })).status, 200);
  const list = s.cli('webhook', 'list');
  const id = list.webhooks[list.webhooks.length - 1].id;
  assert.ok(!JSON.stringify(list).includes(webhook.split('/')[3]), 'secrets are never listed');
  assert.deepEqual(s.cli('webhook', 'revoke', String(id)), { revoked: true });
  const r = await s.call('profile', {}, { webhook });
  assert.equal(r.status, 401);
});

test('user.admin, feature.get, app.option without app context', async () => {
  assert.equal((await s.call('user.admin')).body.result, true);
  const f = await s.call('feature.get');
  assert.equal(f.status, 400);
  assert.deepEqual(f.body, { error: 'CODE_EMPTY', error_description: "CODE can't be empty" });
  const o = await s.call('app.option.get');
  assert.equal(o.status, 403);
  assert.equal(o.body.error, 'ACCESS_DENIED');
});

test('empty maps are [] and non-ASCII is escaped like PHP', async () => {
  const r = await s.call('batch', { cmd: { a: 'server.time' } });
  assert.match(r.text, /"result_error":\[\]/);
  const esc = await s.raw(`${s.webhook}methods`);
  assert.ok(!esc.text.includes('/') || esc.text.includes('\\/') || !/[^\\]\//.test(esc.text));
});

test('healthz and metrics', async () => {
  const h = await s.raw('/healthz');
  assert.equal(h.status, 200);
  await s.call('server.time');
  const m = await s.raw('/metrics');
  assert.equal(m.status, 200);
  assert.match(m.text, /imhub_requests_total\{method="server.time",error=""\} \d+/);
  assert.match(m.text, /imhub_request_duration_seconds_bucket\{method="server.time",le="\+Inf"\} \d+/);
  assert.match(m.text, /imhub_store_writer_queue_depth \d+/);
  assert.match(m.text, /imhub_store_commit_units_bucket/);
});

test('metrics: REST calls per method with their error code; other requests only by HTTP status', async () => {
  const before = await s.raw('/metrics');
  const count = (text, re) => Number((text.match(re) || [0, 0])[1]);
  const okRe = /imhub_requests_total\{method="profile",error=""\} (\d+)/;
  const errRe = /imhub_requests_total\{method="im.message.add",error="(?:DIALOG_ID_EMPTY|PARAMS_ERROR|ERROR_ARGUMENT|[A-Z_]+)"\} (\d+)/;
  await s.call('profile');
  await s.call('profile');
  const bad = await s.call('im.message.add', {});
  assert.equal(bad.status, 400);
  await s.raw('/healthz');
  await s.raw('/no/such/path');
  await s.call('no.such.method');
  const m = (await s.raw('/metrics')).text;
  assert.equal(count(m, okRe) - count(before.text, okRe), 2);
  assert.ok(m.includes(`imhub_requests_total{method="im.message.add",error="${bad.body.error}"}`), 'the error code is the label');
  assert.ok(count(m, errRe) >= 1);
  assert.match(m, /imhub_request_duration_seconds_count\{method="profile"\} \d+/);
  for (const label of ['healthz', 'metrics', 'not_found', 'unknown', 'no.such.method', 'oauth'])
    assert.ok(!m.includes(`method="${label}"`), `${label} must not appear as a method`);
  assert.match(m, /imhub_http_responses_total\{status="404"\} \d+/);
  assert.match(m, /imhub_http_request_duration_seconds_bucket\{le="\+Inf"\} \d+/);
  for (const p of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds', 'process_start_time_seconds'])
    assert.match(m, new RegExp(`^${p} [0-9.e+]+$`, 'm'), p);
  const start = Number(m.match(/^process_start_time_seconds ([0-9.e+]+)$/m)[1]);
  assert.ok(Math.abs(start - Date.now() / 1000) < 3600, `start time ${start}`);
  assert.ok(Number(m.match(/^process_resident_memory_bytes (\d+)$/m)[1]) > 1e6);
  assert.match(m, /^imhub_build_info\{version="\d+\.\d+\.\d+",revision="[^"]*"\} 1$/m);
});

test('200 concurrent requests all succeed', async () => {
  const calls = [];
  for (let i = 0; i < 200; i++) calls.push(s.call(i % 2 ? 'profile' : 'server.time'));
  const results = await Promise.all(calls);
  for (const r of results) assert.equal(r.status, 200);
});

test('secrets never reach the log', async () => {
  await s.call('profile');
  assert.ok(!s.stderr.includes(secret()), 'the webhook secret appears in the log');
  assert.match(s.stderr, /access remote=127\.0\.0\.1 verb=POST method=profile status=200/);
});
