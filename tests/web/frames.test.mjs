// Apps in the messenger (issue 13; protocol-frame.md): an application on loopback whose pages use
// the unmodified B24Frame of @bitrix24/b24jssdk, hosted as an IM_SIDEBAR placement, an IFRAME chat
// app, an IM_TEXTAREA and an IM_NAVIGATION placement — each gets its init data, refreshes its token,
// calls im.message.add on imhub and puts text into the composer. Also a legacy chat app speaking the
// JSON handshake, a JS_METHOD=PUT app, slash-command hints whose command reaches the bot as
// ONIMCOMMANDADD, and a file sent with the picker. Screenshots light and dark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { launch, startMessenger, newPage, signIn, shot } from './browser.mjs';
import { startTestApp } from './test_app.mjs';
import { oauthApp, as } from '../integration/bot_setup.mjs';

const HASH = '0e9c40cee01d6f182e9261b38b30b5c3';
const md5 = (s) => createHash('md5').update(s).digest('hex');
const PW = { ann: 'ann-frames-secret-1', bob: 'bob-frames-secret-1' };
let server, browser, testApp, ann, bob, api, bot, chat, annPage, bobPage;

before(async () => {
  ({ server, users: [ann, bob] } = await startMessenger(
    [
      { name: 'Ann', email: 'ann@example.com', password: PW.ann },
      { name: 'Bob', email: 'bob@example.com', password: PW.bob },
    ],
    { config: '[chat_apps]\nallow_http_iframe = true\n' },
  ));
  testApp = await startTestApp();
  const app = await oauthApp(server, { name: 'Test app', scope: 'im,imbot,placement' });
  api = as(server, app.token);
  const base = testApp.base;
  bot = (await api.ok('imbot.register', {
    CODE: 'framebot', TYPE: 'B', EVENT_HANDLER: `${base}/bot`, PROPERTIES: { NAME: 'Frame bot' },
  })).result;
  chat = `chat${(await server.ok('im.chat.add', { TITLE: 'Frames', USERS: [ann.id, bob.id, bot] })).result}`;
  const chatApp = (code, title, params) => api.ok('imbot.app.register', {
    BOT_ID: bot, CODE: code, CONTEXT: 'ALL', LANG: [{ LANGUAGE_ID: 'en', TITLE: title, DESCRIPTION: `${title} for tests` }], ...params,
  });
  await chatApp('frameapp', 'Frame app', { IFRAME: `${base}/frame?kind=chatapp`, IFRAME_WIDTH: 420, IFRAME_HEIGHT: 220, HASH });
  await chatApp('legacy', 'Legacy app', { IFRAME: `${base}/legacy`, IFRAME_HEIGHT: 60, HASH });
  await chatApp('putter', 'Put app', { JS_METHOD: 'PUT', JS_PARAM: '/echo put' });
  await api.ok('imbot.command.register', {
    BOT_ID: bot, COMMAND: 'echo', EVENT_COMMAND_ADD: `${base}/bot`,
    LANG: [{ LANGUAGE_ID: 'en', TITLE: 'Echo the text back', PARAMS: 'text' }],
  });
  const bind = (placement, kind, title, options) => api.ok('placement.bind', {
    PLACEMENT: placement, HANDLER: `${base}/frame?kind=${kind}`, LANG_ALL: { en: { TITLE: title } }, OPTIONS: options,
  });
  await bind('IM_SIDEBAR', 'sidebar', 'Sidebar app', { iconName: 'fa-bug', color: 'AQUA' });
  await bind('IM_TEXTAREA', 'textarea', 'Textarea app', { iconName: 'fa-bars', height: 160 });
  await bind('IM_NAVIGATION', 'navigation', 'Navigation app', { iconName: 'fa-check', color: 'PURPLE' });
  await bind('IM_SMILES_SELECTOR', 'smiles', 'Stickers', {});
  await bind('IM_CONTEXT_MENU', 'contextmenu', 'Task from message', { context: 'CHAT' });

  browser = await launch();
  annPage = await newPage(browser, server);
  bobPage = await newPage(browser, server, { dark: true });
  await signIn(annPage, 'ann@example.com', PW.ann);
  await signIn(bobPage, 'bob@example.com', PW.bob);
});
after(async () => {
  await browser?.close();
  await testApp?.close();
  await server?.cleanup();
});

const messages = (page) => page.getByTestId('messages');
const composer = (page) => page.getByTestId('composer');

// The JSON the test app shows in #result once it is done (or failed).
async function appResult(frame) {
  const result = frame.locator('#result');
  await result.filter({ hasText: /"done":true|"error"/ }).waitFor({ timeout: 20000 });
  const out = JSON.parse(await result.innerText());
  assert.equal(out.error, undefined, `the app failed: ${out.error}`);
  return out;
}

