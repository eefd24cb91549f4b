// The events bots receive (protocol.md §9.2–§9.3; reference chat-bots/outdated/*/events/*.md):
// who gets what, and the payload keys in the order of the reference examples. Read from the
// outbox rows the im.* calls write in their own transaction; the delivery worker adds the
// bot's tokens (data[BOT][id] / data[COMMAND][id]) and the top-level auth when it sends them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { addApp, signIn, restOk, sql } from './oauth_client.mjs';

const H = 'http://127.0.0.1:9';
const CLIENT = 'events';

// Keys of the reference examples (on-imbot-message-add.md, on-imbot-message-update.md,
// on-imbot-message-delete.md, on-imbot-join-chat.md, on-im-command-add.md), in their order.
const ADD_PRIVATE = ['MESSAGE', 'TEMPLATE_ID', 'MESSAGE_TYPE', 'FROM_USER_ID', 'DIALOG_ID', 'TO_CHAT_ID', 'AUTHOR_ID',
  'SYSTEM', 'TO_USER_ID', 'PUSH', 'PUSH_IMPORTANT', 'RECENT_SKIP_AUTHOR', 'CONVERT', 'SKIP_COMMAND',
  'SKIP_COUNTER_INCREMENTS', 'SILENT_CONNECTOR', 'SKIP_CONNECTOR', 'IMPORTANT_CONNECTOR', 'NO_SESSION_OL',
  'FAKE_RELATION', 'SKIP_URL_INDEX', 'COMMAND_CONTEXT', 'CHAT_USER_COUNT', 'PLATFORM_CONTEXT', 'MESSAGE_ID',
  'CHAT_TYPE', 'LANGUAGE'];
const ADD_GROUP = ['MESSAGE', 'TEMPLATE_ID', 'MESSAGE_TYPE', 'FROM_USER_ID', 'DIALOG_ID', 'TO_CHAT_ID', 'AUTHOR_ID',
  'SYSTEM', 'CHAT_ID', 'CHAT_TITLE', 'CHAT_AUTHOR_ID', 'CHAT_TYPE', 'CHAT_AVATAR', 'CHAT_COLOR', 'CHAT_ENTITY_TYPE',
  'CHAT_ENTITY_ID', 'CHAT_ENTITY_DATA_1', 'CHAT_ENTITY_DATA_2', 'CHAT_ENTITY_DATA_3', 'CHAT_EXTRANET',
  'CHAT_PREV_MESSAGE_ID', 'CHAT_CAN_POST', 'RID', 'IS_MANAGER', 'PUSH', 'PUSH_IMPORTANT', 'RECENT_SKIP_AUTHOR',
  'CONVERT', 'SKIP_COMMAND', 'SKIP_COUNTER_INCREMENTS', 'SILENT_CONNECTOR', 'SKIP_CONNECTOR', 'IMPORTANT_CONNECTOR',
  'NO_SESSION_OL', 'FAKE_RELATION', 'SKIP_URL_INDEX', 'COMMAND_CONTEXT', 'CHAT_USER_COUNT', 'MENTIONED_LIST',
  'PLATFORM_CONTEXT', 'MESSAGE_ORIGINAL', 'TO_USER_ID', 'MESSAGE_ID', 'LANGUAGE'];
const UPDATE_PRIVATE = ['ID', 'CHAT_ID', 'AUTHOR_ID', 'MESSAGE', 'MESSAGE_TYPE', 'CHAT_AUTHOR_ID', 'CHAT_ENTITY_ID',
  'CHAT_ENTITY_DATA_1', 'CHAT_ENTITY_DATA_2', 'CHAT_ENTITY_DATA_3', 'FROM_USER_ID', 'TO_USER_ID', 'CHAT_USER_COUNT',
  'PLATFORM_CONTEXT', 'DIALOG_ID', 'MESSAGE_ID', 'CHAT_TYPE', 'LANGUAGE'];
const UPDATE_GROUP = ['ID', 'CHAT_ID', 'AUTHOR_ID', 'MESSAGE', 'MESSAGE_TYPE', 'CHAT_AUTHOR_ID', 'CHAT_ENTITY_TYPE',
  'CHAT_ENTITY_ID', 'CHAT_ENTITY_DATA_1', 'CHAT_ENTITY_DATA_2', 'CHAT_ENTITY_DATA_3', 'CHAT_USER_COUNT',
  'MENTIONED_LIST', 'PLATFORM_CONTEXT', 'MESSAGE_ORIGINAL', 'TO_USER_ID', 'DIALOG_ID', 'MESSAGE_ID', 'CHAT_TYPE',
  'LANGUAGE'];
