// What an operator's client hears live over the push server (protocol-push.md §9.8): the im
// commands of the LINES chat (chatUserAdd when offered a session, messageChat for the client's
// messages) and the imopenlines commands updateSessionStatus / linesAnswer, from the change feed;
// the client (a connector user) is left out of the chat's im commands.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pullSocket, pushBody, nextPush } from './ws_client.mjs';
import { openlinesServer, connectorApp, line, clientSays } from './openlines_setup.mjs';

let server, app, opId, opHook, otherHook, lineId;

before(async () => {
  server = await openlinesServer('[push]\nping_interval = 1\n');
  opId = server.cli('user', 'add', '--name', 'Pia').user_id;
  opHook = server.cli('webhook', 'add', '--user', String(opId), '--scope', 'im,imopenlines,pull,pull_channel').webhook;
  const other = server.cli('user', 'add', '--name', 'Quinn').user_id;
  otherHook = server.cli('webhook', 'add', '--user', String(other), '--scope', 'im,pull,pull_channel').webhook;
  app = await connectorApp(server, 'pushconn');
  lineId = await line(server, app, { LINE_NAME: 'Live', WELCOME_MESSAGE: 'N',
    QUEUE: [{ ENTITY_TYPE: 'user', ENTITY_ID: opId }] });
});
after(async () => { await server.cleanup(); });

const live = (webhook) => pullSocket(server, { webhook });

test('offered, answered, the client writes, finished: the operator hears each live', async () => {
  const ws = await live(opHook);
  const bystander = await live(otherHook);
  try {
    const r = await clientSays(app, lineId, 'live-1', 'hello?');
    const add = await nextPush(ws, 'im', 'chatUserAdd', (p) => p.chatId === r.chat);
    assert.ok(Object.keys(add.params.newUsers ?? add.params.users).length > 0);
    const status = await nextPush(ws, 'imopenlines', 'updateSessionStatus', (p) => p.chatId === r.chat);
    assert.deepEqual(status.params, { chatId: r.chat, status: 0 });

    await server.ok('imopenlines.operator.answer', { CHAT_ID: r.chat }, { webhook: opHook });
    assert.deepEqual((await nextPush(ws, 'imopenlines', 'linesAnswer')).params, { chatId: r.chat });
    await nextPush(ws, 'imopenlines', 'updateSessionStatus', (p) => p.chatId === r.chat && p.status === 10);

    await clientSays(app, lineId, 'live-1', 'my order is late');
    const msg = await nextPush(ws, 'im', 'messageChat', (p) => p.message.text === 'my order is late');
    assert.equal(msg.params.chatId, r.chat);
    // The client is no audience of the LINES chat's im commands (it hears through its connector).
    assert.deepEqual(msg.params.userInChat[String(r.chat)], [opId]);
    await nextPush(ws, 'imopenlines', 'updateSessionStatus', (p) => p.chatId === r.chat && p.status === 20);

    await server.ok('imopenlines.operator.finish', { CHAT_ID: r.chat }, { webhook: opHook });
    await nextPush(ws, 'im', 'chatUserLeave', (p) => p.chatId === r.chat);
    await nextPush(ws, 'imopenlines', 'updateSessionStatus', (p) => p.chatId === r.chat && p.status === 60);

    // Nobody outside the chat hears any of it.
    await new Promise((res) => setTimeout(res, 200));
    assert.ok(!bystander.frames.some((f) => pushBody(f) && (pushBody(f).module_id === 'imopenlines' ||
      pushBody(f).params?.chatId === r.chat)));
  } finally {
    ws.destroy();
    bystander.destroy();
  }
});
