// The transport and REST half of the push server (protocol-push.md §2.7, §2.8, §3, §4.3, §4.4,
// §5.4, §6): pull.application.push.add and pull.api.user.getLastSeen with each documented error,
// the `pull`/`pull_channel` scopes of every pull.* method, long polling at /bitrix/sub/ and its
// publication URL, status subscriptions, a slow client dropped and catching up, the caps on what
// clients send, and `imhub push status` / the imhub_push_* metrics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { masterKey, startServer, BINARY } from './harness.mjs';
import { addApp, signIn, restOk, restFails, sql } from './oauth_client.mjs';
import { bodies, subscribe } from './ws_client.mjs';

let server;
let ann, bob, carl, dan;
let annHook, bobHook, carlHook; // scope im,pull,pull_channel
let app, adminToken, annToken;  // an application with scope pull, signed in as the admin and as Ann

const SEND_QUEUE = 8;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  server = await startServer({
    config: `[push]\nsend_queue = ${SEND_QUEUE}\nlong_polling_timeout = 2\nmax_client_messages = 40\nmax_frame_bytes = 4096\n`,
  });
  ann = server.cli('user', 'add', '--name', 'Ann').user_id;
  bob = server.cli('user', 'add', '--name', 'Bob').user_id;
  carl = server.cli('user', 'add', '--name', 'Carl').user_id;
  dan = server.cli('user', 'add', '--name', 'Dan').user_id; // never connects
  const hook = (id, scope = 'im,pull,pull_channel') => server.cli('webhook', 'add', '--user', String(id), '--scope', scope).webhook;
  annHook = hook(ann);
  bobHook = hook(bob);
  carlHook = hook(carl);
  app = addApp(server, { name: 'Live', scope: 'im,pull,pull_channel' });
  adminToken = (await signIn(server, app)).access_token;
  annToken = (await signIn(server, app, annHook)).access_token;
});
after(async () => { await server.cleanup(); });

const userConfig = async (webhook) => (await server.ok('pull.config.get', { CACHE: 'N' }, { webhook })).result;
const appConfig = async (token) => (await restOk(server, 'pull.application.config.get', { CACHE: 'N' }, token)).result;
const appEvent = (command, userId, params = {}) =>
  restOk(server, 'pull.application.event.add', { COMMAND: command, USER_ID: userId, PARAMS: params }, adminToken);
const command = (name) => (f) => f.includes('"incoming.message"') && JSON.parse(f).params.body.command === name;

const reply = async (ws, id) => JSON.parse(await ws.next((f) => f.startsWith('{') && JSON.parse(f).id === id));
const rpc = (method, params, id) => JSON.stringify({ jsonrpc: '2.0', method, params, id });

// One long poll as the SDK's connector makes it (§3.1, §4.3).
async function poll(config, { mid, token = config.jwt, jsonRpc = true } = {}) {
  const url = new URL(config.server.long_polling);
  url.searchParams.set('token', token);
  if (jsonRpc) url.searchParams.set('jsonRpc', 'true');
  url.searchParams.set('revision', '19');
  if (mid) url.searchParams.set('mid', mid);
  const t0 = Date.now();
  const r = await fetch(url);
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, ms: Date.now() - t0, messages: r.status === 200 ? JSON.parse(text) : [] };
}
// A POST to the client's publication URL, as the SDK's long-polling connector sends `mack:` and calls.
async function pub(config, text) {
  const r = await fetch(`${config.server.publish}?CHANNEL_ID=${encodeURIComponent(config.channels.shared.id)}`,
    { method: 'POST', body: text });
  return { status: r.status, text: await r.text() };
}
const commands = (messages) => messages.filter((m) => m.method === 'incoming.message').map((m) => m.params.body.command);