const DELETE_PRIVATE = ['ID', 'CHAT_ID', 'AUTHOR_ID', 'MESSAGE', 'MESSAGE_TYPE', 'CHAT_AUTHOR_ID', 'CHAT_ENTITY_ID',
  'CHAT_ENTITY_DATA_1', 'CHAT_ENTITY_DATA_2', 'CHAT_ENTITY_DATA_3', 'FROM_USER_ID', 'TO_USER_ID', 'DIALOG_ID',
  'MESSAGE_ID', 'CHAT_TYPE', 'LANGUAGE'];
const DELETE_GROUP = ['ID', 'CHAT_ID', 'AUTHOR_ID', 'MESSAGE', 'MESSAGE_TYPE', 'CHAT_AUTHOR_ID', 'CHAT_ENTITY_TYPE',
  'CHAT_ENTITY_ID', 'CHAT_ENTITY_DATA_1', 'CHAT_ENTITY_DATA_2', 'CHAT_ENTITY_DATA_3', 'DIALOG_ID', 'MESSAGE_ID',
  'CHAT_TYPE', 'LANGUAGE'];
const JOIN_PRIVATE = ['CHAT_TYPE', 'MESSAGE_TYPE', 'BOT_ID', 'USER_ID', 'TO_USER_ID', 'FROM_USER_ID', 'DIALOG_ID',
  'LANGUAGE'];
const JOIN_GROUP = ['CHAT_TYPE', 'MESSAGE_TYPE', 'BOT_ID', 'USER_ID', 'CHAT_ID', 'CHAT_AUTHOR_ID', 'CHAT_ENTITY_TYPE',
  'CHAT_ENTITY_ID', 'ACCESS_HISTORY', 'DIALOG_ID', 'LANGUAGE'];
const COMMAND_PRIVATE = ['MESSAGE', 'TEMPLATE_ID', 'MESSAGE_TYPE', 'FROM_USER_ID', 'DIALOG_ID', 'TO_CHAT_ID',
  'AUTHOR_ID', 'SYSTEM', 'TO_USER_ID', 'SKIP_USER_CHECK', 'PUSH', 'PUSH_IMPORTANT', 'RECENT_ADD', 'RECENT_SKIP_AUTHOR',
  'CONVERT', 'SKIP_COMMAND', 'SKIP_COUNTER_INCREMENTS', 'SILENT_CONNECTOR', 'SKIP_CONNECTOR', 'IMPORTANT_CONNECTOR',
  'NO_SESSION_OL', 'FAKE_RELATION', 'SKIP_URL_INDEX', 'MESSAGE_ID', 'CHAT_TYPE', 'LANGUAGE'];
const COMMAND_GROUP = ['MESSAGE', 'TEMPLATE_ID', 'MESSAGE_TYPE', 'FROM_USER_ID', 'DIALOG_ID', 'TO_CHAT_ID', 'AUTHOR_ID',
  'SYSTEM', 'CHAT_ID', 'CHAT_PARENT_ID', 'CHAT_PARENT_MID', 'CHAT_TITLE', 'CHAT_AUTHOR_ID', 'CHAT_TYPE', 'CHAT_AVATAR',
  'CHAT_COLOR', 'CHAT_ENTITY_TYPE', 'CHAT_ENTITY_ID', 'CHAT_ENTITY_DATA_1', 'CHAT_ENTITY_DATA_2', 'CHAT_ENTITY_DATA_3',
  'CHAT_EXTRANET', 'CHAT_PREV_MESSAGE_ID', 'CHAT_CAN_POST', 'RID', 'IS_MANAGER', 'BOT_IN_CHAT', 'SKIP_USER_CHECK',
  'PUSH', 'PUSH_IMPORTANT', 'RECENT_ADD', 'RECENT_SKIP_AUTHOR', 'CONVERT', 'SKIP_COMMAND', 'SKIP_COUNTER_INCREMENTS',
  'SILENT_CONNECTOR', 'SKIP_CONNECTOR', 'IMPORTANT_CONNECTOR', 'NO_SESSION_OL', 'FAKE_RELATION', 'SKIP_URL_INDEX',
  'MESSAGE_ID', 'LANGUAGE'];
const USER_FLAGS = ['ID', 'NAME', 'FIRST_NAME', 'LAST_NAME', 'WORK_POSITION', 'GENDER', 'IS_BOT', 'IS_CONNECTOR',
  'IS_NETWORK', 'IS_EXTRANET'];
const USER_PLAIN = ['ID', 'NAME', 'FIRST_NAME', 'LAST_NAME', 'WORK_POSITION', 'GENDER'];
const COMMAND_ENTRY = ['BOT_ID', 'BOT_CODE', 'COMMAND', 'COMMAND_ID', 'COMMAND_PARAMS', 'COMMAND_CONTEXT', 'MESSAGE_ID'];

let server;
let aliceId, bobId;
let alice, bob;  // their webhooks (scope im)
let echo, sup, twin1, twin2;  // webhook bots of CLIENT

