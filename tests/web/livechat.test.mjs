// The live chat end to end (issue 14): a shop's page on another origin (localhost vs imhub's
// 127.0.0.1) embeds the one <script> tag; the customer opens the chat, writes, an operator answers
// (REST, as any operator's client would), the customer sees the answer and the typing live,
// reloads and still has the conversation, the operator closes it and the customer rates it.
// Screenshots go to tests/web/artifacts/livechat-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { launch, startMessenger, shot } from './browser.mjs';
import { sql } from '../integration/oauth_client.mjs';

let server, browser, shop, code, lineId, opId, opHook;

function startShop(loaderUrl) {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tea shop</title>
<style>body{font:16px system-ui,sans-serif;margin:40px;color:#333;background:#fbf7ef}h1{color:#6b4f2a}</style></head>
<body><h1>The Tea Shop</h1><p>Green, black and white teas from small gardens.</p>
<script src="${loaderUrl}" async></script></body></html>`;
  const srv = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  // Every interface: the page is opened as http://localhost:<port>, another site than imhub's 127.0.0.1.
  return new Promise((resolve) => srv.listen(0, () => resolve(srv)));
}

before(async () => {
  ({ server } = await startMessenger([], { config: '[push]\nping_interval = 1\n' }));
  opId = server.cli('user', 'add', '--name', 'Olga', '--last-name', 'Operator').user_id;
  opHook = server.cli('webhook', 'add', '--user', String(opId), '--scope', 'im,imopenlines').webhook;
  lineId = (await server.ok('imopenlines.config.add', { PARAMS: {
    LINE_NAME: 'Tea Shop support', WELCOME_MESSAGE: 'Y', WELCOME_MESSAGE_TEXT: 'Welcome! An operator will be with you shortly.',
    QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: opId }], VOTE_MESSAGE: 'Y', VOTE_MESSAGE_2_TEXT: 'How did we do?',
    VOTE_MESSAGE_2_LIKE: 'Thank you for your rating!' } })).result;
  code = server.cli('openlines', 'lines').lines.find((l) => l.id === lineId).livechat_code;
  shop = await startShop(`${server.base}/livechat/loader.js?code=${code}`);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  shop?.close();
  await server?.cleanup();
});

const linesChat = () => sql(server, `SELECT id FROM chats WHERE entity_type = 'LINES' AND entity_id LIKE 'livechat|${lineId}|%'`)[0]?.id;
const operatorSays = (chatId, text) => server.ok('im.message.add', { DIALOG_ID: `chat${chatId}`, MESSAGE: text }, { webhook: opHook });

test('the loader and the chat page are served as the web client is', async () => {
  const loader = await fetch(`${server.base}/livechat/loader.js?code=${code}`, { headers: { 'Accept-Encoding': 'br' } });
  assert.equal(loader.status, 200);
  assert.match(loader.headers.get('content-type'), /javascript/);
  assert.ok(loader.headers.get('etag'));
  const page = await fetch(`${server.base}/online/${code}`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<main id="livechat"/);
  assert.match(page.headers.get('content-security-policy'), /frame-ancestors \*/);
  assert.equal(page.headers.get('x-frame-options'), null);
  // The page's script is a hashed asset.
  const asset = html.match(/src="(\/assets\/livechat-[^"]+\.js)"/)[1];
  const js = await fetch(`${server.base}${asset}`, { headers: { 'Accept-Encoding': 'br, gzip' } });
  assert.equal(js.status, 200);
  assert.match(js.headers.get('cache-control'), /immutable/);
  // The messenger keeps /online and /online/?IM_DIALOG=…
  assert.match(await (await fetch(`${server.base}/online/`)).text(), /<div id="app">/);
});

test('a customer on another website reaches an operator, reloads, and rates the conversation', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const shopUrl = `http://localhost:${shop.address().port}/`;
  await page.goto(shopUrl);
  await page.getByRole('button', { name: 'Open chat' }).click();
  const chat = page.frameLocator('iframe[title="Chat"]');
  await chat.locator('main[data-ready="true"]').waitFor({ timeout: 20000 });
  await chat.getByRole('heading', { name: 'Tea Shop support' }).waitFor();

  await chat.getByLabel('Message').fill('Hello! Is the white tea in stock?');
  await chat.getByLabel('Message').press('Enter');
  await chat.getByText('Hello! Is the white tea in stock?').waitFor();
  // The line's welcome text comes back through the relay, live.
  await chat.getByText('Welcome! An operator will be with you shortly.').waitFor();

  const lines = linesChat();
  assert.ok(lines, 'the operators got a LINES chat');
  const opSaw = (await server.ok('im.dialog.messages.get', { DIALOG_ID: `chat${lines}` }, { webhook: opHook })).result;
  assert.ok(opSaw.messages.some((m) => m.text === 'Hello! Is the white tea in stock?'));

  // The operator types, then answers: both reach the customer live.
  await server.ok('im.dialog.writing', { DIALOG_ID: `chat${lines}` }, { webhook: opHook });
  await chat.getByText('Olga Operator is typing…').waitFor();
  await shot(page, 'livechat-typing');
  await operatorSays(lines, 'Hi! Yes, we have Silver Needle in stock.');
  await chat.getByText('Hi! Yes, we have Silver Needle in stock.').waitFor();
  await chat.getByText('Olga Operator', { exact: true }).first().waitFor();
  await shot(page, 'livechat-answered');

  // A reload: the same visitor (the hash the shop's page keeps for the frame, which a browser may
  // deny storage on another site), the same conversation, the window open again.
  const hashBefore = await page.evaluate(() => localStorage.getItem('LIVECHAT_HASH'));
  assert.match(hashBefore, /^[0-9a-f]{32}$/);
  assert.match(await page.evaluate(() => document.cookie), new RegExp(`LIVECHAT_HASH=${hashBefore}`));
  await page.reload();
  const again = page.frameLocator('iframe[title="Chat"]');
  await again.locator('main[data-ready="true"]').waitFor({ timeout: 20000 });
  await again.getByText('Hello! Is the white tea in stock?').waitFor();
  await again.getByText('Hi! Yes, we have Silver Needle in stock.').waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('LIVECHAT_HASH')), hashBefore);
  assert.equal(sql(server, "SELECT COUNT(*) AS n FROM livechat_visitors")[0].n, 1, 'no second visitor');
  await again.getByLabel('Message').fill('Great, thank you!');
  await again.getByRole('button', { name: 'Send' }).click();
  await again.getByText('Great, thank you!').waitFor();
  await shot(page, 'livechat-after-reload');

  // The operator closes the conversation: the customer is asked to rate it.
  await server.ok('imopenlines.operator.finish', { CHAT_ID: lines }, { webhook: opHook });
  await again.getByText('How did we do?').waitFor();
  await shot(page, 'livechat-rate');
  await again.getByRole('button', { name: 'Like', exact: true }).click();
  await again.getByText('Thank you for your rating!').waitFor();
  const s = sql(server, `SELECT vote, closed FROM openline_sessions WHERE chat_id = ${lines}`)[0];
  // The rating answers the operator's close (the session waited for it, status 50): stored, and the
  // session stays until FULL_CLOSE_TIME (VOTE_CLOSING_DELAY=N).
  assert.deepEqual(s, { vote: 5, closed: 0 });
  await shot(page, 'livechat-rated');

  // The visitor never saw the operators' notices.
  const shown = await again.locator('.lc-msg').allInnerTexts();
  assert.ok(!shown.some((t) => /joined the conversation|Dialog #\d+ (started|closed)/.test(t)), shown.join('|'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('the chat page on its own, at phone width', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 700 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${server.base}/online/${code}`);
  await page.locator('main[data-ready="true"]').waitFor({ timeout: 20000 });
  await page.getByLabel('Message').fill('Do you ship abroad?');
  await page.getByLabel('Message').press('Enter');
  await page.getByText('Do you ship abroad?').waitFor();
  await shot(page, 'livechat-standalone-phone');
  await context.close();
});
