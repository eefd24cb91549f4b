// Bitrix24.Network for local lines (protocol-openlines.md §5.8; reference
// imopenlines-network-join.md, imopenlines-network-message-add.md): a line given a 32-character
// code with `imhub openlines network` is found by it (any other code is NOT_FOUND, as on the
// platform), joining gives the bot that speaks for the line, and the line writes to a user
// through it at most once a week; every documented error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { BINARY, storeArgs } from './harness.mjs';
import { openlinesServer, person, connectorApp, line, sql, sqlWrite } from './openlines_setup.mjs';

let server, app, lineId, code, ann, bob, carl;
const as = (who) => ({ webhook: who.webhook });
const UNKNOWN = 'ab515f5d85a8b844d484f6ea75a2e494';

before(async () => {
  server = await openlinesServer();
  ann = person(server, 'Ann');
  bob = person(server, 'Bob');
  carl = person(server, 'Carl');
  app = await connectorApp(server);
  lineId = await line(server, app, { LINE_NAME: 'Partner support' });
  code = server.cli('openlines', 'network', String(lineId)).network_code;
});
after(async () => { await server.cleanup(); });

test('imhub openlines network: a random 32-character code, or the one given; lines shows it', async () => {
  assert.match(code, /^[0-9a-f]{32}$/);
  assert.equal(server.cli('openlines', 'lines').lines.find((l) => l.id === lineId).network_code, code);
  const other = await line(server, app, { LINE_NAME: 'Other' });
  const fixed = 'A'.repeat(32);
  assert.deepEqual(server.cli('openlines', 'network', String(other), '--code', fixed),
    { line_id: other, network_code: fixed });
  const run = (...args) => execFileSync(BINARY, ['openlines', 'network', ...args, '--data', server.dataDir, ...storeArgs(server.dataDir)],
    { encoding: 'utf8', stdio: 'pipe' });
  assert.throws(() => run(String(other), '--code', 'short'));
  assert.throws(() => run(String(other), '--code', code), 'another line has it');
  assert.throws(() => run('999999'));
});

test('network.join: CODE, NOT_FOUND, INACTIVE; the line\'s bot, the same one again', async () => {
  await server.fails('imopenlines.network.join', {}, 400, 'CODE', 'You entered an invalid code');
  await server.fails('imopenlines.network.join', { CODE: 'abc' }, 400, 'CODE');
  await server.fails('imopenlines.network.join', { CODE: UNKNOWN }, 400, 'NOT_FOUND', 'Line not found');
  const botId = (await server.ok('imopenlines.network.join', { CODE: code }, as(ann))).result;
  assert.ok(Number.isInteger(botId) && botId > 0);
  assert.equal((await server.ok('imopenlines.network.join', { CODE: code }, as(bob))).result, botId);
  const bot = sql(server, `SELECT b.type, u.name FROM bots b JOIN users u ON u.id = b.id WHERE b.id = ${botId}`)[0];
  assert.deepEqual(bot, { type: 'N', name: 'Partner support' });

  const closed = await line(server, app, { LINE_NAME: 'Closed', ACTIVE: 'N' });
  const closedCode = server.cli('openlines', 'network', String(closed)).network_code;
  await server.fails('imopenlines.network.join', { CODE: closedCode }, 400, 'INACTIVE', 'Openline is inactive');
});

