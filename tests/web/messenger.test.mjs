// The messenger as two people use it: two browser contexts (own cookies) signed in as Ann and
// Bob on the real binary, chatting live — message, typing, edit, delete, read marks and counters
// move in the other browser without a reload. Also sign-in failure, CSRF refusal and session
// expiry. Screenshots of the main views (light/dark, desktop/phone) go to tests/web/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startMessenger, newPage, signIn, shot } from './browser.mjs';

let server, browser, ann, bob, annPage, bobPage;

before(async () => {
  ({ server, users: [ann, bob] } = await startMessenger(
    [
      { name: 'Ann', email: 'ann@example.com', password: 'ann-secret-1' },
      { name: 'Bob', email: 'bob@example.com', password: 'bob-secret-1' },
    ],
  ));
  browser = await launch();
  annPage = await newPage(browser, server);
  bobPage = await newPage(browser, server, { dark: true });
  await signIn(annPage, 'ann@example.com', 'ann-secret-1');
  await signIn(bobPage, String(bob.id), 'bob-secret-1');
});
after(async () => {
  await browser?.close();
  await server?.cleanup();
});

const messages = (page) => page.getByTestId('messages');
const recentRow = (page, dialogId) => page.locator(`[data-test=recent-item][data-dialog="${dialogId}"]`);

test('a private message appears live in the other browser with a counter, then is read', async () => {
  await annPage.goto(`/online/?IM_DIALOG=${bob.id}`);
  await annPage.getByTestId('composer').fill('Hello Bob');
  await annPage.keyboard.press('Enter');
  await messages(annPage).getByText('Hello Bob').waitFor();
  // Bob's list gets the dialog with Ann on top with one unread message, without a reload.
  await recentRow(bobPage, ann.id).getByTestId('recent-counter').filter({ hasText: '1' }).waitFor();
  assert.match(await recentRow(bobPage, ann.id).getByTestId('recent-preview').innerText(), /Hello Bob/);
  await shot(bobPage, 'recent-unread-dark');
  // Bob opens it: the counter goes, and Ann sees "Seen by Bob".
  await recentRow(bobPage, ann.id).click();
  await messages(bobPage).getByText('Hello Bob').waitFor();
  await recentRow(bobPage, ann.id).getByTestId('recent-counter').waitFor({ state: 'detached' });
  await annPage.getByTestId('seen-by').filter({ hasText: 'Bob' }).waitFor();
  await shot(annPage, 'dialog-light');
  await shot(bobPage, 'dialog-dark');
});

test('typing is shown to the other side', async () => {
  await bobPage.getByTestId('composer').pressSequentially('I am typ');
  await annPage.getByTestId('typing').filter({ hasText: 'Bob is typing' }).waitFor();
  await bobPage.getByTestId('composer').fill('');
});

test('an edit and a delete reach the other browser', async () => {
  await bobPage.getByTestId('composer').fill('first version');
  await bobPage.keyboard.press('Enter');
  await messages(annPage).getByText('first version').waitFor();
  const row = messages(bobPage).locator('[data-message-id]').filter({ hasText: 'first version' });
  const id = Number(await row.getAttribute('data-message-id'));
  assert.ok(id > 0, 'the pending message was replaced by the server copy');
  // Bob edits and deletes from another device of his (a webhook of his): Ann's view follows.
  const bobHook = server.cli('webhook', 'add', '--user', String(bob.id), '--scope', 'im').webhook;
  await server.ok('im.message.update', { MESSAGE_ID: id, MESSAGE: 'second version' }, { webhook: bobHook });
  await messages(annPage).getByText('second version').waitFor();
  await messages(annPage).locator(`[data-message-id="${id}"]`).getByTestId('edited').waitFor();
  await server.ok('im.message.delete', { MESSAGE_ID: id }, { webhook: bobHook });
  await messages(annPage).getByText('second version').waitFor({ state: 'detached' });
});

test('a group chat message moves the chat up with its counter in the other list', async () => {
  const chatId = (await server.ok('im.chat.add', { TITLE: 'Design review', USERS: [ann.id, bob.id] })).result;
  await annPage.goto(`/online/?IM_DIALOG=chat${chatId}`);
  await annPage.getByTestId('dialog-title').filter({ hasText: 'Design review' }).waitFor();
  await annPage.getByTestId('composer').fill('Agenda attached');
  await annPage.keyboard.press('Enter');
  await recentRow(bobPage, `chat${chatId}`).getByTestId('recent-counter').waitFor();
  const first = bobPage.locator('[data-test=recent-item]').first();
  await first.getByText('Design review').waitFor();
});

test('a wrong password is refused on the sign-in page', async () => {
  const page = await newPage(browser, server);
  await page.goto('/login');
  await page.getByLabel('E-mail or user ID').fill('ann@example.com');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signin-error').waitFor();
  await shot(page, 'signin-error');
  await page.context().close();
});

test('a state-changing call without the sessid is refused (CSRF)', async () => {
  const answer = await annPage.evaluate(async () => {
    const r = await fetch('/rest/im.message.add.json', {
      method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ DIALOG_ID: '1', MESSAGE: 'forged' }),
    });
    return { status: r.status, body: await r.json() };
  });
  assert.deepEqual({ status: answer.status, error: answer.body.error }, { status: 401, error: 'session_failed' },
    JSON.stringify(answer));
});

test('phone width shows the list, then the dialog alone', async () => {
  const page = await newPage(browser, server, { phone: true });
  await signIn(page, 'ann@example.com', 'ann-secret-1');
  await shot(page, 'recent-phone');
  await page.locator('[data-test=recent-item]').first().click();
  await page.getByTestId('dialog').waitFor();
  assert.equal(await page.getByTestId('recent-list').isVisible(), false);
  await shot(page, 'dialog-phone');
  await page.context().close();
});

test('an expired session sends the user back to sign in, saying why', async () => {
  // A server of its own whose sessions end after 5 s without a call: on the shared one, a page
  // idle a little longer on a busy machine would be signed out in the middle of another test.
  const { server: brief, users: [cleo] } = await startMessenger(
    [{ name: 'Cleo', email: 'cleo@example.com', password: 'cleo-secret-1' }],
    { config: '[auth]\nsession_idle_timeout = 5\n' },
  );
  try {
    await brief.ok('im.message.add', { DIALOG_ID: String(cleo.id), MESSAGE: 'Welcome' });
    const page = await newPage(browser, brief);
    await signIn(page, 'cleo@example.com', 'cleo-secret-1');
    // After the idle timeout the next call finds the session gone.
    await page.waitForTimeout(6500);
    await page.locator('[data-test=recent-item]').first().click();
    await page.getByText('Your session has ended').waitFor();
    await page.context().close();
  } finally {
    await brief.cleanup();
  }
});
