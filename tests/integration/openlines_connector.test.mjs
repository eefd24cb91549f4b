// Custom connectors (imconnector.*, protocol-openlines.md §7; reference imopenlines/imconnector/):
// registration with its HTTP-200 errors, activation, status, channel data, messages in
// (send/update/delete) and out (ONIMCONNECTORMESSAGEADD/UPDATE/DELETE after a delivery status),
// the dialog and line events, application context only — and one delivery really POSTed to the
// application's handler.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ICON, openlinesServer, person, application, connectorApp, line, clientSays, lastOutbox, outboxSince, members,
  session, eventually, sql,
} from './openlines_setup.mjs';
import { Sink } from './sink.mjs';

let server, app, rival;
let op;
let lineId;
const as = (who) => ({ webhook: who.webhook });

before(async () => {
  server = await openlinesServer();
  op = person(server, 'Ida', ['--last-name', 'Agent']);
  app = await connectorApp(server, 'myconnector');
  rival = await application(server, { name: 'Rival' });
  lineId = await line(server, app, { LINE_NAME: 'Connected', WELCOME_MESSAGE: 'N',
    QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: op.id }] });
});
after(async () => { await server.cleanup(); });

test('imconnector.register: errors in result with HTTP 200; re-registering updates; another app may not take the id', async () => {
  const reg = (params, who = app) => who.ok('imconnector.register', params);
  const base = { ID: 'second', NAME: 'Second', ICON, PLACEMENT_HANDLER: 'http://127.0.0.1:9/p' };
  const check = async (params, error, who) => {
    const r = await reg(params, who);
    assert.equal(r.result, false);
    assert.equal(r.error, error);
    assert.equal(typeof r.error_description, 'string');
  };
  await check({ ...base, ID: '' }, 'CONNECTOR_ID_REQUIRED');
  await check({ ...base, ID: 'my.connector' }, 'APPLICATION_REGISTRATION_ERROR_POINT');
  await check({ ...base, NAME: '' }, 'NAME_REQUIRED');
  await check({ ...base, ICON: {} }, 'ICON_REQUIRED');
  await check({ ...base, PLACEMENT_HANDLER: '' }, 'NO_PLACEMENT_HANDLER');
  assert.deepEqual(await reg(base), { result: true });
  assert.deepEqual(await reg({ ...base, ID: 'SECOND', NAME: 'Second, renamed' }), { result: true });
  await check(base, 'APPLICATION_REGISTRATION_ERROR', rival);
  assert.deepEqual(await app.ok('imconnector.list'), { myconnector: 'Test connector', second: 'Second, renamed' });
  assert.deepEqual(await app.ok('imconnector.unregister', { ID: 'second' }), { result: true });
  const again = await app.ok('imconnector.unregister', { ID: 'second' });
  assert.equal(again.error, 'APPLICATION_UNREGISTRATION_ERROR');
});

test('imconnector.* need an application: WRONG_AUTH_TYPE for a webhook', async () => {
  for (const m of ['imconnector.register', 'imconnector.unregister', 'imconnector.list', 'imconnector.activate',
    'imconnector.status', 'imconnector.connector.data.set', 'imconnector.send.messages',
    'imconnector.update.messages', 'imconnector.delete.messages', 'imconnector.send.status.delivery',
    'imconnector.send.status.reading'])
    await server.fails(m, {}, 403, 'WRONG_AUTH_TYPE',
      'Current authorization type is denied for this method Application context required');
});

