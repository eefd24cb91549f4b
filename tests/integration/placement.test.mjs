// placement.bind / unbind / get / list for the IM_* placements (spec 002 "Application for New Chat
// Design"; the platform's Rest\Api\Placement and Im\V2\Marketplace\RegistrationValidator).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { restFails, signIn } from './oauth_client.mjs';
import { db, oauthApp, as } from './bot_setup.mjs';

let server, app, api, annToken;
const H = 'https://example.com/apps/immarket/handlers/';

before(async () => {
  server = await startServer();
  const ann = server.cli('user', 'add', '--name', 'Ann').user_id;
  const annHook = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'im').webhook;
  app = await oauthApp(server, { name: 'Immarket', scope: 'im,placement' });
  annToken = (await signIn(server, app, annHook)).access_token;
  api = as(server, app.token);
});
after(async () => { await server.cleanup(); });

const fails = (params, error, description, status = 400) =>
  restFails(server, 'placement.bind', params, app.token, status, error, description);
const bind = async (params) => (await api.ok('placement.bind', params)).result;
const get = async () => (await api.ok('placement.get')).result;
const find = async (placement, handler) => (await get()).find((p) => p.placement === placement && p.handler === handler);

test('placement.bind for every IM_* placement: the documented examples, with defaults filled in', async () => {
  assert.equal(await bind({
    PLACEMENT: 'IM_NAVIGATION', HANDLER: `${H}navigation.php`,
    LANG_ALL: { en: { TITLE: 'Application for the left navigation menu' } },
    OPTIONS: { iconName: 'fa-check', role: 'USER', extranet: 'N', context: 'ignored here' },
  }), true);
  assert.equal(await bind({
    PLACEMENT: 'IM_TEXTAREA', HANDLER: `${H}textarea.php`, LANG_ALL: { en: { TITLE: 'Panel' } },
    OPTIONS: { iconName: 'fa-bars', context: 'USER;CHAT', role: 'USER', color: 'GRAPHITE', width: '200',
      height: '100', extranet: 'N' },
  }), true);
  assert.equal(await bind({
    PLACEMENT: 'im_sidebar', HANDLER: `${H}sidebar.php`, TITLE: 'Sidebar app',
    OPTIONS: { iconName: 'fa-bug', context: 'USER;LINES', role: 'ADMIN', color: 'AQUA' },
  }), true);
  assert.equal(await bind({ PLACEMENT: 'IM_CONTEXT_MENU', HANDLER: `${H}context_menu.php`,
    OPTIONS: { context: 'USER;CHAT' } }), true);
  assert.equal(await bind({ PLACEMENT: 'IM_SMILES_SELECTOR', HANDLER: `${H}smiles_selector.php`,
    OPTIONS: { context: 'USER;LINES', role: 'USER', extranet: 'Y' } }), true);

  const nav = await find('IM_NAVIGATION', `${H}navigation.php`);
  assert.deepEqual(nav, {
    placement: 'IM_NAVIGATION', userId: 0, handler: `${H}navigation.php`,
    options: { iconName: 'fa-check', extranet: 'N', role: 'USER' },
    title: 'Application for the left navigation menu', description: '',
    langAll: { en: { TITLE: 'Application for the left navigation menu', DESCRIPTION: '', GROUP_NAME: '' } },
  });
  const textarea = await find('IM_TEXTAREA', `${H}textarea.php`);
  assert.deepEqual(textarea.options, { iconName: 'fa-bars', extranet: 'N', context: 'USER;CHAT', role: 'USER',
    color: 'GRAPHITE', width: 200, height: 100 });
  const sidebar = await find('IM_SIDEBAR', `${H}sidebar.php`);
  assert.equal(sidebar.title, 'Sidebar app');
  assert.deepEqual(sidebar.langAll, { en: { TITLE: 'Sidebar app' } });
  assert.deepEqual((await find('IM_CONTEXT_MENU', `${H}context_menu.php`)).options,
    { extranet: 'N', context: 'USER;CHAT', role: 'USER' });
  const smiles = await find('IM_SMILES_SELECTOR', `${H}smiles_selector.php`);
  assert.deepEqual(smiles.options, { extranet: 'Y', role: 'USER', context: 'USER;LINES' });
  assert.equal(smiles.title, 'Immarket', 'without any title the application name stands in');
});

