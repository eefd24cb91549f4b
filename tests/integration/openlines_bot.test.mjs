// Sessions with a welcome bot (protocol-openlines.md §3–§4, protocol.md §9.3, §11.3): a client
// writing through a connector gets a LINES chat and a session; the bot is joined on the client's
// behalf (ONIMBOTJOINCHAT USER_ID = the client), hears the client, answers out through the
// connector, and hands over on "0", imopenlines.bot.session.operator, .transfer, .finish or
// when WELCOME_BOT_TIME runs out. Events are read from the outbox rows the calls write.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  H, openlinesServer, person, application, connectorApp, line, clientSays, lastOutbox, outboxSince, members, session,
  eventually, sql,
} from './openlines_setup.mjs';

let server, app, other;
let op1, op2;
let botId, otherBot;
let lineId, queueLine;

before(async () => {
  server = await openlinesServer();
  op1 = person(server, 'Olga', ['--last-name', 'Operator']);
  op2 = person(server, 'Oscar');
  app = await connectorApp(server);
  botId = await app.ok('imbot.register', { CODE: 'itrbot', TYPE: 'O', EVENT_HANDLER: `${H}/bot`,
    PROPERTIES: { NAME: 'ITR Bot', COLOR: 'RED' } });
  other = await application(server, { name: 'Other' });
  otherBot = await other.ok('imbot.register', { CODE: 'otherbot', TYPE: 'O', EVENT_HANDLER: `${H}/other`,
    PROPERTIES: { NAME: 'Other bot' } });
  lineId = await line(server, app, { LINE_NAME: 'Support', QUEUE_TYPE: 'strictly', WELCOME_BOT_ENABLE: 'Y',
    WELCOME_BOT_ID: botId, QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: op1.id }, { ENTITY_TYPE: 'user', ENTITY_ID: op2.id }] });
  queueLine = await line(server, app, { LINE_NAME: 'Second line', QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: op2.id }] });
});
after(async () => { await server.cleanup(); });

