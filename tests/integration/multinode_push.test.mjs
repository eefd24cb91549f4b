// Push across two nodes on one PostgreSQL database (issue 15): a message written through node B's
// REST reaches a pull websocket on node A at once, with one mid on both nodes, so a client that
// reconnects to the other node catches up after the mid it last saw; a body past NOTIFY's 8000
// bytes goes through the spill table whole.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeSql } from './harness.mjs';
import { pullSocket, pushBody, nextPush, subscribe } from './ws_client.mjs';
import { member, multinodeSkip, twoNodes } from './multinode_setup.mjs';

describe('push across nodes', { skip: multinodeSkip }, () => {
  let a, b, ann, bob;
  const say = (node, who, to, text) =>
    node.ok('im.message.add', { DIALOG_ID: String(to.id), MESSAGE: text }, { webhook: who.webhook }).then((r) => r.result);
  const midOf = (frame) => JSON.parse(frame).params.mid;
  const textOf = (frame) => pushBody(frame)?.params?.message?.text;

  before(async () => {
    ({ a, b } = await twoNodes());
    ann = member(a, 'Ann');
    bob = member(a, 'Bob');
  });
  after(async () => {
    await b?.cleanup();
    await a?.cleanup();
  });

  test('a message through node B reaches a pull socket on node A', async () => {
    // Ann's first connection anywhere is on A: node B must learn she may be reached, or its im
    // push skips her (may_reach_user). B hears it a round trip after the subscription.
    const ws = await pullSocket(a, { webhook: ann.webhook });
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    const id = await say(b, bob, ann, 'from node B');
    const body = await nextPush(ws, 'im', 'message', (p) => p.message.id === id);
    assert.equal(body.params.message.text, 'from node B');
    assert.ok(Date.now() - started < 3000);
    ws.destroy();
  });

  test('a body past NOTIFY\'s limit arrives whole, through the spill table', async () => {
    const ws = await pullSocket(a, { webhook: ann.webhook });
    const long = 'Привет, мир! '.repeat(800); // ~18 KB of UTF-8
    const id = await say(b, bob, ann, long);
    const body = await nextPush(ws, 'im', 'message', (p) => p.message.id === id);
    assert.equal(body.params.message.text, long.trim());
    assert.ok(storeSql(a.dataDir, 'SELECT id FROM imhub_broadcast_spill').length >= 1);
    ws.destroy();
  });

  test('both nodes hold the same frames under the same mids: catch-up works on either', async () => {
    const live = await pullSocket(a, { webhook: ann.webhook });
    const first = await say(b, bob, ann, 'm1');
    await nextPush(live, 'im', 'message', (p) => p.message.id === first);
    const seen = live.frames.find((f) => pushBody(f)?.params?.message?.id === first);
    const after = midOf(seen);
    live.destroy();
    // Written while Ann is away, through both nodes, in this order.
    await say(a, bob, ann, 'm2');
    await say(b, bob, ann, 'm3');
    await say(a, bob, ann, 'm4');
    // Each node's catch-up after the same mid: the same frames (mids included) in the same order.
    // (Which of m3 and m4 comes first is the order their publishes reached PostgreSQL: each node's
    // im push publishes after its commit, so writes through two nodes a moment apart may swap.)
    const got = [];
    for (const node of [a, b]) {
      const config = (await node.ok('pull.config.get', { CACHE: 'N' }, { webhook: ann.webhook })).result;
      assert.ok(config.server.websocket.includes(`:${node.port}/`), config.server.websocket);
      const ws = await subscribe(config, after);
      for (const text of ['m2', 'm3', 'm4']) await nextPush(ws, 'im', 'message', (p) => p.message.text === text);
      got.push(ws.frames.filter((f) => /^m\d$/.test(textOf(f) ?? '')).map((f) => `${textOf(f)} ${midOf(f)}`));
      ws.destroy();
    }
    assert.deepEqual(got[0].map((x) => x.split(' ')[0]).sort(), ['m2', 'm3', 'm4']);
    assert.deepEqual(got[0], got[1]);
  });

  test('presence is shared: a watcher on node A hears of a user connecting to node B', async () => {
    const carl = member(a, 'Carl');
    const rpc = (method, params, id) => JSON.stringify({ jsonrpc: '2.0', method, params, id });
    const isStatus = (f) => pushBody(f)?.command === 'userStatusChange';
    const watcher = await pullSocket(a, { webhook: ann.webhook });
    watcher.send(rpc('subscribeStatusChange', { userId: carl.id }, 1));
    await watcher.next((f) => f.startsWith('{') && JSON.parse(f).id === 1);
    const carlOnB = await pullSocket(b, { webhook: carl.webhook });
    const online = JSON.parse(await watcher.next(isStatus)).params;
    assert.deepEqual(online.body.params, { user_id: carl.id, online: true });
    assert.match(online.mid, /^\d{26}$/);
    const seen = (await a.ok('pull.api.user.getLastSeen', { userIds: [carl.id] }, { webhook: ann.webhook })).result;
    assert.deepEqual(seen, { [carl.id]: 0 }, 'node A counts a connection on node B');
    const from = watcher.frames.length;
    carlOnB.destroy();
    const offline = JSON.parse(await watcher.next(isStatus, 5000, from)).params;
    assert.deepEqual(offline.body.params, { user_id: carl.id, online: false });
    watcher.destroy();
  });

  test('a frame has the same mid on both nodes', async () => {
    const onA = await pullSocket(a, { webhook: ann.webhook });
    const onB = await pullSocket(b, { webhook: ann.webhook });
    await new Promise((r) => setTimeout(r, 100));
    const id = await say(a, bob, ann, 'twice');
    const fa = await onA.next((f) => pushBody(f)?.params?.message?.id === id);
    const fb = await onB.next((f) => pushBody(f)?.params?.message?.id === id);
    assert.equal(midOf(fa), midOf(fb));
    onA.destroy();
    onB.destroy();
  });
});
