// End-to-end: an EchoBot built on the official JS SDK (@bitrix24/b24jssdk, OAuth mode) runs as an
// HTTP handler on loopback and lives through a whole life in imhub: it is installed (ONAPPINSTALL
// with the installing user's tokens), registers itself and a command from that handler with
// clientEndpoint taken from auth[client_endpoint], answers a private message and a mention in a
// group chat with ATTACH and KEYBOARD — acting as the bot, with the token each event carries in
// data[BOT][id] — greets the chat it was added to, answers a typed command, turns a button press
// into an update of its message, and hears its own deletion when the application is uninstalled. Everything reaches the
// handler through the delivery worker, form-encoded as Bitrix24 sends it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import { B24OAuth, ParamsFactory, LoggerFactory, LogLevel } from '@bitrix24/b24jssdk';
import { startServer, freePort, BINARY } from '../integration/harness.mjs';
import { addApp } from '../integration/oauth_client.mjs';
import { unthrottle } from './client.mjs';

// PHP's parse_str for the handler's body: `data[BOT][5][BOT_ID]=5` → {data: {BOT: {5: {BOT_ID: '5'}}}}.
function parseForm(body) {
  const out = {};
  for (const pair of body.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const decode = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    const path = [key.replace(/\[.*$/, ''), ...[...key.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1])];
    let at = out;
    path.forEach((part, i) => {
      if (i === path.length - 1) at[part] = value;
      else at = at[part] ??= {};
    });
  }
  return out;
}

// The bot hears imhub only through the event delivery worker (`imhub events …`). A build made
// before that module was merged has none, and this test says so instead of timing out.
const noWorker = !/^\s+events\s/m.test(spawnSync(BINARY, ['--help'], { encoding: 'utf8' }).stdout)
  && 'this build has no event delivery worker';

let server;
let app;
let bot;       // the handler: {url, events, botId, commandId, errors}
let aliceId;
let alice;     // Alice's webhook

const waitFor = async (what, check, ms = 15000) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; handler saw ${bot.events.map((e) => e.event)}; errors ${bot.errors}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

// An SDK client from an `auth` map as events carry it (the user's in `auth`, the bot's in data[BOT][id]).
async function sdk(auth) {
  const b24 = new B24OAuth({
    applicationToken: auth.application_token, userId: Number(auth.user_id), memberId: auth.member_id,
    accessToken: auth.access_token, refreshToken: auth.refresh_token, expires: Number(auth.expires),
    expiresIn: Number(auth.expires_in), scope: auth.scope, domain: auth.domain,
    clientEndpoint: auth.client_endpoint, serverEndpoint: auth.server_endpoint, status: auth.status,
  }, { clientId: app.client_id, clientSecret: app.client_secret });
  b24.offClientSideWarning();
  await unthrottle(b24);
  b24.setLogger(LoggerFactory.createForBrowserProduction('echobot', LogLevel.ERROR));
  return b24;
}

const call = async (auth, method, params) => (await (await sdk(auth)).callMethod(method, params)).getData().result;