const as = (who) => ({ webhook: who });
const say = async (dialog, message, who = alice) =>
  (await server.ok('im.message.add', { DIALOG_ID: String(dialog), MESSAGE: message }, as(who))).result;
const lastId = () => sql(server, 'SELECT COALESCE(MAX(id), 0) AS n FROM event_outbox')[0].n;
const newRows = (mark) => sql(server, `SELECT * FROM event_outbox WHERE id > ${mark} ORDER BY id`)
  .map((r) => ({ ...r, payload: JSON.parse(r.payload) }));

async function register(code, extra) {
  return (await server.ok('imbot.register', { CODE: code, EVENT_HANDLER: `${H}/${code}`,
    PROPERTIES: { NAME: code[0].toUpperCase() + code.slice(1) }, CLIENT_ID: CLIENT, ...extra })).result;
}

async function addCommand(bot, command, { common = false } = {}) {
  return (await server.ok('imbot.command.register', { BOT_ID: bot, COMMAND: command, COMMON: common ? 'Y' : 'N',
    EVENT_COMMAND_ADD: `${H}/cmd`, LANG: [{ LANGUAGE_ID: 'en', TITLE: command }], CLIENT_ID: CLIENT })).result;
}

before(async () => {
  // The events are read from the outbox. Some handlers here are written straight into the store, so
  // no administrator registered them: with allow_private their events stay in the outbox retrying
  // the closed port instead of going to the failed list at once (handler_ssrf.test.mjs).
  server = await startServer({ config: '[events]\nallow_private = true\n' });
  aliceId = server.cli('user', 'add', '--name', 'Alice', '--last-name', 'Smith', '--position', 'QA').user_id;
  bobId = server.cli('user', 'add', '--name', 'Bob').user_id;
  alice = server.cli('webhook', 'add', '--user', String(aliceId), '--scope', 'im').webhook;
  bob = server.cli('webhook', 'add', '--user', String(bobId), '--scope', 'im').webhook;
  echo = await register('echo');
  sup = await register('sup', { TYPE: 'S' });
  twin1 = await register('twin1', { EVENT_HANDLER: `${H}/twins` });
  twin2 = await register('twin2', { EVENT_HANDLER: `${H}/twins` });
});
after(async () => { await server.cleanup(); });

test('a private dialog: ONIMBOTJOINCHAT once, then ONIMBOTMESSAGEADD for each message', async () => {
  const mark = lastId();
  const m1 = await say(echo, 'Hello');
  const m2 = await say(echo, 'Again');
  const got = newRows(mark);
  assert.deepEqual(got.map((r) => r.event), ['ONIMBOTJOINCHAT', 'ONIMBOTMESSAGEADD', 'ONIMBOTMESSAGEADD']);
  const chatId = sql(server, `SELECT id FROM chats WHERE private_key = '${Math.min(aliceId, echo)}:${Math.max(aliceId, echo)}'`)[0].id;
  for (const r of got) {
    assert.equal(r.handler, `${H}/echo?CLIENT_ID=${CLIENT}`);
    assert.equal(r.app_id, 0);
    assert.equal(r.order_key, `chat:${chatId}`);
    assert.equal(r.payload.application_token, CLIENT, 'a webhook bot is told apart by its CLIENT_ID');
    assert.equal(r.payload.auth_user_id, aliceId, 'auth: the user who wrote');
    assert.equal(r.payload.event_ttl, 7);
    assert.deepEqual(r.payload.data.BOT, { [echo]: { BOT_ID: echo, BOT_CODE: 'echo' } });
  }
  const [join, add1, add2] = got;
  assert.equal(join.payload.send_refresh_token, false);
  assert.deepEqual(Object.keys(join.payload.data.PARAMS), JOIN_PRIVATE);
  assert.deepEqual(join.payload.data.PARAMS, { CHAT_TYPE: 'P', MESSAGE_TYPE: 'P', BOT_ID: echo, USER_ID: aliceId,
    TO_USER_ID: aliceId, FROM_USER_ID: echo, DIALOG_ID: String(aliceId), LANGUAGE: 'en' });
  assert.deepEqual(Object.keys(join.payload.data.USER), USER_PLAIN);
  assert.equal(add1.payload.send_refresh_token, true);
  const p = add1.payload.data.PARAMS;
  assert.deepEqual(Object.keys(p), ADD_PRIVATE);
  assert.equal(p.MESSAGE, 'Hello');
  assert.equal(p.MESSAGE_TYPE, 'P');
  assert.equal(p.FROM_USER_ID, aliceId);
  assert.equal(p.AUTHOR_ID, aliceId);
  assert.equal(p.DIALOG_ID, String(aliceId), 'the bot answers to DIALOG_ID');
  assert.equal(p.TO_USER_ID, echo);
  assert.equal(p.TO_CHAT_ID, chatId);
  assert.equal(p.MESSAGE_ID, m1);
  assert.equal(p.SYSTEM, 'N');
  assert.equal(p.COMMAND_CONTEXT, 'TEXTAREA');
  assert.equal(p.CHAT_USER_COUNT, 2);
  assert.equal(p.LANGUAGE, 'en');
  assert.deepEqual(add1.payload.data.USER, { ID: aliceId, NAME: 'Alice Smith', FIRST_NAME: 'Alice', LAST_NAME: 'Smith',
    WORK_POSITION: 'QA', GENDER: 'M', IS_BOT: 'N', IS_CONNECTOR: 'N', IS_NETWORK: 'N', IS_EXTRANET: 'N' });
  assert.equal(add2.payload.data.PARAMS.MESSAGE_ID, m2);
  // The bot's answer reaches nobody.
  const mark2 = lastId();
  await server.ok('imbot.message.add', { BOT_ID: echo, DIALOG_ID: String(aliceId), MESSAGE: 'Hello Alice', CLIENT_ID: CLIENT });
  assert.deepEqual(newRows(mark2), []);
});