async function lastMessage(dialogId) {
  return (await server.ok('im.dialog.messages.get', { DIALOG_ID: dialogId, LIMIT: 1 })).result;
}

test('an IM_SIDEBAR placement on B24Frame: init data, token refresh, im.message.add, composer text', async () => {
  await annPage.goto(`/online/?IM_DIALOG=${chat}`);
  await annPage.getByRole('button', { name: 'Sidebar app' }).click();
  const frame = annPage.frameLocator('[data-test=sidebar-panel] iframe');
  const out = await appResult(frame);
  assert.equal(out.placement, 'IM_SIDEBAR');
  assert.equal(out.options.dialogId, chat);
  assert.match(out.options.URI, /^\/online\//);
  assert.equal(out.hadAuth, true);
  assert.equal(out.refreshed, true, 'refreshAuth brought a new token');
  assert.equal(typeof out.messageId, 'number');
  assert.equal(out.put, true);
  assert.equal(out.read, 'typed by the sidebar', 'im:getImTextareaContent reads what im:setImTextareaContent put');

  // The message the app posted with its token is Ann's, and shows live in both browsers.
  await messages(annPage).getByText('Hello from the sidebar (IM_SIDEBAR)').waitFor();
  const last = await lastMessage(chat);
  assert.deepEqual([last.messages[0].id, last.messages[0].author_id], [out.messageId, ann.id]);
  assert.equal(await composer(annPage).inputValue(), 'typed by the sidebar');
  await bobPage.goto(`/online/?IM_DIALOG=${chat}`);
  await messages(bobPage).getByText('Hello from the sidebar (IM_SIDEBAR)').waitFor();

  // The first load: the documented POST (protocol-frame.md §1.2) into a frame named host|0|APP_SID.
  const post = testApp.requests.find((r) => r.method === 'POST' && r.query.kind === 'sidebar');
  const host = new URL(server.base).host;
  assert.deepEqual({ ...post.query, APP_SID: 'x' }, { kind: 'sidebar', DOMAIN: host, PROTOCOL: '0', LANG: 'en', APP_SID: 'x' });
  assert.match(post.query.APP_SID, /^[0-9a-f]{32}$/);
  assert.equal(out.name, `${host}|0|${post.query.APP_SID}`);
  const body = post.body;
  assert.ok(body.AUTH_ID && body.REFRESH_ID, JSON.stringify(body));
  assert.ok(Number(body.AUTH_EXPIRES) > 3500 && Number(body.AUTH_EXPIRES) <= 3600, body.AUTH_EXPIRES);
  assert.equal(body.status, 'L');
  assert.equal(typeof body.member_id, 'string');
  assert.equal(body.PLACEMENT, 'IM_SIDEBAR');
  assert.deepEqual(Object.keys(JSON.parse(body.PLACEMENT_OPTIONS)).sort(), ['URI', 'dialogId']);
  await shot(annPage, 'frames-sidebar-light');
});

test('an IFRAME chat app on B24Frame: signed launch parameters, then the frame protocol', async () => {
  await composer(annPage).fill('');
  await annPage.getByTestId('composer-apps-menu').click();
  await shot(annPage, 'frames-apps-menu-light');
  await annPage.getByRole('menuitem', { name: 'Frame app' }).click();
  const frame = annPage.frameLocator('[data-test=composer-panel] [data-test=chat-app-frame]');
  const out = await appResult(frame);
  assert.equal(out.placement, 'DEFAULT');
  assert.equal(out.options.dialogId, chat);
  assert.equal(out.options.CONTEXT, 'textarea');
  assert.equal(out.refreshed, true);
  await messages(annPage).getByText('Hello from the chatapp (DEFAULT)').waitFor();
  await shot(annPage, 'frames-chat-app-light');

  // The GET of spec 002 "Create IFRAME-processor", checkable with the app's HASH.
  const get = testApp.requests.find((r) => r.method === 'GET' && r.query.kind === 'chatapp');
  const q = get.query;
  assert.equal(q.BOT_ID, String(bot));
  assert.equal(q.BOT_CODE, 'framebot');
  assert.equal(q.APP_CODE, 'frameapp');
  assert.equal(q.USER_ID, String(ann.id));
  assert.equal(q.DIALOG_ID, chat);
  assert.equal(q.CONTEXT, 'textarea');
  assert.equal(q.DOMAIN_HASH, md5(new URL(q.DOMAIN).hostname + HASH));
  assert.equal(q.USER_HASH, md5(String(ann.id) + HASH));
  assert.equal(get.referer, `${server.base}/`, 'the app can check the Referer');
  await annPage.getByTestId('composer-panel-close').click();
});

test('a legacy chat app puts text through the JSON handshake; a JS_METHOD=PUT app puts its command', async () => {
  await composer(annPage).fill('');
  await annPage.getByTestId('composer-apps-menu').click();
  await annPage.getByRole('menuitem', { name: 'Legacy app' }).click();
  await annPage.waitForFunction(() => document.querySelector('[data-test=composer]').value === '/echo from the legacy app');
  await annPage.getByTestId('composer-panel-close').click();

  await composer(annPage).fill('');
  await annPage.getByTestId('composer-apps-menu').click();
  await annPage.getByRole('menuitem', { name: 'Put app' }).click();
  await annPage.waitForFunction(() => document.querySelector('[data-test=composer]').value === '/echo put');
  await composer(annPage).fill('');
});

test('slash-command hints: "/" lists the bot\'s commands, the chosen one reaches the bot as ONIMCOMMANDADD', async () => {
  await composer(annPage).fill('');
  await composer(annPage).pressSequentially('/ec');
  const hint = annPage.getByTestId('command-hint').filter({ hasText: '/echo' });
  await hint.waitFor();
  assert.match(await hint.innerText(), /\/echo\s+text\s+— Echo the text back/);
  await shot(annPage, 'frames-command-hints-light');
  await composer(annPage).press('Enter');
  assert.equal(await composer(annPage).inputValue(), '/echo ');
  await annPage.getByTestId('command-hints').waitFor({ state: 'detached' });
  await composer(annPage).pressSequentially('hello bot');
  await composer(annPage).press('Enter');
  await messages(annPage).getByText('/echo hello bot').waitFor();
  const deadline = Date.now() + 10000;
  let event;
  while (!event && Date.now() < deadline) {
    event = testApp.events.find((e) => e.event === 'ONIMCOMMANDADD');
    if (!event) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(event, 'ONIMCOMMANDADD was delivered');
  const field = (suffix) => Object.entries(event).find(([k]) => k.startsWith('data[COMMAND]') && k.endsWith(suffix))?.[1];
  assert.equal(field('[COMMAND]'), 'echo');
  assert.equal(field('[COMMAND_PARAMS]'), 'hello bot');
  assert.equal(field('[COMMAND_CONTEXT]'), 'TEXTAREA');
});

// The files of the dialog's last `n` messages, by name.
async function lastFiles(n) {
  const r = (await server.ok('im.dialog.messages.get', { DIALOG_ID: chat, LIMIT: n })).result;
  const files = Array.isArray(r.files) ? r.files : Object.values(r.files);
  return r.messages.map((m) => {
    assert.equal(m.author_id, ann.id);
    return files.find((f) => Number(f.id) === Number(m.params.FILE_ID[0])).name;
  });
}

test('files sent with the picker, by drag-and-drop and by paste show in the dialog', async () => {
  const before = await annPage.getByTestId('message').count();
  await annPage.getByTestId('file-input').setInputFiles({
    name: 'report.txt', mimeType: 'text/plain', buffer: Buffer.from('quarterly numbers\n'),
  });
  await annPage.getByTestId('uploads').waitFor({ state: 'detached', timeout: 15000 });
  await annPage.waitForFunction((n) => document.querySelectorAll('[data-test=message]').length > n, before);
  assert.deepEqual(await lastFiles(1), ['report.txt']);
  await messages(annPage).getByText('report.txt').waitFor();
  await shot(annPage, 'frames-file-light');

  // A drop onto the composer and a paste into the text field (what a browser hands the page).
  await annPage.evaluate(() => {
    const file = (name, text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: 'text/plain' }));
      return dt;
    };
    const form = document.querySelector('[data-test=composer-form]');
    const dropped = file('dropped.txt', 'dropped');
    form.dispatchEvent(new DragEvent('dragover', { dataTransfer: dropped, bubbles: true, cancelable: true }));
    form.dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true }));
  });
  await annPage.waitForFunction((n) => document.querySelectorAll('[data-test=message]').length > n, before + 1);
  await annPage.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['pasted'], 'pasted.txt', { type: 'text/plain' }));
    document.querySelector('[data-test=composer]').dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  await annPage.waitForFunction((n) => document.querySelectorAll('[data-test=message]').length > n, before + 2);
  await annPage.getByTestId('uploads').waitFor({ state: 'detached', timeout: 15000 });
  assert.deepEqual((await lastFiles(2)).sort(), ['dropped.txt', 'pasted.txt']);
  await messages(annPage).getByText('dropped.txt').waitFor();
  await messages(annPage).getByText('pasted.txt').waitFor();
  assert.equal(await composer(annPage).inputValue(), '', 'a pasted file is not pasted as text');
});