async function metric(name) {
  const text = (await server.raw('/metrics')).text;
  const escaped = name.replace(/[{}"\\]/g, (c) => `\\${c}`);
  const m = text.match(new RegExp(`^${escaped} (\\S+)$`, 'm'));
  assert.ok(m, `${name} in /metrics`);
  return Number(m[1]);
}

// A token signed with the server's push key, with these claims changed.
function signedToken(config, claims) {
  const master = masterKey(server.dataDir);
  const key = createHmac('sha256', master).update('imhub push channels v1').digest('hex');
  const [head, body] = config.jwt.split('.');
  const merged = { ...JSON.parse(Buffer.from(body, 'base64url').toString()), ...claims };
  const payload = Buffer.from(JSON.stringify(merged)).toString('base64url');
  return `${head}.${payload}.${createHmac('sha256', key).update(`${head}.${payload}`).digest('base64url')}`;
}

test('pull.application.push.add: application auth, admin only, TEXT required; it becomes a notification', async () => {
  await server.fails('pull.application.push.add', { USER_ID: ann, TEXT: 'x' }, 403, 'WRONG_AUTH_TYPE',
    'Send push notifications available only for application authorization.');
  await restFails(server, 'pull.application.push.add', { USER_ID: ann, TEXT: 'x' }, annToken, 400, 'ACCESS_ERROR',
    'You do not have access to send push notifications');
  await restFails(server, 'pull.application.push.add', { USER_ID: ann }, adminToken, 400, 'TEXT_ERROR', "Text can't be empty");
  await restFails(server, 'pull.application.push.add', { USER_ID: ann, TEXT: '  ' }, adminToken, 400, 'TEXT_ERROR');
  await restFails(server, 'pull.application.push.add', { TEXT: 'hi' }, adminToken, 400, 'INVALID_FORMAT');
  await restFails(server, 'pull.application.push.add', { USER_ID: 'x', TEXT: 'hi' }, adminToken, 400, 'INVALID_FORMAT');
  const r = await restOk(server, 'pull.application.push.add',
    { USER_ID: [ann, bob, 999999], TEXT: 'Build finished', AVATAR: 'https://example.com/a.png' }, adminToken);
  assert.equal(r.result, true);
  const rows = sql(server, "SELECT user_id, author_id, title, text FROM notifications WHERE text = 'Build finished' ORDER BY user_id");
  assert.deepEqual(rows, [
    { user_id: ann, author_id: 0, title: 'Live', text: 'Build finished' },
    { user_id: bob, author_id: 0, title: 'Live', text: 'Build finished' },
  ]);
  sql(server, `UPDATE apps SET name = '' WHERE id = ${app.app_id}`);
  try {
    await restFails(server, 'pull.application.push.add', { USER_ID: ann, TEXT: 'x' }, adminToken, 400, 'EMPTY_APP_NAME',
      "For send push-notification application name can't be empty");
  } finally {
    sql(server, `UPDATE apps SET name = 'Live' WHERE id = ${app.app_id}`);
  }
});

test('every pull.* method needs its scope (pull, or pull_channel; getLastSeen either)', async () => {
  const hookOf = (scope) => server.cli('webhook', 'add', '--user', String(ann), '--scope', scope).webhook;
  const imOnly = hookOf('im');
  const pullOnly = hookOf('pull');
  const channelOnly = hookOf('pull_channel');
  const pullMethods = ['pull.application.config.get', 'pull.application.event.add', 'pull.application.push.add'];
  const channelMethods = ['pull.config.get', 'pull.channel.public.get', 'pull.channel.public.list'];
  for (const m of [...pullMethods, ...channelMethods, 'pull.api.user.getLastSeen'])
    await server.fails(m, { userIds: [ann] }, 403, 'insufficient_scope', undefined, { webhook: imOnly });
  for (const m of pullMethods) await server.fails(m, {}, 403, 'insufficient_scope', undefined, { webhook: channelOnly });
  for (const m of channelMethods) await server.fails(m, {}, 403, 'insufficient_scope', undefined, { webhook: pullOnly });
  await server.ok('pull.api.user.getLastSeen', { userIds: [ann] }, { webhook: pullOnly });
  await server.ok('pull.api.user.getLastSeen', { userIds: [ann] }, { webhook: channelOnly });
  // An application without the pull scope.
  const imApp = addApp(server, { name: 'NoPull', scope: 'im' });
  const token = (await signIn(server, imApp)).access_token;
  for (const m of pullMethods) await restFails(server, m, { COMMAND: 'x', TEXT: 'x', USER_ID: 1 }, token, 403, 'insufficient_scope');
});

test('pull.api.user.getLastSeen: 0 while connected, seconds after, unknown users left out; userIds validated', async () => {
  const bad = (params) => server.fails('pull.api.user.getLastSeen', params, 400, 'INVALID_FORMAT',
    'A wrong format for the userIds field is passed', { webhook: annHook });
  await bad({});
  await bad({ userIds: [] });
  await bad({ userIds: 'nope' });
  await bad({ userIds: [0] });
  await bad({ userIds: ['x'] });
  const ws = await subscribe(await userConfig(bobHook));
  const seen = async (ids) => (await server.ok('pull.api.user.getLastSeen', { userIds: ids }, { webhook: annHook })).result;
  assert.deepEqual(await seen([bob, carl]), { [bob]: 0 }, 'Bob is connected; Carl never was');
  assert.deepEqual(await seen(JSON.stringify([bob])), { [bob]: 0 }, 'a JSON string of ids works too');
  ws.destroy();
  await sleep(1200);
  const later = await seen([bob, carl]);
  assert.deepEqual(Object.keys(later), [String(bob)]);
  assert.ok(later[bob] >= 1, `seconds since Bob left: ${later[bob]}`);
});

test('JSON-RPC status subscriptions: online/userStatusChange when a watched user comes and goes', async () => {
  const annWs = await subscribe(await userConfig(annHook));
  annWs.send(rpc('subscribeStatusChange', { userId: carl }, 1));
  assert.equal((await reply(annWs, 1)).result, true);
  annWs.send(rpc('subscribeStatusChange', { userId: 'x' }, 2));
  assert.equal((await reply(annWs, 2)).error.code, -32602);
  annWs.send(rpc('getUsersLastSeen', { userList: 'x' }, 3));
  assert.equal((await reply(annWs, 3)).error.code, -32602);
  const carlWs = await subscribe(await userConfig(carlHook));
  const online = JSON.parse(await annWs.next(command('userStatusChange'))).params;
  assert.equal(online.body.module_id, 'online');
  assert.deepEqual(online.body.params, { user_id: carl, online: true });
  assert.match(online.mid, /^\d{26}$/);
  const from = annWs.frames.length;
  carlWs.destroy();
  const offline = JSON.parse(await annWs.next(command('userStatusChange'), 5000, from)).params;
  assert.deepEqual(offline.body.params, { user_id: carl, online: false });
  annWs.send(rpc('unsubscribeStatusChange', { userId: carl }, 4));
  assert.equal((await reply(annWs, 4)).result, true);
  const quiet = annWs.frames.length;
  const again = await subscribe(await userConfig(carlHook));
  await sleep(300);
  assert.equal(annWs.frames.slice(quiet).filter(command('userStatusChange')).length, 0, 'no news after unsubscribing');
  again.destroy();
  annWs.destroy();
});

test('long polling: 304 with the marker after the timeout, 200 at once on news, nothing lost between polls', async () => {
  const config = await appConfig(annToken);
  assert.match(config.server.long_polling, /^http:\/\/127\.0\.0\.1:\d+\/bitrix\/sub\/$/);
  assert.equal(config.server.long_pooling_secure, config.server.long_polling);
  assert.match(config.server.publish, /^http:\/\/127\.0\.0\.1:\d+\/bitrix\/pub\/[\w.-]+\/$/);
  const idle = await poll(config);
  assert.equal(idle.status, 304);
  assert.equal(idle.headers.get('expires'), 'Thu, 01 Jan 1973 11:11:01 GMT');
  assert.match(idle.headers.get('last-message-id'), /^\d{26}$/);
  assert.equal(idle.headers.get('access-control-allow-origin'), '*');
  assert.ok(idle.ms >= 1800, `held for the timeout (${idle.ms} ms)`);
  const waiting = poll(config, { mid: idle.headers.get('last-message-id') });
  await sleep(300);
  await appEvent('first', ann, { n: 1 });
  const got = await waiting;
  assert.equal(got.status, 200);
  assert.ok(got.ms < 1500, `answered on the news (${got.ms} ms)`);
  assert.equal(got.messages.length, 1);
  const [m] = got.messages;
  assert.equal(m.jsonrpc, '2.0');
  assert.equal(m.method, 'incoming.message');
  assert.deepEqual(m.params.body.params, { n: 1 });
  assert.equal(m.params.sender.type, 2);
  // Published while no poll was open: the same client's next polls have them, in order. (On a
  // PostgreSQL store even a node's own publishes reach its hub through NOTIFY, a moment after the
  // call returns, as Bitrix24's push server takes a publish asynchronously: the first poll may
  // come back with 'second' alone, and the next one, from its mid, has 'third'.)
  await appEvent('second', ann);
  await appEvent('third', ann);
  const seen = [];
  for (let mid = m.params.mid; seen.length < 2;) {
    const next = await poll(config, { mid });
    assert.equal(next.status, 200, `polled after ${JSON.stringify(seen)}`);
    seen.push(...next.messages);
    mid = seen.at(-1).params.mid;
  }
  assert.deepEqual(commands(seen), ['second', 'third']);
  // Another client of Ann (a fresh config) coming with that mid catches up from the store.
  const other = await appConfig(annToken);
  assert.notEqual(other.jwt, config.jwt, 'every config has its own token');
  const caught = await poll(other, { mid: m.params.mid });
  assert.deepEqual(commands(caught.messages), ['second', 'third']);
  // Bob's application channel never sees Ann's events.
  const bobConfig = await appConfig((await signIn(server, app, bobHook)).access_token);
  const bobPoll = poll(bobConfig);
  await appEvent('forAnn', ann);
  assert.equal((await bobPoll).status, 304);
});

test('long polling refuses a bad, expired or forged token and anything but the JSON-RPC mode', async () => {
  const config = await userConfig(annHook);
  const now = Math.floor(Date.now() / 1000);
  for (const token of ['', 'garbage', signedToken(config, { exp: now - 1 }), config.jwt.slice(0, -3) + 'AAA']) {
    const r = await poll(config, { token });
    assert.equal(r.status, 400, `token ${token.slice(0, 12)}`);
  }
  assert.equal((await poll(config, { token: signedToken(config, { exp: now + 60 }) })).status, 304, 'a fresh one works');
  assert.equal((await poll(config, { jsonRpc: false })).status, 400);
  const post = await fetch(`${config.server.long_polling}?token=${config.jwt}&jsonRpc=true`, { method: 'POST', body: 'x' });
  assert.equal(post.status, 405);
  const expiredPub = { ...config, server: { ...config.server, publish: config.server.publish.replace(config.jwt, signedToken(config, { exp: now - 1 })) } };
  assert.equal((await pub(expiredPub, 'mack:1')).status, 400);
  assert.equal((await fetch(config.server.publish)).status, 405);
  assert.equal((await pub(config, 'x'.repeat(5000))).status, 413);
});

test('the publication URL: mack is accepted, calls are answered in the next poll, publish reaches the receiver', async () => {
  const config = await userConfig(annHook);
  const bobWs = await subscribe(await userConfig(bobHook));
  // Without an open poll the answer comes in the POST's own body.
  const direct = await pub(config, rpc('ping', {}, 9));
  assert.deepEqual(JSON.parse(direct.text), { jsonrpc: '2.0', id: 9, result: 'pong' });
  const first = poll(config);
  await sleep(200);
  assert.deepEqual(await pub(config, `mack:${'0'.repeat(26)}`), { status: 200, text: '' });
  assert.deepEqual(await pub(config, rpc('getUsersLastSeen', { userList: [ann, dan] }, 5)), { status: 200, text: '' });
  const answered = await first;
  assert.equal(answered.status, 200);
  assert.deepEqual(answered.messages, [{ jsonrpc: '2.0', id: 5, result: { [ann]: 0 } }], 'a polling user counts as connected');
  const second = poll(config);
  await sleep(200);
  await pub(config, rpc('publish', { userList: [bob], body: { module_id: 'chat', command: 'hello', params: { a: 1 } } }, 6));
  const delivered = JSON.parse(await bobWs.next(command('hello'))).params;
  assert.equal(delivered.sender.type, 1, 'a client message');
  assert.deepEqual(delivered.body.params, { a: 1 });
  assert.deepEqual((await second).messages, [{ jsonrpc: '2.0', id: 6, result: true }]);
  bobWs.destroy();
});

test('polls wait on timers: while many are held, a REST call is answered at once', async () => {
  const configs = await Promise.all(Array.from({ length: 24 }, () => userConfig(bobHook)));
  const held = configs.map((c) => poll(c));
  await sleep(300);
  assert.ok(await metric('imhub_push_long_polls_waiting') >= 24);
  const t0 = Date.now();
  await server.ok('user.current', {});
  assert.ok(Date.now() - t0 < 500, `REST answered in ${Date.now() - t0} ms`);
  for (const r of await Promise.all(held)) assert.equal(r.status, 304);
});

test('a long-polling client that stops polling is dropped past send_queue and catches up by mid', async () => {
  // Carl's application channel: no other client of this file listens there.
  const config = await appConfig((await signIn(server, app, carlHook)).access_token);
  const idle = await poll(config);
  const mid = idle.headers.get('last-message-id');
  const drops = await metric('imhub_push_slow_client_drops_total');
  for (let i = 0; i < SEND_QUEUE + 4; ++i) await appEvent(`n${i}`, carl);
  assert.equal(await metric('imhub_push_slow_client_drops_total'), drops + 1);
  const caught = await poll(config, { mid });
  assert.deepEqual(commands(caught.messages), Array.from({ length: SEND_QUEUE + 4 }, (_, i) => `n${i}`));
});

test('a WebSocket client too slow to read is dropped past send_queue, then catches up on reconnect', async () => {
  const config = await appConfig(adminToken);
  const ws = await subscribe(config);
  ws.pause();
  const drops = await metric('imhub_push_slow_client_drops_total');
  const big = 'x'.repeat(100000);
  let sent = 0;
  while (sent < 600) {
    await appEvent('big', 1, { i: sent, big });
    sent += 1;
    if (sent % 20 === 0 && await metric('imhub_push_slow_client_drops_total') > drops) break;
  }
  assert.ok(await metric('imhub_push_slow_client_drops_total') > drops, `dropped after ${sent} messages`);
  ws.resume();
  await ws.closed;
  const seen = bodies(ws).map((p) => p);
  assert.ok(seen.length < sent, `the slow client read ${seen.length} of ${sent}`);
  const again = await subscribe(config, seen.length ? seen.at(-1).mid : undefined);
  await again.next((f) => f.includes('"incoming.message"') && JSON.parse(f).params.body.params.i === sent - 1, 20000);
  const all = [...seen, ...bodies(again)].map((p) => p.body.params.i);
  assert.deepEqual(all, Array.from({ length: sent }, (_, i) => i), 'every message once, in order');
  assert.ok(await metric('imhub_push_catch_ups_total') >= 1);
  again.destroy();
});

test('client frames are capped: too large (1009) and too many (1008)', async () => {
  const big = await subscribe(await userConfig(carlHook));
  big.send('x'.repeat(5000));
  assert.equal(await big.closed, 1009);
  const closes = await metric('imhub_push_rate_limit_closes_total');
  const chatty = await subscribe(await userConfig(carlHook));
  for (let i = 0; i < 50; ++i) chatty.send('pong');
  assert.equal(await chatty.closed, 1008);
  assert.equal(await metric('imhub_push_rate_limit_closes_total'), closes + 1);
});

test('a busy reader acknowledging every message (mack:) is not taken for a flood', async () => {
  const config = await userConfig(carlHook);
  const reader = await subscribe(config);
  let closed = false;
  reader.closed.then(() => { closed = true; });
  // Five times max_client_messages (40 here): what a client reading 20 messages a second sends.
  for (let i = 0; i < 200; ++i) reader.send(`mack:${i}`);
  await server.ok('im.message.add', { DIALOG_ID: String(carl), MESSAGE: 'still here?' }, { webhook: annHook });
  await reader.next((f) => f.includes('still here?'));
  assert.equal(closed, false, 'the socket stays open');
  reader.destroy();
});

test('imhub push status and the imhub_push_* metrics show connections, queues and fan-out', async () => {
  const ws = await subscribe(await userConfig(annHook));
  const fanout = await metric('imhub_push_fanout_seconds_count');
  const sent = await metric('imhub_push_frames_sent_total');
  await appEvent('counted', ann);
  const appWs = await subscribe(await appConfig(annToken));
  await appEvent('live', ann);
  await appWs.next(command('live'));
  await sleep(50);
  assert.ok(await metric('imhub_push_fanout_seconds_count') > fanout, 'a live frame was timed');
  assert.ok(await metric('imhub_push_frames_sent_total') > sent);
  assert.ok(await metric('imhub_push_connections{transport="websocket"}') >= 2);
  const status = JSON.parse(execFileSync(BINARY, ['push', 'status', '--url', server.base, '--data', server.dataDir], { encoding: 'utf8' }));
  assert.ok(status.connections.websocket >= 2, JSON.stringify(status));
  assert.equal(typeof status.connections.long_polling, 'number');
  assert.ok(status.channels >= 2);
  assert.ok(status.stored_messages >= 1);
  assert.equal(typeof status.queued_frames, 'number');
  assert.equal(status.watches, 0, 'the watch registry is there');
  assert.ok(status.published >= 1);
  // The address from the config file `serve` runs with.
  const configFile = join(server.dataDir, 'status.toml');
  writeFileSync(configFile, `[server]\nlisten = "127.0.0.1:${server.port}"\n`);
  const viaConfig = JSON.parse(execFileSync(BINARY, ['push', 'status', '--config', configFile, '--data', server.dataDir], { encoding: 'utf8' }));
  assert.ok(viaConfig.connections.websocket >= 2, JSON.stringify(viaConfig));
  const down = spawnSync(BINARY, ['push', 'status', '--url', 'http://127.0.0.1:9', '--data', server.dataDir], { encoding: 'utf8' });
  assert.equal(down.status, 1);
  assert.match(down.stderr, /cannot reach the server/);
  ws.destroy();
  appWs.destroy();
});

test('a stopping server closes its push sockets with 1001 at once, idle or just answered', async () => {
  const own = await startServer({ config: '[push]\nping_interval = 19\n' });
  try {
    const id = own.cli('user', 'add', '--name', 'Eve').user_id;
    const hook = own.cli('webhook', 'add', '--user', String(id), '--scope', 'im,pull,pull_channel').webhook;
    const config = (await own.ok('pull.config.get', { CACHE: 'N' }, { webhook: hook })).result;
    const idle = await subscribe(config);
    const answering = await subscribe(config);
    answering.send(JSON.stringify({ jsonrpc: '2.0', method: 'ping', params: {}, id: 1 }));
    await answering.next((f) => f.includes('"pong"'));
    const t0 = Date.now();
    await own.stop();
    assert.equal(await idle.closed, 1001);
    assert.equal(await answering.closed, 1001);
    assert.ok(Date.now() - t0 < 3000, `the server took ${Date.now() - t0} ms to close them`);
  } finally {
    await own.cleanup();
  }
});