// The bot's logic, as a PHP EchoBot would have it.
async function handle(ev) {
  const { event, data, auth } = ev;
  if (event === 'ONAPPINSTALL') {
    bot.botId = Number(await call(auth, 'imbot.register', { CODE: 'echobot', TYPE: 'B', EVENT_HANDLER: bot.url,
      PROPERTIES: { NAME: 'EchoBot', WORK_POSITION: 'Repeats what you say' } }));
    bot.commandId = Number(await call(auth, 'imbot.command.register', { BOT_ID: bot.botId, COMMAND: 'shout',
      EVENT_COMMAND_ADD: bot.url, LANG: [{ LANGUAGE_ID: 'en', TITLE: 'Shout it', PARAMS: 'text' }] }));
  } else if (event === 'ONIMBOTJOINCHAT') {
    for (const [id, entry] of Object.entries(data.BOT)) {
      await call(entry.AUTH, 'imbot.message.add', { BOT_ID: id, DIALOG_ID: data.PARAMS.DIALOG_ID, MESSAGE: 'Hi, I am EchoBot' });
    }
  } else if (event === 'ONIMBOTMESSAGEADD') {
    for (const [id, entry] of Object.entries(data.BOT)) {
      await call(entry, 'imbot.message.add', {
        BOT_ID: id, DIALOG_ID: data.PARAMS.DIALOG_ID, MESSAGE: `You said: ${data.PARAMS.MESSAGE}`,
        ATTACH: [{ MESSAGE: `from [B]${data.USER.NAME}[/B]` }],
        KEYBOARD: [{ TEXT: 'Shout', COMMAND: 'shout', COMMAND_PARAMS: data.PARAMS.MESSAGE }],
      });
    }
  } else if (event === 'ONIMCOMMANDADD') {
    for (const entry of Object.values(data.COMMAND)) {
      if (entry.COMMAND_CONTEXT === 'TEXTAREA') {
        await call(entry, 'imbot.command.answer', { COMMAND_ID: entry.COMMAND_ID, MESSAGE_ID: entry.MESSAGE_ID,
          MESSAGE: `${entry.COMMAND_PARAMS.toUpperCase()}!` });
      } else {
        await call(entry, 'imbot.message.update', { BOT_ID: entry.BOT_ID, MESSAGE_ID: entry.MESSAGE_ID,
          MESSAGE: entry.COMMAND_PARAMS.toUpperCase(), KEYBOARD: 'N' });
      }
    }
  }
}

before(async () => {
  if (noWorker) return;
  server = await startServer();
  const port = await freePort();
  bot = { url: `http://127.0.0.1:${port}/bot.php`, events: [], errors: [], botId: 0 };
  bot.http = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', async () => {
      const ev = parseForm(body);
      ev.contentType = req.headers['content-type'];
      bot.events.push(ev);
      // The handler calls imhub before it answers, as PHP handlers do.
      try { await handle(ev); } catch (e) { bot.errors.push(`${ev.event}: ${e.message}`); }
      res.end('ok');
    });
  });
  await new Promise((r) => bot.http.listen(port, '127.0.0.1', r));
  aliceId = server.cli('user', 'add', '--name', 'Alice', '--last-name', 'Smith').user_id;
  alice = server.cli('webhook', 'add', '--user', String(aliceId), '--scope', 'im').webhook;
  app = addApp(server, { name: 'EchoBot', scope: 'im,imbot', handler: bot.url, install: false });
});
after(async () => {
  if (bot?.http) await new Promise((r) => bot.http.close(r));
  if (server) await server.cleanup();
});

const history = async (dialog) =>
  (await server.ok('im.dialog.messages.get', { DIALOG_ID: String(dialog), LIMIT: 50 }, { webhook: alice })).result.messages;

