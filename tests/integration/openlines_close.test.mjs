// Closing a session and working hours (protocol-openlines.md §2, §3.1–§3.2; reference
// imopenlines-config-add.md; the platform's Session::finish and AutomaticAction\WorkTime): an
// operator's close that tells the client something (CLOSE_TEXT, the rating request of
// VOTE_MESSAGE=Y) leaves the session waiting for the client (WAIT_CLIENT 50) for FULL_CLOSE_TIME
// minutes, an automatic close for AUTO_EXPIRE_TIME seconds; the client rates through its connector
// ("1" / "0", VOTE_MESSAGE_2_*), within VOTE_TIME_LIMIT, VOTE_CLOSING_DELAY=Y closing at once, or
// reopens the session by writing anything else. Outside working hours the client gets the offline
// text once per session and the session still queues. Due times are moved in the store rather than
// waited for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  openlinesServer, person, connectorApp, line, clientSays, lastOutbox, outboxSince, members, session, eventually, sql,
  closeDue, sqlWrite,
} from './openlines_setup.mjs';

let server, app, op1, op2;
let client = 0;
const nextClient = () => `v${(client += 1)}`;
const queue = (...ops) => ops.map((o) => ({ ENTITY_TYPE: 'user', ENTITY_ID: o.id }));
const as = (who) => ({ webhook: who.webhook });
const now = () => Math.floor(Date.now() / 1000);
const texts = (mark) => outboxSince(server, mark, 'ONIMCONNECTORMESSAGEADD').map((x) => x.payload.data.MESSAGES[0].message.text);
const RATE = 'Please rate the quality of service.\r\n\r\nSend: 1 - good, 0 - bad';

before(async () => {
  server = await openlinesServer();
  op1 = person(server, 'Ann');
  op2 = person(server, 'Bea');
  app = await connectorApp(server);
});
after(async () => { await server.cleanup(); });

// A client whose session op answered by replying.
async function answered(lineId, op) {
  const c = nextClient();
  const r = await clientSays(app, lineId, c, 'hello');
  await server.ok('im.message.add', { DIALOG_ID: `chat${r.chat}`, MESSAGE: 'How can I help?' }, as(op));
  return { ...r, name: c };
}

test('operator.finish with VOTE_MESSAGE=Y: the rating request, WAIT_CLIENT, the rating, FULL_CLOSE_TIME', async () => {
  const l = await line(server, app, { LINE_NAME: 'Rated', WELCOME_MESSAGE: 'N', VOTE_MESSAGE: 'Y', QUEUE: queue(op1) });
  const r = await answered(l, op1);
  const mark = lastOutbox(server);
  await server.ok('imopenlines.operator.finish', { CHAT_ID: r.chat }, as(op1));
  let s = session(server, r.session);
  assert.equal(s.status, 50);
  assert.equal(s.closed, 0);
  assert.equal(s.wait_vote, 1);
  assert.equal(s.vote_until, 0, 'VOTE_TIME_LIMIT 0: no limit');
  assert.ok(s.close_at >= now() + 600 - 5 && s.close_at <= now() + 600 + 1, 'FULL_CLOSE_TIME is 10 minutes');
  assert.deepEqual(texts(mark), [RATE]);
  const request = sql(server, `SELECT params FROM messages WHERE chat_id = ${r.chat} ORDER BY id DESC LIMIT 1`)[0];
  const params = JSON.parse(request.params);
  assert.equal(params.IMOL_VOTE, r.session);
  assert.equal(params.IMOL_FORM, 'like');
  assert.equal(params.IMOL_VOTE_TEXT, 'Please rate the quality of service.');
  assert.ok(members(server, r.chat).includes(op1.id), 'the operator stays while the session waits');
  assert.equal(outboxSince(server, mark, 'ONSESSIONFINISH').length, 0, 'not finished yet');

  // The client rates: "1" is a like; the thanks go back; the wait starts again.
  await clientSays(app, l, r.name, '1 thanks!');
  s = session(server, r.session);
  assert.equal(s.vote, 5);
  assert.equal(s.wait_vote, 0);
  assert.equal(s.status, 50);
  assert.equal(texts(mark).at(-1), 'Thank you for your feedback!');

  // FULL_CLOSE_TIME is up: closed for good, the operator leaves, OnSessionFinish.
  closeDue(server, r.session);
  await eventually(() => session(server, r.session).closed === 1);
  assert.equal(session(server, r.session).status, 60);
  assert.deepEqual(members(server, r.chat), [r.client]);
  const [finish] = outboxSince(server, mark, 'ONSESSIONFINISH');
  assert.equal(finish.payload.data.DATA[0].session.closed, 'Y');
  // The client's next message is a new session.
  const again = await clientSays(app, l, r.name, 'me again');
  assert.notEqual(again.session, r.session);
});

