// Queues and operators (protocol-openlines.md §3.3–§3.4, §5.3–§5.5): distribution evenly /
// strictly / all with MAX_CHAT, QUEUE_TIME moving an unanswered session on, the operator methods
// with their documented errors, the session methods, and who may do what (an operator of another
// line, someone in no queue, a bot's application).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  openlinesServer, person, connectorApp, line, clientSays, lastOutbox, outboxSince, members, session, eventually, sql,
  closeDue,
} from './openlines_setup.mjs';

let server, app;
let op1, op2, op3, outsider, stranger;
let client = 0;
const nextClient = () => `c${(client += 1)}`;
const queue = (...ops) => ops.map((o) => ({ ENTITY_TYPE: 'user', ENTITY_ID: o.id }));
const as = (who) => ({ webhook: who.webhook });

before(async () => {
  server = await openlinesServer();
  op1 = person(server, 'Ann');
  op2 = person(server, 'Bea');
  op3 = person(server, 'Cid');
  outsider = person(server, 'Dan');  // operator of another line only
  stranger = person(server, 'Eve');  // in no queue
  app = await connectorApp(server);
  await line(server, app, { LINE_NAME: 'Other', QUEUE: queue(outsider) });
});
after(async () => { await server.cleanup(); });

const offered = (r) => session(server, r.session).operator_id;

test('evenly: each new session to the operator who least recently got one', async () => {
  const l = await line(server, app, { LINE_NAME: 'Evenly', QUEUE_TYPE: 'evenly', QUEUE: queue(op1, op2) });
  const got = [];
  for (let i = 0; i < 4; i += 1) got.push(offered(await clientSays(app, l, nextClient(), 'hi')));
  assert.deepEqual(got, [op1.id, op2.id, op1.id, op2.id]);
});

test('strictly: always the first available in queue order; MAX_CHAT passes a full operator over', async () => {
  const l = await line(server, app, { LINE_NAME: 'Strictly', QUEUE_TYPE: 'strictly', MAX_CHAT: 1,
    QUEUE: queue(op1, op2) });
  const a = await clientSays(app, l, nextClient(), 'hi');
  const b = await clientSays(app, l, nextClient(), 'hi');
  const c = await clientSays(app, l, nextClient(), 'hi');
  assert.deepEqual([offered(a), offered(b)], [op1.id, op2.id]);
  assert.equal(offered(c), 0, 'both at their limit: the session waits');
  assert.deepEqual(members(server, c.chat), [c.client]);
  await server.ok('imopenlines.operator.finish', { CHAT_ID: a.chat }, as(op1));
  const d = await clientSays(app, l, nextClient(), 'hi');
  assert.equal(offered(d), op1.id);
});

test('TYPE_MAX_CHAT=answered: only answered sessions count towards MAX_CHAT', async () => {
  const l = await line(server, app, { LINE_NAME: 'Answered only', QUEUE_TYPE: 'strictly', MAX_CHAT: 1,
    TYPE_MAX_CHAT: 'answered', QUEUE: queue(op3) });
  const a = await clientSays(app, l, nextClient(), 'hi');
  const b = await clientSays(app, l, nextClient(), 'hi');
  assert.deepEqual([offered(a), offered(b)], [op3.id, op3.id], 'offered, not answered: no limit yet');
  await server.ok('imopenlines.operator.answer', { CHAT_ID: a.chat }, as(op3));
  const c = await clientSays(app, l, nextClient(), 'hi');
  assert.equal(offered(c), 0, 'one answered session: at the limit');
  await server.ok('imopenlines.operator.finish', { CHAT_ID: a.chat }, as(op3));
  await server.ok('imopenlines.operator.finish', { CHAT_ID: b.chat }, as(op3));
  const d = await clientSays(app, l, nextClient(), 'hi');
  assert.equal(offered(d), op3.id);
});

