// Issue 17 item 5: event handlers cannot be used to reach the server's own network. Literal
// private and loopback addresses are refused at registration (loopback is allowed for an
// administrator's handlers); at delivery every connection is checked after DNS, and a refused
// event goes to the failed list with the reason without a socket being opened.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { cliResult, addApp, signIn, restFails, restOk } from './oauth_client.mjs';
import { Sink, enqueue, rows, until } from './sink.mjs';

let server;
let ann;  // a user's webhook with im,imbot
let sink;

before(async () => {
  server = await startServer({ config: '[log]\naccess_log = false\nlevel = "debug"\n[events]\nretry_base = 0.05\n' });
  const annId = server.cli('user', 'add', '--name', 'Ann').user_id;
  ann = server.cli('webhook', 'add', '--user', String(annId), '--scope', 'im,imbot').webhook;
  sink = await new Sink().start();
});
after(async () => {
  await sink.stop();
  await server.cleanup();
});

const register = (webhook, code, handler) => server.call('imbot.register',
  { CODE: code, EVENT_HANDLER: handler, PROPERTIES: { NAME: code }, CLIENT_ID: `c-${code}` }, { webhook });

test('registration: literal private addresses are refused; loopback only for an administrator', async () => {
  const refused = {
    'http://169.254.169.254/latest/meta-data/': /169\.254\.169\.254 is link-local 169\.254\.0\.0\/16/,
    'http://10.0.0.5/bot': /10\.0\.0\.5 is private 10\.0\.0\.0\/8/,
    'http://192.168.1.1:8080/bot': /192\.168\.1\.1 is private/,
    'http://[fd00::1]/bot': /fd00::1 is unique local/,
    [sink.url]: /127\.0\.0\.1 is loopback .*administrator/,
    'http://localhost:9/bot': /localhost is loopback/,
    'http://2130706433:9/bot': /127\.0\.0\.1 is loopback/,
  };
  let n = 0;
  for (const [url, why] of Object.entries(refused)) {
    const r = await register(ann, `ssrf${n++}`, url);
    assert.equal(r.status, 400, `${url}: ${r.text}`);
    assert.equal(r.body.error, 'EVENT_MESSAGE_ADD_ERROR');
    assert.match(r.body.error_description, /^Wrong handler URL: /);
    assert.match(r.body.error_description, why);
  }
  // An administrator may point a bot at a local service, not at the private network.
  assert.equal((await register(server.webhook, 'admin-local', sink.url)).status, 200);
  assert.equal((await register(server.webhook, 'admin-private', 'http://10.0.0.5/bot')).status, 400);
  // A name is resolved and checked when an event is delivered.
  const named = await register(ann, 'ann-named', 'http://bots.example.invalid/h');
  assert.equal(named.status, 200, named.text);
  // Commands follow the same rule.
  const cmd = await server.call('imbot.command.register', { BOT_ID: named.body.result, CLIENT_ID: 'c-ann-named',
    COMMAND: 'x', EVENT_COMMAND_ADD: 'http://169.254.169.254/', LANG: [{ LANGUAGE_ID: 'en', TITLE: 'x' }] },
  { webhook: ann });
  assert.equal(cmd.status, 400, cmd.text);
  assert.equal(cmd.body.error, 'EVENT_COMMAND_ADD_ERROR');
});

test('event.bind: a user\'s loopback or private handler is refused, an administrator\'s loopback one is not', async () => {
  const app = addApp(server);
  const admin = await signIn(server, app);
  const user = await signIn(server, app, ann);
  await restFails(server, 'event.bind', { event: 'ONAPPTEST', handler: 'http://127.0.0.1:9/h' }, user.access_token,
    400, 'ERROR_WRONG_HANDLER_URL');
  await restFails(server, 'event.bind', { event: 'ONAPPTEST', handler: 'http://169.254.169.254/h' },
    admin.access_token, 400, 'ERROR_WRONG_HANDLER_URL');
  assert.equal((await restOk(server, 'event.bind', { event: 'ONAPPTEST', handler: 'http://127.0.0.1:9/h' },
    admin.access_token)).result, true);
  assert.equal(rows(server, "SELECT user_id FROM event_handler_trust WHERE handler = 'http://127.0.0.1:9/h'")[0].user_id, 1);
});

