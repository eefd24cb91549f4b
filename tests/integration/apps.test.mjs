// `imhub app …` (issue 4, "Applications and OAuth 2.0"): outputs, exit codes on bad input, and
// the lifecycle events each command leaves in the outbox (protocol.md §8.5,
// api-reference/common/events/on-app-install|update|uninstall.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { cliResult, outbox, sql, addApp, signIn, rest, restOk } from './oauth_client.mjs';

let server;

before(async () => { server = await startServer(); });
after(async () => { await server.cleanup(); });

test('app add prints app_id, client_id, client_secret and application_token', () => {
  const r = cliResult(server, 'app', 'add', '--name', 'EchoBot', '--handler', 'https://bot.example.com/h.php',
    '--scope', 'im,imbot,imopenlines', '--redirect-uri', 'https://bot.example.com/cb');
  assert.equal(r.code, 0);
  assert.deepEqual(Object.keys(r.json), ['app_id', 'client_id', 'client_secret', 'application_token']);
  assert.equal(typeof r.json.app_id, 'number');
  assert.match(r.json.client_id, /^local\.[0-9a-f]{14}\.\d{8}$/);
  assert.match(r.json.client_secret, /^[a-z0-9]{50}$/);
  assert.match(r.json.application_token, /^[0-9a-f]{32}$/);
  const [row] = sql(server, `SELECT client_secret_hash, installed FROM apps WHERE id = ${r.json.app_id}`);
  assert.notEqual(row.client_secret_hash, r.json.client_secret, 'only a hash of the secret is stored');
  assert.match(row.client_secret_hash, /^[0-9a-f]{64}$/);
  assert.equal(row.installed, 0);
});

