// What a message shows and what can be done with it, in a real Chromium against the real binary:
// a webhook bot on loopback sends BB-codes, an ATTACH of several block types (GRID included) and a
// KEYBOARD; the page renders them; a COMMAND button reaches the bot's handler as ONIMCOMMANDADD
// with its COMMAND and COMMAND_PARAMS; PUT fills the composer, SEND sends; the user edits, deletes
// and likes messages. Screenshots (light and dark, desktop and phone) go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { startMessenger, launch, newPage, signIn, shot } from './browser.mjs';
import { Sink, until } from '../integration/sink.mjs';
import { storeSql } from '../integration/harness.mjs';

const CLIENT = 'render';
const QUOTE = '-'.repeat(54);

// --- A small PNG, so image blocks have something to show (no network here) ----------------------

function crc32(buf) {
  let c;
  const table = crc32.table ??= Array.from({ length: 256 }, (_, n) => {
    c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const b of buf) crc = table[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
function png(width, height, [r1, g1, b1], [r2, g2, b2]) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const t = (x + y) / (width + height);
      const o = y * (width * 3 + 1) + 1 + x * 3;
      raw[o] = r1 + (r2 - r1) * t;
      raw[o + 1] = g1 + (g2 - g1) * t;
      raw[o + 2] = b1 + (b2 - b1) * t;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// --- Setup --------------------------------------------------------------------------------------

let server, sink, browser;
let alice, aliceHook, bot, pageCmd, menuCmd;
const ALICE = { name: 'Alice Render', email: 'alice@example.com', password: 'alice-pass-1' };

const IMG = png(160, 100, [32, 102, 176], [170, 195, 55]);
const AVATAR = png(48, 48, [223, 83, 45], [232, 164, 65]);

before(async () => {
  sink = await new Sink((r) => {
    if (r.path.startsWith('/img/')) return { status: 200, headers: { 'Content-Type': 'image/png' }, body: r.path.includes('avatar') ? AVATAR : IMG };
    return 200;
  }).start();
  // The bot's handler is on loopback: let imhub deliver there.
  ({ server, users: [alice] } = await startMessenger([ALICE], { config: '[events]\nallow_private = true\n' }));
  aliceHook = server.cli('webhook', 'add', '--user', String(alice.id), '--scope', 'im,disk').webhook;
  bot = (await server.ok('imbot.register', { CODE: 'renderbot', TYPE: 'B', EVENT_HANDLER: `${sink.url}bot`,
    PROPERTIES: { NAME: 'Render Bot', COLOR: 'AQUA' }, CLIENT_ID: CLIENT })).result;
  const command = (name) => server.ok('imbot.command.register', { BOT_ID: bot, COMMAND: name, HIDDEN: 'Y',
    EVENT_COMMAND_ADD: `${sink.url}cmd`, LANG: [{ LANGUAGE_ID: 'en', TITLE: name }], CLIENT_ID: CLIENT });
  pageCmd = (await command('page')).result;
  menuCmd = (await command('more')).result;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await sink?.stop();
  await server?.cleanup();
});

const img = (name) => `${sink.url}img/${name}.png`;

async function botSays(params) {
  return (await server.ok('imbot.message.add', { BOT_ID: bot, DIALOG_ID: String(alice.id), CLIENT_ID: CLIENT, ...params })).result;
}

const RICH_TEXT = [
  '[B]Bold[/B], [I]italic[/I], [U]underlined[/U], [S]struck[/S] and [size=20]big[/size] [color=#df532d]red[/color].',
  'A link: [URL=https://example.com/docs]the docs[/URL], bare https://example.org/page, [URL=javascript:alert(1)]not a link[/URL].',
  '[SEND=Yes please]Answer yes[/SEND] or [PUT=/search ]search…[/PUT]; call [CALL=+15550100]the office[/CALL].',
  '>>A quoted line',
  '[CODE]const x = [b]not bold[/b];[/CODE]',
  `${QUOTE}\nJohn Doe [08.04.2016 13:06:49]\nHello everyone!\n${QUOTE}`,
  '<img src=x onerror="window.__pwned=1"> stays text [ATTACH=1] and after it',
].join('\n');

const ATTACH = {
  ID: 1,
  COLOR: '#29619b',
  BLOCKS: [
    { USER: { NAME: 'Mantis Notifications', AVATAR: null, LINK: 'https://example.com/mantis' } },
    { LINK: { NAME: 'Ticket #12345: new IM module API', DESC: 'Need this done before the release!', LINK: 'https://example.com/t/12345', PREVIEW: null } },
    { DELIMITER: { SIZE: 200, COLOR: '#c6c6c6' } },
    { GRID: [
      { NAME: 'Project', VALUE: 'BUGS', DISPLAY: 'LINE', WIDTH: 100 },
      { NAME: 'Priority', VALUE: 'High', COLOR: '#df532d', DISPLAY: 'LINE', WIDTH: 100 },
      { NAME: 'Summary', VALUE: 'Structured [B]attachments[/B] in messages', DISPLAY: 'BLOCK' },
      { NAME: 'Assigned to', VALUE: 'Evgeniy', DISPLAY: 'ROW', WIDTH: 100 },
      { NAME: 'Deadline', VALUE: '04.11.2015 17:50', DISPLAY: 'ROW', WIDTH: 100 },
      { NAME: 'Build', VALUE: '16.0.0', DISPLAY: 'TABLE' },
      { NAME: 'Status', VALUE: 'tested', DISPLAY: 'TABLE' },
    ] },
    { MESSAGE: 'API will be accessible in the [B]im 16.0.0[/B] update' },
    { IMAGE: [{ NAME: 'Mantis', LINK: 'IMG', PREVIEW: 'IMG' }] },
    { FILE: [{ NAME: 'report.pdf', LINK: 'https://example.com/report.pdf', SIZE: 1500000 }] },
    { HTML: '<b>Safe</b> <a href="https://example.com/h">html</a><script>window.__pwned=2</script><img src=x onerror="window.__pwned=3"><a href="javascript:alert(1)">js</a>' },
  ],
};

function attach() {
  const a = structuredClone(ATTACH);
  const block = (key) => a.BLOCKS.find((b) => key in b)[key];
  block('USER').AVATAR = img('avatar');
  block('LINK').PREVIEW = img('preview');
  block('IMAGE')[0].LINK = img('full');
  block('IMAGE')[0].PREVIEW = img('preview');
  return a;
}

const KEYBOARD = [
  { TEXT: 'Next page', COMMAND: 'page', COMMAND_PARAMS: '2', DISPLAY: 'LINE', BG_COLOR: '#29619b', TEXT_COLOR: '#ffffff' },
  { TEXT: 'Put /search', ACTION: 'PUT', ACTION_VALUE: '/search ', DISPLAY: 'LINE' },
  { TEXT: 'Say hello', ACTION: 'SEND', ACTION_VALUE: 'Hello from a button', DISPLAY: 'LINE' },
  { TYPE: 'NEWLINE' },
  { TEXT: 'Copy code', ACTION: 'COPY', ACTION_VALUE: 'X-42', DISPLAY: 'LINE' },
  { TEXT: 'Call', ACTION: 'CALL', ACTION_VALUE: '+15550100', DISPLAY: 'LINE' },
  { TEXT: 'Open site', LINK: 'https://example.com/', DISPLAY: 'LINE' },
  { TEXT: 'Disabled', COMMAND: 'page', COMMAND_PARAMS: '0', DISABLED: 'Y', DISPLAY: 'LINE' },
  { TEXT: 'Full width, blocks the keyboard', COMMAND: 'page', COMMAND_PARAMS: '3', BLOCK: 'Y', DISPLAY: 'BLOCK', BG_COLOR: '#aac337' },
  { TEXT: 'Only on phones', ACTION: 'PUT', ACTION_VALUE: 'x', CONTEXT: 'MOBILE' },
];

const MENU = [
  { TEXT: 'More like this', COMMAND: 'more', COMMAND_PARAMS: 'similar' },
  { TEXT: 'Put from menu', ACTION: 'PUT', ACTION_VALUE: 'from the menu' },
];

async function openBotDialog(page) {
  await page.goto(`/online/?IM_DIALOG=${bot}`);
  await page.getByTestId('dialog').waitFor();
  await live(page);
}

// Push is connected (the header's status line is gone): what the server does from now on
// reaches the page. (What happens between a dialog's first page and the push connection is not
// fetched again by the client yet.)
async function live(page) {
  await page.getByTestId('pull-status').waitFor({ state: 'detached' });
}

// A menu item acts once the menu has closed: wait for the composer to show its text.
async function composerHas(page, text) {
  await page.waitForFunction((t) => document.querySelector('[data-test="composer"]').value === t, text);
}

const commandEvents = () => sink.requests.filter((r) => r.path.startsWith('/cmd') && r.form.event === 'ONIMCOMMANDADD');

// --- Tests --------------------------------------------------------------------------------------

test('a bot message: BB-codes, ATTACH blocks with GRID, a KEYBOARD — rendered safely', async () => {
  const id = await botSays({ MESSAGE: RICH_TEXT, ATTACH: attach(), KEYBOARD, MENU });
  for (const [dark, phone, name] of [[false, false, 'messages-light'], [true, false, 'messages-dark'], [false, true, 'messages-phone']]) {
    const page = await newPage(browser, server, { dark, phone });
    // At a phone's width the open dialog hides the recent list sign-in waits for: open it after.
    await signIn(page, ALICE.email, ALICE.password);
    await page.mouse.move(0, 0);
    await openBotDialog(page);
    const msg = page.locator(`[data-message-id="${id}"]`);
    await msg.waitFor();
    // The actions menu (the UI kit's dropdown) is not part of the first load: it comes when the
    // pointer or the focus first reaches a message.
    const loaded = (part) => page.evaluate((p) => performance.getEntriesByType('resource').some((r) => r.name.includes(p)), part);
    assert.equal(await loaded('/MessageMenu-'), false, 'the menu chunk waits for a message to be reached');
    if (!phone) {
      await msg.hover();
      await page.waitForFunction(() => performance.getEntriesByType('resource').some((r) => r.name.includes('/MessageMenu-')));
    }
    const text = msg.getByTestId('message-text');
    // Formatting.
    assert.equal(await text.locator('strong').first().textContent(), 'Bold');
    assert.equal(await text.locator('em').first().textContent(), 'italic');
    assert.equal(await text.locator('u').first().textContent(), 'underlined');
    assert.equal(await text.locator('s').first().textContent(), 'struck');
    // Links: allowed ones open in a new tab without an opener; javascript: is text.
    const docs = text.getByRole('link', { name: 'the docs' });
    assert.equal(await docs.getAttribute('href'), 'https://example.com/docs');
    assert.equal(await docs.getAttribute('target'), '_blank');
    assert.equal(await docs.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await text.getByRole('link', { name: 'https://example.org/page' }).getAttribute('href'), 'https://example.org/page');
    assert.equal(await page.locator('a[href^="javascript:"]').count(), 0);
    assert.ok((await text.textContent()).includes('not a link'));
    assert.equal(await text.getByRole('link', { name: 'the office' }).getAttribute('href'), 'tel:+15550100');
    // Quotes and code.
    assert.equal(await text.getByTestId('bb-quote').count(), 2);
    assert.ok((await text.getByTestId('bb-quote').nth(1).textContent()).includes('John Doe'));
    assert.equal(await text.locator('code').textContent(), 'const x = [b]not bold[/b];');
    // HTML in the text is text.
    assert.ok((await text.textContent()).includes('<img src=x onerror="window.__pwned=1">'));
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    // The ATTACH sits where [ATTACH=1] put it, inside the text.
    const a = text.getByTestId('attach');
    await a.waitFor();
    assert.ok(((await a.getAttribute('style')) ?? '').includes('rgb(41, 97, 155)'), 'the attach bar has its COLOR');
    assert.equal(await a.getByTestId('attach-user').getByRole('link').getAttribute('href'), 'https://example.com/mantis');
    assert.ok((await a.getByTestId('attach-link').textContent()).includes('Need this done before the release!'));
    assert.equal(await a.getByTestId('attach-delimiter').count(), 1);
    const grid = a.getByTestId('attach-grid');
    assert.equal(await grid.locator('[data-display="LINE"] > div').count(), 2);
    assert.equal(await grid.locator('[data-display="BLOCK"]').count(), 1);
    assert.equal(await grid.locator('[data-display="BLOCK"] strong').textContent(), 'attachments');
    assert.equal(await grid.locator('[data-display="ROW"] dt').count(), 2);
    assert.equal(await grid.locator('[data-display="TABLE"] tr').count(), 2);
    assert.ok((await grid.locator('[data-display="LINE"] > div').nth(1).innerHTML()).includes('color: rgb(223, 83, 45)'));
    assert.equal(await a.getByTestId('attach-message').locator('strong').textContent(), 'im 16.0.0');
    await a.getByTestId('attach-image').locator('img').evaluate((el) => el.decode());
    assert.ok(await a.getByTestId('attach-image').locator('img').evaluate((el) => el.naturalWidth > 0), 'the image loaded');
    assert.ok((await a.getByTestId('attach-file').textContent()).includes('report.pdf'));
    assert.ok((await a.getByTestId('attach-file').textContent()).includes('1.4 MB'));
    // HTML keeps a few harmless elements: no script, no image, no javascript: link.
    const htmlBlock = a.getByTestId('attach-html');
    assert.equal(await htmlBlock.locator('strong').textContent(), 'Safe');
    assert.equal(await htmlBlock.getByRole('link', { name: 'html' }).getAttribute('href'), 'https://example.com/h');
    assert.equal(await htmlBlock.locator('script, img, [onerror]').count(), 0);
    assert.equal(await htmlBlock.locator('a').count(), 1);
    assert.equal(await page.evaluate(() => window.__pwned), undefined, 'nothing in the message ran');
    // The keyboard: real buttons, rows, colours, disabled, context.
    const kb = msg.getByTestId('keyboard');
    const names = await kb.getByRole('button').allTextContents();
    assert.deepEqual(names.map((s) => s.trim()), ['Next page', 'Put /search', 'Say hello', 'Copy code', 'Call', 'Open site',
      'Disabled', 'Full width, blocks the keyboard'], 'MOBILE buttons stay off a desktop browser');
    assert.equal(await kb.getByRole('button', { name: 'Disabled' }).isDisabled(), true);
    const next = kb.getByRole('button', { name: 'Next page' });
    assert.equal(await next.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(41, 97, 155)');
    assert.equal(await next.evaluate((el) => getComputedStyle(el).color), 'rgb(255, 255, 255)');
    const full = await kb.getByRole('button', { name: 'Full width, blocks the keyboard' }).boundingBox();
    const kbBox = await kb.boundingBox();
    assert.ok(full.width > kbBox.width * 0.9, 'a BLOCK button fills its row');
    // The whole message on one screenshot: a taller window, the message at the top.
    if (!phone) await page.setViewportSize({ width: 1280, height: 1500 });
    await page.mouse.move(0, 0);
    await msg.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, name);
    await page.context().close();
  }
});

test('keyboard: COMMAND reaches the bot as ONIMCOMMANDADD, PUT fills the composer, SEND sends, BLOCK locks', async () => {
  const id = await botSays({ MESSAGE: 'Choose', KEYBOARD, MENU });
  const page = await newPage(browser, server);
  await signIn(page, ALICE.email, ALICE.password, `/online/?IM_DIALOG=${bot}`);
  await live(page);
  const msg = page.locator(`[data-message-id="${id}"]`);
  const kb = msg.getByTestId('keyboard');
  await kb.waitFor();

  const seen = commandEvents().length;
  await kb.getByRole('button', { name: 'Next page' }).click();
  await until('ONIMCOMMANDADD for the button', () => commandEvents().length > seen);
  const event = commandEvents().at(-1);
  const entry = event.form.data.COMMAND[pageCmd];
  assert.equal(entry.COMMAND, 'page');
  assert.equal(entry.COMMAND_PARAMS, '2');
  assert.equal(entry.COMMAND_CONTEXT, 'KEYBOARD');
  assert.equal(Number(entry.MESSAGE_ID), id);
  assert.equal(Number(event.form.data.PARAMS.FROM_USER_ID), alice.id);

  await kb.getByRole('button', { name: 'Put /search' }).click();
  const composer = page.getByTestId('composer');
  // The server keeps ACTION_VALUE trimmed.
  assert.equal(await composer.inputValue(), '/search');
  await assert.doesNotReject(composer.evaluate((el) => document.activeElement === el || Promise.reject(new Error('composer not focused'))));
  await composer.fill('');

  await kb.getByRole('button', { name: 'Say hello' }).click();
  const sent = page.locator('[data-test="message"][data-own]').filter({ hasText: 'Hello from a button' });
  await sent.first().waitFor();
  await until('the bot hears the SEND', () => sink.requests.some((r) => r.path.startsWith('/bot') &&
    r.form.event === 'ONIMBOTMESSAGEADD' && r.form.data?.PARAMS?.MESSAGE === 'Hello from a button'));

  // [SEND] and [PUT] in the text work the same way.
  const withCodes = await botSays({ MESSAGE: '[SEND=Yes please]Answer yes[/SEND] [PUT=/find ]find…[/PUT]' });
  const codes = page.locator(`[data-message-id="${withCodes}"]`);
  await codes.getByTestId('bb-put').click();
  assert.equal(await composer.inputValue(), '/find ');
  await composer.fill('');
  await codes.getByTestId('bb-send').click();
  await page.locator('[data-test="message"][data-own]').filter({ hasText: 'Yes please' }).first().waitFor();

  // BLOCK=Y: after the click the keyboard is locked until the bot changes the message.
  const before = commandEvents().length;
  await kb.getByRole('button', { name: 'Full width, blocks the keyboard' }).click();
  await until('the blocking command', () => commandEvents().length > before);
  assert.equal(commandEvents().at(-1).form.data.COMMAND[pageCmd].COMMAND_PARAMS, '3');
  await page.waitForFunction((mid) => [...document.querySelectorAll(`[data-message-id="${mid}"] [data-test="keyboard-button"]`)]
    .every((b) => b.disabled), id);
  // The bot answers by replacing the keyboard: a fresh one, enabled.
  await server.ok('imbot.message.update', { BOT_ID: bot, MESSAGE_ID: id, CLIENT_ID: CLIENT,
    KEYBOARD: [{ TEXT: 'Page 3 of 3', COMMAND: 'page', COMMAND_PARAMS: '3', DISPLAY: 'LINE' }] });
  await kb.getByRole('button', { name: 'Page 3 of 3' }).waitFor();
  assert.equal(await kb.getByRole('button', { name: 'Page 3 of 3' }).isEnabled(), true);

  // COPY puts its value on the clipboard; LINK opens a new tab; DIALOG opens that dialog.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const chat = (await server.ok('im.chat.add', { TITLE: 'Team room', USERS: [alice.id] }, { webhook: aliceHook })).result;
  const more = await botSays({ MESSAGE: 'More actions', KEYBOARD: [
    { TEXT: 'Copy code', ACTION: 'COPY', ACTION_VALUE: 'X-42', DISPLAY: 'LINE' },
    { TEXT: 'Open site', LINK: 'https://example.com/', DISPLAY: 'LINE' },
    { TEXT: 'Go to the team', ACTION: 'DIALOG', ACTION_VALUE: `chat${chat}`, DISPLAY: 'LINE' },
  ] });
  const moreKb = page.locator(`[data-message-id="${more}"]`).getByTestId('keyboard');
  await moreKb.getByRole('button', { name: 'Copy code' }).click();
  await moreKb.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'X-42');
  const [tab] = await Promise.all([page.context().waitForEvent('page'), moreKb.getByRole('button', { name: 'Open site' }).click()]);
  assert.match(tab.url(), /^https:\/\/example\.com\/?$|^about:blank$|^chrome-error:/);
  await tab.close();

  // The message's MENU: a COMMAND item arrives with COMMAND_CONTEXT MENU, a PUT item fills the composer.
  const menuBefore = commandEvents().length;
  await msg.hover();
  await msg.getByTestId('message-menu').click();
  await page.getByRole('menuitem', { name: 'More like this' }).click();
  await until('ONIMCOMMANDADD from the menu', () => commandEvents().length > menuBefore);
  const menuEntry = commandEvents().at(-1).form.data.COMMAND[menuCmd];
  assert.equal(menuEntry.COMMAND, 'more');
  assert.equal(menuEntry.COMMAND_PARAMS, 'similar');
  assert.equal(menuEntry.COMMAND_CONTEXT, 'MENU');
  await msg.getByTestId('message-menu').click();
  await page.getByRole('menuitem', { name: 'Put from menu' }).click();
  await composerHas(page, 'from the menu');
  await composer.fill('');

  await moreKb.getByRole('button', { name: 'Go to the team' }).click();
  await page.waitForURL(new RegExp(`IM_DIALOG=chat${chat}$`));
  await page.getByTestId('dialog-title').filter({ hasText: 'Team room' }).waitFor();
  await page.context().close();
});

test('own messages: edit in place, delete; like with who liked; quote; Escape closes the menu', async () => {
  const page = await newPage(browser, server);
  await signIn(page, ALICE.email, ALICE.password, `/online/?IM_DIALOG=${bot}`);
  await live(page);
  const composer = page.getByTestId('composer');
  await composer.fill('A message to edit');
  await composer.press('Enter');
  // The server's copy replaces the pending one (a positive id).
  const id = await page.waitForFunction(() => [...document.querySelectorAll('[data-test="message"][data-own]')]
    .map((m) => Number(m.dataset.messageId)).find((mid, _, all) => mid > 0 &&
      document.querySelector(`[data-message-id="${mid}"]`).textContent.includes('A message to edit'))).then((h) => h.jsonValue());
  const mine = page.locator(`[data-message-id="${id}"]`);

  // The menu is reachable from the keyboard and Escape closes it, giving the focus back.
  const menuButton = mine.getByTestId('message-menu');
  await menuButton.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('menu').waitFor();
  await shot(page, 'message-menu');
  await page.keyboard.press('Escape');
  await page.getByRole('menu').waitFor({ state: 'detached' });
  assert.equal(await menuButton.evaluate((el) => document.activeElement === el), true);

  // Edit: the inline editor, Enter saves, the server's copy says "edited".
  await menuButton.click();
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  const editor = mine.getByTestId('message-editor-text');
  await editor.fill('An [B]edited[/B] message');
  await shot(page, 'message-editing');
  await editor.press('Enter');
  await mine.getByTestId('edited').waitFor();
  assert.equal(await mine.getByTestId('message-text').locator('strong').textContent(), 'edited');
  const stored = await server.ok('im.dialog.messages.get', { DIALOG_ID: String(bot), LIMIT: 50 }, { webhook: aliceHook });
  assert.equal(stored.result.messages.find((m) => m.id === id)?.text, 'An [B]edited[/B] message');
  // Escape in the editor cancels.
  await menuButton.click();
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  await mine.getByTestId('message-editor-text').fill('never saved');
  await mine.getByTestId('message-editor-text').press('Escape');
  await mine.getByTestId('message-editor').waitFor({ state: 'detached' });
  assert.ok((await mine.getByTestId('message-text').textContent()).includes('edited message'));

  // Like the bot's message: the count and who liked show, the server has it.
  const botMsg = await botSays({ MESSAGE: 'Like me' });
  const theirs = page.locator(`[data-message-id="${botMsg}"]`);
  await theirs.waitFor();
  await theirs.hover();
  await theirs.getByTestId('message-menu').click();
  await page.getByRole('menuitem', { name: 'Like' }).click();
  await theirs.getByTestId('likes').waitFor();
  assert.equal(await theirs.getByTestId('likes-count').textContent(), '1');
  assert.equal(await theirs.getByTestId('liked-by').textContent(), ALICE.name);
  assert.equal(await theirs.getByTestId('likes').getAttribute('aria-pressed'), 'true');
  const liked = await server.ok('im.dialog.messages.get', { DIALOG_ID: String(bot), LIMIT: 50 }, { webhook: aliceHook });
  assert.deepEqual(liked.result.messages.find((m) => m.id === botMsg)?.params?.LIKE, [alice.id]);
  await theirs.getByTestId('likes').scrollIntoViewIfNeeded();
  await page.mouse.move(0, 0);
  await shot(page, 'message-liked');
  // The like button toggles it off.
  await theirs.getByTestId('likes').click();
  await theirs.getByTestId('likes').waitFor({ state: 'detached' });

  // Quote: the Bitrix24 quote block goes into the composer.
  await theirs.hover();
  await theirs.getByTestId('message-menu').click();
  await page.getByRole('menuitem', { name: 'Quote' }).click();
  await page.waitForFunction(() => document.querySelector('[data-test="composer"]').value !== '');
  const quoted = await composer.inputValue();
  assert.match(quoted, new RegExp(`^${QUOTE}\\nRender Bot \\[[^\\]]+\\]\\nLike me\\n${QUOTE}\\n`));
  await composer.fill('');

  // Delete: the message stays as "deleted".
  await mine.hover();
  await menuButton.click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  await mine.getByTestId('deleted').waitFor();
  await shot(page, 'message-deleted');
  await page.context().close();
});

test('the server refuses an edit: its error is shown, the text stays', async () => {
  const page = await newPage(browser, server);
  await signIn(page, ALICE.email, ALICE.password, `/online/?IM_DIALOG=${bot}`);
  await live(page);
  const sent = (await server.ok('im.message.add', { DIALOG_ID: String(bot), MESSAGE: 'Old enough' }, { webhook: aliceHook })).result;
  const mine = page.locator(`[data-message-id="${sent}"]`);
  await mine.waitFor();
  // Three days pass for this message (the server's edit window, protocol.md §12.1).
  storeSql(server.dataDir, `UPDATE messages SET created_at = created_at - 4 * 86400 WHERE id = ${sent}`);
  await mine.hover();
  await mine.getByTestId('message-menu').click();
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  await mine.getByTestId('message-editor-text').fill('Too late');
  await mine.getByTestId('message-editor-text').press('Enter');
  const error = mine.getByTestId('message-editor-error');
  await error.waitFor();
  assert.match(await error.textContent(), /CANT_EDIT_MESSAGE/);
  await page.context().close();
});

test('files of a message: image previews, other files with size and a signed download', async () => {
  const page = await newPage(browser, server);
  await signIn(page, ALICE.email, ALICE.password, `/online/?IM_DIALOG=${bot}`);
  await live(page);
  const folder = (await server.ok('im.disk.folder.get', { DIALOG_ID: String(bot) }, { webhook: aliceHook })).result.ID;
  const upload = async (name, content) => (await server.ok('disk.folder.uploadfile', { id: folder, data: { NAME: name },
    fileContent: [name, Buffer.from(content).toString('base64')] }, { webhook: aliceHook })).result.ID;
  const picture = await upload('chart.png', IMG);
  const notes = await upload('notes.txt', 'x'.repeat(2500));
  assert.equal((await server.ok('im.disk.file.commit', { DIALOG_ID: String(bot), UPLOAD_ID: [picture, notes],
    MESSAGE: `Two files, and the notes again: [DISK=${notes}]` }, { webhook: aliceHook })).result, true);
  const msg = page.locator('[data-test="message"]').filter({ has: page.getByTestId('message-files') }).last();
  await msg.waitFor();
  const preview = msg.getByTestId('file-preview');
  await preview.evaluate((el) => el.decode());
  assert.equal(await preview.evaluate((el) => el.naturalWidth), 160, 'the preview loaded through the signed link');
  assert.equal(await preview.getAttribute('alt'), 'chart.png');
  const file = msg.locator(`[data-file-id="${notes}"]`);
  assert.ok((await file.textContent()).includes('notes.txt'));
  assert.ok((await file.textContent()).includes('2.4 KB'));
  const href = await file.getByTestId('file-download').getAttribute('href');
  assert.equal(await page.evaluate(async (u) => (await fetch(u)).text().then((t) => t.length), href), 2500);
  assert.equal(await msg.getByTestId('message-text').getByRole('link', { name: /notes\.txt/ }).getAttribute('href'), href);
  await msg.scrollIntoViewIfNeeded();
  await page.mouse.move(0, 0);
  await shot(page, 'message-files');
  await page.context().close();
});
