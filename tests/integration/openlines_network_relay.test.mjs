// The Bitrix24.Network relay (docs/openlines.md "Bitrix24.Network"): a line's network bot writes to
// a user (network.join + network.message.add); what the user answers in that private dialog opens a
// session of the line's `network` connector; the queue's operator answers and the answer reaches the
// user's private dialog as the network bot's message; edits, deletions and typing follow; the operator
// finishes. The user is the session's client without being a member of the LINES chat: they hear
// their private dialog live, nothing of the operators' side, and are no operator of their chat even
// when they are in the line's queue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pullSocket, pushBody, nextPush } from './ws_client.mjs';
import { openlinesServer, connectorApp, line, members, session, sql } from './openlines_setup.mjs';

let server, app, lineId, code, botId, olga, nina;
const as = (who) => ({ webhook: who.webhook });

function person(name) {
  const id = server.cli('user', 'add', '--name', name).user_id;
  const webhook = server.cli('webhook', 'add', '--user', String(id), '--scope', 'im,imopenlines,pull,pull_channel')
    .webhook;
  return { id, webhook };
}

before(async () => {
  server = await openlinesServer('[push]\nping_interval = 1\n');
  olga = person('Olga');
  nina = person('Nina');
  app = await connectorApp(server);
  // Nina is in the queue too: she must still never be offered her own conversation.
  lineId = await line(server, app, { LINE_NAME: 'Partner support', WELCOME_MESSAGE: 'N', QUEUE_TYPE: 'all',
    CLOSE_RULE: 'text', CLOSE_TEXT: 'Thank you for writing to us',
    QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: olga.id }, { ENTITY_TYPE: 'user', ENTITY_ID: nina.id }] });
  code = server.cli('openlines', 'network', String(lineId)).network_code;
  botId = (await server.ok('imopenlines.network.join', { CODE: code }, as(nina))).result;
  assert.equal(await app.ok('imopenlines.network.message.add', { CODE: code, USER_ID: nina.id,
    MESSAGE: 'Our new partner programme is open' }), true);
});
after(async () => { await server.cleanup(); });

const live = (who) => pullSocket(server, as(who));
const dialogMessages = async () =>
  (await server.ok('im.dialog.messages.get', { DIALOG_ID: botId, LIMIT: 50 }, as(nina))).result.messages;
const message = (id) => sql(server, `SELECT * FROM messages WHERE id = ${id}`)[0];

