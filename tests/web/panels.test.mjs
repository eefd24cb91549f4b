// The panels around the conversation, in the browser against the real binary: the notification
// centre (a confirmation answered and gone, a quick answer, live arrivals and read marks), search
// opening a dialog, a new chat, chat settings renaming it live in the other browser, the recent
// list's context menu from the keyboard, the developer console (a failing handler's error, retry)
// and its refusal to a non-administrator. Screenshots of every panel, light and dark, desktop and
// phone width, go to tests/web/artifacts/panels-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startMessenger, newPage, signIn, shot } from './browser.mjs';
import { Sink, until } from '../integration/sink.mjs';
import { storeSql } from '../integration/harness.mjs';

// Quick retries and a one-second expiry, so a failing handler's event reaches the failed list
// within the test; loopback handlers allowed (the sink).
const CONFIG = `
[log]
access_log = false
[events]
allow_private = true
retry_base = 0.1
retry_max = 0.3
connect_timeout = 0.5
timeout = 1.0
expire_after = 1
`;

let server, browser, ann, bob, carl, annPage, bobPage, annHook, bobHook, sink;
let sinkStatus = 500;

// On the store the server runs on, SQLite or PostgreSQL (the harness's storeSql).
const sql = (query) => storeSql(server.dataDir, query);

// Confirmations and quick-answer notifications are made by the server itself, never by a REST
// method (reference: im.notify.personal.add / system.add take no buttons): written to the store.
function insertNotification({ user, author = 0, type, text, buttons = '', answerable = 0 }) {
  return sql(`INSERT INTO notifications (user_id, author_id, type, module, event, text, buttons, answerable, created_at)
    VALUES (${user}, ${author}, ${type}, 'im', 'test', '${text.replace(/'/g, "''")}', '${buttons}', ${answerable},
    ${Math.floor(Date.now() / 1000)}) RETURNING id`)[0].id;
}
const BUTTONS = JSON.stringify([
  { TITLE: 'Accept', VALUE: 'Y', TYPE: 'accept', RESULT_TEXT: 'Invitation accepted' },
  { TITLE: 'Decline', VALUE: 'N', TYPE: 'cancel', RESULT_TEXT: '' },
]);

// Panels slide and fade in: a screenshot waits for the animations to end.
async function snap(page, name) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  return shot(page, name);
}

// A one-pixel PNG: a chat picture.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const rest = async (method, params, webhook) => (await server.ok(method, params, { webhook })).result;
const recentRow = (page, dialogId) => page.locator(`[data-test=recent-item][data-dialog="${dialogId}"]`);
const firstRow = (page) => page.locator('[data-test=recent-item][data-index="0"]');
const notification = (page, id) => page.locator(`[data-test=notification][data-notify-id="${id}"]`);

before(async () => {
  ({ server, users: [ann, bob, carl] } = await startMessenger(
    [
      { name: 'Ann', email: 'ann@example.com', password: 'ann-secret-1', admin: true },
      { name: 'Bob', email: 'bob@example.com', password: 'bob-secret-1' },
      { name: 'Carlotta', email: 'carlotta@example.com', password: 'carl-secret-1' },
    ],
    { config: CONFIG },
  ));
  annHook = server.cli('webhook', 'add', '--user', String(ann.id), '--scope', 'im,imbot').webhook;
  bobHook = server.cli('webhook', 'add', '--user', String(bob.id), '--scope', 'im').webhook;
  sink = await new Sink(() => sinkStatus).start();
  browser = await launch();
  annPage = await newPage(browser, server);
  bobPage = await newPage(browser, server, { dark: true });
});
after(async () => {
  await browser?.close();
  await sink?.stop();
  await server?.cleanup();
});