test('group chats: joins, mentions with the text rewritten, supervisors see everything', async () => {
  let mark = lastId();
  const chat = (await server.ok('im.chat.add', { USERS: [aliceId, echo, sup], TITLE: 'Team', COLOR: 'BROWN' })).result;
  const joins = newRows(mark).filter((r) => r.event === 'ONIMBOTJOINCHAT');
  assert.deepEqual(joins.map((r) => Object.keys(r.payload.data.BOT)[0]), [String(echo), String(sup)]);
  for (const j of joins) {
    assert.deepEqual(Object.keys(j.payload.data.PARAMS), JOIN_GROUP);
    assert.equal(j.payload.data.PARAMS.ACCESS_HISTORY, 1);
    assert.equal(j.payload.data.PARAMS.DIALOG_ID, `chat${chat}`);
    assert.equal(j.payload.data.PARAMS.USER_ID, 1, 'USER_ID: who added the bot');
    assert.equal(j.payload.data.USER.ID, 1);
    assert.equal(j.payload.auth_user_id, 1);
  }
  // A supervisor's arrival is announced in the chat.
  const notice = sql(server, `SELECT text, author_id, system FROM messages WHERE chat_id = ${chat} ORDER BY id`);
  assert.ok(notice.some((m) => m.author_id === 0 && m.system === 1 && m.text.includes(`[USER=${sup}][/USER]`)));

  mark = lastId();
  const m = await say(`chat${chat}`, `[USER=${echo}]Echo[/USER], how are [B]you[/B]?`);
  let got = newRows(mark);
  assert.deepEqual(got.map((r) => [r.event, Object.keys(r.payload.data.BOT)]),
    [['ONIMBOTMESSAGEADD', [String(echo)]], ['ONIMBOTMESSAGEADD', [String(sup)]]]);
  const p = got[0].payload.data.PARAMS;
  assert.deepEqual(Object.keys(p), ADD_GROUP);
  assert.equal(p.MESSAGE, 'how are [B]you[/B]?');
  assert.equal(p.MESSAGE_ORIGINAL, `[USER=${echo}]Echo[/USER], how are [B]you[/B]?`);
  assert.equal(p.TO_USER_ID, echo);
  assert.deepEqual(p.MENTIONED_LIST, { [echo]: echo });
  assert.equal(p.DIALOG_ID, `chat${chat}`);
  assert.equal(p.MESSAGE_TYPE, 'C');
  assert.equal(p.CHAT_TITLE, 'Team');
  assert.equal(p.CHAT_COLOR, 'BROWN');
  assert.equal(p.CHAT_AVATAR, '0');
  assert.equal(p.CHAT_AUTHOR_ID, 1);
  assert.equal(p.CHAT_USER_COUNT, 4);
  assert.equal(p.MESSAGE_ID, m);
  assert.ok(p.CHAT_PREV_MESSAGE_ID > 0 && p.CHAT_PREV_MESSAGE_ID < m);
  assert.deepEqual(got[0].payload.data.USER.ID, aliceId);

  // Without a mention only the supervisor hears it; TO_USER_ID is 0.
  mark = lastId();
  await say(`chat${chat}`, 'just talking');
  got = newRows(mark);
  assert.deepEqual(got.map((r) => Object.keys(r.payload.data.BOT)), [[String(sup)]]);
  assert.equal(got[0].payload.data.PARAMS.TO_USER_ID, 0);
  assert.equal(got[0].payload.data.PARAMS.MESSAGE, 'just talking');
  // A mention of a bot outside the chat reaches nobody but the supervisor.
  mark = lastId();
  await say(`chat${chat}`, `[USER=${twin1}]Twin[/USER] are you there`);
  assert.deepEqual(newRows(mark).map((r) => Object.keys(r.payload.data.BOT)), [[String(sup)]]);
  // Bots never trigger bot events, not even for supervisors.
  mark = lastId();
  await server.ok('imbot.message.add', { BOT_ID: echo, DIALOG_ID: `chat${chat}`, MESSAGE: `[USER=${sup}]Sup[/USER] hi`,
    CLIENT_ID: CLIENT });
  assert.deepEqual(newRows(mark), []);
});

