// Issue 17 item 2: a webhook bot belongs to the user whose webhook registered it. Another user
// with the imbot scope who learns its CLIENT_ID (before the fix: from im.user.get bot_data.app_id)
// can neither move its handlers, nor post as it, nor delete it, and never sees the CLIENT_ID.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { Sink, sleep, until } from './sink.mjs';

let server;
let owner;    // Ann's webhook: she registers the bot
let mallory;  // another user with im,imbot
let carol;    // a third user who writes to the bot
let ownerSink;
let mallorySink;
let botId;
const CLIENT_ID = 'ann-weather-bot';

const as = (webhook) => ({
  call: (method, params) => server.call(method, params, { webhook }),
  ok: (method, params) => server.ok(method, params, { webhook }),
});

before(async () => {
  server = await startServer({ config: '[log]\naccess_log = false\n[events]\nretry_base = 0.05\nallow_private = true\n' });
  const user = (name) => server.cli('user', 'add', '--name', name).user_id;
  const hook = (id, scope) => server.cli('webhook', 'add', '--user', String(id), '--scope', scope).webhook;
  const annId = user('Ann');
  owner = hook(annId, 'im,imbot');
  mallory = hook(user('Mallory'), 'im,imbot');
  carol = hook(user('Carol'), 'im');
  ownerSink = await new Sink().start();
  mallorySink = await new Sink().start();
  botId = (await as(owner).ok('imbot.register', {
    CODE: 'weather', EVENT_HANDLER: ownerSink.url, PROPERTIES: { NAME: 'Weather' }, CLIENT_ID,
  })).result;
});
after(async () => {
  await ownerSink.stop();
  await mallorySink.stop();
  await server.cleanup();
});

test('other users do not see the CLIENT_ID of a webhook bot; its owner does', async () => {
  for (const hook of [mallory, carol, server.webhook]) {
    const u = (await as(hook).ok('im.user.get', { ID: botId })).result;
    assert.equal(u.bot_data.app_id, '', 'bot_data.app_id for another user');
    assert.equal(u.bot_data.code, 'weather');
    const list = (await as(hook).ok('im.user.list.get', { ID: [botId] })).result;
    assert.equal(list[botId].bot_data.app_id, '');
  }
  const mine = (await as(owner).ok('im.user.get', { ID: botId })).result;
  assert.equal(mine.bot_data.app_id, `custom${CLIENT_ID}`);
});

test('another user presenting the CLIENT_ID cannot move the handler, post, or unregister', async () => {
  const denied = async (method, params) => {
    const r = await as(mallory).call(method, { BOT_ID: botId, CLIENT_ID, ...params });
    assert.equal(r.status, 400, `${method}: ${r.text}`);
    assert.equal(r.body.error, 'APP_ID_ERROR', method);
    assert.equal(r.body.error_description, 'Bot was installed by another rest application');
  };
  await denied('imbot.update', { FIELDS: { EVENT_HANDLER: mallorySink.url } });
  await denied('imbot.message.add', { DIALOG_ID: 1, MESSAGE: 'I am the bot now' });
  await denied('imbot.command.register', { COMMAND: 'pwn', EVENT_COMMAND_ADD: mallorySink.url });
  await denied('imbot.unregister', {});
  // Without BOT_ID the call acts as the caller's own first bot, and Mallory has none.
  const r = await as(mallory).call('imbot.message.add', { CLIENT_ID, DIALOG_ID: 1, MESSAGE: 'x' });
  assert.equal(r.body.error, 'BOT_ID_ERROR');

  // Carol's private message still reaches Ann's handler only.
  await as(carol).ok('im.message.add', { DIALOG_ID: botId, MESSAGE: 'what is the weather?' });
  await until('the owner\'s handler got the message', () =>
    ownerSink.requests.some((q) => q.form.event === 'ONIMBOTMESSAGEADD'));
  await sleep(200);
  assert.equal(mallorySink.requests.length, 0);
  const ev = ownerSink.requests.find((q) => q.form.event === 'ONIMBOTMESSAGEADD');
  assert.equal(ev.form.data.PARAMS.MESSAGE, 'what is the weather?');
  assert.equal(ev.form.auth.application_token, CLIENT_ID);

  // The owner keeps every right.
  await as(owner).ok('imbot.update', { BOT_ID: botId, CLIENT_ID, FIELDS: { PROPERTIES: { NAME: 'Weather 2' } } });
  await as(owner).ok('imbot.message.add', { BOT_ID: botId, CLIENT_ID, DIALOG_ID: 1, MESSAGE: 'hello' });
});

test('the same CLIENT_ID used by another user is another owner with bots of its own', async () => {
  const other = (await as(mallory).ok('imbot.register', {
    CODE: 'mallory-bot', EVENT_HANDLER: mallorySink.url, PROPERTIES: { NAME: 'M' }, CLIENT_ID,
  })).result;
  assert.notEqual(other, botId);
  // Mallory's calls without BOT_ID now act as Mallory's bot, never as Ann's.
  await as(mallory).ok('imbot.message.add', { CLIENT_ID, DIALOG_ID: 1, MESSAGE: 'from my own bot' });
  const r = await as(mallory).ok('imbot.update', { BOT_ID: other, CLIENT_ID, FIELDS: { PROPERTIES: { NAME: 'M2' } } });
  assert.equal(r.result, true);
  assert.equal((await as(owner).ok('im.user.get', { ID: botId })).result.name, 'Weather 2');
  assert.equal((await as(owner).ok('im.user.get', { ID: other })).result.name, 'M2');
  await as(mallory).ok('imbot.unregister', { BOT_ID: other, CLIENT_ID });
});