test('a client writes: LINES chat, session, the welcome bot joined by the client, then the message', async () => {
  const mark = lastOutbox(server);
  const r = await clientSays(app, lineId, 'ext-1', 'hello');
  const s = session(server, r.session);
  assert.equal(s.status, 0);
  assert.equal(s.operator_id, botId, 'the bot is in charge');
  assert.deepEqual(members(server, r.chat), [r.client, botId].sort((a, b) => a - b));

  const dialog = (await server.ok('imopenlines.dialog.get', { CHAT_ID: r.chat })).result;
  assert.equal(dialog.type, 'lines');
  assert.equal(dialog.message_type, 'L');
  assert.equal(dialog.entity_type, 'LINES');
  assert.equal(dialog.entity_id, `testconn|${lineId}|chan-ext-1|ext-1`);
  assert.match(dialog.entity_data_1, new RegExp(`^N\\|NONE\\|0\\|N\\|N\\|${r.session}\\|\\d+\\|${lineId}\\|0\\|0$`));
  assert.equal(dialog.name, 'Client ext-1 - Support');
  assert.equal(dialog.dialog_id, `chat${r.chat}`);
  for (const by of [{ DIALOG_ID: `chat${r.chat}` }, { SESSION_ID: r.session },
    { USER_CODE: `imol|testconn|${lineId}|chan-ext-1|ext-1` }])
    assert.equal((await server.ok('imopenlines.dialog.get', by)).result.id, r.chat);

  const rows = outboxSince(server, mark);
  const names = rows.map((x) => x.event);
  assert.deepEqual(names.filter((n) => n.startsWith('ONIMBOT')), ['ONIMBOTJOINCHAT', 'ONIMBOTMESSAGEADD']);
  const join = rows.find((x) => x.event === 'ONIMBOTJOINCHAT');
  assert.equal(join.payload.data.PARAMS.USER_ID, r.client, 'the client brought the bot in');
  assert.equal(join.payload.data.PARAMS.CHAT_ENTITY_TYPE, 'LINES');
  assert.equal(join.payload.data.PARAMS.DIALOG_ID, `chat${r.chat}`);
  assert.equal(join.payload.auth_user_id, r.client);
  const add = rows.find((x) => x.event === 'ONIMBOTMESSAGEADD');
  assert.equal(add.payload.data.PARAMS.MESSAGE, 'hello');
  assert.equal(add.payload.data.PARAMS.CHAT_ENTITY_TYPE, 'LINES');
  assert.equal(add.payload.data.PARAMS.CHAT_ENTITY_ID, `testconn|${lineId}|chan-ext-1|ext-1`);
  assert.equal(add.payload.data.PARAMS.CHAT_ENTITY_DATA_1.split('|')[5], String(r.session));
  assert.equal(add.payload.data.PARAMS.FROM_USER_ID, r.client);
  assert.equal(add.payload.data.USER.IS_CONNECTOR, 'Y');
  // The session's events went to the connector's application, in the documented DATA list form.
  const start = rows.find((x) => x.event === 'ONSESSIONSTART');
  assert.deepEqual(start.payload.data, { DATA: [{
    connector: { connector_id: 'testconn', line_id: lineId, chat_id: 'chan-ext-1', user_id: 'ext-1' },
    session: { id: r.session, closed: 'N', parent_id: 0, close_term: 10 },
    chat: { id: r.chat }, user: { id: r.client } }] });
  assert.equal(start.app_id, app.app_id);
  const dialogStart = rows.find((x) => x.event === 'ONIMCONNECTORDIALOGSTART');
  assert.equal(dialogStart.payload.data.CONNECTOR, 'testconn');
  assert.equal(dialogStart.payload.data.LINE, String(lineId));
  assert.deepEqual(dialogStart.payload.data.DATA, start.payload.data.DATA);
  const olAdd = rows.find((x) => x.event === 'ONOPENLINEMESSAGEADD');
  assert.equal(olAdd.payload.data.DATA[0].message.text, 'hello');
  assert.ok(!names.includes('ONIMCONNECTORMESSAGEADD'), "the client's own message does not go back out");
});

test("the bot answers through the connector; the client's 0 hands over to the queue", async () => {
  const r = await clientSays(app, lineId, 'ext-2', 'hi');
  let mark = lastOutbox(server);
  // ITR answers with imbot.message.add, no BOT_ID: the application's bot.
  await app.ok('imbot.message.add', { DIALOG_ID: `chat${r.chat}`, MESSAGE: 'Main menu (#0)' });
  const out = outboxSince(server, mark, 'ONIMCONNECTORMESSAGEADD');
  assert.equal(out.length, 1);
  assert.deepEqual(out[0].payload.data.CONNECTOR, 'testconn');
  const item = out[0].payload.data.MESSAGES[0];
  assert.equal(item.message.text, '[b]ITR Bot:[/b][br]Main menu (#0)');
  assert.equal(item.message.user_id, botId);
  assert.equal(item.chat.id, 'chan-ext-2');
  assert.equal(item.im.chat_id, r.chat);

  mark = lastOutbox(server);
  await clientSays(app, lineId, 'ext-2', '0');
  const heard = outboxSince(server, mark, 'ONIMBOTMESSAGEADD');
  assert.equal(heard.length, 1, 'the bot still hears the 0');
  assert.equal(heard[0].payload.data.PARAMS.MESSAGE, '0');
  const s = session(server, r.session);
  assert.equal(s.operator_id, op1.id, 'strictly: the first operator of the queue');
  assert.equal(s.status, 0);
  assert.deepEqual(members(server, r.chat), [op1.id, r.client].sort((a, b) => a - b), 'the bot left');

  // The operator replies: the session is answered, the client hears it through the connector.
  mark = lastOutbox(server);
  await server.ok('im.message.add', { DIALOG_ID: `chat${r.chat}`, MESSAGE: 'How can I help?' }, { webhook: op1.webhook });
  assert.equal(session(server, r.session).status, 40);
  assert.equal(session(server, r.session).answered, 1);
  const reply = outboxSince(server, mark, 'ONIMCONNECTORMESSAGEADD');
  assert.equal(reply[0].payload.data.MESSAGES[0].message.text, '[b]Olga Operator:[/b][br]How can I help?');
  assert.equal(reply[0].payload.auth_user_id, op1.id);
  await clientSays(app, lineId, 'ext-2', 'my order');
  assert.equal(session(server, r.session).status, 25);

  // The operator finishes: only the client stays; the next message starts a new session with the bot.
  mark = lastOutbox(server);
  await server.ok('imopenlines.operator.finish', { CHAT_ID: r.chat }, { webhook: op1.webhook });
  assert.equal(session(server, r.session).status, 60);
  assert.equal(session(server, r.session).closed, 1);
  assert.deepEqual(members(server, r.chat), [r.client]);
  const finish = outboxSince(server, mark, 'ONSESSIONFINISH')[0];
  assert.equal(finish.payload.data.DATA[0].session.closed, 'Y');
  assert.equal(outboxSince(server, mark, 'ONIMCONNECTORDIALOGFINISH').length, 1);
  const again = await clientSays(app, lineId, 'ext-2', 'one more thing');
  assert.equal(again.chat, r.chat, 'the LINES chat outlives its sessions');
  assert.notEqual(again.session, r.session);
  assert.equal(session(server, again.session).operator_id, botId, 'WELCOME_BOT_JOIN always');
});