test('all: every operator is offered the session; the first to answer keeps it', async () => {
  const l = await line(server, app, { LINE_NAME: 'All', QUEUE_TYPE: 'all', QUEUE: queue(op1, op2, op3) });
  const r = await clientSays(app, l, nextClient(), 'hi');
  assert.equal(offered(r), 0);
  assert.deepEqual(members(server, r.chat), [r.client, op1.id, op2.id, op3.id].sort((a, b) => a - b));
  // Skipping leaves the others offered.
  await server.ok('imopenlines.operator.skip', { CHAT_ID: r.chat }, as(op3));
  assert.ok(!members(server, r.chat).includes(op3.id));
  await server.ok('imopenlines.operator.answer', { CHAT_ID: r.chat }, as(op2));
  assert.deepEqual(members(server, r.chat), [r.client, op2.id].sort((a, b) => a - b));
  const s = session(server, r.session);
  assert.equal(s.operator_id, op2.id);
  assert.equal(s.status, 10);
});

test('skip hands the session to the next operator (status 5); ACCESS_DENIED_KICK when it is not yours', async () => {
  const l = await line(server, app, { LINE_NAME: 'Skip', QUEUE_TYPE: 'strictly', QUEUE: queue(op1, op2) });
  const r = await clientSays(app, l, nextClient(), 'hi');
  await server.fails('imopenlines.operator.skip', { CHAT_ID: r.chat }, 400, 'ACCESS_DENIED_KICK',
    'Insufficient permissions to remove participants from the chat', as(op2));
  await server.ok('imopenlines.operator.skip', { CHAT_ID: r.chat }, as(op1));
  const s = session(server, r.session);
  assert.equal(s.status, 5);
  assert.equal(s.operator_id, op2.id);
  assert.deepEqual(members(server, r.chat), [r.client, op2.id].sort((a, b) => a - b));
});

test('QUEUE_TIME: an offered session nobody answers moves to the next operator', async () => {
  const l = await line(server, app, { LINE_NAME: 'Timer', QUEUE_TYPE: 'strictly', QUEUE_TIME: 1,
    QUEUE: queue(op1, op2) });
  const r = await clientSays(app, l, nextClient(), 'anyone?');
  assert.equal(offered(r), op1.id);
  await eventually(() => offered(r) === op2.id);
  assert.deepEqual(members(server, r.chat), [r.client, op2.id].sort((a, b) => a - b));
  // Answered sessions stay.
  await server.ok('imopenlines.operator.answer', { CHAT_ID: r.chat }, as(op2));
  await new Promise((res) => setTimeout(res, 2200));
  assert.equal(offered(r), op2.id);
});

test('NO_ANSWER_TIME with NO_ANSWER_RULE=text sends the no-answer text once', async () => {
  const l = await line(server, app, { LINE_NAME: 'No answer', NO_ANSWER_TIME: 1, NO_ANSWER_RULE: 'text',
    NO_ANSWER_TEXT: 'We are busy, please wait', WELCOME_MESSAGE: 'N', QUEUE: queue(op3) });
  const mark = lastOutbox(server);
  const r = await clientSays(app, l, nextClient(), 'hello?');
  await eventually(() => outboxSince(server, mark, 'ONIMCONNECTORMESSAGEADD').length === 1);
  const [out] = outboxSince(server, mark, 'ONIMCONNECTORMESSAGEADD');
  assert.equal(out.payload.data.MESSAGES[0].message.text, 'We are busy, please wait');
  assert.equal(session(server, r.session).no_answer_at, 0);
});

test('the welcome message goes to the client when no bot greets', async () => {
  const l = await line(server, app, { LINE_NAME: 'Welcome', WELCOME_MESSAGE: 'Y', WELCOME_MESSAGE_TEXT: 'Hi there',
    QUEUE: queue(op1) });
  const mark = lastOutbox(server);
  await clientSays(app, l, nextClient(), 'hello');
  const out = outboxSince(server, mark, 'ONIMCONNECTORMESSAGEADD');
  assert.equal(out.length, 1);
  assert.equal(out[0].payload.data.MESSAGES[0].message.text, 'Hi there');
});

