// The operator's view of Open Channels, in the browser against the real binary: a customer writes
// through a custom connector (imconnector.send.messages, as tests/integration/openlines_setup.mjs
// sets up a line, an application and its connector); the operator sees the session arrive live in
// the "Open Channels" tab with its counter, answers, replies, saves the reply as a quick answer and
// finds it again with "/", transfers the dialog to a colleague, who sees it arrive, answers and
// finishes it. A supervisor (administrator) sees the colleague's dialog and may intercept it.
// Screenshots, light and dark, desktop and phone width: tests/web/artifacts/openlines-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startMessenger, newPage, signIn, shot } from './browser.mjs';
import { connectorApp, line, clientSays, outboxSince, lastOutbox, sql } from '../integration/openlines_setup.mjs';

let server, browser, ann, olga, pete, app, support, billing;

async function snap(page, name) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  return shot(page, name);
}
const olItem = (page, chat) => page.locator(`[data-test=openlines-item][data-dialog="chat${chat}"]`);
const group = (page, key) => page.getByTestId(`openlines-${key}`);

before(async () => {
  ({ server, users: [ann, olga, pete] } = await startMessenger(
    [
      { name: 'Ann Admin', email: 'ann@example.com', password: 'ann-secret-1', admin: true },
      { name: 'Olga Operator', email: 'olga@example.com', password: 'olga-secret-1' },
      { name: 'Pete Operator', email: 'pete@example.com', password: 'pete-secret-1' },
    ],
    { config: '[events]\nallow_private = true\n' },
  ));
  app = await connectorApp(server);
  const queue = (...people) => people.map((p) => ({ ENTITY_TYPE: 'user', ENTITY_ID: p.id }));
  support = await line(server, app, { LINE_NAME: 'Support', QUEUE_TYPE: 'strictly', QUEUE: queue(olga, pete) });
  billing = await line(server, app, { LINE_NAME: 'Billing', QUEUE: queue(pete) });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.cleanup();
});