test('notifications: a confirmation is answered and goes, others arrive live, are read, answered, deleted', async () => {
  const question = insertNotification({ user: ann.id, type: 1, text: 'Join the [B]release[/B] review?', buttons: BUTTONS });
  await signIn(annPage, 'ann@example.com', 'ann-secret-1');
  await signIn(bobPage, String(bob.id), 'bob-secret-1');
  // The badge counts the waiting confirmation from the first load…
  await annPage.getByTestId('notify-counter').filter({ hasText: '1' }).waitFor();
  // …and a notification sent meanwhile by Bob's integration, live.
  const personal = await rest('im.notify.personal.add', { USER_ID: ann.id, MESSAGE: 'Report is ready' }, bobHook);
  await annPage.getByTestId('notify-counter').filter({ hasText: '2' }).waitFor();

  await annPage.getByTestId('open-notifications').click();
  await notification(annPage, question).waitFor();
  await notification(annPage, personal).getByText('Report is ready').waitFor();
  // Through the message renderer: BB-codes as a message shows them.
  assert.equal(await notification(annPage, question).getByTestId('notify-text').innerText(), 'Join the release review?');
  await notification(annPage, question).getByTestId('notify-text').locator('strong', { hasText: 'release' }).waitFor();
  await snap(annPage, 'panels-notifications-light');

  // The confirmation: its button answers it and it leaves the list (and the counter).
  await notification(annPage, question).getByRole('button', { name: 'Accept' }).click();
  await notification(annPage, question).waitFor({ state: 'detached' });
  await annPage.getByTestId('notify-counter').filter({ hasText: '1' }).waitFor();
  assert.equal(sql(`SELECT COUNT(*) AS n FROM notifications WHERE id = ${question}`)[0].n, 0);

  // Read, then unread again, then read from another tab (Ann's webhook): the panel follows.
  await notification(annPage, personal).getByRole('button', { name: 'Mark as read' }).click();
  await annPage.getByTestId('notify-counter').waitFor({ state: 'detached' });
  await notification(annPage, personal).getByRole('button', { name: 'Mark as unread' }).click();
  await annPage.getByTestId('notify-counter').filter({ hasText: '1' }).waitFor();
  await rest('im.notify.read', { ID: personal, ONLY_CURRENT: 'Y' }, annHook);
  await notification(annPage, personal).getByRole('button', { name: 'Mark as unread' }).waitFor();
  await annPage.getByTestId('notify-counter').waitFor({ state: 'detached' });

  // A new one arrives while the panel is open.
  const live = await rest('im.notify.personal.add', { USER_ID: ann.id, MESSAGE: 'Deploy finished' }, bobHook);
  await notification(annPage, live).getByText('Deploy finished').waitFor();

  // A quick answer goes to the author as a private message.
  const ask = insertNotification({ user: ann.id, author: bob.id, type: 2, text: 'Lunch at noon?', answerable: 1 });
  await annPage.keyboard.press('Escape');
  // Closed before it opens again: a panel reopened while its closing animation runs is a new one,
  // and a click that reached the old one's button is lost with it.
  await annPage.getByTestId('notifications').waitFor({ state: 'detached' });
  await annPage.getByTestId('open-notifications').click();
  await notification(annPage, ask).getByRole('button', { name: 'Answer' }).click();
  await notification(annPage, ask).getByLabel('Quick answer').fill('Yes, see you');
  await notification(annPage, ask).getByRole('button', { name: 'Send' }).click();
  await notification(annPage, ask).getByTestId('notify-result').waitFor();
  await recentRow(bobPage, ann.id).getByText('Yes, see you').waitFor();

  // Delete: gone here and on the server.
  await notification(annPage, live).getByRole('button', { name: 'Delete' }).click();
  await notification(annPage, live).waitFor({ state: 'detached' });
  assert.equal(sql(`SELECT COUNT(*) AS n FROM notifications WHERE id = ${live}`)[0].n, 0);
  await annPage.keyboard.press('Escape');
});

test('search finds a person and opens the dialog with them', async () => {
  await annPage.getByTestId('open-search').click();
  await annPage.getByLabel('Search people, chats and departments').fill('Carl');
  const result = annPage.locator(`[data-test=search-user][data-user="${carl.id}"]`);
  await result.waitFor();
  await snap(annPage, 'panels-search-light');
  await result.click();
  await annPage.waitForURL(new RegExp(`IM_DIALOG=${carl.id}$`));
  await annPage.getByTestId('dialog-title').filter({ hasText: 'Carlotta' }).waitFor();
  // The same search from the keyboard: the field, arrow down, Enter.
  await annPage.getByTestId('open-search').click();
  await annPage.getByLabel('Search people, chats and departments').fill('Bob');
  await annPage.locator(`[data-test=search-user][data-user="${bob.id}"]`).waitFor();
  await annPage.keyboard.press('ArrowDown');
  await annPage.keyboard.press('Enter');
  await annPage.waitForURL(new RegExp(`IM_DIALOG=${bob.id}$`));
});