test('bots of one application sharing a handler get one delivery', async () => {
  const chat = (await server.ok('im.chat.add', { USERS: [aliceId, twin1, twin2], TITLE: 'Twins' })).result;
  const mark = lastId();
  await say(`chat${chat}`, `[USER=${twin1}]One[/USER] [USER=${twin2}]Two[/USER] hello`);
  const got = newRows(mark);
  assert.equal(got.length, 1);
  assert.equal(got[0].handler, `${H}/twins?CLIENT_ID=${CLIENT}`);
  assert.deepEqual(Object.keys(got[0].payload.data.BOT), [String(twin1), String(twin2)]);
  assert.equal(got[0].payload.data.PARAMS.MESSAGE, 'hello');
  assert.equal(got[0].payload.data.PARAMS.TO_USER_ID, twin1, 'the first mention');
});

test('im.chat.user.add: ONIMBOTJOINCHAT with ACCESS_HISTORY; existing members are not re-announced', async () => {
  const chat = (await server.ok('im.chat.add', { USERS: [aliceId], TITLE: 'Later' })).result;
  let mark = lastId();
  await server.ok('im.chat.user.add', { CHAT_ID: chat, USERS: [sup], HIDE_HISTORY: 'Y' }, as(alice));
  let got = newRows(mark);
  assert.deepEqual(got.map((r) => r.event), ['ONIMBOTJOINCHAT']);
  assert.equal(got[0].payload.data.PARAMS.ACCESS_HISTORY, 0);
  assert.equal(got[0].payload.data.PARAMS.USER_ID, aliceId);
  assert.equal(got[0].payload.auth_user_id, aliceId);
  const texts = sql(server, `SELECT text FROM messages WHERE chat_id = ${chat} AND author_id = 0`).map((r) => r.text);
  assert.ok(texts.some((t) => t === `[USER=${sup}][/USER] can see the new messages of this chat`), texts.join('|'));
  mark = lastId();
  await server.ok('im.chat.user.add', { CHAT_ID: chat, USERS: [sup, echo] }, as(alice));
  got = newRows(mark).filter((r) => r.event === 'ONIMBOTJOINCHAT');
  assert.deepEqual(got.map((r) => r.payload.data.PARAMS.BOT_ID), [echo]);
  assert.equal(got[0].payload.data.PARAMS.ACCESS_HISTORY, 1);
});

test('edits and deletions: supervisors, and B bots only with a handler bound by imbot.update', async () => {
  const chat = (await server.ok('im.chat.add', { USERS: [aliceId, echo, sup], TITLE: 'Edits' })).result;
  const m = await say(`chat${chat}`, `[USER=${echo}]Echo[/USER] first`);
  let mark = lastId();
  await server.ok('im.message.update', { MESSAGE_ID: m, MESSAGE: `[USER=${echo}]Echo[/USER], second` }, as(alice));
  let got = newRows(mark);
  assert.deepEqual(got.map((r) => [r.event, r.handler]), [['ONIMBOTMESSAGEUPDATE', `${H}/sup?CLIENT_ID=${CLIENT}`]],
    'the B bot registered without EVENT_MESSAGE_UPDATE hears nothing');
  const p = got[0].payload.data.PARAMS;
  assert.deepEqual(Object.keys(p), UPDATE_GROUP);
  assert.equal(p.MESSAGE, 'second');
  assert.equal(p.MESSAGE_ORIGINAL, `[USER=${echo}]Echo[/USER], second`);
  assert.equal(p.ID, m);
  assert.equal(got[0].payload.data.USER, undefined, 'group edits carry no USER (reference example)');
  assert.equal(got[0].payload.send_refresh_token, true);

  // imbot.update binds the edit and delete handlers of a B bot.
  await server.ok('imbot.update', { BOT_ID: echo, CLIENT_ID: CLIENT,
    FIELDS: { EVENT_MESSAGE_UPDATE: `${H}/echo-edits`, EVENT_MESSAGE_DELETE: `${H}/echo-deletes` } });
  const pm = await say(echo, 'typo');
  mark = lastId();
  await server.ok('im.message.update', { MESSAGE_ID: pm, MESSAGE: 'fixed' }, as(alice));
  got = newRows(mark);
  assert.deepEqual(got.map((r) => r.handler), [`${H}/echo-edits?CLIENT_ID=${CLIENT}`]);
  assert.deepEqual(Object.keys(got[0].payload.data.PARAMS), UPDATE_PRIVATE);
  assert.equal(got[0].payload.data.PARAMS.MESSAGE, 'fixed');
  assert.equal(got[0].payload.data.PARAMS.TO_USER_ID, echo);
  assert.deepEqual(Object.keys(got[0].payload.data.USER), USER_FLAGS);

  mark = lastId();
  await server.ok('im.message.delete', { MESSAGE_ID: pm }, as(alice));
  got = newRows(mark);
  assert.deepEqual(got.map((r) => [r.event, r.handler]), [['ONIMBOTMESSAGEDELETE', `${H}/echo-deletes?CLIENT_ID=${CLIENT}`]]);
  assert.deepEqual(Object.keys(got[0].payload.data.PARAMS), DELETE_PRIVATE);
  assert.equal(got[0].payload.data.PARAMS.MESSAGE, 'This message was deleted.');

  // An empty text deletes; mentions are read from the text that was there.
  mark = lastId();
  await server.ok('im.message.update', { MESSAGE_ID: m, MESSAGE: '' }, as(alice));
  got = newRows(mark);
  assert.deepEqual(got.map((r) => [r.event, r.handler]), [
    ['ONIMBOTMESSAGEDELETE', `${H}/echo-deletes?CLIENT_ID=${CLIENT}`],
    ['ONIMBOTMESSAGEDELETE', `${H}/sup?CLIENT_ID=${CLIENT}`]]);
  assert.deepEqual(Object.keys(got[1].payload.data.PARAMS), DELETE_GROUP);
  // COMPLETE deletion too.
  const m3 = await say(`chat${chat}`, 'to erase');
  mark = lastId();
  await server.ok('im.message.delete', { MESSAGE_ID: m3, COMPLETE: 'Y' }, as(alice));
  assert.deepEqual(newRows(mark).map((r) => [r.event, r.payload.data.PARAMS.ID]), [['ONIMBOTMESSAGEDELETE', m3]]);
});