test('a customer writes, the operator answers, replies, transfers; the colleague answers and finishes', async () => {
  const olgaPage = await newPage(browser, server);
  const petePage = await newPage(browser, server, { dark: true });
  await signIn(olgaPage, 'olga@example.com', 'olga-secret-1');
  await signIn(petePage, 'pete@example.com', 'pete-secret-1');
  for (const page of [olgaPage, petePage]) {
    await page.getByTestId('tab-openlines').click();
    await group(page, 'waiting').getByText('None').waitFor();
  }
  await snap(olgaPage, 'openlines-empty-light');

  // The customer writes: the session is offered to Olga (strictly: the first of the queue), live.
  const talk = await clientSays(app, support, 'cust-1', 'Hello, my order #1042 is late');
  await olItem(olgaPage, talk.chat).waitFor();
  assert.equal(await olgaPage.getByTestId('openlines-counter').textContent(), '1');
  assert.match(await group(olgaPage, 'waiting').textContent(), /Client cust-1/);
  await snap(olgaPage, 'openlines-waiting-light');

  // Olga opens it: the session bar offers Answer and Skip; the customer's words are there.
  await olItem(olgaPage, talk.chat).click();
  const bar = olgaPage.getByTestId('session-bar');
  await bar.getByTestId('session-answer').waitFor();
  assert.match(await bar.getByTestId('session-id').textContent(), new RegExp(`#${talk.session}`));
  assert.equal(await bar.getByTestId('session-line').textContent(), 'Support');
  await olgaPage.getByTestId('messages').getByText('Hello, my order #1042 is late').waitFor();
  assert.ok(await bar.getByTestId('session-skip').isVisible());
  assert.equal(await bar.getByTestId('session-intercept').count(), 0);

  await bar.getByTestId('session-answer').click();
  await bar.getByTestId('session-finish').waitFor();
  await group(olgaPage, 'active').locator(`[data-dialog="chat${talk.chat}"]`).waitFor();
  assert.equal(await olgaPage.getByTestId('openlines-counter').count(), 0, 'nothing waits any more');
  assert.equal(await bar.getByTestId('session-answer').count(), 0);

  // She replies; the reply goes out to the connector's application.
  const mark = lastOutbox(server);
  await olgaPage.getByTestId('composer').fill('Let me check the delivery for you');
  await olgaPage.getByTestId('composer').press('Enter');
  const reply = olgaPage.locator('[data-test=message][data-own]').filter({ hasText: 'Let me check the delivery for you' });
  await reply.waitFor();
  await bar.getByTestId('session-status').filter({ hasText: 'Operator replied' }).waitFor();
  await olgaPage.waitForFunction(() => [...document.querySelectorAll('[data-test=message][data-own]')]
    .some((m) => m.textContent.includes('Let me check') && Number(m.getAttribute('data-message-id')) > 0));
  const out = outboxSince(server, mark, 'ONIMCONNECTORMESSAGEADD');
  assert.equal(out.length, 1);
  assert.match(out[0].payload.data.MESSAGES[0].message.text, /Let me check the delivery for you/);

  // The reply becomes a quick answer; "/" in the composer finds it and puts it in.
  await reply.hover();
  await reply.getByTestId('message-menu').click();
  await olgaPage.getByRole('menuitem', { name: 'Save as quick answer' }).click();
  await reply.getByText('Saved as a quick answer').waitFor();
  await olgaPage.getByTestId('composer').fill('/deliv');
  const answers = olgaPage.getByTestId('quick-answers');
  await answers.getByTestId('quick-answer').filter({ hasText: 'Let me check the delivery for you' }).waitFor();
  await snap(olgaPage, 'openlines-quick-answers-light');
  await olgaPage.getByTestId('composer').press('Enter');
  assert.equal(await olgaPage.getByTestId('composer').inputValue(), 'Let me check the delivery for you');
  await olgaPage.getByTestId('composer').fill('/nothing like this');
  await olgaPage.getByTestId('quick-answers-empty').waitFor();
  await olgaPage.getByTestId('composer').fill('');

  // The customer card: the connector user, channel, line and the dialog's history.
  await bar.getByTestId('session-customer').click();
  const card = olgaPage.getByTestId('customer-card');
  await card.getByTestId('customer-name').filter({ hasText: 'Client cust-1' }).waitFor();
  assert.equal(await card.getByTestId('customer-connector').textContent(), app.connector);
  assert.equal(await card.getByTestId('customer-line').textContent(), 'Support');
  await card.getByTestId('customer-history-session').first().click();
  await card.getByTestId('customer-history').getByText('Hello, my order #1042 is late').waitFor();
  await snap(olgaPage, 'openlines-customer-light');
  await olgaPage.keyboard.press('Escape');
  await card.waitFor({ state: 'detached' });

  // Pete sees nothing of it yet as his own; Olga transfers it to him through the picker.
  await snap(olgaPage, 'openlines-dialog-light');
  await bar.getByTestId('session-transfer').click();
  const picker = olgaPage.getByTestId('transfer-picker');
  await picker.getByTestId('transfer-line').filter({ hasText: 'Billing' }).waitFor();
  await snap(olgaPage, 'openlines-transfer-light');
  await picker.getByTestId('transfer-user').filter({ hasText: 'Pete Operator' }).click();
  await bar.getByTestId('session-notice').filter({ hasText: 'Transferred to Pete Operator' }).waitFor();
  // Olga left the chat; as an operator of the line she still sees it, now among the colleagues'.
  await group(olgaPage, 'others').locator(`[data-dialog="chat${talk.chat}"]`).waitFor();
  assert.equal(await group(olgaPage, 'active').locator(`[data-dialog="chat${talk.chat}"]`).count(), 0);

  // Pete: the dialog arrives live as waiting for him, with the counter.
  await group(petePage, 'waiting').locator(`[data-dialog="chat${talk.chat}"]`).waitFor();
  assert.equal(await petePage.getByTestId('openlines-counter').textContent(), '1');
  await snap(petePage, 'openlines-waiting-dark');
  await olItem(petePage, talk.chat).click();
  const peteBar = petePage.getByTestId('session-bar');
  await peteBar.getByTestId('session-answer').click();
  await peteBar.getByTestId('session-finish').waitFor();
  await petePage.getByTestId('messages').getByText('Let me check the delivery for you').waitFor();
  await snap(petePage, 'openlines-dialog-dark');

  // A supervisor sees Pete's dialog among the colleagues' and may intercept it (not done here).
  const annPage = await newPage(browser, server, { phone: true });
  await signIn(annPage, 'ann@example.com', 'ann-secret-1');
  await annPage.getByTestId('tab-openlines').click();
  await group(annPage, 'others').locator(`[data-dialog="chat${talk.chat}"]`).waitFor();
  await snap(annPage, 'openlines-list-phone-light');
  await olItem(annPage, talk.chat).click();
  const annBar = annPage.getByTestId('session-bar');
  await annBar.getByTestId('session-intercept').waitFor();
  assert.ok(await annBar.getByTestId('session-join').isVisible());
  // Not in the chat, she reads the session's history (read-only) and has no composer.
  await annPage.getByTestId('lines-history').getByText('Let me check the delivery for you').waitFor();
  assert.equal(await annPage.getByTestId('composer').count(), 0);
  assert.equal(await annPage.getByTestId('dialog-title').textContent(), 'Client cust-1 - Support');
  await snap(annPage, 'openlines-dialog-phone-light');

  // Pete finishes: the session leaves his list; the dialog says so and offers a new session.
  await peteBar.getByTestId('session-finish').click();
  await peteBar.getByTestId('session-closed').waitFor();
  await peteBar.getByTestId('session-start').waitFor();
  await olItem(petePage, talk.chat).waitFor({ state: 'detached' });
  assert.equal(sql(server, `SELECT status FROM openline_sessions WHERE id = ${talk.session}`)[0].status, 60);

  // Ann, in no chat of it, heard nothing and still offers Intercept: the server refuses, and says so.
  await annBar.getByTestId('session-intercept').click();
  await annBar.getByTestId('session-error').filter({ hasText: 'OPERATOR_WRONG' }).waitFor();
  await annBar.getByTestId('session-closed').waitFor();
  await annPage.getByTestId('lines-history').getByText('Hello, my order #1042 is late').waitFor();
  await snap(annPage, 'openlines-refused-phone-light');
  await olItem(annPage, talk.chat).waitFor({ state: 'detached' });
  await annPage.close();
  await olgaPage.close();
  await petePage.close();
});

