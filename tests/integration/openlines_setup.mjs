// What the open-lines tests share: a server whose events stay readable in the outbox (handlers
// on a closed loopback port, allow_private), operators with their webhooks, an OAuth application
// that owns a custom connector and an open-line bot (as a support integration would), lines, and
// clients writing in through imconnector.send.messages.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, storeSql } from './harness.mjs';
import { addApp, signIn, rest, sql } from './oauth_client.mjs';

export const H = 'http://127.0.0.1:9';

export async function openlinesServer(config = '') {
  return startServer({ config: `[events]\nallow_private = true\n${config}` });
}

// A user with a webhook (scopes im, imopenlines); returns {id, webhook}.
export function person(server, name, extra = []) {
  const id = server.cli('user', 'add', '--name', name, ...extra).user_id;
  const webhook = server.cli('webhook', 'add', '--user', String(id), '--scope', 'im,imopenlines').webhook;
  return { id, webhook };
}

// An installed application of the administrator with its token; `app.ok` / `app.call` call as it.
export async function application(server, { name = 'Support', scope = 'im,imbot,imopenlines,imconnector' } = {}) {
  const app = addApp(server, { name, scope, handler: `${H}/app` });
  const tokens = await signIn(server, app);
  const call = (method, params = {}) => rest(server, method, params, tokens.access_token);
  const ok = async (method, params = {}) => {
    const r = await call(method, params);
    assert.equal(r.status, 200, `${method}: ${r.text}`);
    return r.body.result;
  };
  const fails = async (method, params, status, error, description) => {
    const r = await call(method, params);
    assert.equal(r.status, status, `${method}: ${r.text}`);
    assert.equal(r.body.error, error, r.text);
    if (description !== undefined) assert.equal(r.body.error_description, description);
    return r.body;
  };
  return { ...app, token: tokens.access_token, call, ok, fails };
}

export const ICON = { DATA_IMAGE: 'data:image/svg+xml;charset=US-ASCII,%3Csvg%3E%3C/svg%3E', COLOR: '#a6ffa3' };

// Registers `connector` for the application and binds the events of a connector application.
export async function connectorApp(server, connector = 'testconn', opts = {}) {
  const app = await application(server, opts);
  assert.deepEqual(await app.ok('imconnector.register', { ID: connector, NAME: 'Test connector', ICON,
    PLACEMENT_HANDLER: `${H}/placement` }), { result: true });
  for (const event of ['ONIMCONNECTORMESSAGEADD', 'ONIMCONNECTORMESSAGEUPDATE', 'ONIMCONNECTORMESSAGEDELETE',
    'ONIMCONNECTORDIALOGSTART', 'ONIMCONNECTORDIALOGFINISH', 'ONIMCONNECTORSTATUSDELETE', 'ONIMCONNECTORLINEDELETE',
    'ONSESSIONSTART', 'ONSESSIONFINISH', 'ONOPENLINEMESSAGEADD'])
    await app.ok('event.bind', { EVENT: event, HANDLER: `${H}/events` });
  app.connector = connector;
  return app;
}

// A line (administrator's webhook) with the connector switched on. The rating request
// (VOTE_MESSAGE=Y, the platform's default) keeps a session an operator closes waiting for the
// client (WAIT_CLIENT); lines of tests about other things close at once unless they say otherwise.
export async function line(server, app, params) {
  const id = (await server.ok('imopenlines.config.add', { PARAMS: { VOTE_MESSAGE: 'N', ...params } })).result;
  await app.ok('imconnector.activate', { CONNECTOR: app.connector, LINE: id, ACTIVE: 1 });
  return id;
}

// A client writing into line `lineId` through the application's connector; returns the result
// item ({user, session: {ID, CHAT_ID}, …}).
export async function clientSays(app, lineId, client, text, { chat = `chan-${client}`, messageId } = {}) {
  const result = await app.ok('imconnector.send.messages', {
    CONNECTOR: app.connector, LINE: lineId,
    MESSAGES: [{ user: { id: client, name: `Client ${client}` }, message: { id: messageId, text },
      chat: { id: chat } }],
  });
  assert.equal(result.SUCCESS, true);
  const item = result.DATA.RESULT[0];
  assert.equal(item.SUCCESS, true, JSON.stringify(item));
  return { client: Number(item.user), session: Number(item.session.ID), chat: Number(item.session.CHAT_ID) };
}

export const lastOutbox = (server) => sql(server, 'SELECT COALESCE(MAX(id), 0) AS n FROM event_outbox')[0].n;
// Outbox rows after `mark` (optionally of one event), payload parsed.
export function outboxSince(server, mark, event) {
  const where = event ? ` AND event = '${event}'` : '';
  return sql(server, `SELECT * FROM event_outbox WHERE id > ${mark}${where} ORDER BY id`)
    .map((r) => ({ ...r, payload: JSON.parse(r.payload) }));
}

export const members = (server, chatId) =>
  sql(server, `SELECT user_id FROM chat_members WHERE chat_id = ${chatId} ORDER BY user_id`).map((r) => r.user_id);

export function session(server, id) {
  return sql(server, `SELECT * FROM openline_sessions WHERE id = ${id}`)[0];
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Writes into the running server's store (a test moving a due time instead of waiting for it).
export function sqlWrite(server, query) {
  storeSql(server.dataDir, query);
}

// Makes the session's close_at (AUTO_CLOSE_TIME, FULL_CLOSE_TIME, AUTO_EXPIRE_TIME) due now.
export function closeDue(server, sessionId) {
  sqlWrite(server, `UPDATE openline_sessions SET close_at = 1 WHERE id = ${sessionId} AND close_at > 0`);
}

// Waits until `fn()` is truthy (timers run once a second).
export async function eventually(fn, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not reached');
    await sleep(100);
  }
}

export { sql };