test('activate, status, connector.data.set and their ERROR_ARGUMENT errors', async () => {
  await app.fails('imconnector.activate', { LINE: lineId, ACTIVE: 1 }, 400, 'ERROR_ARGUMENT',
    "Argument 'CONNECTOR' is null or empty");
  await app.fails('imconnector.activate', { CONNECTOR: 'myconnector', ACTIVE: 1 }, 400, 'ERROR_ARGUMENT',
    "Argument 'LINE' is null or empty");
  await app.fails('imconnector.activate', { CONNECTOR: 'myconnector', LINE: lineId }, 400, 'ERROR_ARGUMENT',
    "Argument 'ACTIVE' is null or empty");
  await app.fails('imconnector.activate', { CONNECTOR: 'nosuch', LINE: lineId, ACTIVE: 1 }, 400,
    'IMCONNECTOR_NO_CORRECT_PROVIDER');
  await rival.fails('imconnector.activate', { CONNECTOR: 'myconnector', LINE: lineId, ACTIVE: 1 }, 400,
    'IMCONNECTOR_NO_CORRECT_PROVIDER');
  await app.fails('imconnector.activate', { CONNECTOR: 'myconnector', LINE: 99999, ACTIVE: 1 }, 400, 'NOT_ACTIVE_LINE');
  await app.fails('imconnector.status', {}, 400, 'ERROR_ARGUMENT', "Argument 'CONNECTOR' is null or empty");
  assert.deepEqual(await app.ok('imconnector.status', { CONNECTOR: 'myconnector', LINE: lineId }),
    { LINE: lineId, CONNECTOR: 'myconnector', ERROR: false, CONFIGURED: true, STATUS: true });
  assert.deepEqual(await app.ok('imconnector.status', { CONNECTOR: 'myconnector' }),
    { LINE: 0, CONNECTOR: 'myconnector', ERROR: false, CONFIGURED: false, STATUS: false });
  await app.fails('imconnector.connector.data.set', { CONNECTOR: 'myconnector', LINE: lineId }, 400, 'ERROR_ARGUMENT',
    "Argument 'DATA' is null or empty");
  assert.equal(await app.ok('imconnector.connector.data.set', { CONNECTOR: 'myconnector', LINE: lineId,
    DATA: { ID: 'myconnector_line', URL: 'https://example.com', URL_IM: 'https://example.com/im', NAME: 'Site' } }),
  true);
  const stored = JSON.parse(sql(server, `SELECT data FROM imconnector_lines WHERE line_id = ${lineId}`)[0].data);
  assert.deepEqual(stored, { ID: 'myconnector_line', URL: 'https://example.com', URL_IM: 'https://example.com/im',
    NAME: 'Site' });
});

test('send.messages: the documented errors and result', async () => {
  const send = (params) => app.call('imconnector.send.messages', { CONNECTOR: 'myconnector', LINE: lineId, ...params });
  const err = async (params, status, error, description) => {
    const r = await send(params);
    assert.equal(r.status, status, r.text);
    assert.equal(r.body.error, error);
    if (description) assert.equal(r.body.error_description, description);
  };
  await err({}, 400, 'ERROR_ARGUMENT', "Argument 'MESSAGES' is null or empty");
  await err({ MESSAGES: 'text' }, 400, 'ERROR_ARGUMENT', "The value of an argument 'MESSAGES' must be of type array");
  await err({ MESSAGES: ['text'] }, 400, 'ERROR_ARGUMENT', 'The MESSAGES parameter must be an array of messages (arrays)');
  await err({ MESSAGES: [{ user: { id: 1 } }] }, 400, 'ERROR_ARGUMENT',
    'The incorrect structure of a message inside MESSAGES parameter');
  await err({ LINE: 99999, MESSAGES: [{ user: { id: 1 }, message: { text: 'x' }, chat: { id: 'c' } }] }, 400,
    'NOT_ACTIVE_LINE');
  const off = await line(server, app, { LINE_NAME: 'Switched off' });
  await app.ok('imconnector.activate', { CONNECTOR: 'myconnector', LINE: off, ACTIVE: 0 });
  await err({ LINE: off, MESSAGES: [{ user: { id: 1 }, message: { text: 'x' }, chat: { id: 'c' } }] }, 400,
    'NOT_ACTIVE_LINE');
  const r = await rival.call('imconnector.send.messages', { CONNECTOR: 'myconnector', LINE: lineId,
    MESSAGES: [{ user: { id: 1 }, message: { text: 'x' }, chat: { id: 'c' } }] });
  assert.equal(r.body.error, 'IMCONNECTOR_NO_CORRECT_PROVIDER');

  const result = await app.ok('imconnector.send.messages', { CONNECTOR: 'myconnector', LINE: lineId, MESSAGES: [
    { user: { id: 'ext-user-42', name: 'John', last_name: 'Smith', email: 'john@example.com' },
      message: { id: 'ext-msg-1001', text: 'Good afternoon', files: [{ url: 'https://example.com/a.png', name: 'a.png' }] },
      chat: { id: 'channel-123', name: 'Support Channel' } },
    { user: { id: '' }, message: { text: 'lost' }, chat: { id: 'channel-123' } },
  ] });
  assert.equal(result.SUCCESS, true);
  const [ok, failed] = result.DATA.RESULT;
  assert.equal(ok.SUCCESS, true);
  assert.deepEqual(Object.keys(ok.session), ['ID', 'CHAT_ID']);
  assert.equal(typeof ok.user, 'string');
  assert.equal(ok.message.id, 'ext-msg-1001');
  assert.equal(ok.chat.id, 'channel-123');
  assert.equal(failed.SUCCESS, false);
  assert.ok(Array.isArray(failed.ERRORS));
  const user = sql(server, `SELECT * FROM users WHERE id = ${ok.user}`)[0];
  assert.equal(user.external_auth_id, 'imconnector');
  assert.equal(user.xml_id, 'myconnector|ext-user-42');
  assert.equal(user.name, 'John');
  const chatId = Number(ok.session.CHAT_ID);
  const text = sql(server, `SELECT text FROM messages WHERE chat_id = ${chatId} AND author_id = ${ok.user}`)[0].text;
  assert.equal(text, 'Good afternoon\n[URL=https://example.com/a.png]a.png[/URL]');
  // The same external message again is not posted twice.
  await app.ok('imconnector.send.messages', { CONNECTOR: 'myconnector', LINE: lineId, MESSAGES: [
    { user: { id: 'ext-user-42', name: 'John' }, message: { id: 'ext-msg-1001', text: 'Good afternoon' },
      chat: { id: 'channel-123' } }] });
  assert.equal(sql(server, `SELECT COUNT(*) AS n FROM messages WHERE chat_id = ${chatId} AND author_id = ${ok.user}`)[0].n,
    1);
  // Connector users are nobody's colleagues: not found by people search.
  const found = (await server.ok('im.search.user.list', { FIND: 'John' })).result;
  assert.ok(!Object.values(found).some((u) => String(u.id) === ok.user));
});