test('operator methods: the four standard errors and who may act', async () => {
  const l = await line(server, app, { LINE_NAME: 'Guarded', QUEUE_TYPE: 'strictly', QUEUE: queue(op1, op2) });
  const r = await clientSays(app, l, nextClient(), 'hi');
  const chat = (await server.ok('im.chat.add', { TITLE: 'Not a line', USERS: [op1.id] })).result;
  for (const m of ['imopenlines.operator.answer', 'imopenlines.operator.finish', 'imopenlines.operator.spam',
    'imopenlines.operator.another.finish', 'imopenlines.session.join', 'imopenlines.session.start']) {
    await server.fails(m, {}, 400, 'CHAT_ID', 'The specified chat identifier is incorrect', as(op1));
    await server.fails(m, { CHAT_ID: 999999 }, 400, 'CHAT_ID', undefined, as(op1));
    await server.fails(m, { CHAT_ID: chat }, 400, 'CHAT_TYPE', 'The specified chat is not an open line', as(op1));
    await server.fails(m, { CHAT_ID: r.chat }, 400, 'ACCESS_DENIED',
      'You cannot open this conversation as you do not have sufficient rights', as(outsider));
    await server.fails(m, { CHAT_ID: r.chat }, 400, 'ACCESS_DENIED', undefined, as(stranger));
  }
  // An operator of the line who is not in charge may answer (take it) but not finish it as theirs.
  await server.fails('imopenlines.operator.finish', { CHAT_ID: r.chat }, 400, 'ACCESS_DENIED', undefined, as(op2));
  await server.ok('imopenlines.operator.answer', { CHAT_ID: r.chat }, as(op2));
  assert.equal(session(server, r.session).operator_id, op2.id);
  assert.ok(!members(server, r.chat).includes(op1.id), 'the one offered it first left');
  // another.finish: a colleague closes it.
  await server.ok('imopenlines.operator.another.finish', { CHAT_ID: r.chat }, as(op1));
  assert.equal(session(server, r.session).status, 60);
  // Nothing open any more.
  await server.fails('imopenlines.operator.answer', { CHAT_ID: r.chat }, 400, 'ACCESS_DENIED', undefined, as(op1));
});

test('spam closes with status 65', async () => {
  const l = await line(server, app, { LINE_NAME: 'Spam', QUEUE: queue(op1) });
  const r = await clientSays(app, l, nextClient(), 'buy now');
  await server.ok('imopenlines.operator.spam', { CHAT_ID: r.chat }, as(op1));
  assert.equal(session(server, r.session).status, 65);
  assert.equal(session(server, r.session).closed, 1);
});

test('operator.transfer: to a colleague, to another line, and its errors', async () => {
  const l = await line(server, app, { LINE_NAME: 'Transfers', QUEUE_TYPE: 'strictly', QUEUE: queue(op1) });
  const l2 = await line(server, app, { LINE_NAME: 'Transfers 2', QUEUE: queue(op3) });
  const r = await clientSays(app, l, nextClient(), 'hi');
  const t = (params, who = op1) => server.call('imopenlines.operator.transfer', { CHAT_ID: r.chat, ...params },
    as(who));
  await server.fails('imopenlines.operator.transfer', { USER_ID: op2.id }, 400, 'CHAT_ID_EMPTY', "Chat ID can't be empty",
    as(op1));
  await server.fails('imopenlines.operator.transfer', { CHAT_ID: r.chat }, 400, 'TRANSFER_ID_EMPTY',
    "Queue ID or User ID can't be empty", as(op1));
  await server.fails('imopenlines.operator.transfer', { CHAT_ID: r.chat, USER_ID: 'x' }, 400, 'USER_ID_EMPTY',
    "User ID can't be empty", as(op1));
  await server.fails('imopenlines.operator.transfer', { CHAT_ID: r.chat, QUEUE_ID: 0 }, 400, 'QUEUE_ID_EMPTY',
    "QUEUE ID can't be empty", as(op1));
  await server.fails('imopenlines.operator.transfer', { CHAT_ID: r.chat, TRANSFER_ID: 'queue99999' }, 400,
    'OPERATOR_WRONG', 'You cannot redirect to this operator', as(op1));
  await server.fails('imopenlines.operator.transfer', { CHAT_ID: r.chat, TRANSFER_ID: op1.id }, 400,
    'OPERATOR_WRONG', undefined, as(op1));
  assert.equal((await t({ TRANSFER_ID: op2.id })).status, 200);
  let s = session(server, r.session);
  assert.equal(s.operator_id, op2.id);
  assert.deepEqual(members(server, r.chat), [r.client, op2.id].sort((a, b) => a - b));
  assert.equal((await t({ TRANSFER_ID: `queue${l2}` }, op2)).status, 200);
  s = session(server, r.session);
  assert.equal(s.line_id, l2);
  assert.equal(s.operator_id, op3.id);
  assert.deepEqual(members(server, r.chat), [r.client, op3.id].sort((a, b) => a - b));
});