test('install → register → private message and mention answered with ATTACH and KEYBOARD → button → update → uninstall', { skip: noWorker }, async () => {
  server.cli('app', 'install', String(app.app_id), '--user', '1');
  await waitFor('the bot to register', () => bot.botId > 0 && bot.commandId > 0);
  const install = bot.events.find((e) => e.event === 'ONAPPINSTALL');
  assert.equal(install.contentType, 'application/x-www-form-urlencoded');
  assert.equal(install.auth.client_endpoint, `${server.base}/rest/`);
  assert.equal(install.auth.application_token, app.application_token);
  const botId = bot.botId;
  assert.equal((await server.ok('imbot.bot.list', {})).result[botId].CODE, 'echobot');

  // A private message: ONIMBOTJOINCHAT (the dialog opens), ONIMBOTMESSAGEADD, and the answer.
  await server.ok('im.message.add', { DIALOG_ID: String(botId), MESSAGE: 'hello there' }, { webhook: alice });
  const reply = await waitFor('the private answer', async () =>
    (await history(botId)).find((m) => m.author_id === botId && m.text === 'You said: hello there'));
  assert.equal(reply.params.ATTACH[0].BLOCKS[0].MESSAGE, 'from [B]Alice Smith[/B]');
  assert.equal(reply.params.KEYBOARD[0].COMMAND, 'shout');
  assert.equal(reply.params.KEYBOARD[0].BOT_ID, botId);
  const greeting = await waitFor('the greeting', async () =>
    (await history(botId)).find((m) => m.author_id === botId && m.text === 'Hi, I am EchoBot'));
  assert.ok(greeting.id < reply.id, 'the welcome came first');
  const add = bot.events.find((e) => e.event === 'ONIMBOTMESSAGEADD');
  assert.equal(add.data.PARAMS.MESSAGE, 'hello there');
  assert.equal(add.data.PARAMS.DIALOG_ID, String(aliceId));
  assert.equal(add.data.BOT[botId].user_id, String(botId), 'the bot\'s own token');
  assert.equal(add.data.BOT[botId].AUTH.access_token, add.data.BOT[botId].access_token);
  assert.equal(add.data.BOT[botId].BOT_CODE, 'echobot');
  assert.equal(add.auth.user_id, String(aliceId), 'auth: the user who wrote');
  assert.ok(add.auth.refresh_token);
  assert.equal(add.auth.application_token, app.application_token);

  // A group chat: added → greets; a mention → answers in the chat with the mention removed.
  const chat = (await server.ok('im.chat.add', { USERS: [aliceId, botId], TITLE: 'Team' })).result;
  await waitFor('the chat greeting', async () =>
    (await history(`chat${chat}`)).find((m) => m.author_id === botId && m.text === 'Hi, I am EchoBot'));
  await server.ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: `[USER=${botId}]EchoBot[/USER], ping` },
    { webhook: alice });
  await waitFor('the chat answer', async () =>
    (await history(`chat${chat}`)).find((m) => m.author_id === botId && m.text === 'You said: ping'));
  await server.ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'not for the bot' }, { webhook: alice });

  // A typed command: ONIMCOMMANDADD (TEXTAREA) → imbot.command.answer.
  await server.ok('im.message.add', { DIALOG_ID: String(botId), MESSAGE: '/shout hey' }, { webhook: alice });
  await waitFor('the command answer', async () =>
    (await history(botId)).find((m) => m.author_id === botId && m.text === 'HEY!'));

  // The button: ONIMCOMMANDADD → the bot rewrites its message and drops the keyboard.
  await server.ok('im.message.command', { MESSAGE_ID: reply.id, BOT_ID: botId, COMMAND: 'shout',
    COMMAND_PARAMS: 'hello there' }, { webhook: alice });
  const updated = await waitFor('the update', async () =>
    (await history(botId)).find((m) => m.id === reply.id && m.text === 'HELLO THERE'));
  assert.equal(updated.params.KEYBOARD, undefined);
  const command = bot.events.filter((e) => e.event === 'ONIMCOMMANDADD').at(-1);
  assert.equal(command.data.COMMAND[bot.commandId].COMMAND_CONTEXT, 'KEYBOARD');
  assert.equal(command.data.COMMAND[bot.commandId].user_id, String(botId), 'the bot\'s own token');

  // Uninstall: ONAPPUNINSTALL, then ONIMBOTDELETE; the bot is gone.
  server.cli('app', 'uninstall', String(app.app_id));
  await waitFor('ONIMBOTDELETE', () => bot.events.find((e) => e.event === 'ONIMBOTDELETE'));
  const names = bot.events.map((e) => e.event);
  assert.deepEqual(names.slice(-2), ['ONAPPUNINSTALL', 'ONIMBOTDELETE']);
  const del = bot.events.at(-1);
  assert.deepEqual(del.data, { BOT_ID: String(botId), BOT_CODE: 'echobot' });
  assert.equal(del.auth.application_token, app.application_token);
  assert.equal((await server.ok('imbot.bot.list', {})).result[botId], undefined);
  assert.equal(names.filter((n) => n === 'ONIMBOTMESSAGEADD').length, 3, 'the unmentioned message reached no bot');
  assert.deepEqual(bot.errors, []);
});