test('placement.bind: OPTIONS checks per placement (RegistrationValidator codes)', async () => {
  const base = { PLACEMENT: 'IM_TEXTAREA', HANDLER: `${H}t2.php` };
  await fails({ ...base, OPTIONS: {} }, 'EMPTY_ERROR_ICON_NAME', 'Field iconName is empty.');
  await fails({ ...base, OPTIONS: { iconName: 'x'.repeat(51) } }, 'INVALID_ERROR_ICON_NAME');
  await fails({ ...base, OPTIONS: { iconName: '123' } }, 'INVALID_ERROR_ICON_NAME', 'Field iconName is invalid.');
  await fails({ ...base, OPTIONS: { iconName: 'fa-x', extranet: 'yes' } }, 'INVALID_ERROR_EXTRANET');
  await fails({ ...base, OPTIONS: { iconName: 'fa-x', context: 'USER;BOGUS' } }, 'INVALID_ERROR_CONTEXT',
    'Field context is invalid.');
  await fails({ ...base, OPTIONS: { iconName: 'fa-x', context: 'user' } }, 'INVALID_ERROR_CONTEXT');
  await fails({ ...base, OPTIONS: { iconName: 'fa-x', role: 'OWNER' } }, 'INVALID_ERROR_ROLE');
  await fails({ ...base, OPTIONS: { iconName: 'fa-x', color: 'NEON' } }, 'INVALID_ERROR_COLOR');
  await fails({ ...base, OPTIONS: { iconName: 'fa-x', width: -1 } }, 'INVALID_ERROR_WIDTH');
  await fails({ ...base, OPTIONS: { iconName: 'fa-x', height: '-5' } }, 'INVALID_ERROR_HEIGHT');
  // Several wrong: the last check reports, as on the platform.
  await fails({ ...base, OPTIONS: { role: 'OWNER' } }, 'INVALID_ERROR_ROLE');
  // Each placement checks only its own options.
  await fails({ PLACEMENT: 'IM_NAVIGATION', HANDLER: `${H}n2.php`, OPTIONS: { role: 'x', iconName: 'fa-a' } },
    'INVALID_ERROR_ROLE');
  assert.equal(await bind({ PLACEMENT: 'IM_NAVIGATION', HANDLER: `${H}n3.php`,
    OPTIONS: { iconName: 'fa-a', color: 'NEON', width: -1 } }), true);
  await fails({ PLACEMENT: 'IM_SIDEBAR', HANDLER: `${H}s2.php`, OPTIONS: {} }, 'EMPTY_ERROR_ICON_NAME');
  await fails({ PLACEMENT: 'IM_CONTEXT_MENU', HANDLER: `${H}c2.php`, OPTIONS: { context: 'CRM;X' } },
    'INVALID_ERROR_CONTEXT');
  await fails({ PLACEMENT: 'IM_SMILES_SELECTOR', HANDLER: `${H}m2.php`, OPTIONS: { extranet: 'maybe' } },
    'INVALID_ERROR_EXTRANET');
  assert.equal(db(server, `SELECT COUNT(*) AS n FROM app_placements WHERE handler LIKE '%2.php'`)[0].n, 0);
});

test('placement.bind: arguments, handler URL, unknown placements, duplicates', async () => {
  const missing = await fails({ HANDLER: `${H}x.php` }, 'ERROR_ARGUMENT', "Argument 'PLACEMENT' is null or empty");
  assert.equal(missing.argument, 'PLACEMENT');
  assert.equal((await fails({ PLACEMENT: 'IM_SIDEBAR' }, 'ERROR_ARGUMENT')).argument, 'HANDLER');
  assert.equal((await fails({ PLACEMENT: 'DEFAULT', HANDLER: `${H}x.php` }, 'ERROR_ARGUMENT', 'Wrong value')).argument,
    'PLACEMENT');
  await fails({ PLACEMENT: 'CRM_LEAD_DETAIL_TAB', HANDLER: `${H}x.php` }, 'ERROR_PLACEMENT_NOT_FOUND',
    'Placement not found');
  await fails({ PLACEMENT: 'IM_SIDEBAR', HANDLER: 'ftp://example.com/x' }, 'ERROR_UNSUPPORTED_PROTOCOL');
  await fails({ PLACEMENT: 'IM_SIDEBAR', HANDLER: 'http://localhost/x' }, 'ERROR_WRONG_HANDLER_URL');
  await fails({ PLACEMENT: 'IM_SIDEBAR', HANDLER: `${H}u.php`, USER_ID: 1, OPTIONS: { iconName: 'fa-u' } },
    'ERROR_PLACEMENT_USER_MODE', 'User mode is not available.');
  const params = { PLACEMENT: 'IM_SIDEBAR', HANDLER: `${H}dup.php`, OPTIONS: { iconName: 'fa-d' } };
  assert.equal(await bind(params), true);
  await fails(params, 'ERROR_CORE', 'Unable to set placement handler: Handler already binded');
});