test('delivery: a refused address gets no socket; the reason is in events failed, status, log and the server log', async () => {
  const dns = `http://localhost:${sink.port}/dns?CLIENT_ID=topsecret`;  // a name that resolves to 127.0.0.1
  const started = Date.now();
  const ids = enqueue(server, [
    { handler: dns, order: 'chat:1' },
    { handler: 'http://10.255.255.1/x', order: 'chat:2' },
    { handler: 'http://169.254.169.254/latest/meta-data/', order: 'chat:3' },
  ]);
  await until('the three events are in the failed list', () =>
    rows(server, `SELECT COUNT(*) AS n FROM event_failed WHERE id IN (${ids.join(',')})`)[0].n === 3);
  // Refused before connecting: no connect timeout was waited out, and the sink saw nothing.
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  assert.equal(sink.connections, 0);

  const failed = cliResult(server, 'events', 'failed').json.failed;
  const errorOf = (handler) => failed.find((f) => f.handler === handler).last_error;
  assert.match(errorOf(dns), /^refused by the address policy: (127\.0\.0\.1|::1) is loopback/);
  assert.match(errorOf('http://10.255.255.1/x'), /10\.255\.255\.1 is private 10\.0\.0\.0\/8 .*allow_private/);
  assert.match(errorOf('http://169.254.169.254/latest/meta-data/'), /link-local/);

  const status = cliResult(server, 'events', 'status').json;
  const h = status.handlers.find((x) => x.handler === 'http://10.255.255.1/x');
  assert.equal(h.failed, 1);
  assert.match(h.last_error, /10\.255\.255\.1 is private/);

  const log = cliResult(server, 'events', 'log').json.deliveries.filter((d) => ids.includes(d.outbox_id));
  assert.equal(log.length, 3);
  for (const d of log) assert.equal(d.outcome, 'refused');

  await until('the warning is logged', () => /to http:\/\/localhost:\d+\/dns not sent: refused by the address policy/.test(server.stderr));
  assert.ok(!server.stderr.includes('topsecret'), 'the handler\'s query is not logged');
  assert.match(await metricText(), /imhub_event_deliveries_total\{outcome="refused"\} [1-9]/);
});

test('a kept-alive connection of a trusted handler does not carry an untrusted one', async () => {
  const r = await register(server.webhook, 'keepalive', `${sink.url}trusted`);
  assert.equal(r.status, 200, r.text);
  const trusted = rows(server, `SELECT handler_message_add AS h FROM bots WHERE id = ${r.body.result}`)[0].h;
  const before = sink.connections;
  enqueue(server, [{ handler: trusted, order: 'k:1' }]);
  await until('the trusted handler got its event', () => sink.requests.some((q) => q.path.startsWith('/trusted')));
  const [untrusted] = enqueue(server, [{ handler: `${sink.url}untrusted`, order: 'k:2' }]);
  await until('the untrusted event is refused', () =>
    rows(server, `SELECT COUNT(*) AS n FROM event_failed WHERE id = ${untrusted}`)[0].n === 1);
  assert.equal(sink.connections, before + 1);
  assert.ok(!sink.requests.some((q) => q.path.startsWith('/untrusted')));
  assert.match(rows(server, `SELECT last_error FROM event_failed WHERE id = ${untrusted}`)[0].last_error,
    /127\.0\.0\.1 is loopback/);
});

test('[events] allow_private lets anyone use local and private handlers', async () => {
  const open = await startServer({ config: '[log]\naccess_log = false\n[events]\nallow_private = true\n' });
  try {
    const id = open.cli('user', 'add', '--name', 'Bob').user_id;
    const bob = open.cli('webhook', 'add', '--user', String(id), '--scope', 'im,imbot').webhook;
    const r = await open.call('imbot.register', { CODE: 'b', EVENT_HANDLER: sink.url, PROPERTIES: { NAME: 'B' },
      CLIENT_ID: 'b' }, { webhook: bob });
    assert.equal(r.status, 200, r.text);
    enqueue(open, [{ handler: `${sink.url}open`, order: 'o:1' }]);
    await until('delivered', () => sink.requests.some((q) => q.path === '/open'));
  } finally {
    await open.cleanup();
  }
});

async function metricText() { return (await server.raw('/metrics')).text; }