test('session.intercept, session.join, session.open, session.start', async () => {
  const l = await line(server, app, { LINE_NAME: 'Sessions', QUEUE_TYPE: 'strictly', QUEUE: queue(op1, op2) });
  const r = await clientSays(app, l, nextClient(), 'hi');
  await server.ok('imopenlines.operator.answer', { CHAT_ID: r.chat }, as(op1));
  await server.fails('imopenlines.session.intercept', {}, 400, 'CHAT_ID_EMPTY', undefined, as(op2));
  await server.fails('imopenlines.session.intercept', { CHAT_ID: r.chat }, 400, 'OPERATOR_WRONG',
    'You can not redirect to this operator', as(op1));
  await server.fails('imopenlines.session.intercept', { CHAT_ID: r.chat }, 400, 'OPERATOR_WRONG', undefined,
    as(stranger));
  await server.ok('imopenlines.session.intercept', { CHAT_ID: r.chat }, as(op2));
  assert.equal(session(server, r.session).operator_id, op2.id);
  assert.ok(!members(server, r.chat).includes(op1.id));
  // An administrator joins as a second person; the operator stays in charge.
  await server.ok('imopenlines.session.join', { CHAT_ID: r.chat });
  assert.ok(members(server, r.chat).includes(1));
  assert.equal(session(server, r.session).operator_id, op2.id);

  const code = `testconn|${l}|chan-${'c' + client}|${'c' + client}`;
  assert.deepEqual((await server.ok('imopenlines.session.open', { USER_CODE: code }, as(op2))).result,
    { chatId: String(r.chat) });
  await server.fails('imopenlines.session.open', { USER_CODE: code }, 400, 'ACCESS_DENIED', undefined, as(stranger));
  await server.fails('imopenlines.session.open', { USER_CODE: 'nope' }, 400, 'ACCESS_DENIED', undefined, as(op2));

  // session.start does nothing while a session is open; after a close the operator starts one.
  await server.ok('imopenlines.session.start', { CHAT_ID: r.chat }, as(op2));
  assert.equal(sql(server, `SELECT COUNT(*) AS n FROM openline_sessions WHERE chat_id = ${r.chat}`)[0].n, 1);
  await server.ok('imopenlines.operator.finish', { CHAT_ID: r.chat }, as(op2));
  const mark = lastOutbox(server);
  await server.ok('imopenlines.session.start', { CHAT_ID: r.chat }, as(op2));
  const started = sql(server, `SELECT * FROM openline_sessions WHERE chat_id = ${r.chat} ORDER BY id DESC LIMIT 1`)[0];
  assert.equal(started.mode, 'output');
  assert.equal(started.operator_id, op2.id);
  assert.equal(started.status, 10);
  assert.equal(outboxSince(server, mark, 'ONSESSIONSTART').length, 1);

  // message.session.start: the open session closes, a new one starts from the message.
  const msg = (await server.ok('im.message.add', { DIALOG_ID: `chat${r.chat}`, MESSAGE: 'About your order' },
    as(op2))).result;
  await server.ok('imopenlines.message.session.start', { CHAT_ID: r.chat, MESSAGE_ID: msg }, as(op2));
  const newest = sql(server, `SELECT * FROM openline_sessions WHERE chat_id = ${r.chat} ORDER BY id DESC LIMIT 1`)[0];
  assert.equal(newest.parent_id, started.id);
  assert.equal(session(server, started.id).closed, 1);
});