test('the user answers the network bot: a session for the queue, the operator\'s reply back, the close', async () => {
  const olgaWs = await live(olga);
  const ninaWs = await live(nina);
  try {
    const asked = (await server.ok('im.message.add', { DIALOG_ID: botId, MESSAGE: 'How do I join?' }, as(nina))).result;
    const dialogChat = message(asked).chat_id;
    const lines = sql(server, `SELECT * FROM chats WHERE entity_type = 'LINES' AND entity_id LIKE 'network|%'`);
    assert.equal(lines.length, 1);
    const chat = lines[0];
    assert.equal(chat.entity_id, `network|${lineId}|${dialogChat}|${nina.id}`);
    assert.equal(chat.title, 'Nina - Partner support');
    const s = sql(server, `SELECT * FROM openline_sessions WHERE chat_id = ${chat.id}`)[0];
    assert.equal(s.user_id, nina.id, 'Nina is the client');
    assert.equal(s.connector, 'network');
    assert.equal(s.status, 0);
    assert.deepEqual(members(server, chat.id), [olga.id], 'offered to Olga only; Nina is no member');
    const copy = sql(server, `SELECT * FROM messages WHERE chat_id = ${chat.id} AND author_id = ${nina.id}`);
    assert.deepEqual(copy.map((m) => m.text), ['How do I join?']);

    // Olga hears it as any client's message; Nina hears nothing of the LINES chat.
    const heard = await nextPush(olgaWs, 'im', 'messageChat', (p) => p.message.text === 'How do I join?');
    assert.equal(heard.params.chatId, chat.id);
    assert.deepEqual(heard.params.userInChat[String(chat.id)], [olga.id]);
    const dialog = (await server.ok('imopenlines.dialog.get', { CHAT_ID: chat.id }, as(olga))).result;
    assert.equal(dialog.entity_id, chat.entity_id);

    // Nina is no operator of her own conversation, though she is in the queue.
    await server.fails('imopenlines.dialog.get', { CHAT_ID: chat.id }, 400, 'ACCESS_ERROR', undefined, as(nina));
    await server.fails('imopenlines.operator.answer', { CHAT_ID: chat.id }, 400, 'ACCESS_DENIED', undefined, as(nina));
    await server.fails('imopenlines.session.join', { CHAT_ID: chat.id }, 400, 'ACCESS_DENIED', undefined, as(nina));
    // Nor does the messenger let her read the LINES chat, or list it among her dialogs.
    const read = await server.call('im.dialog.messages.get', { DIALOG_ID: `chat${chat.id}` }, as(nina));
    assert.notEqual(read.status, 200, read.text);
    const recent = (await server.ok('im.recent.list', {}, as(nina))).result;
    assert.ok(recent.items.some((i) => String(i.id) === String(botId)), 'her dialog with the bot is');
    assert.ok(!recent.items.some((i) => i.id === `chat${chat.id}`), 'the LINES chat is not in her recent list');

    // Olga answers in the LINES chat; Nina reads it from the network bot in her private dialog, live.
    const reply = (await server.ok('im.message.add', { DIALOG_ID: `chat${chat.id}`, MESSAGE: 'Fill in the form' },
      as(olga))).result;
    assert.equal(session(server, s.id).operator_id, olga.id);
    assert.equal(session(server, s.id).status, 40);
    const got = await nextPush(ninaWs, 'im', 'message', (p) => p.message.text.includes('Fill in the form'));
    assert.equal(got.params.message.senderId, botId);
    const mine = await dialogMessages();
    const answer = mine.find((m) => m.text.includes('Fill in the form'));
    assert.equal(answer.author_id, botId);
    assert.equal(answer.text, '[b]Olga:[/b][br]Fill in the form');
    assert.ok(!mine.some((m) => m.text.includes('started')), 'the notices stay with the operators');

    // Typing follows: Olga's shows as the bot typing in Nina's dialog; Nina's reaches the operators (WATCH_TYPING).
    await server.ok('im.dialog.writing', { DIALOG_ID: `chat${chat.id}` }, as(olga));
    await nextPush(ninaWs, 'im', 'startWriting', (p) => String(p.dialogId) === String(botId) && p.userId === botId);
    await server.ok('im.dialog.writing', { DIALOG_ID: botId }, as(nina));
    await nextPush(olgaWs, 'im', 'startWriting', (p) => p.dialogId === `chat${chat.id}` && p.userId === nina.id);

    // Nina writes again: the session waits for the operator.
    await server.ok('im.message.add', { DIALOG_ID: botId, MESSAGE: 'Done' }, as(nina));
    assert.equal(session(server, s.id).status, 25);

    // Edits and deletions follow to the other side.
    await server.ok('im.message.update', { MESSAGE_ID: asked, MESSAGE: 'How do I join, please?' }, as(nina));
    assert.equal(message(copy[0].id).text, 'How do I join, please?');
    await server.ok('im.message.update', { MESSAGE_ID: reply, MESSAGE: 'Fill in the form online' }, as(olga));
    assert.equal(message(answer.id).text, '[b]Olga:[/b][br]Fill in the form online');
    await server.ok('im.message.delete', { MESSAGE_ID: reply }, as(olga));
    assert.equal(message(answer.id).deleted, 1);

    // Olga finishes: the close text reaches Nina from the bot; the session waits for her (CLOSE_RULE=text).
    await server.ok('imopenlines.operator.finish', { CHAT_ID: chat.id }, as(olga));
    assert.equal(session(server, s.id).status, 50);
    const last = (await dialogMessages()).find((m) => m.text === 'Thank you for writing to us');
    assert.ok(last, 'the line\'s close text in the private dialog');
    assert.equal(last.author_id, botId);

    // Nobody outside the LINES chat heard its commands: Nina's channel had none of them.
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(!ninaWs.frames.some((f) => pushBody(f)?.params?.chatId === chat.id), 'no LINES chat push to the client');
  } finally {
    olgaWs.destroy();
    ninaWs.destroy();
  }
});

test('a message to the bot from someone the line never wrote to still reaches the line; bots are ignored', async () => {
  const pia = person('Pia');
  await server.ok('im.message.add', { DIALOG_ID: botId, MESSAGE: 'Hello?' }, as(pia));
  const chat = sql(server, `SELECT * FROM chats WHERE entity_type = 'LINES' AND entity_id LIKE 'network|%|${pia.id}'`);
  assert.equal(chat.length, 1);
  assert.equal(session(server, sql(server, `SELECT id FROM openline_sessions WHERE chat_id = ${chat[0].id}`)[0].id)
    .user_id, pia.id);
  // The line's bot writing again (network.message.add) opens nothing.
  const before = sql(server, 'SELECT COUNT(*) AS n FROM openline_sessions')[0].n;
  await app.ok('imopenlines.network.message.add', { CODE: code, USER_ID: pia.id, MESSAGE: 'Welcome, Pia' });
  assert.equal(sql(server, 'SELECT COUNT(*) AS n FROM openline_sessions')[0].n, before);
});