test('imopenlines.bot.session.operator: the bot hands over; WRONG_CHAT once an operator has it', async () => {
  const r = await clientSays(app, lineId, 'ext-3', 'hello');
  await app.fails('imopenlines.bot.session.operator', {}, 400, 'CHAT_ID_EMPTY', "Chat ID can't be empty");
  assert.equal(await app.ok('imopenlines.bot.session.operator', { CHAT_ID: r.chat }), true);
  assert.equal(session(server, r.session).operator_id, op1.id);
  await app.fails('imopenlines.bot.session.operator', { CHAT_ID: r.chat }, 400, 'WRONG_CHAT', 'Operator is not a bot');
});

test('imopenlines.bot.session.transfer: to a user (LEAVE=N keeps the bot until the answer) and to a queue', async () => {
  const r = await clientSays(app, lineId, 'ext-4', 'hello');
  await app.fails('imopenlines.bot.session.transfer', { CHAT_ID: r.chat }, 400, 'TRANSFER_ID_EMPTY');
  await app.fails('imopenlines.bot.session.transfer', { CHAT_ID: r.chat, USER_ID: 0 }, 400, 'USER_ID_EMPTY');
  await app.fails('imopenlines.bot.session.transfer', { CHAT_ID: r.chat, QUEUE_ID: 'x' }, 400, 'QUEUE_ID_EMPTY');
  await app.fails('imopenlines.bot.session.transfer', { CHAT_ID: r.chat, USER_ID: otherBot }, 400, 'OPERATOR_WRONG');
  await other.fails('imopenlines.bot.session.transfer', { CHAT_ID: r.chat, USER_ID: op2.id }, 400, 'WRONG_CHAT',
    'Specified chat is not under bot control');
  const noBots = await application(server, { name: 'No bots' });
  await noBots.fails('imopenlines.bot.session.transfer', { CHAT_ID: r.chat, USER_ID: op2.id }, 400, 'BOT_ID_ERROR');

  assert.equal(await app.ok('imopenlines.bot.session.transfer', { CHAT_ID: r.chat, USER_ID: op2.id, LEAVE: 'N' }),
    true);
  assert.equal(session(server, r.session).operator_id, op2.id);
  assert.ok(members(server, r.chat).includes(botId), 'LEAVE=N: the bot stays until the operator answers');
  await server.ok('imopenlines.operator.answer', { CHAT_ID: r.chat }, { webhook: op2.webhook });
  assert.ok(!members(server, r.chat).includes(botId));
  assert.equal(session(server, r.session).status, 10);

  const q = await clientSays(app, lineId, 'ext-5', 'hello');
  assert.equal(await app.ok('imopenlines.bot.session.transfer', { CHAT_ID: q.chat, TRANSFER_ID: `queue${queueLine}`,
    LEAVE: 'Y' }), true);
  const s = session(server, q.session);
  assert.equal(s.line_id, queueLine);
  assert.equal(s.operator_id, op2.id, 'the second line has only Oscar');
  assert.ok(!members(server, q.chat).includes(botId), 'LEAVE=Y: the bot left at once');
  const dialog = (await server.ok('imopenlines.dialog.get', { CHAT_ID: q.chat })).result;
  assert.equal(dialog.entity_data_1.split('|')[7], String(queueLine));
  await app.fails('imopenlines.bot.session.transfer', { CHAT_ID: q.chat, QUEUE_ID: 99999 }, 400, 'WRONG_CHAT');
});