let chatId;

test('a new group chat is created with a member, whose open list shows it at once', async () => {
  await annPage.getByTestId('open-new-chat').click();
  await annPage.getByTestId('new-chat-title').fill('Plans');
  await annPage.getByTestId('new-chat-description').fill('What we do next');
  await annPage.getByRole('radio', { name: 'Purple' }).click();
  await annPage.getByLabel('Members', { exact: true }).fill('Bob');
  await annPage.locator(`[data-test=picker-user][data-user="${bob.id}"]`).click();
  await snap(annPage, 'panels-new-chat-light');
  await annPage.getByTestId('new-chat-create').click();
  await annPage.waitForURL(/IM_DIALOG=chat\d+$/);
  chatId = Number(new URL(annPage.url()).searchParams.get('IM_DIALOG').slice(4));
  await annPage.getByTestId('dialog-title').filter({ hasText: 'Plans' }).waitFor();
  // Bob's open list shows it live, before anyone has written in it (chatUserAdd to the members of
  // a new chat), with its colour, as im.recent.list would after a reload.
  const row = recentRow(bobPage, `chat${chatId}`);
  await row.getByTestId('recent-title').filter({ hasText: 'Plans' }).waitFor();
  assert.equal((await rest('im.dialog.messages.get', { DIALOG_ID: `chat${chatId}` }, annHook)).messages.length, 0);
  await snap(bobPage, 'panels-new-chat-arrived-dark');
  await bobPage.reload();
  await row.getByTestId('recent-title').filter({ hasText: 'Plans' }).waitFor();
  const users = await rest('im.chat.user.list', { CHAT_ID: chatId }, annHook);
  assert.deepEqual([...users].map(Number).sort(), [ann.id, bob.id].sort());
  const chat = await rest('im.dialog.get', { DIALOG_ID: `chat${chatId}` }, annHook);
  assert.equal(chat.description, 'What we do next');
  assert.equal(chat.color, '#8474c8');
});

test('chat settings: renamed, and the other browser\'s list shows the new name live; errors as the server says', async () => {
  await annPage.getByTestId('open-dialog-info').click();
  const settings = annPage.getByTestId('chat-settings');
  await settings.getByTestId('settings-member').nth(1).waitFor();
  await settings.getByTestId('settings-title').fill('Plans for 2026');
  await settings.getByTestId('settings-title-save').click();
  await settings.getByTestId('settings-notice').filter({ hasText: 'Title saved' }).waitFor();
  await recentRow(bobPage, `chat${chatId}`).getByTestId('recent-title').filter({ hasText: 'Plans for 2026' }).waitFor();
  await annPage.getByTestId('dialog-title').filter({ hasText: 'Plans for 2026' }).waitFor();

  // Add Carlotta without the earlier history, mute; then a refusal shown as the server words it
  // (an empty title: TITLE_EMPTY, which the client does not check itself). Carlotta's open list
  // shows the chat the moment she is added.
  const carlPage = await newPage(browser, server);
  await signIn(carlPage, 'carlotta@example.com', 'carl-secret-1');
  await settings.getByTestId('settings-add-toggle').click();
  await settings.getByLabel('People to add').fill('Carl');
  await settings.locator(`[data-test=picker-user][data-user="${carl.id}"]`).click();
  await settings.getByTestId('settings-add-submit').click();
  await settings.locator(`[data-test=settings-member][data-user="${carl.id}"]`).waitFor();
  await recentRow(carlPage, `chat${chatId}`).getByTestId('recent-title').filter({ hasText: 'Plans for 2026' }).waitFor();
  await carlPage.context().close();
  await settings.getByTestId('settings-mute').click();
  await until('muted on the server', async () =>
    (await rest('im.dialog.get', { DIALOG_ID: `chat${chatId}` }, annHook)).mute_list.map(Number).includes(ann.id));
  await snap(annPage, 'panels-chat-settings-light');
  // A new picture (im.chat.updateAvatar with the file as base64) shows at once.
  await settings.getByTestId('settings-avatar').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG });
  await settings.getByTestId('settings-notice').filter({ hasText: 'Picture saved' }).waitFor();
  await settings.locator('img').first().waitFor();
  assert.ok((await rest('im.dialog.get', { DIALOG_ID: `chat${chatId}` }, annHook)).avatar);

  // Bob becomes the owner through his row's menu.
  await settings.getByRole('button', { name: 'Actions for Bob' }).click();
  await annPage.getByRole('menuitem', { name: 'Make owner' }).click();
  await settings.locator(`[data-test=settings-member][data-user="${bob.id}"]`).getByTestId('settings-role')
    .filter({ hasText: 'Owner' }).waitFor();
  assert.equal(Number((await rest('im.dialog.get', { DIALOG_ID: `chat${chatId}` }, annHook)).owner), bob.id);

  await annPage.getByRole('menu').waitFor({ state: 'detached' });
  await settings.getByTestId('settings-title').fill('');
  assert.equal(await settings.getByTestId('settings-title').inputValue(), '');
  await settings.getByTestId('settings-title-save').click();
  // The error, or whatever the panel says instead (so a failure shows what happened).
  const answer = settings.getByTestId('settings-error').or(settings.getByTestId('settings-notice').filter({ hasText: /\S/ }));
  await answer.first().waitFor();
  assert.match(await answer.first().innerText(), /\(TITLE_EMPTY\)$/);
  await annPage.keyboard.press('Escape');
});