test('IM_TEXTAREA, IM_SMILES_SELECTOR and IM_NAVIGATION placements open with their context', async () => {
  await annPage.getByTestId('composer-apps-menu').click();
  await annPage.getByRole('menuitem', { name: 'Textarea app' }).click();
  const textarea = await appResult(annPage.frameLocator('[data-test=composer-panel] [data-test=placement-frame]'));
  assert.equal(textarea.placement, 'IM_TEXTAREA');
  assert.equal(textarea.options.dialogId, chat);
  await messages(annPage).getByText('Hello from the textarea (IM_TEXTAREA)').waitFor();
  await shot(annPage, 'frames-textarea-light');
  await annPage.getByTestId('composer-panel-close').click();

  await annPage.getByTestId('smiles-placements').click();
  const smiles = await appResult(annPage.frameLocator('[data-test=composer-panel] [data-test=placement-frame]'));
  assert.equal(smiles.placement, 'IM_SMILES_SELECTOR');
  assert.deepEqual(smiles.options, { dialogId: chat });
  await annPage.getByTestId('composer-panel-close').click();

  await annPage.getByRole('button', { name: 'Navigation app' }).click();
  const nav = await appResult(annPage.frameLocator('[data-test=app-window] [data-test=placement-frame]'));
  assert.equal(nav.placement, 'IM_NAVIGATION');
  assert.deepEqual(Object.keys(nav.options), ['URI'], 'no chat context for navigation');
  assert.equal(nav.messageId, undefined);
  await shot(annPage, 'frames-navigation-light');
  await annPage.getByTestId('app-window-close').click();
});