test('imopenlines.bot.session.finish and .message.send', async () => {
  const r = await clientSays(app, lineId, 'ext-6', 'hello');
  let mark = lastOutbox(server);
  assert.equal(await app.ok('imopenlines.bot.session.message.send', { CHAT_ID: r.chat, NAME: 'WELCOME' }), true);
  assert.equal(await app.ok('imopenlines.bot.session.message.send', { CHAT_ID: r.chat, MESSAGE: 'Automatic',
    NAME: 'DEFAULT' }), true);
  assert.equal(await app.ok('imopenlines.bot.session.message.send', { CHAT_ID: r.chat, MESSAGE: '' }), true);
  const sent = outboxSince(server, mark, 'ONIMCONNECTORMESSAGEADD').map((x) => x.payload.data.MESSAGES[0].message);
  assert.deepEqual(sent.map((m) => m.text),
    ['Welcome to the open channel. The first available operator will respond to you.', 'Automatic']);
  assert.equal(sent[0].user_id, 0, 'an automatic message of the line');
  await app.fails('imopenlines.bot.session.message.send', {}, 400, 'CHAT_ID_EMPTY');

  await app.fails('imopenlines.bot.session.finish', {}, 400, 'CHAT_ID_EMPTY');
  await other.fails('imopenlines.bot.session.finish', { CHAT_ID: r.chat }, 400, 'WRONG_CHAT');
  mark = lastOutbox(server);
  assert.equal(await app.ok('imopenlines.bot.session.finish', { CHAT_ID: r.chat }), true);
  assert.equal(session(server, r.session).status, 60);
  assert.deepEqual(members(server, r.chat), [r.client]);
  assert.equal(outboxSince(server, mark, 'ONSESSIONFINISH').length, 1);
});