test('the recent list\'s context menu from the keyboard: pin moves a chat to the top, unread and read', async () => {
  // Bob writes to Ann: their dialog goes above the chat.
  await rest('im.message.add', { DIALOG_ID: String(ann.id), MESSAGE: 'Are you there?' }, bobHook);
  await firstRow(annPage).and(recentRow(annPage, bob.id)).waitFor();
  const chatIndex = Number(await recentRow(annPage, `chat${chatId}`).getAttribute('data-index'));
  assert.ok(chatIndex > 0);

  // Keyboard only: into the list, down to the chat, Shift+F10, "Pin to the top".
  await annPage.getByTestId('recent-list').focus();
  for (let i = 0; i < chatIndex; i++) await annPage.keyboard.press('ArrowDown');
  await annPage.keyboard.press('Shift+F10');
  await annPage.getByRole('menuitem', { name: 'Pin to the top' }).waitFor();
  await snap(annPage, 'panels-recent-menu-light');
  // Arrow keys through the menu to the item, Enter chooses it.
  const active = () => annPage.evaluate(() => document.activeElement?.textContent?.trim());
  for (let i = 0; i < 5 && (await active()) !== 'Pin to the top'; i++) await annPage.keyboard.press('ArrowDown');
  assert.equal(await active(), 'Pin to the top');
  await annPage.keyboard.press('Enter');
  await firstRow(annPage).and(recentRow(annPage, `chat${chatId}`)).waitFor();
  await firstRow(annPage).getByLabel('Pinned').waitFor();
  // The focus came back to the list.
  await until('the focus back in the list', async () =>
    (await annPage.evaluate(() => document.activeElement?.getAttribute('data-test'))) === 'recent-list', 3000);

  // Right click on Bob's dialog: mark as unread, then as read.
  await recentRow(annPage, bob.id).click({ button: 'right' });
  await annPage.getByRole('menuitem', { name: /Mark as (un)?read/ }).first().waitFor();
  const readItem = annPage.getByRole('menuitem', { name: 'Mark as read' });
  if (await readItem.count()) {
    await readItem.click();
    await recentRow(annPage, bob.id).getByTestId('recent-counter').waitFor({ state: 'detached' });
    await recentRow(annPage, bob.id).click({ button: 'right' });
  }
  await annPage.getByRole('menuitem', { name: 'Mark as unread' }).click();
  await recentRow(annPage, bob.id).getByTestId('recent-counter').waitFor();
  await recentRow(annPage, bob.id).click({ button: 'right' });
  await annPage.getByRole('menuitem', { name: 'Mark as read' }).click();
  await recentRow(annPage, bob.id).getByTestId('recent-counter').waitFor({ state: 'detached' });

  // Unpin puts the chat back in date order.
  await recentRow(annPage, `chat${chatId}`).click({ button: 'right' });
  await annPage.getByRole('menuitem', { name: 'Unpin' }).click();
  await firstRow(annPage).and(recentRow(annPage, bob.id)).waitFor();
});