test('app add refuses bad input with exit code 2', () => {
  const cases = [
    ['--name', 'X', '--handler', 'ftp://example.com/', '--scope', 'im'],
    ['--name', 'X', '--handler', 'http:///nohost', '--scope', 'im'],
    ['--name', 'X', '--handler', 'not a url', '--scope', 'im'],
    ['--name', 'X', '--handler', 'http://example.com/', '--scope', 'im,crm'],
    ['--name', 'X', '--handler', 'http://example.com/', '--scope', ','],
    ['--name', ' ', '--handler', 'http://example.com/', '--scope', 'im'],
    ['--name', 'X', '--handler', 'http://example.com/', '--scope', 'im', '--redirect-uri', 'javascript:alert(1)'],
  ];
  for (const args of cases) {
    const r = cliResult(server, 'app', 'add', ...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.ok(r.json.error, args.join(' '));
  }
  const missing = cliResult(server, 'app', 'add', '--name', 'X', '--scope', 'im');
  assert.notEqual(missing.code, 0, 'a missing --handler is a usage error');
});

test('app install sends ONAPPINSTALL with the installing user token map and a refresh token', () => {
  const app = addApp(server, { install: false, handler: 'http://127.0.0.1:9/install' });
  const r = cliResult(server, 'app', 'install', String(app.app_id), '--user', '1');
  assert.equal(r.code, 0);
  assert.deepEqual(r.json, { app_id: app.app_id, installed: true, user_id: 1, version: 1 });
  const rows = outbox(server, 'ONAPPINSTALL').filter((x) => x.app_id === app.app_id);
  assert.equal(rows.length, 1);
  const [row] = rows;
  assert.equal(row.handler, 'http://127.0.0.1:9/install');
  assert.equal(row.order_key, `app:${app.app_id}`);
  assert.deepEqual(row.payload.data, { VERSION: '1', ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: 'en' });
  assert.equal(row.payload.auth_user_id, 1);
  assert.equal(row.payload.send_refresh_token, true);
  assert.equal(row.payload.application_token, '', 'the worker mints the auth block at send time');
  assert.equal(row.payload.event_ttl, 7);
  const [stored] = sql(server, `SELECT installed, active, installed_by FROM apps WHERE id = ${app.app_id}`);
  assert.deepEqual(stored, { installed: 1, active: 1, installed_by: 1 });
});

test('app install refuses unknown applications and users, and a second install', () => {
  const app = addApp(server, { install: false });
  assert.equal(cliResult(server, 'app', 'install', '999', '--user', '1').code, 1);
  assert.equal(cliResult(server, 'app', 'install', String(app.app_id), '--user', '999').code, 1);
  assert.equal(cliResult(server, 'app', 'install', String(app.app_id), '--user', '0').code, 2);
  assert.equal(cliResult(server, 'app', 'install', '0', '--user', '1').code, 2);
  assert.notEqual(cliResult(server, 'app', 'install', 'abc', '--user', '1').code, 0);
  assert.notEqual(cliResult(server, 'app', 'install', String(app.app_id)).code, 0, '--user is required');
  assert.equal(cliResult(server, 'app', 'install', String(app.app_id), '--user', '1').code, 0);
  const again = cliResult(server, 'app', 'install', String(app.app_id), '--user', '1');
  assert.equal(again.code, 1);
  assert.match(again.json.error, /already installed/);
  assert.equal(outbox(server, 'ONAPPINSTALL').filter((x) => x.app_id === app.app_id).length, 1);
});

test('app update raises VERSION and sends ONAPPUPDATE', () => {
  const app = addApp(server);
  const r = cliResult(server, 'app', 'update', String(app.app_id));
  assert.equal(r.code, 0);
  assert.deepEqual(r.json, { app_id: app.app_id, version: 2 });
  const [row] = outbox(server, 'ONAPPUPDATE').filter((x) => x.app_id === app.app_id);
  assert.deepEqual(row.payload.data,
    { VERSION: '2', ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: 'en', PREVIOUS_VERSION: '1' });
  assert.equal(row.payload.auth_user_id, 1);
  assert.equal(row.payload.send_refresh_token, true);
  assert.equal(cliResult(server, 'app', 'update', String(app.app_id)).json.version, 3);
  const idle = addApp(server, { install: false });
  assert.equal(cliResult(server, 'app', 'update', String(idle.app_id)).code, 1, 'not installed');
  assert.equal(cliResult(server, 'app', 'update', '999').code, 1);
});

test('app uninstall sends ONAPPUNINSTALL without tokens, then removes bindings and revokes tokens', async () => {
  const app = addApp(server, { handler: 'http://127.0.0.1:9/lifecycle' });
  const t = await signIn(server, app);
  await restOk(server, 'event.bind', { event: 'ONAPPTEST', handler: 'http://127.0.0.1:9/test' }, t.access_token);
  await restOk(server, 'event.bind', { event: 'ONAPPUNINSTALL', handler: 'http://127.0.0.1:9/bye' }, t.access_token);
  await restOk(server, 'app.option.set', { options: { k: 'v' } }, t.access_token);
  const r = cliResult(server, 'app', 'uninstall', String(app.app_id));
  assert.equal(r.code, 0);
  assert.deepEqual(r.json, { app_id: app.app_id, uninstalled: true });
  const rows = outbox(server, 'ONAPPUNINSTALL').filter((x) => x.app_id === app.app_id);
  assert.deepEqual(rows.map((x) => x.handler), ['http://127.0.0.1:9/lifecycle', 'http://127.0.0.1:9/bye']);
  for (const row of rows) {
    assert.deepEqual(row.payload.data, { LANGUAGE_ID: 'en', CLEAN: 1 });
    assert.equal(row.payload.auth_user_id, 0, 'ONAPPUNINSTALL carries no tokens');
    assert.equal(row.payload.send_refresh_token, false);
  }
  assert.ok(rows[1].event_handler_id > 0, 'a bound handler gets its binding id');
  assert.equal(sql(server, `SELECT COUNT(*) AS n FROM event_bindings WHERE app_id = ${app.app_id}`)[0].n, 0);
  assert.equal(sql(server, `SELECT COUNT(*) AS n FROM app_options WHERE owner = 'app:${app.app_id}'`)[0].n, 0);
  const [stored] = sql(server, `SELECT installed, active FROM apps WHERE id = ${app.app_id}`);
  assert.deepEqual(stored, { installed: 0, active: 0 });
  assert.equal((await rest(server, 'profile', {}, t.access_token)).status, 401);
  assert.equal(cliResult(server, 'app', 'uninstall', String(app.app_id)).code, 1, 'already uninstalled');
});

test('app uninstall --keep-data sends CLEAN=0 and keeps the options', async () => {
  const app = addApp(server);
  const t = await signIn(server, app);
  await restOk(server, 'app.option.set', { options: { k: 'v' } }, t.access_token);
  assert.equal(cliResult(server, 'app', 'uninstall', String(app.app_id), '--keep-data').code, 0);
  const [row] = outbox(server, 'ONAPPUNINSTALL').filter((x) => x.app_id === app.app_id);
  assert.equal(row.payload.data.CLEAN, 0);
  assert.equal(sql(server, `SELECT COUNT(*) AS n FROM app_options WHERE owner = 'app:${app.app_id}'`)[0].n, 1);
});

test('app list shows applications without secrets', () => {
  const app = addApp(server, { name: 'Listed', scope: 'imbot' });
  const r = cliResult(server, 'app', 'list');
  assert.equal(r.code, 0);
  const item = r.json.apps.find((a) => a.app_id === app.app_id);
  assert.deepEqual(Object.keys(item), ['app_id', 'name', 'client_id', 'handler', 'redirect_uri', 'scope', 'version',
    'installed', 'active', 'installed_by', 'created']);
  assert.equal(item.name, 'Listed');
  assert.deepEqual(item.scope, ['imbot']);
  assert.equal(item.installed, true);
  assert.ok(!JSON.stringify(r.json).includes(app.client_secret));
});

test('an application installed by the CLI while the server runs can sign in at once', async () => {
  const app = addApp(server, { name: 'Late' });
  const t = await signIn(server, app);
  assert.equal((await rest(server, 'profile', {}, t.access_token)).status, 200);
});