test('imopenlines.bot.session.dialog.new: the bot opens a new dialog for an operator from a message', async () => {
  const r = await clientSays(app, lineId, 'ext-11', 'my second question');
  const messageId = sql(server, `SELECT MAX(id) AS id FROM messages WHERE chat_id = ${r.chat}
    AND author_id = ${r.client}`)[0].id;
  const dialogNew = (params) => ({ CHAT_ID: r.chat, OPERATOR_ID: op2.id, MESSAGE_ID: messageId, ...params });
  await app.fails('imopenlines.bot.session.dialog.new', dialogNew({ CHAT_ID: undefined }), 400, 'EMPTY_CHAT_ID',
    'Param CHAT_ID is empty');
  await app.fails('imopenlines.bot.session.dialog.new', dialogNew({ OPERATOR_ID: undefined }), 400,
    'EMPTY_OPERATOR_ID', 'Param OPERATOR_ID is empty');
  await app.fails('imopenlines.bot.session.dialog.new', dialogNew({ OPERATOR_ID: 'x' }), 400, 'EMPTY_OPERATOR_ID');
  await app.fails('imopenlines.bot.session.dialog.new', dialogNew({ MESSAGE_ID: undefined }), 400,
    'EMPTY_MESSAGE_ID', 'Param MESSAGE_ID is empty');
  await app.fails('imopenlines.bot.session.dialog.new', dialogNew({ CHAT_ID: 987654 }), 400, 'CHAT_ID');
  const group = (await server.ok('im.chat.add', { TITLE: 'Not a line', USERS: [op1.id] })).result;
  await app.fails('imopenlines.bot.session.dialog.new', dialogNew({ CHAT_ID: group }), 400, 'CHAT_TYPE');
  // OPERATOR_ID must be someone who may operate the chat: not a bot, not the client, not nobody.
  for (const who of [otherBot, r.client, 987654])
    await app.fails('imopenlines.bot.session.dialog.new', dialogNew({ OPERATOR_ID: who }), 400, 'ACCESS_DENIED');
  // The message must be one of this chat.
  const elsewhere = (await server.ok('im.message.add', { DIALOG_ID: `chat${group}`, MESSAGE: 'elsewhere' })).result;
  for (const m of [elsewhere, 98765432])
    await app.fails('imopenlines.bot.session.dialog.new', dialogNew({ MESSAGE_ID: m }), 400, 'ACCESS_DENIED');
  const untouched = session(server, r.session);
  assert.equal(untouched.closed, 0);
  assert.equal(untouched.operator_id, botId);

  const mark = lastOutbox(server);
  assert.equal(await app.ok('imopenlines.bot.session.dialog.new', dialogNew({})), true);
  const old = session(server, r.session);
  assert.equal(old.status, 60, 'the bot\'s dialog is closed');
  const fresh = sql(server, `SELECT * FROM openline_sessions WHERE chat_id = ${r.chat} AND closed = 0`)[0];
  assert.equal(fresh.operator_id, op2.id);
  assert.equal(fresh.parent_id, r.session);
  assert.equal(fresh.mode, 'output');
  assert.equal(fresh.status, 10, 'the operator\'s own dialog counts as answered');
  assert.deepEqual(members(server, r.chat), [r.client, op2.id].sort((a, b) => a - b), 'the bot left');
  assert.deepEqual(outboxSince(server, mark).map((x) => x.event).filter((e) => e.startsWith('ONSESSION')),
    ['ONSESSIONFINISH', 'ONSESSIONSTART']);
  const dialog = (await server.ok('imopenlines.dialog.get', { CHAT_ID: r.chat })).result;
  assert.equal(dialog.entity_data_1.split('|')[5], String(fresh.id));
  // The new dialog is the operator's now: no bot of the application is in the chat any more.
  await app.fails('imopenlines.bot.session.dialog.new', dialogNew({}), 400, 'WRONG_CHAT');
});

test('WELCOME_BOT_TIME: the bot has its time, then the session goes to the queue', async () => {
  const timed = await line(server, app, { LINE_NAME: 'Timed bot', WELCOME_BOT_ENABLE: 'Y', WELCOME_BOT_ID: botId,
    WELCOME_BOT_TIME: 1, QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: op1.id }] });
  const r = await clientSays(app, timed, 'ext-7', 'hello');
  assert.equal(session(server, r.session).operator_id, botId);
  await eventually(() => session(server, r.session).operator_id === op1.id);
  assert.ok(!members(server, r.chat).includes(botId));
});