test('developer console: a failing handler\'s error shows, and retry delivers it', async () => {
  const botId = await rest('imbot.register', {
    CODE: 'failing', TYPE: 'B', EVENT_HANDLER: sink.url, PROPERTIES: { NAME: 'Failing bot' }, CLIENT_ID: 'paneltest',
  }, annHook);
  sinkStatus = 500;
  await rest('im.message.add', { DIALOG_ID: String(botId), MESSAGE: 'hello bot' }, annHook);
  // One second later the event is given up: the failed list.
  await until('the failed event', () => sql('SELECT COUNT(*) AS n FROM event_failed')[0].n >= 1, 15000);

  await annPage.goto('/devconsole');
  // A webhook bot's handler URL carries its CLIENT_ID.
  const handler = annPage.locator(`[data-test=console-handler][data-handler^="${sink.url}"]`);
  await handler.getByTestId('console-last-error').filter({ hasText: 'HTTP 500' }).waitFor();
  assert.notEqual(await handler.getByTestId('console-failed-count').innerText(), '0');
  await snap(annPage, 'panels-devconsole-light');

  // The delivery log has the request (no tokens) and the answer.
  await handler.getByRole('button', { name: 'Deliveries' }).click();
  const delivery = annPage.getByTestId('console-delivery').first();
  await delivery.getByTestId('console-outcome').filter({ hasText: 'http_error' }).waitFor();
  await delivery.locator('summary').click();
  const request = await delivery.getByTestId('console-request').innerText();
  assert.match(request, /ONIMBOTMESSAGEADD/);
  assert.match(request, /hello bot/);
  await snap(annPage, 'panels-devconsole-deliveries-light');

  // The handler works again: retry from the failed list.
  sinkStatus = 200;
  const before = sink.accepted().length;
  await annPage.getByRole('tab', { name: /Failed/ }).click();
  await annPage.getByTestId('console-failed-item').filter({ hasText: 'ONIMBOTMESSAGEADD' }).first()
    .getByRole('button', { name: /Retry delivery/ }).click();
  await annPage.getByTestId('console-failed-notice').filter({ hasText: '1 sent again' }).waitFor();
  await until('the retried delivery', () => sink.accepted().length > before);
  assert.match(sink.accepted().at(-1).body, /hello\+bot|hello%20bot/);
  await annPage.getByTestId('console-refresh').click();
  await annPage.getByRole('tab', { name: 'Deliveries' }).click();
  await annPage.getByTestId('console-delivery').first().getByTestId('console-outcome').filter({ hasText: 'delivered' }).waitFor();
});