test('the client writing anything else reopens the session with its operator; a second close is final', async () => {
  const l = await line(server, app, { LINE_NAME: 'Reopen', WELCOME_MESSAGE: 'N', VOTE_MESSAGE: 'Y', QUEUE: queue(op1) });
  const r = await answered(l, op1);
  await server.ok('imopenlines.operator.finish', { CHAT_ID: r.chat }, as(op1));
  assert.equal(session(server, r.session).status, 50);
  await clientSays(app, l, r.name, 'wait, one more question');
  let s = session(server, r.session);
  assert.equal(s.status, 25);
  assert.equal(s.closed, 0);
  assert.equal(s.wait_vote, 0);
  assert.equal(s.close_at, 0);
  assert.equal(s.operator_id, op1.id);
  assert.ok(members(server, r.chat).includes(op1.id));
  // Asked again (no rating yet), then closed again while waiting: at once.
  await server.ok('imopenlines.operator.finish', { CHAT_ID: r.chat }, as(op1));
  assert.equal(session(server, r.session).status, 50);
  await server.ok('imopenlines.operator.another.finish', { CHAT_ID: r.chat }, as(op1));
  s = session(server, r.session);
  assert.equal(s.status, 60);
  assert.equal(s.closed, 1);
});

test('VOTE_CLOSING_DELAY=Y closes right after the rating; "0" is a dislike', async () => {
  const l = await line(server, app, { LINE_NAME: 'Closing delay', WELCOME_MESSAGE: 'N', VOTE_MESSAGE: 'Y',
    VOTE_CLOSING_DELAY: 'Y', VOTE_MESSAGE_2_DISLIKE: 'Sorry to hear that', QUEUE: queue(op1) });
  const r = await answered(l, op1);
  await server.ok('imopenlines.operator.finish', { CHAT_ID: r.chat }, as(op1));
  const mark = lastOutbox(server);
  await clientSays(app, l, r.name, '0');
  const s = session(server, r.session);
  assert.equal(s.vote, 1);
  assert.equal(s.closed, 1);
  assert.equal(s.status, 60);
  assert.deepEqual(texts(mark), ['Sorry to hear that']);
  assert.deepEqual(members(server, r.chat), [r.client]);
});