test('update.messages and delete.messages change what the client sent', async () => {
  const r = await clientSays(app, lineId, 'edit-1', 'typo', { messageId: 'm-1' });
  const mid = sql(server, `SELECT message_id FROM imconnector_messages WHERE external_id = 'm-1'`)[0].message_id;
  const upd = await app.ok('imconnector.update.messages', { CONNECTOR: 'myconnector', LINE: lineId, MESSAGES: [
    { user: { id: 'edit-1' }, message: { id: 'm-1', text: 'fixed' }, chat: { id: 'chan-edit-1' } },
    { user: { id: 'edit-1' }, message: { id: 'nope', text: 'x' }, chat: { id: 'chan-edit-1' } }] });
  assert.deepEqual(upd.DATA.RESULT.map((x) => x.SUCCESS), [true, false]);
  assert.equal(sql(server, `SELECT text FROM messages WHERE id = ${mid}`)[0].text, 'fixed');
  const del = await app.ok('imconnector.delete.messages', { CONNECTOR: 'myconnector', LINE: lineId, MESSAGES: [
    { user: { id: 'edit-1' }, message: { id: 'm-1' }, chat: { id: 'chan-edit-1' } }] });
  assert.equal(del.DATA.RESULT[0].SUCCESS, true);
  assert.equal(sql(server, `SELECT deleted FROM messages WHERE id = ${mid}`)[0].deleted, 1);
  assert.ok(members(server, r.chat).includes(r.client));
});

test('out: ONIMCONNECTORMESSAGEADD; after send.status.delivery, edits and deletions follow as UPDATE / DELETE', async () => {
  const r = await clientSays(app, lineId, 'out-1', 'question');
  let mark = lastOutbox(server);
  const mid = (await server.ok('im.message.add', { DIALOG_ID: `chat${r.chat}`, MESSAGE: 'Guten Tag!' }, as(op))).result;
  const [add] = outboxSince(server, mark, 'ONIMCONNECTORMESSAGEADD');
  assert.equal(add.app_id, app.app_id);
  assert.equal(add.order_key, `chat:${r.chat}`);
  assert.deepEqual(add.payload.data, { CONNECTOR: 'myconnector', LINE: lineId, MESSAGES: [{
    im: { chat_id: r.chat, message_id: mid }, message: { user_id: op.id, text: '[b]Ida Agent:[/b][br]Guten Tag!' },
    chat: { id: 'chan-out-1' } }] });
  assert.equal(session(server, r.session).status, 40);

  assert.deepEqual(await app.ok('imconnector.send.status.delivery', { CONNECTOR: 'myconnector', LINE: lineId,
    MESSAGES: [{ im: { chat_id: r.chat, message_id: mid }, message: { id: ['ext-005'] }, chat: { id: 'chan-out-1' } }] }),
  { SUCCESS: true, DATA: [] });
  assert.deepEqual(await app.ok('imconnector.send.status.reading', { CONNECTOR: 'myconnector', LINE: lineId,
    MESSAGES: [{ im: { chat_id: r.chat, message_id: mid }, message: { id: ['ext-005'] }, chat: { id: 'chan-out-1' } }] }),
  { SUCCESS: true, DATA: [] });
  await app.fails('imconnector.send.status.delivery', { CONNECTOR: 'myconnector', LINE: lineId }, 400,
    'ERROR_ARGUMENT', "Argument 'MESSAGES' is null or empty");

  mark = lastOutbox(server);
  await server.ok('im.message.update', { MESSAGE_ID: mid, MESSAGE: 'What questions do you have?' }, as(op));
  const [upd] = outboxSince(server, mark, 'ONIMCONNECTORMESSAGEUPDATE');
  assert.deepEqual(upd.payload.data.MESSAGES, [{ im: { chat_id: r.chat, message_id: mid },
    message: { id: ['ext-005'], text: 'What questions do you have?' }, chat: { id: 'chan-out-1' } }]);
  mark = lastOutbox(server);
  await server.ok('im.message.delete', { MESSAGE_ID: mid }, as(op));
  const [del] = outboxSince(server, mark, 'ONIMCONNECTORMESSAGEDELETE');
  assert.deepEqual(del.payload.data.MESSAGES, [{ im: { chat_id: r.chat, message_id: mid },
    message: { id: 'ext-005' }, chat: { id: 'chan-out-1' } }]);
  // A message never reported delivered has no external id to name: nothing goes out.
  const mid2 = (await server.ok('im.message.add', { DIALOG_ID: `chat${r.chat}`, MESSAGE: 'second' }, as(op))).result;
  mark = lastOutbox(server);
  await server.ok('im.message.update', { MESSAGE_ID: mid2, MESSAGE: 'second, edited' }, as(op));
  assert.equal(outboxSince(server, mark, 'ONIMCONNECTORMESSAGEUPDATE').length, 0);
});