test('typed commands: ONIMCOMMANDADD keyed by COMMAND_ID, COMMON commands anywhere', async () => {
  const echoCmd = await addCommand(echo, 'echo');
  const timeCmd = await addCommand(echo, 'time', { common: true });
  let mark = lastId();
  const m = await say(echo, '/echo test me');
  let got = newRows(mark);
  assert.deepEqual(got.map((r) => r.event), ['ONIMBOTMESSAGEADD', 'ONIMCOMMANDADD']);
  const c = got[1];
  assert.equal(c.handler, `${H}/cmd?CLIENT_ID=${CLIENT}`);
  assert.equal(c.payload.application_token, CLIENT);
  assert.equal(c.payload.send_refresh_token, true);
  assert.deepEqual(Object.keys(c.payload.data.COMMAND), [String(echoCmd)]);
  const entry = c.payload.data.COMMAND[echoCmd];
  assert.deepEqual(Object.keys(entry), COMMAND_ENTRY);
  assert.deepEqual(entry, { BOT_ID: echo, BOT_CODE: 'echo', COMMAND: 'echo', COMMAND_ID: echoCmd,
    COMMAND_PARAMS: 'test me', COMMAND_CONTEXT: 'TEXTAREA', MESSAGE_ID: m });
  assert.deepEqual(Object.keys(c.payload.data.PARAMS), COMMAND_PRIVATE);
  assert.equal(c.payload.data.PARAMS.MESSAGE, '/echo test me');
  assert.equal(c.payload.data.PARAMS.TO_USER_ID, echo);
  assert.deepEqual(Object.keys(c.payload.data.USER), USER_PLAIN);

  // In a chat without the bot only its COMMON command answers.
  const chat = (await server.ok('im.chat.add', { USERS: [bobId], TITLE: 'No bots' }, as(alice))).result;
  mark = lastId();
  await say(`chat${chat}`, '/echo nobody hears');
  assert.deepEqual(newRows(mark), []);
  await say(`chat${chat}`, 'What time is it?\n/time Berlin');
  got = newRows(mark);
  assert.deepEqual(got.map((r) => r.event), ['ONIMCOMMANDADD']);
  assert.deepEqual(Object.keys(got[0].payload.data.PARAMS), COMMAND_GROUP);
  assert.deepEqual(got[0].payload.data.COMMAND[timeCmd].COMMAND_PARAMS, 'Berlin');
  assert.deepEqual(got[0].payload.data.PARAMS.BOT_IN_CHAT, []);
  // Case matters; one event per message, a command's entry is its last line; system messages run none.
  mark = lastId();
  await say(echo, '/ECHO loud');
  assert.deepEqual(newRows(mark).map((r) => r.event), ['ONIMBOTMESSAGEADD']);
  mark = lastId();
  await say(echo, '/echo a\n/echo a\n/time\n/echo b');
  got = newRows(mark).filter((r) => r.event === 'ONIMCOMMANDADD');
  assert.equal(got.length, 1);
  assert.deepEqual(Object.values(got[0].payload.data.COMMAND).map((e) => [e.COMMAND, e.COMMAND_PARAMS]),
    [['echo', 'b'], ['time', '']]);
  mark = lastId();
  await server.ok('im.message.add', { DIALOG_ID: String(echo), MESSAGE: '/echo quiet', SYSTEM: 'Y' }, as(alice));
  assert.deepEqual(newRows(mark).map((r) => r.event), ['ONIMBOTMESSAGEADD']);
});

