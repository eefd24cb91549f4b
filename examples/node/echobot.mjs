// EchoBot on the official Bitrix24 JS SDK (@bitrix24/b24jssdk), as a local application: imhub
// sends ONAPPINSTALL with the installing user's OAuth tokens, the bot registers itself and its
// `echo` command from there, and answers every message with the token the event carries for the
// bot (data[BOT][id]). The SDK talks to imhub's client_endpoint, which the event names.
//
// One command (from the repository root, with a data directory made by `imhub init`):
//   node examples/node/echobot.mjs --data ./data [--port 9001] [--imhub build/imhub]
// (with `--store postgresql://…` as well when the portal's store is PostgreSQL, as every imhub
// command takes it).
// It adds and installs itself as an application with `imhub app add/install`, then serves.
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

// The SDK is pinned and installed in tests/e2e (`npm ci` there); its ES module entry is imported.
const require = createRequire(new URL('../../tests/e2e/package.json', import.meta.url));
const sdkDir = dirname(require.resolve('@bitrix24/b24jssdk/package.json'));
const sdkEntry = require('@bitrix24/b24jssdk/package.json').exports['.'].import.default;
const { B24OAuth, LoggerFactory, LogLevel } = await import(pathToFileURL(join(sdkDir, sdkEntry)).href);

const { values: opt } = parseArgs({
  options: { data: { type: 'string', default: './data' }, port: { type: 'string', default: '9001' },
    imhub: { type: 'string', default: 'build/imhub' }, store: { type: 'string' } },
});
const handler = `http://127.0.0.1:${opt.port}/`;
let app;  // {app_id, client_id, client_secret}

// PHP's parse_str: `data[BOT][5][BOT_ID]=5` → {data: {BOT: {5: {BOT_ID: '5'}}}}.
function parseForm(body) {
  const out = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = [key.replace(/\[.*$/, ''), ...[...key.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1])];
    let at = out;
    path.forEach((part, i) => { if (i === path.length - 1) at[part] = value; else at = at[part] ??= {}; });
  }
  return out;
}

// An SDK client acting with `auth` (an event's `auth`, or a bot's entry of data[BOT]).
function client(auth) {
  const b24 = new B24OAuth({
    applicationToken: auth.application_token, userId: Number(auth.user_id), memberId: auth.member_id,
    accessToken: auth.access_token, refreshToken: auth.refresh_token, expires: Number(auth.expires),
    expiresIn: Number(auth.expires_in), scope: auth.scope, domain: auth.domain,
    clientEndpoint: auth.client_endpoint, serverEndpoint: auth.server_endpoint, status: auth.status,
  }, { clientId: app.client_id, clientSecret: app.client_secret });
  b24.offClientSideWarning();
  b24.setLogger(LoggerFactory.createForBrowserProduction('echobot', LogLevel.ERROR));
  return b24;
}

const call = async (auth, method, params) => (await client(auth).callMethod(method, params)).getData().result;
const again = (text) => [{ TEXT: 'Again', COMMAND: 'echo', COMMAND_PARAMS: text }];

async function onEvent({ event, data, auth }) {
  if (event === 'ONAPPINSTALL') {
    const botId = await call(auth, 'imbot.register', { CODE: `node_echobot_${app.app_id}`, TYPE: 'B',
      EVENT_HANDLER: handler, PROPERTIES: { NAME: 'EchoBot (Node)', WORK_POSITION: 'Repeats what you say' } });
    await call(auth, 'imbot.command.register', { BOT_ID: botId, COMMAND: 'echo', EVENT_COMMAND_ADD: handler,
      LANG: [{ LANGUAGE_ID: 'en', TITLE: 'Echo', PARAMS: 'text' }] });
    console.log(JSON.stringify({ bot_id: Number(botId), handler }));
  } else if (event === 'ONIMBOTJOINCHAT') {
    for (const [id, bot] of Object.entries(data.BOT))
      await call(bot.AUTH, 'imbot.message.add', { BOT_ID: id, DIALOG_ID: data.PARAMS.DIALOG_ID, MESSAGE: 'Hi! I repeat what you say.' });
  } else if (event === 'ONIMBOTMESSAGEADD') {
    for (const [id, bot] of Object.entries(data.BOT))
      await call(bot, 'imbot.message.add', { BOT_ID: id, DIALOG_ID: data.PARAMS.DIALOG_ID,
        MESSAGE: `You said: ${data.PARAMS.MESSAGE}`, KEYBOARD: again(data.PARAMS.MESSAGE) });
  } else if (event === 'ONIMCOMMANDADD') {
    for (const command of Object.values(data.COMMAND))
      await call(command, 'imbot.command.answer', { COMMAND_ID: command.COMMAND_ID, MESSAGE_ID: command.MESSAGE_ID,
        MESSAGE: `Again: ${command.COMMAND_PARAMS}` });
  }
}

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', async () => {
    try {
      await onEvent(parseForm(body));
      res.end('ok');
    } catch (e) {
      console.error(`echobot: ${e.message}`);
      res.statusCode = 500;  // imhub retries the event later
      res.end('error');
    }
  });
});
await new Promise((resolve) => server.listen(Number(opt.port), '127.0.0.1', resolve));

const where = ['--data', opt.data, ...(opt.store ? ['--store', opt.store] : [])];
const imhub = (...args) => JSON.parse(execFileSync(opt.imhub, [...args, ...where], { encoding: 'utf8' }));
app = imhub('app', 'add', '--name', 'EchoBot (Node)', '--scope', 'im,imbot', '--handler', handler);
imhub('app', 'install', String(app.app_id), '--user', '1');
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