test('a non-administrator cannot open the developer console: the server refuses and the page says so', async () => {
  await bobPage.goto('/devconsole');
  const refused = bobPage.getByTestId('console-refused');
  await refused.waitFor();
  assert.match(await refused.innerText(), /Only administrators/);
  assert.match(await refused.innerText(), /refused/);
  await snap(bobPage, 'panels-devconsole-refused-dark');
  // And the server answers the same to a direct call from that session.
  const answer = await bobPage.evaluate(async () => {
    const sessid = (await (await fetch('/auth/session')).json()).sessid;
    const r = await fetch('/rest/imhub.console.handlers.json', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Bitrix-Csrf-Token': sessid }, body: '{}',
    });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(answer.status, 403);
  assert.equal(answer.body.error, 'ACCESS_DENIED');
  await bobPage.goto('/online/');
});

test('every panel, light and dark, desktop and phone width', async () => {
  for (const dark of [false, true]) {
    for (const phone of [false, true]) {
      const tag = `${dark ? 'dark' : 'light'}-${phone ? 'phone' : 'desktop'}`;
      const page = await newPage(browser, server, { dark, phone });
      await signIn(page, 'ann@example.com', 'ann-secret-1');
      insertNotification({ user: ann.id, type: 1, text: 'Approve the [B]budget[/B] for Q3?', buttons: BUTTONS });
      await rest('im.notify.personal.add', { USER_ID: ann.id, MESSAGE: 'The weekly report is ready' }, bobHook);

      await page.getByTestId('open-notifications').click();
      await page.getByTestId('notification').first().waitFor();
      await snap(page, `panels-notifications-${tag}`);
      await page.keyboard.press('Escape');

      await page.getByTestId('open-search').click();
      await page.getByLabel('Search people, chats and departments').fill('Plans');
      await page.getByTestId('search-chat').first().waitFor();
      await snap(page, `panels-search-${tag}`);
      await page.keyboard.press('Escape');

      await page.getByTestId('open-new-chat').click();
      await page.getByTestId('new-chat-title').waitFor();
      await snap(page, `panels-new-chat-${tag}`);
      await page.keyboard.press('Escape');

      await page.goto(`/online/?IM_DIALOG=chat${chatId}`);
      await page.getByTestId('open-dialog-info').click();
      await page.getByTestId('settings-member').first().waitFor();
      await snap(page, `panels-chat-settings-${tag}`);
      await page.keyboard.press('Escape');

      await page.goto(`/online/?IM_DIALOG=${bob.id}`);
      await page.getByTestId('open-dialog-info').click();
      await page.getByTestId('card-name').waitFor();
      await snap(page, `panels-user-card-${tag}`);
      await page.keyboard.press('Escape');

      await page.goto('/online/');
      await page.getByTestId('recent-item').first().click({ button: 'right' });
      await page.getByRole('menuitem').first().waitFor();
      await snap(page, `panels-recent-menu-${tag}`);
      await page.keyboard.press('Escape');

      await page.getByTestId('own-status').click();
      await page.getByRole('menuitemcheckbox', { name: 'Away' }).click();
      await until('away on the server', async () => (await rest('im.user.status.get', {}, annHook)) === 'away');
      await page.getByTestId('own-status').click();
      await page.getByRole('menuitemcheckbox').first().waitFor();
      await snap(page, `panels-status-${tag}`);
      await page.getByRole('menuitemcheckbox', { name: 'Online' }).click();

      await page.goto('/devconsole');
      await page.getByTestId('console-receiver').first().waitFor();
      await snap(page, `panels-devconsole-${tag}`);
      await page.context().close();
    }
  }
});

test('chat settings: the owner removes a member; a member leaves and the chat leaves their list', async () => {
  // Bob's chat with Ann and Carlotta; Bob (the owner) removes Carlotta, then Ann leaves.
  const id = await rest('im.chat.add', { TITLE: 'Short-lived', USERS: [ann.id, carl.id] }, bobHook);
  await annPage.goto(`/online/?IM_DIALOG=chat${id}`);
  await bobPage.goto(`/online/?IM_DIALOG=chat${id}`);
  await bobPage.getByTestId('open-dialog-info').click();
  const bobSettings = bobPage.getByTestId('chat-settings');
  await bobSettings.getByRole('button', { name: 'Actions for Carlotta' }).click();
  await bobPage.getByRole('menuitem', { name: 'Remove from chat' }).click();
  await bobSettings.locator(`[data-test=settings-member][data-user="${carl.id}"]`).waitFor({ state: 'detached' });
  assert.deepEqual([...(await rest('im.chat.user.list', { CHAT_ID: id }, bobHook))].map(Number).sort(),
    [ann.id, bob.id].sort());

  await annPage.getByTestId('open-dialog-info').click();
  await annPage.getByTestId('settings-leave').click();
  await annPage.getByTestId('settings-leave-confirm').click();
  await annPage.waitForURL(/\/online\/$/);
  await recentRow(annPage, `chat${id}`).waitFor({ state: 'detached' });
  // Bob's open settings follow: two members, then one.
  await bobSettings.locator(`[data-test=settings-member][data-user="${ann.id}"]`).waitFor({ state: 'detached' });
});
