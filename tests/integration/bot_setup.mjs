// What the bot-surface tests share (imbot.chat.*, commands, chat apps, placements): an OAuth
// application with its token, bots owned by an application or by a webhook CLIENT_ID, and the
// store read through the sqlite3 shell.
//
// Bots are registered with imbot.register, as an application or a webhook integration would: an
// application's bots with its token, a webhook bot (owner "user:1:custom<CLIENT_ID>") through the admin's
// webhook with that CLIENT_ID. Their handlers point at a closed loopback port; nothing here reads
// what is delivered.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { addApp, signIn, rest } from './oauth_client.mjs';
import { storeSql } from './harness.mjs';

export function db(server, query) {
  return storeSql(server.dataDir, query);
}

// Application tokens by server and owner ("app:<id>"), for makeBot.
const appTokens = new WeakMap();

// A bot owned by `owner` ("app:<id>" of an application made with oauthApp, or "custom<CLIENT_ID>");
// returns its id.
export async function makeBot(server, { code, owner, name = code }) {
  const params = { CODE: code, EVENT_HANDLER: 'http://127.0.0.1:9/', PROPERTIES: { NAME: name } };
  const r = owner.startsWith('custom')
    ? await server.call('imbot.register', { ...params, CLIENT_ID: owner.slice('custom'.length) })
    : await rest(server, 'imbot.register', params, appTokens.get(server)?.get(owner));
  if (r.status !== 200) throw new Error(`imbot.register ${code}: ${r.status} ${r.text}`);
  return r.body.result;
}

// An installed OAuth application of the admin (user 1) with `scope`, and its access token.
export async function oauthApp(server, { name = 'Echo', scope = 'im,imbot', user = 1, webhook } = {}) {
  const app = addApp(server, { name, scope, user });
  const tokens = await signIn(server, app, webhook || server.webhook);
  const owner = `app:${app.app_id}`;
  if (!appTokens.has(server)) appTokens.set(server, new Map());
  appTokens.get(server).set(owner, tokens.access_token);
  return { ...app, token: tokens.access_token, owner };
}

// REST helpers for an application token: the call's {status, body}.
export const as = (server, token) => ({
  ok: async (method, params = {}) => {
    const r = await rest(server, method, params, token);
    if (r.status !== 200) throw new Error(`${method}: ${r.status} ${r.text}`);
    return r.body;
  },
  call: (method, params = {}) => rest(server, method, params, token),
});