test('keyboard buttons and menu items: ONIMCOMMANDADD through im.message.command', async () => {
  const pageCmd = await addCommand(echo, 'page');
  const againCmd = await addCommand(echo, 'again');
  const msg = (await server.ok('imbot.message.add', { BOT_ID: echo, DIALOG_ID: String(aliceId), MESSAGE: 'Page 1',
    KEYBOARD: [{ TEXT: 'Next', COMMAND: 'page', COMMAND_PARAMS: '2' }, { TEXT: 'Help', COMMAND: 'help' }],
    MENU: [{ TEXT: 'Again', COMMAND: 'again', COMMAND_PARAMS: '1' }], CLIENT_ID: CLIENT })).result;
  let mark = lastId();
  await server.ok('im.message.command', { MESSAGE_ID: msg, BOT_ID: echo, COMMAND: 'page', COMMAND_PARAMS: '2' }, as(alice));
  let got = newRows(mark);
  assert.deepEqual(got.map((r) => r.event), ['ONIMCOMMANDADD']);
  const entry = got[0].payload.data.COMMAND[pageCmd];
  assert.deepEqual(entry, { BOT_ID: echo, BOT_CODE: 'echo', COMMAND: 'page', COMMAND_ID: pageCmd, COMMAND_PARAMS: '2',
    COMMAND_CONTEXT: 'KEYBOARD', MESSAGE_ID: msg });
  assert.equal(got[0].payload.data.PARAMS.FROM_USER_ID, aliceId);
  assert.equal(got[0].payload.data.PARAMS.DIALOG_ID, String(aliceId));
  assert.equal(got[0].payload.data.PARAMS.MESSAGE, '/page 2');
  assert.equal(got[0].payload.auth_user_id, aliceId);
  mark = lastId();
  await server.ok('im.message.command', { MESSAGE_ID: msg, BOT_ID: echo, COMMAND: 'again', COMMAND_PARAMS: '1' }, as(alice));
  assert.equal(newRows(mark)[0].payload.data.COMMAND[againCmd].COMMAND_CONTEXT, 'MENU');
  // A button whose command the bot never registered reaches nobody.
  mark = lastId();
  await server.ok('im.message.command', { MESSAGE_ID: msg, BOT_ID: echo, COMMAND: 'help' }, as(alice));
  assert.deepEqual(newRows(mark), []);
});

test('open-line chats: every OPENLINE bot, no mention needed', async () => {
  const ol = await register('liner', { TYPE: 'O' });
  const chat = (await server.ok('im.chat.add', { USERS: [aliceId, ol, echo], TITLE: 'Line', ENTITY_TYPE: 'LINES',
    ENTITY_ID: 'x|1' })).result;
  const mark = lastId();
  await say(`chat${chat}`, 'I need help');
  const got = newRows(mark);
  assert.deepEqual(got.map((r) => Object.keys(r.payload.data.BOT)), [[String(ol)]]);
  assert.equal(got[0].payload.data.PARAMS.CHAT_ENTITY_TYPE, 'LINES');
});