test('WELCOME_BOT_JOIN=first and WELCOME_BOT_LEFT=close', async () => {
  const first = await line(server, app, { LINE_NAME: 'First only', WELCOME_BOT_ENABLE: 'Y', WELCOME_BOT_ID: botId,
    WELCOME_BOT_JOIN: 'first', WELCOME_BOT_LEFT: 'close', QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: op1.id }] });
  const r = await clientSays(app, first, 'ext-8', 'hello');
  await clientSays(app, first, 'ext-8', '0');
  assert.equal(session(server, r.session).operator_id, op1.id);
  assert.ok(members(server, r.chat).includes(botId), 'WELCOME_BOT_LEFT=close: the bot stays until the close');
  await server.ok('imopenlines.operator.answer', { CHAT_ID: r.chat }, { webhook: op1.webhook });
  assert.ok(members(server, r.chat).includes(botId));
  await server.ok('imopenlines.operator.finish', { CHAT_ID: r.chat }, { webhook: op1.webhook });
  assert.deepEqual(members(server, r.chat), [r.client]);
  const again = await clientSays(app, first, 'ext-8', 'back again');
  assert.equal(session(server, again.session).operator_id, op1.id, 'the bot greets new dialogues only');
});

test("a bot brought in by the bot in charge takes over (ITR's transfer to bot)", async () => {
  const marta = await app.ok('imbot.register', { CODE: 'marta', TYPE: 'O', EVENT_HANDLER: `${H}/marta`,
    PROPERTIES: { NAME: 'Marta' } });
  const r = await clientSays(app, lineId, 'ext-9', 'hello');
  // What ITR does: imbot.chat.user.add and imbot.chat.leave without BOT_ID (the application's first bot).
  await app.ok('imbot.chat.user.add', { CHAT_ID: r.chat, USERS: [marta] });
  await app.ok('imbot.chat.leave', { CHAT_ID: r.chat });
  assert.deepEqual(members(server, r.chat), [r.client, marta].sort((a, b) => a - b));
  assert.equal(session(server, r.session).operator_id, marta);
  const mark = lastOutbox(server);
  await clientSays(app, lineId, 'ext-9', 'question for Marta');
  assert.deepEqual(outboxSince(server, mark, 'ONIMBOTMESSAGEADD').map((x) => Object.keys(x.payload.data.BOT)),
    [[String(marta)]]);
  await clientSays(app, lineId, 'ext-9', '0');
  assert.equal(session(server, r.session).operator_id, op1.id);
  assert.ok(!members(server, r.chat).includes(marta));
});

test('browser sessions may not use imopenlines.bot.session.* or imconnector.* (WRONG_AUTH_TYPE)', async () => {
  server.cli('user', 'passwd', String(op1.id), '--password', 'operator-password-1');
  const login = await fetch(`${server.base}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: String(op1.id), password: 'operator-password-1' }) });
  assert.equal(login.status, 200);
  const cookie = (login.headers.get('set-cookie') || '').split(';')[0];
  const { sessid } = await login.json();
  const call = async (method, params) => {
    const r = await fetch(`${server.base}/rest/${method}.json?sessid=${sessid}`, { method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify(params) });
    return { status: r.status, body: await r.json() };
  };
  const r = await clientSays(app, lineId, 'ext-10', 'hello');
  for (const m of ['imopenlines.bot.session.operator', 'imopenlines.bot.session.transfer',
    'imopenlines.bot.session.finish', 'imopenlines.bot.session.message.send', 'imopenlines.bot.session.dialog.new']) {
    const res = await call(m, { CHAT_ID: r.chat, USER_ID: op2.id, OPERATOR_ID: op2.id, MESSAGE_ID: 1 });
    assert.equal(res.status, 403, m);
    assert.equal(res.body.error, 'WRONG_AUTH_TYPE');
    assert.equal(res.body.error_description, 'Access for this method not allowed by session authorization');
  }
  const connector = await call('imconnector.status', { CONNECTOR: 'testconn', LINE: lineId });
  assert.equal(connector.status, 403);
  assert.equal(connector.body.error, 'WRONG_AUTH_TYPE');
  // The operator methods work in the browser.
  assert.equal((await call('imopenlines.dialog.get', { CHAT_ID: r.chat })).status, 200);
});