test('silent mode marks the dialog and the composer; a phone in the dark', async () => {
  const page = await newPage(browser, server, { phone: true, dark: true });
  await signIn(page, 'olga@example.com', 'olga-secret-1');
  const talk = await clientSays(app, support, 'cust-2', 'Is anyone there?');
  await page.getByTestId('tab-openlines').click();
  await olItem(page, talk.chat).waitFor();
  await snap(page, 'openlines-list-phone-dark');
  await olItem(page, talk.chat).click();
  const bar = page.getByTestId('session-bar');
  await bar.getByTestId('session-answer').click();
  await bar.getByTestId('session-finish').waitFor();
  await bar.getByTestId('session-silent-toggle').click();
  await bar.getByTestId('session-silent').waitFor();
  assert.equal(sql(server, `SELECT entity_data_3 FROM chats WHERE id = ${talk.chat}`)[0].entity_data_3, 'Y');
  assert.match(await page.getByTestId('composer').getAttribute('placeholder'), /Silent mode/);
  await page.getByTestId('silent-note').waitFor();
  // A message in silent mode stays with the operators: nothing goes to the connector.
  const mark = lastOutbox(server);
  await page.getByTestId('composer').fill('Note for colleagues: VIP customer');
  await page.getByTestId('composer').press('Enter');
  await page.locator('[data-test=message][data-own]').filter({ hasText: 'VIP customer' }).waitFor();
  assert.equal(outboxSince(server, mark, 'ONIMCONNECTORMESSAGEADD').length, 0);
  await snap(page, 'openlines-dialog-phone-dark');
  await page.close();
});