test('imconnector.chat.name.set renames the client\'s LINES chat', async () => {
  const r = await clientSays(app, lineId, 'named-1', 'hi');
  const set = (params) => app.call('imconnector.chat.name.set', { CONNECTOR: 'myconnector', LINE: lineId, ...params });
  for (const missing of ['CHAT_ID', 'NAME', 'USER_ID']) {
    const params = { CHAT_ID: 'chan-named-1', NAME: 'VIP customer', USER_ID: 'named-1' };
    delete params[missing];
    const e = await set(params);
    assert.equal(e.status, 400);
    assert.equal(e.body.error, 'ERROR_ARGUMENT');
    assert.equal(e.body.error_description, `Argument '${missing}' is null or empty`);
  }
  const unknown = await set({ CHAT_ID: 'nope', NAME: 'x', USER_ID: 'nobody' });
  assert.equal(unknown.body.error, 'CHAT_RENAMING_FAILED');
  assert.deepEqual((await set({ CHAT_ID: 'chan-named-1', NAME: 'VIP customer', USER_ID: 'named-1' })).body.result,
    { SUCCESS: true, DATA: { RESULT: {} } });
  assert.equal((await server.ok('imopenlines.dialog.get', { CHAT_ID: r.chat })).result.name, 'VIP customer');
});

test('switching a connector off and deleting a line tell its application', async () => {
  const l = await line(server, app, { LINE_NAME: 'Short' });
  let mark = lastOutbox(server);
  await app.ok('imconnector.activate', { CONNECTOR: 'myconnector', LINE: l, ACTIVE: 'N' });
  const [off] = outboxSince(server, mark, 'ONIMCONNECTORSTATUSDELETE');
  assert.deepEqual(off.payload.data, { connector: 'myconnector', line: l });
  await app.ok('imconnector.activate', { CONNECTOR: 'myconnector', LINE: l, ACTIVE: 'Y' });
  mark = lastOutbox(server);
  await server.ok('imopenlines.config.delete', { CONFIG_ID: l });
  const [gone] = outboxSince(server, mark, 'ONIMCONNECTORLINEDELETE');
  assert.equal(gone.payload.data, l);
});

test('an application bound to ONIMCONNECTORMESSAGEADD receives it at its handler, form-encoded', async () => {
  const sink = await new Sink().start();
  try {
    const live = await connectorApp(server, 'liveconn', { name: 'Live' });
    await live.ok('event.bind', { EVENT: 'ONIMCONNECTORMESSAGEADD', HANDLER: sink.url });
    const l = await line(server, live, { LINE_NAME: 'Live', WELCOME_MESSAGE: 'N',
      QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: op.id }] });
    const r = await clientSays(live, l, 'live-1', 'ping');
    await server.ok('im.message.add', { DIALOG_ID: `chat${r.chat}`, MESSAGE: 'pong' }, as(op));
    const req = await eventually(() => sink.requests.find((x) => x.form.event === 'ONIMCONNECTORMESSAGEADD'));
    assert.equal(req.form.data.CONNECTOR, 'liveconn');
    assert.equal(req.form.data.MESSAGES[0].message.text, '[b]Ida Agent:[/b][br]pong');
    assert.equal(req.form.data.MESSAGES[0].chat.id, 'chan-live-1');
    assert.ok(req.form.auth.access_token, 'the operator’s token');
  } finally {
    await sink.stop();
  }
});

test('uninstalling the application removes its connectors', async () => {
  const gone = await connectorApp(server, 'goneconn', { name: 'Gone' });
  server.cli('app', 'uninstall', String(gone.app_id));
  assert.equal(sql(server, "SELECT COUNT(*) AS n FROM imconnectors WHERE id = 'goneconn'")[0].n, 0);
});