test('placement.* need an application administrator', async () => {
  for (const method of ['placement.bind', 'placement.unbind', 'placement.get', 'placement.list']) {
    const r = await server.call(method, { PLACEMENT: 'IM_SIDEBAR', HANDLER: `${H}w.php` });
    assert.equal(r.status, 403, method);
    assert.equal(r.body.error, 'WRONG_AUTH_TYPE');
    assert.equal(r.body.error_description,
      'Current authorization type is denied for this method Application context required');
  }
  for (const method of ['placement.bind', 'placement.unbind', 'placement.get']) {
    await restFails(server, method, { PLACEMENT: 'IM_SIDEBAR', HANDLER: `${H}w.php`, OPTIONS: { iconName: 'fa' } },
      annToken, 403, 'ACCESS_DENIED', 'Access denied!');
  }
  // placement.list only needs the application context.
  assert.equal((await as(server, annToken).ok('placement.list')).result.length, 5);
});

test('placement.list: the IM_* placements of the global scope', async () => {
  assert.deepEqual((await api.ok('placement.list')).result,
    ['IM_CONTEXT_MENU', 'IM_NAVIGATION', 'IM_TEXTAREA', 'IM_SIDEBAR', 'IM_SMILES_SELECTOR']);
  assert.deepEqual((await api.ok('placement.list', { SCOPE: 'crm' })).result, []);
  assert.equal((await api.ok('placement.list', { FULL: true })).result.length, 5);
});

test('placement.unbind: by handler or all of a placement; count is 2 per removed handler', async () => {
  for (const h of ['a.php', 'b.php', 'c.php'])
    await bind({ PLACEMENT: 'IM_CONTEXT_MENU', HANDLER: `${H}unbind/${h}` });
  assert.deepEqual((await api.ok('placement.unbind', { PLACEMENT: 'IM_CONTEXT_MENU', HANDLER: `${H}unbind/a.php` }))
    .result, { count: 2 });
  assert.deepEqual((await api.ok('placement.unbind', { PLACEMENT: 'IM_CONTEXT_MENU', HANDLER: `${H}unbind/a.php` }))
    .result, { count: 0 });
  const before = (await get()).filter((p) => p.placement === 'IM_CONTEXT_MENU').length;
  assert.deepEqual((await api.ok('placement.unbind', { PLACEMENT: 'im_context_menu' })).result,
    { count: 2 * before });
  assert.equal((await get()).filter((p) => p.placement === 'IM_CONTEXT_MENU').length, 0);
  assert.deepEqual((await api.ok('placement.unbind', { PLACEMENT: 'CRM_LEAD_DETAIL_TAB' })).result, { count: 0 });
  const r = await restFails(server, 'placement.unbind', { PLACEMENT: ['IM_SIDEBAR'] }, app.token, 400,
    'ERROR_ARGUMENT', "The value of an argument 'PLACEMENT' must be of type string");
  assert.equal(r.argument, 'PLACEMENT');
  await restFails(server, 'placement.unbind', {}, app.token, 400, 'ERROR_ARGUMENT',
    "Argument 'PLACEMENT' is null or empty");
});

test('placements belong to their application and go with its uninstall', async () => {
  const temp = await oauthApp(server, { name: 'Temp', scope: 'placement' });
  await as(server, temp.token).ok('placement.bind', { PLACEMENT: 'IM_SIDEBAR', HANDLER: `${H}temp.php`,
    OPTIONS: { iconName: 'fa-t' } });
  assert.equal((await as(server, temp.token).ok('placement.get')).result.length, 1);
  assert.equal((await get()).some((p) => p.handler === `${H}temp.php`), false, 'not in another app\'s list');
  server.cli('app', 'uninstall', String(temp.app_id));
  assert.equal(db(server, `SELECT COUNT(*) AS n FROM app_placements WHERE app_id = ${temp.app_id}`)[0].n, 0);
});
