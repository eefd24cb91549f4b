// What the bot-surface tests share (imbot.chat.*, commands, chat apps, placements): an OAuth
// application with its token, bots owned by an application or by a webhook CLIENT_ID, and the
// store read through the sqlite3 shell.
//
// Bots are made here as the store holds them (a user with external_auth_id 'bot' and a `bots`
// row, migration 14) rather than with imbot.register, which the bot module builds; the rows are
// written through the sqlite3 shell beside the running server (WAL, with a busy timeout).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { addApp, signIn, rest } from './oauth_client.mjs';

export function db(server, query) {
  const out = execFileSync('sqlite3', ['-cmd', '.timeout 5000', '-json', join(server.dataDir, 'imhub.db'), query],
    { encoding: 'utf8' }).trim();
  return out ? JSON.parse(out) : [];
}

const quote = (s) => `'${String(s).replace(/'/g, "''")}'`;

// A bot user owned by `owner` ("app:<id>" or "custom<CLIENT_ID>"); returns its id.
export function makeBot(server, { code, owner, name = code, appId = 0 }) {
  const id = server.cli('user', 'add', '--name', name).user_id;
  db(server, `UPDATE users SET external_auth_id = 'bot' WHERE id = ${id};
    INSERT INTO bots (id, code, type, app_id, owner, created_at) VALUES (${id}, ${quote(code)}, 'B', ${appId},
    ${quote(owner)}, strftime('%s','now'));`);
  return id;
}

// An installed OAuth application of the admin (user 1) with `scope`, and its access token.
export async function oauthApp(server, { name = 'Echo', scope = 'im,imbot', user = 1, webhook } = {}) {
  const app = addApp(server, { name, scope, user });
  const tokens = await signIn(server, app, webhook || server.webhook);
  return { ...app, token: tokens.access_token, owner: `app:${app.app_id}` };
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