test('network.message.add: every documented error', async () => {
  const base = { CODE: code, USER_ID: ann.id, MESSAGE: 'Hello from our line' };
  await server.fails('imopenlines.network.message.add', { ...base, CODE: 'abc' }, 400, 'CODE',
    'You entered an invalid code');
  await server.fails('imopenlines.network.message.add', { ...base, CODE: UNKNOWN }, 400, 'NOT_FOUND', 'Line not found');
  await server.fails('imopenlines.network.message.add', { ...base, USER_ID: undefined }, 400, 'USER_ID_EMPTY',
    "User ID can't be empty");
  await server.fails('imopenlines.network.message.add', { ...base, USER_ID: 'x' }, 400, 'USER_ID_EMPTY');
  await server.fails('imopenlines.network.message.add', { ...base, MESSAGE: '' }, 400, 'MESSAGE_EMPTY',
    "Message can't be empty");
  await server.fails('imopenlines.network.message.add', { ...base, ATTACH: 'not an attach' }, 400, 'ATTACH_ERROR',
    'Incorrect attach params');
  await server.fails('imopenlines.network.message.add',
    { ...base, ATTACH: [{ MESSAGE: 'x'.repeat(31 * 1024) }] }, 400, 'ATTACH_OVERSIZE');
  await server.fails('imopenlines.network.message.add', { ...base, KEYBOARD: 'nope' }, 400, 'KEYBOARD_ERROR',
    'Incorrect keyboard params');
  await server.fails('imopenlines.network.message.add', { ...base, USER_ID: 999999 }, 400, 'WRONG_REQUEST',
    "Message isn't added");
  // Nothing was sent by the failures.
  assert.equal(sql(server, `SELECT COUNT(*) AS n FROM openline_network_messages`)[0].n, 0);
});

test('network.message.add: from the line\'s bot to the user, once a week per user; .send is the same method', async () => {
  const r = await server.ok('imopenlines.network.message.add', { CODE: code, USER_ID: bob.id,
    MESSAGE: 'Your order shipped', KEYBOARD: [{ TEXT: 'Track', LINK: 'https://example.com/track' }] }, as(ann));
  assert.equal(r.result, true);
  const botId = (await server.ok('imopenlines.network.join', { CODE: code })).result;
  const [msg] = sql(server, `SELECT m.author_id, m.text, m.params, c.type FROM messages m JOIN chats c ON c.id = m.chat_id
    WHERE m.author_id = ${botId} ORDER BY m.id DESC LIMIT 1`);
  assert.equal(msg.text, 'Your order shipped');
  assert.equal(msg.type, 'P');
  const params = JSON.parse(msg.params);
  assert.equal(params.IMOL_QUOTE_MSG, 'Y');
  assert.equal(params.KEYBOARD[0].TEXT, 'Track');
  // Bob sees it in his dialog with the bot.
  const dialog = await server.ok('im.dialog.messages.get', { DIALOG_ID: botId }, as(bob));
  assert.equal(dialog.result.messages[0].text, 'Your order shipped');

  await server.fails('imopenlines.network.message.add', { CODE: code, USER_ID: bob.id, MESSAGE: 'again' }, 400,
    'USER_MESSAGE_LIMIT', "You can't send more than one message per week to each user");
  assert.equal((await server.ok('imopenlines.network.message.send', { CODE: code, USER_ID: carl.id,
    MESSAGE: 'Hi Carl' })).result, true);
  // A week later the line may write to Bob again.
  sqlWrite(server, `UPDATE openline_network_messages SET sent_at = sent_at - 7 * 86400 WHERE user_id = ${bob.id}`);
  assert.equal((await server.ok('imopenlines.network.message.add', { CODE: code, USER_ID: bob.id,
    MESSAGE: 'Next week' })).result, true);
});

test('network.message.add refuses browser sessions (WRONG_AUTH_TYPE)', async () => {
  server.cli('user', 'passwd', String(ann.id), '--password', 'network-password-1');
  const login = await fetch(`${server.base}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: String(ann.id), password: 'network-password-1' }) });
  assert.equal(login.status, 200);
  const cookie = (login.headers.get('set-cookie') || '').split(';')[0];
  const { sessid } = await login.json();
  const r = await fetch(`${server.base}/rest/imopenlines.network.message.add.json?sessid=${sessid}`, { method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({ CODE: code, USER_ID: carl.id, MESSAGE: 'hi' }) });
  assert.equal(r.status, 403);
  const body = await r.json();
  assert.equal(body.error, 'WRONG_AUTH_TYPE');
  assert.equal(body.error_description, 'Access for this method not allowed by session authorization');
});