test('mode.pin, pinAll, unpinAll, mode.silent', async () => {
  const l = await line(server, app, { LINE_NAME: 'Modes', QUEUE_TYPE: 'strictly', QUEUE: queue(op3) });
  const a = await clientSays(app, l, nextClient(), 'hi');
  const b = await clientSays(app, l, nextClient(), 'hi');
  await server.fails('imopenlines.session.mode.pin', {}, 400, 'CHAT_ID_EMPTY', "Chat ID can't be empty", as(op3));
  await server.ok('imopenlines.session.mode.pin', { CHAT_ID: a.chat, ACTIVATE: 'Y' }, as(op3));
  assert.equal(session(server, a.session).pinned, 1);
  const pinned = (await server.ok('imopenlines.session.mode.pinAll', {}, as(op3))).result;
  assert.ok(pinned.includes(b.session) && !pinned.includes(a.session));
  const unpinned = (await server.ok('imopenlines.session.mode.unpinAll', {}, as(op3))).result;
  assert.ok(unpinned.includes(a.session) && unpinned.includes(b.session));

  // Silent mode: what the operator writes stays with the operators.
  await server.ok('imopenlines.session.mode.silent', { CHAT_ID: a.chat, ACTIVATE: 'Y' }, as(op3));
  let mark = lastOutbox(server);
  await server.ok('im.message.add', { DIALOG_ID: `chat${a.chat}`, MESSAGE: 'internal note' }, as(op3));
  assert.equal(outboxSince(server, mark, 'ONIMCONNECTORMESSAGEADD').length, 0);
  assert.equal((await server.ok('imopenlines.dialog.get', { CHAT_ID: a.chat }, as(op3))).result.entity_data_3, 'Y');
  await server.ok('imopenlines.session.mode.silent', { CHAT_ID: a.chat, ACTIVATE: 'N' }, as(op3));
  mark = lastOutbox(server);
  await server.ok('im.message.add', { DIALOG_ID: `chat${a.chat}`, MESSAGE: 'to the client' }, as(op3));
  assert.equal(outboxSince(server, mark, 'ONIMCONNECTORMESSAGEADD').length, 1);
});