test('an application\'s bots: through its bindings, with token slots; each application sees only its bots', async () => {
  const appA = addApp(server, { name: 'A', handler: `${H}/app-a` });
  const appB = addApp(server, { name: 'B', handler: `${H}/app-b` });
  const tA = await signIn(server, appA);
  const tB = await signIn(server, appB);
  const botA = (await restOk(server, 'imbot.register', { CODE: 'bota', EVENT_HANDLER: `${H}/bota`,
    PROPERTIES: { NAME: 'A' } }, tA.access_token)).result;
  const botB = (await restOk(server, 'imbot.register', { CODE: 'botb', TYPE: 'S', EVENT_HANDLER: `${H}/botb`,
    PROPERTIES: { NAME: 'B' } }, tB.access_token)).result;
  const binding = (app, event) =>
    sql(server, `SELECT id FROM event_bindings WHERE app_id = ${app.app_id} AND event = '${event}'`)[0].id;
  let mark = lastId();
  const chat = (await server.ok('im.chat.add', { USERS: [aliceId, botA, botB], TITLE: 'Apps' }, as(alice))).result;
  let got = newRows(mark);
  assert.deepEqual(got.map((r) => [r.event, r.app_id, r.event_handler_id]), [
    ['ONIMBOTJOINCHAT', appA.app_id, binding(appA, 'ONIMBOTJOINCHAT')],
    ['ONIMBOTJOINCHAT', appB.app_id, binding(appB, 'ONIMBOTJOINCHAT')]]);
  assert.equal(got[0].payload.send_refresh_token, false);
  assert.deepEqual(got[0].payload.token_slots, [{ path: ['BOT', String(botA)], user_id: botA }]);

  mark = lastId();
  await say(`chat${chat}`, `[USER=${botA}]A[/USER] and [USER=${botB}]B[/USER]`);
  got = newRows(mark);
  assert.deepEqual(got.map((r) => [r.app_id, r.handler, Object.keys(r.payload.data.BOT)]), [
    [appA.app_id, `${H}/bota`, [String(botA)]],
    [appB.app_id, `${H}/botb`, [String(botB)]]]);
  for (const r of got) {
    assert.equal(r.payload.auth_user_id, aliceId);
    assert.equal(r.payload.send_refresh_token, true);
    assert.equal(r.payload.application_token, '', 'the worker puts the application\'s own token');
    assert.equal(r.order_key, `chat:${chat}`);
  }
  assert.equal(got[0].event_handler_id, binding(appA, 'ONIMBOTMESSAGEADD'));

  // An application without an ONIMCOMMANDADD binding (imbot.command.register always makes one; here
  // the row is written directly) gets its commands at the command's URL.
  sql(server, `INSERT INTO bot_commands (bot_id, command, handler, owner, created_at) VALUES (${botA}, 'report', '${H}/bota-cmd', 'app:${appA.app_id}', 0)`);
  const cmd = sql(server, `SELECT id FROM bot_commands WHERE bot_id = ${botA} AND command = 'report'`)[0].id;
  mark = lastId();
  await say(`chat${chat}`, '/report today');
  got = newRows(mark).filter((r) => r.event === 'ONIMCOMMANDADD');
  assert.deepEqual(got.map((r) => [r.app_id, r.handler, r.event_handler_id]), [[appA.app_id, `${H}/bota-cmd`, 0]]);
  assert.deepEqual(got[0].payload.token_slots, [{ path: ['COMMAND', String(cmd)], user_id: botA }]);
  // With a binding, through the binding (imbot.command.register binds its EVENT_COMMAND_ADD).
  await restOk(server, 'imbot.command.register', { BOT_ID: botA, COMMAND: 'status', EVENT_COMMAND_ADD:
    'http://bot.example.com/commands', LANG: [{ LANGUAGE_ID: 'en', TITLE: 'Status' }] }, tA.access_token);
  mark = lastId();
  await say(`chat${chat}`, '/report now');
  got = newRows(mark).filter((r) => r.event === 'ONIMCOMMANDADD');
  assert.deepEqual(got.map((r) => r.handler), ['http://bot.example.com/commands']);
  assert.equal(got[0].payload.auth_user_id, aliceId);

  // Offline bindings get the event in the application's queue, without tokens.
  await restOk(server, 'event.bind', { event: 'ONIMBOTMESSAGEADD', event_type: 'offline' }, tA.access_token);
  await say(`chat${chat}`, `[USER=${botA}]A[/USER] offline too`);
  const offline = sql(server, `SELECT event, data FROM offline_events WHERE app_id = ${appA.app_id}`);
  assert.equal(offline.length, 1);
  assert.equal(JSON.parse(offline[0].data).PARAMS.MESSAGE, 'offline too');
});

test('a file sent to a bot (im.disk.file.commit) reaches it as ONIMBOTMESSAGEADD', async () => {
  const files = server.cli('webhook', 'add', '--user', String(aliceId), '--scope', 'im,disk').webhook;
  await say(echo, 'before the file');
  const chatId = sql(server, `SELECT id FROM chats WHERE private_key = '${Math.min(aliceId, echo)}:${Math.max(aliceId, echo)}'`)[0].id;
  const folder = (await server.ok('im.disk.folder.get', { CHAT_ID: chatId }, as(files))).result.ID;
  const upload = (await server.ok('disk.folder.uploadfile', {
    id: folder, data: { NAME: 'report.txt' }, fileContent: ['report.txt', Buffer.from('numbers').toString('base64')],
  }, as(files))).result.ID;
  const mark = lastId();
  await server.ok('im.disk.file.commit', { DIALOG_ID: String(echo), UPLOAD_ID: upload, MESSAGE: 'the report' }, as(files));
  const got = newRows(mark);
  assert.deepEqual(got.map((r) => r.event), ['ONIMBOTMESSAGEADD']);
  const p = got[0].payload.data.PARAMS;
  assert.equal(p.MESSAGE, 'the report');
  assert.equal(p.TO_CHAT_ID, chatId);
  assert.equal(p.MESSAGE_ID, sql(server, `SELECT MAX(id) AS id FROM messages WHERE chat_id = ${chatId}`)[0].id);
});