test('IM_CONTEXT_MENU: the message menu\'s "Create from" item opens the app with the message\'s id', async () => {
  const id = (await server.ok('im.message.add', { DIALOG_ID: chat, MESSAGE: 'Turn this into a task' })).result;
  const msg = messages(annPage).locator(`[data-test=message][data-message-id="${id}"]`);
  await msg.waitFor();
  await msg.hover();
  await msg.getByTestId('message-menu').click();
  const item = annPage.getByRole('menuitem', { name: 'Task from message' });
  await item.waitFor();
  await annPage.getByText('Create from').waitFor();
  await annPage.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  await shot(annPage, 'frames-context-menu-light');
  await item.click();
  const out = await appResult(annPage.frameLocator('[data-test=app-window] [data-test=placement-frame]'));
  assert.equal(out.placement, 'IM_CONTEXT_MENU');
  assert.equal(out.options.dialogId, chat);
  assert.equal(Number(out.options.messageId), id);
  assert.match(out.options.URI, /^\/online\//);
  assert.equal(out.refreshed, true);
  await messages(annPage).getByText('Hello from the contextmenu (IM_CONTEXT_MENU)').waitFor();
  const post = testApp.requests.find((r) => r.method === 'POST' && r.query.kind === 'contextmenu');
  assert.equal(post.body.PLACEMENT, 'IM_CONTEXT_MENU');
  assert.deepEqual(JSON.parse(post.body.PLACEMENT_OPTIONS).messageId, id);
  await annPage.getByTestId('app-window-close').click();

  // Not offered in a private dialog: the binding's context is CHAT.
  const bobHook = server.cli('webhook', 'add', '--user', String(bob.id), '--scope', 'im').webhook;
  const mine = (await server.ok('im.message.add', { DIALOG_ID: String(ann.id), MESSAGE: 'just us' }, { webhook: bobHook })).result;
  await annPage.goto(`/online/?IM_DIALOG=${bob.id}`);
  const private_ = messages(annPage).locator(`[data-test=message][data-message-id="${mine}"]`);
  await private_.hover();
  await private_.getByTestId('message-menu').click();
  await annPage.getByRole('menuitem', { name: 'Quote' }).waitFor();
  await annPage.waitForTimeout(500); // the placements of the dialog have been asked for meanwhile
  assert.equal(await annPage.getByRole('menuitem', { name: 'Task from message' }).count(), 0);
  await annPage.keyboard.press('Escape');
});

test('dark theme and phone width: the sidebar app and the command hints', async () => {
  await bobPage.getByRole('button', { name: 'Sidebar app' }).click();
  await appResult(bobPage.frameLocator('[data-test=sidebar-panel] iframe'));
  await shot(bobPage, 'frames-sidebar-dark');
  await composer(bobPage).fill('');
  await composer(bobPage).pressSequentially('/');
  await bobPage.getByTestId('command-hint').first().waitFor();
  await shot(bobPage, 'frames-command-hints-dark');
  await composer(bobPage).fill('');

  const phone = await newPage(browser, server, { phone: true });
  await signIn(phone, 'ann@example.com', PW.ann);
  await phone.goto(`/online/?IM_DIALOG=${chat}`);
  await phone.getByRole('button', { name: 'Sidebar app' }).click();
  await appResult(phone.frameLocator('[data-test=sidebar-panel] iframe'));
  await shot(phone, 'frames-sidebar-phone');
  await phone.context().close();
});