test('dialog.get: DIALOG_ID_EMPTY, ACCESS_ERROR; session.history.get; session.head.vote', async () => {
  const l = await line(server, app, { LINE_NAME: 'History', QUEUE: queue(op1) });
  const r = await clientSays(app, l, nextClient(), 'first question');
  await server.ok('im.message.add', { DIALOG_ID: `chat${r.chat}`, MESSAGE: 'first answer' }, as(op1));
  await server.fails('imopenlines.dialog.get', {}, 400, 'DIALOG_ID_EMPTY', "Dialog ID can't be empty", as(op1));
  await server.fails('imopenlines.dialog.get', { CHAT_ID: r.chat }, 400, 'ACCESS_ERROR',
    'You do not have access to the specified dialog', as(stranger));
  await server.fails('imopenlines.dialog.get', { CHAT_ID: 999999 }, 400, 'ACCESS_ERROR', undefined, as(op1));

  const h = (await server.ok('imopenlines.session.history.get', { SESSION_ID: r.session }, as(op1))).result;
  assert.equal(h.chatId, r.chat);
  assert.equal(h.sessionId, r.session);
  assert.equal(h.userId, `chat${r.chat}`);
  const texts = Object.values(h.message).map((m) => m.text);
  assert.ok(texts.includes('first question') && texts.includes('first answer'));
  assert.equal(h.chat[String(r.chat)].entityType, 'LINES');
  assert.ok(h.users[String(op1.id)] && h.users[String(r.client)].connector === true);
  assert.equal((await server.ok('imopenlines.session.history.get', { CHAT_ID: r.chat }, as(op1))).result.sessionId,
    r.session);
  await server.fails('imopenlines.session.history.get', {}, 400, 'MISSING_REQUIRED_PARAM', undefined, as(op1));
  await server.fails('imopenlines.session.history.get', { SESSION_ID: 999999 }, 400, 'INVALID_SESSION_ID', undefined,
    as(op1));
  await server.fails('imopenlines.session.history.get', { SESSION_ID: r.session }, 400, 'ACCESS_DENIED', undefined,
    as(stranger));

  await server.fails('imopenlines.session.head.vote', {}, 400, 'EMPTY_SESSION_ID', "Session ID can't be empty");
  await server.fails('imopenlines.session.head.vote', { SESSION_ID: r.session }, 400, 'EMPTY_VOTE_PARAMS');
  await server.fails('imopenlines.session.head.vote', { SESSION_ID: r.session, RATING: 4 }, 400, 'ACCESS_DENIED',
    undefined, as(op1));
  await server.ok('imopenlines.session.head.vote', { SESSION_ID: r.session, RATING: 4, COMMENT: 'Good' });
  const voted = (await server.ok('imopenlines.session.history.get', { SESSION_ID: r.session })).result;
  assert.equal(voted.sessionVoteHead, 4);
  assert.equal(voted.sessionCommentHead, 'Good');
});

test('deleting a line closes its open sessions', async () => {
  const l = await line(server, app, { LINE_NAME: 'Doomed', QUEUE: queue(op1) });
  const r = await clientSays(app, l, nextClient(), 'hi');
  await server.ok('imopenlines.config.delete', { CONFIG_ID: l });
  assert.equal(session(server, r.session).closed, 1);
  assert.deepEqual(members(server, r.chat), [r.client]);
});

test('AUTO_CLOSE_TIME: a client silent after the operator\'s reply is closed with AUTO_CLOSE_TEXT', async () => {
  const l = await line(server, app, { LINE_NAME: 'Auto close', WELCOME_MESSAGE: 'N', AUTO_CLOSE_TIME: 2,
    AUTO_CLOSE_RULE: 'text', AUTO_CLOSE_TEXT: 'Closed: no answer from you', QUEUE: queue(op2) });
  const r = await clientSays(app, l, nextClient(), 'hi');
  // While the operator has not replied, nothing closes.
  await new Promise((res) => setTimeout(res, 1500));
  assert.equal(session(server, r.session).closed, 0);
  const mark = lastOutbox(server);
  await server.ok('im.message.add', { DIALOG_ID: `chat${r.chat}`, MESSAGE: 'Anything else?' }, as(op2));
  // The client answering in time keeps it open.
  await clientSays(app, l, 'c' + client, 'yes, one more');
  assert.equal(session(server, r.session).close_at, 0);
  await server.ok('im.message.add', { DIALOG_ID: `chat${r.chat}`, MESSAGE: 'Done?' }, as(op2));
  // The client is told, and the session waits for it (WAIT_CLIENT) for AUTO_EXPIRE_TIME.
  await eventually(() => session(server, r.session).status === 50);
  const waiting = session(server, r.session);
  assert.equal(waiting.closed, 0);
  const now = Math.floor(Date.now() / 1000);
  assert.ok(waiting.close_at >= now + 86400 - 5 && waiting.close_at <= now + 86400 + 1, String(waiting.close_at));
  const texts = outboxSince(server, mark, 'ONIMCONNECTORMESSAGEADD').map((x) => x.payload.data.MESSAGES[0].message.text);
  assert.equal(texts.at(-1), 'Closed: no answer from you');
  closeDue(server, r.session);
  await eventually(() => session(server, r.session).closed === 1);
  assert.equal(session(server, r.session).status, 60);
  assert.deepEqual(members(server, r.chat), [r.client]);
});
