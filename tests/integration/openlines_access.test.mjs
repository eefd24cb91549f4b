// Who may act on an open-line session (docs/openlines.md "Who may do what"; protocol-openlines.md
// §5.3–§5.7): the operator/session methods against an operator of another line, someone in no
// queue and the client itself (a connector user with a webhook); the bot methods against another
// application's bot, an application without a bot and people. Nothing they try changes the session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  H, openlinesServer, person, application, connectorApp, line, clientSays, members, session, sql,
} from './openlines_setup.mjs';

let server, app, other, botless, op1, op2, outsider, stranger;
const queue = (...ops) => ops.map((o) => ({ ENTITY_TYPE: 'user', ENTITY_ID: o.id }));
const as = (who) => ({ webhook: who.webhook });

before(async () => {
  server = await openlinesServer();
  op1 = person(server, 'Ann');
  op2 = person(server, 'Bea');
  outsider = person(server, 'Dan');
  stranger = person(server, 'Eve');
  app = await connectorApp(server);
  other = await application(server, { name: 'Other' });
  await other.ok('imbot.register', { CODE: 'otherbot', TYPE: 'O', OPENLINE: 'Y', EVENT_HANDLER: `${H}/other`,
    PROPERTIES: { NAME: 'Other bot' } });
  botless = await application(server, { name: 'No bot' });
  await line(server, app, { LINE_NAME: 'Other line', QUEUE: queue(outsider) });
});
after(async () => { await server.cleanup(); });

test('operator and session methods: another line\'s operator, someone in no queue, the client', async () => {
  const l = await line(server, app, { LINE_NAME: 'Guarded', QUEUE_TYPE: 'strictly', WELCOME_MESSAGE: 'N',
    QUEUE: queue(op1, op2) });
  const r = await clientSays(app, l, 'guarded-client', 'hi');
  const customer = { webhook: server.cli('webhook', 'add', '--user', String(r.client), '--scope', 'im,imopenlines').webhook };
  const messageId = sql(server, `SELECT MAX(id) AS id FROM messages WHERE chat_id = ${r.chat}`)[0].id;
  const code = `testconn|${l}|chan-guarded-client|guarded-client`;
  const before = session(server, r.session);
  const cases = [
    ['imopenlines.operator.answer', {}, 'ACCESS_DENIED'],
    ['imopenlines.operator.skip', {}, 'ACCESS_DENIED'],
    ['imopenlines.operator.finish', {}, 'ACCESS_DENIED'],
    ['imopenlines.operator.spam', {}, 'ACCESS_DENIED'],
    ['imopenlines.operator.another.finish', {}, 'ACCESS_DENIED'],
    ['imopenlines.operator.transfer', { TRANSFER_ID: op2.id }, 'ACCESS_DENIED'],
    ['imopenlines.session.join', {}, 'ACCESS_DENIED'],
    ['imopenlines.session.start', {}, 'ACCESS_DENIED'],
    ['imopenlines.session.mode.silent', { ACTIVATE: 'Y' }, 'ACCESS_DENIED'],
    ['imopenlines.session.mode.pin', { ACTIVATE: 'Y' }, 'ACCESS_DENIED'],
    ['imopenlines.message.session.start', { MESSAGE_ID: messageId }, 'ACCESS_DENIED'],
    ['imopenlines.session.intercept', {}, 'OPERATOR_WRONG'],
    ['imopenlines.dialog.get', {}, 'ACCESS_ERROR'],
    ['imopenlines.session.history.get', {}, 'ACCESS_DENIED'],
  ];
  for (const who of [outsider, stranger, customer]) {
    for (const [method, params, error] of cases)
      await server.fails(method, { CHAT_ID: r.chat, ...params }, 400, error, undefined, as(who));
    await server.fails('imopenlines.session.open', { USER_CODE: code }, 400, 'ACCESS_DENIED', undefined, as(who));
    await server.fails('imopenlines.session.head.vote', { SESSION_ID: r.session, RATING: 5 }, 400, 'ACCESS_DENIED',
      undefined, as(who));
  }
  // Nothing changed: still offered to op1, nobody else in the chat, not pinned, not silent.
  const after = session(server, r.session);
  assert.deepEqual({ ...after, modified_at: 0 }, { ...before, modified_at: 0 });
  assert.deepEqual(members(server, r.chat), [r.client, op1.id].sort((a, b) => a - b));
  assert.equal(sql(server, `SELECT entity_data_3 FROM chats WHERE id = ${r.chat}`)[0].entity_data_3, 'N');
  // The line's own operator may.
  await server.ok('imopenlines.operator.answer', { CHAT_ID: r.chat }, as(op1));
  assert.equal(session(server, r.session).status, 10);
});

test('bot methods: another application\'s bot, an application without a bot, people', async () => {
  const botId = await app.ok('imbot.register', { CODE: 'linebot', TYPE: 'O', OPENLINE: 'Y', EVENT_HANDLER: `${H}/bot`,
    PROPERTIES: { NAME: 'Line bot' } });
  const l = await line(server, app, { LINE_NAME: 'Bot line', WELCOME_BOT_ENABLE: 'Y', WELCOME_BOT_ID: botId,
    QUEUE: queue(op1) });
  const r = await clientSays(app, l, 'bot-client', 'hi');
  assert.equal(session(server, r.session).operator_id, botId);
  for (const m of ['imopenlines.bot.session.transfer', 'imopenlines.bot.session.finish'])
    await other.fails(m, { CHAT_ID: r.chat, USER_ID: op1.id }, 400, 'WRONG_CHAT',
      'Specified chat is not under bot control');
  for (const m of ['imopenlines.bot.session.transfer', 'imopenlines.bot.session.finish'])
    await botless.fails(m, { CHAT_ID: r.chat, USER_ID: op1.id }, 400, 'BOT_ID_ERROR', 'Bot not found');
  // A person's webhook has no bot (without CLIENT_ID).
  await server.fails('imopenlines.bot.session.finish', { CHAT_ID: r.chat }, 400, 'BOT_ID_ERROR', undefined, as(op1));
  // bot.session.dialog.new: the same for a bot that is not in the chat, and the operator named must be
  // one who may operate it (another line's operator, someone in no queue).
  const messageId = sql(server, `SELECT MAX(id) AS id FROM messages WHERE chat_id = ${r.chat}`)[0].id;
  const dialogNew = { CHAT_ID: r.chat, OPERATOR_ID: op1.id, MESSAGE_ID: messageId };
  await other.fails('imopenlines.bot.session.dialog.new', dialogNew, 400, 'WRONG_CHAT',
    'Specified chat is not under bot control');
  await botless.fails('imopenlines.bot.session.dialog.new', dialogNew, 400, 'BOT_ID_ERROR', 'Bot not found');
  await server.fails('imopenlines.bot.session.dialog.new', dialogNew, 400, 'BOT_ID_ERROR', undefined, as(op1));
  for (const who of [outsider, stranger])
    await app.fails('imopenlines.bot.session.dialog.new', { ...dialogNew, OPERATOR_ID: who.id }, 400, 'ACCESS_DENIED');
  assert.equal(session(server, r.session).operator_id, botId);
  assert.equal(session(server, r.session).closed, 0);
  // The bot in charge's own application may.
  await app.ok('imopenlines.bot.session.transfer', { CHAT_ID: r.chat, USER_ID: op1.id, LEAVE: 'Y' });
  assert.equal(session(server, r.session).operator_id, op1.id);
});