test('VOTE_TIME_LIMIT: a rating after the limit does not count, the message reopens the session', async () => {
  const l = await line(server, app, { LINE_NAME: 'Vote limit', WELCOME_MESSAGE: 'N', VOTE_MESSAGE: 'Y',
    VOTE_TIME_LIMIT: 300, QUEUE: queue(op1) });
  const r = await answered(l, op1);
  await server.ok('imopenlines.operator.finish', { CHAT_ID: r.chat }, as(op1));
  const s = session(server, r.session);
  assert.ok(s.vote_until >= now() + 300 - 5 && s.vote_until <= now() + 300 + 1);
  const params = JSON.parse(sql(server, `SELECT params FROM messages WHERE chat_id = ${r.chat} ORDER BY id DESC LIMIT 1`)[0].params);
  assert.equal(params.IMOL_TIME_LIMIT_VOTE, '300');
  assert.match(params.IMOL_DATE_CLOSE_VOTE, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  sqlWrite(server, `UPDATE openline_sessions SET vote_until = ${now() - 1} WHERE id = ${r.session}`);
  await clientSays(app, l, r.name, '1');
  const after = session(server, r.session);
  assert.equal(after.vote, 0);
  assert.equal(after.status, 25);
});

test('without a close text or a rating request operator.finish closes at once; CLOSE_TEXT waits, FULL_CLOSE_TIME 0 ends it', async () => {
  const plain = await line(server, app, { LINE_NAME: 'Plain', WELCOME_MESSAGE: 'N', QUEUE: queue(op2) });
  const a = await answered(plain, op2);
  await server.ok('imopenlines.operator.finish', { CHAT_ID: a.chat }, as(op2));
  assert.equal(session(server, a.session).status, 60);

  const told = await line(server, app, { LINE_NAME: 'Told', WELCOME_MESSAGE: 'N', CLOSE_RULE: 'text',
    CLOSE_TEXT: 'Bye now', FULL_CLOSE_TIME: 0, QUEUE: queue(op2) });
  const b = await answered(told, op2);
  const mark = lastOutbox(server);
  await server.ok('imopenlines.operator.finish', { CHAT_ID: b.chat }, as(op2));
  // 50 (the close text sent) until the close timer, due at once (FULL_CLOSE_TIME 0), ends it: on a
  // busy machine the timer may already have run when the test looks.
  const waiting = session(server, b.session);
  assert.ok([50, 60].includes(waiting.status), `status ${waiting.status}`);
  assert.equal(waiting.wait_vote, 0);
  assert.deepEqual(texts(mark), ['Bye now']);
  await eventually(() => session(server, b.session).closed === 1);
  assert.equal(session(server, b.session).status, 60);
  assert.deepEqual(texts(mark), ['Bye now'], 'the close text goes once');
});

test('operator.spam closes at once, without a rating request', async () => {
  const l = await line(server, app, { LINE_NAME: 'Spam', WELCOME_MESSAGE: 'N', VOTE_MESSAGE: 'Y', QUEUE: queue(op2) });
  const r = await answered(l, op2);
  const mark = lastOutbox(server);
  await server.ok('imopenlines.operator.spam', { CHAT_ID: r.chat }, as(op2));
  assert.equal(session(server, r.session).status, 65);
  assert.deepEqual(texts(mark), []);
});

test('a session waiting for the client no longer counts towards MAX_CHAT', async () => {
  const l = await line(server, app, { LINE_NAME: 'Max', WELCOME_MESSAGE: 'N', VOTE_MESSAGE: 'Y', MAX_CHAT: 1,
    QUEUE_TYPE: 'strictly', QUEUE: queue(op1) });
  const a = await answered(l, op1);
  const b = await clientSays(app, l, nextClient(), 'hi');
  assert.equal(session(server, b.session).operator_id, 0, 'op1 is at the limit');
  await server.ok('imopenlines.operator.finish', { CHAT_ID: a.chat }, as(op1));
  assert.equal(session(server, a.session).status, 50);
  const c = await clientSays(app, l, nextClient(), 'hi');
  assert.equal(session(server, c.session).operator_id, op1.id);
});

// --- Working hours

const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const OFFLINE = 'We are closed, we will answer in working hours';
const hhmm = (minutes) => {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};
const utcMinute = () => { const d = new Date(); return d.getUTCHours() * 60 + d.getUTCMinutes(); };

async function hoursLine(name, hours) {
  return line(server, app, { LINE_NAME: name, WELCOME_MESSAGE: 'N', WORKTIME_ENABLE: 'Y', WORKTIME_DAYOFF_RULE: 'text',
    WORKTIME_DAYOFF_TEXT: OFFLINE, WORKTIME_TIMEZONE: 'UTC', WORKTIME_DAYOFF: [], QUEUE: queue(op2), ...hours });
}

test('outside working hours: the offline text once per session, the session still queues, no no-answer text', async () => {
  const l = await hoursLine('Days off', { WORKTIME_DAYOFF: DAYS, NO_ANSWER_TIME: 1, NO_ANSWER_RULE: 'text',
    NO_ANSWER_TEXT: 'Still busy' });
  const mark = lastOutbox(server);
  const c = nextClient();
  const r = await clientSays(app, l, c, 'hello?');
  await clientSays(app, l, c, 'anyone?');
  assert.deepEqual(texts(mark), [OFFLINE]);
  const s = session(server, r.session);
  assert.equal(s.worktime_sent, 1);
  assert.equal(s.operator_id, op2.id, 'offered as usual');
  assert.equal(s.no_answer_at, 0);
  await new Promise((res) => setTimeout(res, 1500));
  assert.deepEqual(texts(mark), [OFFLINE], 'no no-answer text after the offline text');
  // A new session tells the client again.
  await server.ok('imopenlines.operator.finish', { CHAT_ID: r.chat }, as(op2));
  await clientSays(app, l, c, 'new question');
  assert.deepEqual(texts(mark), [OFFLINE, OFFLINE]);
});

test('working hours: within them nothing is sent; a holiday, the hours and the time zone close the line', async () => {
  const m = utcMinute();
  // Open all day, every day: nothing.
  let mark = lastOutbox(server);
  await clientSays(app, await hoursLine('Open', { WORKTIME_FROM: '00:00', WORKTIME_TO: '23:59' }), nextClient(), 'hi');
  // Open around now in UTC.
  await clientSays(app, await hoursLine('Now', { WORKTIME_FROM: hhmm(m - 120), WORKTIME_TO: hhmm(m + 120) }),
    nextClient(), 'hi');
  // The same span read in Tokyo (UTC+9) is 9 hours off; Tokyo's own "now" is open.
  await clientSays(app, await hoursLine('Tokyo open', { WORKTIME_TIMEZONE: 'Asia/Tokyo',
    WORKTIME_FROM: hhmm(m + 540 - 120), WORKTIME_TO: hhmm(m + 540 + 120) }), nextClient(), 'hi');
  assert.deepEqual(texts(mark), []);

  mark = lastOutbox(server);
  await clientSays(app, await hoursLine('Tokyo closed', { WORKTIME_TIMEZONE: 'Asia/Tokyo',
    WORKTIME_FROM: hhmm(m - 120), WORKTIME_TO: hhmm(m + 120) }), nextClient(), 'hi');
  assert.deepEqual(texts(mark), [OFFLINE]);
  mark = lastOutbox(server);
  await clientSays(app, await hoursLine('Not now', { WORKTIME_FROM: hhmm(m + 120), WORKTIME_TO: hhmm(m + 240) }),
    nextClient(), 'hi');
  assert.deepEqual(texts(mark), [OFFLINE]);
  const d = new Date();
  const today = `${String(d.getUTCDate()).padStart(2, '0')}.${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  mark = lastOutbox(server);
  await clientSays(app, await hoursLine('Holiday', { WORKTIME_FROM: '00:00', WORKTIME_TO: '23:59',
    WORKTIME_HOLIDAYS: `01.01,${today}` }), nextClient(), 'hi');
  assert.deepEqual(texts(mark), [OFFLINE]);
  // WORKTIME_DAYOFF_RULE=none and WORKTIME_ENABLE=N: nothing.
  mark = lastOutbox(server);
  await clientSays(app, await hoursLine('Rule none', { WORKTIME_DAYOFF: DAYS, WORKTIME_DAYOFF_RULE: 'none' }),
    nextClient(), 'hi');
  await clientSays(app, await hoursLine('Disabled', { WORKTIME_DAYOFF: DAYS, WORKTIME_ENABLE: 'N' }), nextClient(), 'hi');
  assert.deepEqual(texts(mark), []);
});

test('an operator answering in working hours lets the offline text go again later', async () => {
  const l = await hoursLine('Reset', { WORKTIME_DAYOFF: DAYS });
  const c = nextClient();
  const r = await clientSays(app, l, c, 'hi');
  assert.equal(session(server, r.session).worktime_sent, 1);
  // The line opens (every day, all day); the operator answers in working hours.
  await server.ok('imopenlines.config.update', { CONFIG_ID: l, PARAMS: { WORKTIME_DAYOFF: [], WORKTIME_FROM: '00:00',
    WORKTIME_TO: '23:59' } });
  await server.ok('im.message.add', { DIALOG_ID: `chat${r.chat}`, MESSAGE: 'Here I am' }, as(op2));
  assert.equal(session(server, r.session).worktime_sent, 0);
  // Closed again: the client is told again within the same session.
  await server.ok('imopenlines.config.update', { CONFIG_ID: l, PARAMS: { WORKTIME_DAYOFF: DAYS } });
  const mark = lastOutbox(server);
  await clientSays(app, l, c, 'still there?');
  assert.deepEqual(texts(mark), [OFFLINE]);
});
