// End-to-end: a realistic conversation of three people, each with their own webhook and their own
// official SDK client (@bitrix24/b24jssdk, B24Hook), against a real build/imhub. Everything goes
// through the SDK's callMethod (and one callBatch); the only other traffic is the plain-HTTP
// download of an uploaded file through the link the server hands out.
//
// The steps build on each other and run in order (node:test runs the tests of a file serially):
// a group chat with rich messages (BB-codes, ATTACH, KEYBOARD), a private dialog, unread counters
// and read marks, the recent list, edits / likes / deletes, history paging, search,
// notifications, a file shared in the chat, and a batch. Param names and result shapes are the
// ones the integration tests (tests/integration/im_*.test.mjs, disk.test.mjs) pin down.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../integration/harness.mjs';
import { makeClient } from './client.mjs';


let server;
let ann, bob, carl;          // user ids (numbers)
let A, B, C;                 // their SDK clients
let chat;                    // the group chat id
const chatDialog = () => `chat${chat}`;
const ids = {};              // message ids by name

// callMethod that must succeed; returns the AjaxResult.
async function callRes(client, method, params = {}) {
  const res = await client.callMethod(method, params);
  assert.equal(res.isSuccess, true, `${method}: ${res.getErrorMessages().join('; ')}`);
  return res;
}
const call = async (client, method, params) => (await callRes(client, method, params)).getData().result;
const history = async (client, dialog, extra = {}) =>
  call(client, 'im.dialog.messages.get', { DIALOG_ID: dialog, ...extra });
const counters = (client) => call(client, 'im.counters.get');
const send = (client, dialog, MESSAGE, extra = {}) =>
  call(client, 'im.message.add', { DIALOG_ID: dialog, MESSAGE, ...extra });

before(async () => {
  server = await startServer({ https: true });
  ann = server.cli('user', 'add', '--name', 'Ann', '--last-name', 'Lee').user_id;
  bob = server.cli('user', 'add', '--name', 'Bob', '--last-name', 'Stone').user_id;
  carl = server.cli('user', 'add', '--name', 'Carl').user_id;
  const hookOf = (u) => server.cli('webhook', 'add', '--user', String(u), '--scope', 'im,disk').webhook;
  [A, B, C] = await Promise.all([ann, bob, carl].map((u) => makeClient(server, hookOf(u))));
});

after(async () => {
  if (server) await server.cleanup();
});

describe('a conversation of Ann, Bob and Carl', () => {
  test('every client is its own user', async () => {
    assert.equal(Number((await call(A, 'profile')).ID), ann);
    assert.equal(Number((await call(B, 'profile')).ID), bob);
    assert.equal(Number((await call(C, 'profile')).ID), carl);
  });

  test('Ann opens a group chat with Bob and Carl; they talk with BB-codes and an ATTACH', async () => {
    chat = await call(A, 'im.chat.add', { TITLE: 'Release crew', USERS: [bob, carl], MESSAGE: 'Welcome, [b]crew[/b]!' });
    assert.equal(typeof chat, 'number');
    const members = await call(B, 'im.dialog.users.list', { DIALOG_ID: chatDialog() });
    assert.deepEqual(members.map((u) => u.id), [ann, bob, carl]);

    const attach = {
      ID: 7,
      COLOR: '#29619b',
      BLOCKS: [
        { MESSAGE: 'API is ready' },
        { LINK: { NAME: 'Site', LINK: 'https://example.com' } },
        { DELIMITER: { SIZE: 200, COLOR: '#c8c8c8' } },
        { GRID: [{ NAME: 'Status', VALUE: 'Done', DISPLAY: 'LINE' }] },
      ],
    };
    ids.attach = await send(B, chatDialog(), 'The [b]build[/b] is [i]green[/i]', { ATTACH: attach });
    ids.annBold = await send(A, chatDialog(), '[u]Great[/u], shipping [b]today[/b]');
    assert.ok(ids.attach > 0 && ids.annBold > ids.attach);

    const page = await history(C, chatDialog());
    assert.equal(page.chat_id, chat);
    const texts = page.messages.map((m) => [m.id, m.author_id, m.text]);
    // Newest first; the welcome text of im.chat.add is a message of Ann's.
    assert.deepEqual(texts.slice(0, 2), [
      [ids.annBold, ann, '[u]Great[/u], shipping [b]today[/b]'],
      [ids.attach, bob, 'The [b]build[/b] is [i]green[/i]'],
    ]);
    const welcome = page.messages.find((m) => m.text === 'Welcome, [b]crew[/b]!');
    assert.ok(welcome, JSON.stringify(texts));
    assert.equal(welcome.author_id, ann);
    ids.welcome = welcome.id;
    const withAttach = page.messages.find((m) => m.id === ids.attach);
    // The full form comes back normalized: ID as a string, LINK items as a list of their own.
    assert.deepEqual(withAttach.params.ATTACH, [{
      ID: '7',
      BLOCKS: [
        { MESSAGE: 'API is ready' },
        { LINK: [{ NAME: 'Site', LINK: 'https://example.com' }] },
        { DELIMITER: { SIZE: 200, COLOR: '#c8c8c8' } },
        { GRID: [{ NAME: 'Status', VALUE: 'Done', DISPLAY: 'LINE' }] },
      ],
      COLOR: '#29619b',
    }]);
    assert.deepEqual(Object.keys(page.users).sort(), [String(ann), String(bob)].sort());
    assert.equal(page.users[String(bob)].name, 'Bob Stone');
  });

  test('Carl\'s unread counter is the number of messages the others wrote; read / unread move it', async () => {
    const page = await history(C, chatDialog());
    const unreadInHistory = page.messages.filter((m) => m.unread).map((m) => m.id);
    const byOthers = page.messages.filter((m) => m.author_id !== carl).map((m) => m.id);
    assert.deepEqual(unreadInHistory, byOthers);
    assert.deepEqual(unreadInHistory, [ids.annBold, ids.attach, ids.welcome]);
    let c = await counters(C);
    assert.deepEqual(c.CHAT, { [String(chat)]: 3 });
    assert.equal(c.TYPE.CHAT, 3);
    assert.equal(c.TYPE.MESSENGER, 3);

    const read = await call(C, 'im.dialog.read', { DIALOG_ID: chatDialog() });
    assert.deepEqual(read, { dialogId: chatDialog(), chatId: chat, counter: 0, lastId: ids.annBold });
    c = await counters(C);
    assert.equal(c.CHAT[String(chat)], undefined);
    assert.equal(c.TYPE.CHAT, 0);
    assert.deepEqual((await history(C, chatDialog())).messages.filter((m) => m.unread), []);

    assert.equal(await call(C, 'im.dialog.unread', { DIALOG_ID: chatDialog(), MESSAGE_ID: ids.attach }), true);
    c = await counters(C);
    assert.equal(c.CHAT[String(chat)], 2);
    assert.deepEqual((await history(C, chatDialog())).messages.filter((m) => m.unread).map((m) => m.id),
      [ids.annBold, ids.attach]);
  });

  test('Carl answers with a keyboard (URL_PREVIEW=N, nothing fetched); writing reads the chat for him', async () => {
    ids.keyboard = await send(C, chatDialog(), 'Docs at https://example.com/docs', {
      URL_PREVIEW: 'N',
      KEYBOARD: [
        { TEXT: 'Docs', LINK: 'https://example.com/docs' },
        { TYPE: 'NEWLINE' },
        { TEXT: 'Copy', ACTION: 'COPY', ACTION_VALUE: 'code-42' },
      ],
    });
    const [m] = (await history(A, chatDialog(), { LIMIT: 1 })).messages;
    assert.equal(m.id, ids.keyboard);
    assert.equal(m.text, 'Docs at https://example.com/docs');
    // No URL_ID / ATTACH from a link preview: only the keyboard is in the params.
    assert.deepEqual(Object.keys(m.params), ['KEYBOARD']);
    const common = { BG_COLOR: '', TEXT_COLOR: '', DISPLAY: 'BLOCK', DISABLED: 'N', CONTEXT: 'ALL', WAIT: 'N' };
    assert.deepEqual(m.params.KEYBOARD, [
      { BOT_ID: 0, TYPE: 'BUTTON', TEXT: 'Docs', LINK: 'https://example.com/docs', ...common },
      { TYPE: 'NEWLINE' },
      { BOT_ID: 0, TYPE: 'BUTTON', TEXT: 'Copy', ACTION: 'COPY', ACTION_VALUE: 'code-42', ...common },
    ]);
    assert.equal((await counters(C)).CHAT[String(chat)], undefined);
  });

  test('Bob writes Ann privately; Ann answers', async () => {
    ids.bobToAnn = await send(B, String(ann), 'Hi Ann, [i]got a minute?[/i]');
    assert.deepEqual((await counters(A)).DIALOG, { [String(bob)]: 1 });
    ids.annToBob = await send(A, String(bob), 'Sure, [b]Bob[/b]');
    const seen = await history(B, String(ann));
    assert.deepEqual(seen.messages.map((m) => [m.id, m.author_id, m.text]), [
      [ids.annToBob, ann, 'Sure, [b]Bob[/b]'],
      [ids.bobToAnn, bob, 'Hi Ann, [i]got a minute?[/i]'],
    ]);
    assert.deepEqual(seen.messages.map((m) => m.unread), [true, false]);
    // Ann wrote after Bob's message, which reads it for her.
    const c = await counters(A);
    assert.deepEqual(c.DIALOG, []);
    assert.deepEqual((await counters(B)).DIALOG, { [String(ann)]: 1 });
  });

  test('Ann\'s recent list: the private dialog, then the chat; cleaned text and counters', async () => {
    const list = await call(A, 'im.recent.list');
    assert.deepEqual(list.items.map((i) => i.id), [bob, chatDialog()]);
    assert.equal(list.hasMore, false);
    const [dialog, group] = list.items;
    assert.equal(dialog.type, 'user');
    assert.equal(dialog.title, 'Bob Stone');
    assert.equal(dialog.message.id, ids.annToBob);
    assert.equal(dialog.message.text, 'Sure, Bob');
    assert.equal(dialog.message.author_id, ann);
    assert.equal(dialog.counter, 0);
    assert.equal(group.type, 'chat');
    assert.equal(group.chat_id, chat);
    assert.equal(group.title, 'Release crew');
    assert.equal(group.message.id, ids.keyboard);
    assert.equal(group.message.text, 'Docs at https://example.com/docs');
    assert.equal(group.message.author_id, carl);
    // Ann wrote ids.annBold; after it only Carl's keyboard message came.
    assert.equal(group.counter, 1);
    assert.equal((await counters(A)).CHAT[String(chat)], 1);

    const legacy = await call(A, 'im.recent.get');
    assert.deepEqual(legacy.map((i) => i.id), [String(bob), chatDialog()]);
    assert.equal(legacy[0].message.text, 'Sure, Bob');
    assert.equal(legacy[0].message.id, String(ids.annToBob));
    assert.equal(legacy[0].counter, '0');
    assert.equal(legacy[1].counter, '1');
    assert.equal(legacy[1].chat.title, 'Release crew');

    // Bob's view: the chat's last message with an ATTACH is flagged, the text cleaned of BB-codes.
    const bobs = await call(B, 'im.recent.list');
    assert.deepEqual(bobs.items.map((i) => i.id), [ann, chatDialog()]);
    assert.equal(bobs.items[0].message.text, 'Sure, Bob');
    assert.equal(bobs.items[0].counter, 1);
    assert.equal(bobs.items[1].counter, 2); // Ann's and Carl's after his own ATTACH message
  });

  test('Ann edits a message, Bob likes it, Ann deletes another', async () => {
    assert.equal(await call(A, 'im.message.update', { MESSAGE_ID: ids.annBold, MESSAGE: '[u]Great[/u], shipping [b]tomorrow[/b]' }), true);
    assert.equal(await call(B, 'im.message.like', { MESSAGE_ID: ids.annBold }), true);
    ids.typo = await send(A, chatDialog(), 'tpyo');
    assert.equal(await call(A, 'im.message.delete', { MESSAGE_ID: ids.typo }), true);

    const page = await history(B, chatDialog());
    const edited = page.messages.find((m) => m.id === ids.annBold);
    assert.equal(edited.text, '[u]Great[/u], shipping [b]tomorrow[/b]');
    assert.equal(edited.params.IS_EDITED, 'Y');
    assert.deepEqual(edited.params.LIKE, [bob]);
    const deleted = page.messages.find((m) => m.id === ids.typo);
    assert.equal(deleted.params.IS_DELETED, 'Y');
    assert.equal(page.messages[0].id, ids.typo);
    // Only the author edits.
    await assert.rejects(call(B, 'im.message.update', { MESSAGE_ID: ids.annBold, MESSAGE: 'hijack' }),
      (err) => { assert.equal(err.code, 'CANT_EDIT_MESSAGE'); assert.equal(err.status, 403); return true; });
  });

  test('history pages with LIMIT and LAST_ID', async () => {
    const all = (await history(A, chatDialog(), { LIMIT: 50 })).messages.map((m) => m.id);
    assert.deepEqual(all, [ids.typo, ids.keyboard, ids.annBold, ids.attach, ids.welcome]);
    const first = (await history(A, chatDialog(), { LIMIT: 2 })).messages.map((m) => m.id);
    assert.deepEqual(first, all.slice(0, 2));
    const second = (await history(A, chatDialog(), { LIMIT: 2, LAST_ID: first.at(-1) })).messages.map((m) => m.id);
    assert.deepEqual(second, all.slice(2, 4));
    const third = (await history(A, chatDialog(), { LIMIT: 2, LAST_ID: second.at(-1) })).messages.map((m) => m.id);
    assert.deepEqual(third, all.slice(4));
    const none = (await history(A, chatDialog(), { LIMIT: 2, LAST_ID: third.at(-1) })).messages;
    assert.deepEqual(none, []);
  });

  test('search finds Bob by name, case-insensitively, and the chat by its title', async () => {
    const users = await callRes(A, 'im.search.user.list', { FIND: 'bob' });
    assert.deepEqual(Object.keys(users.getData().result), [String(bob)]);
    assert.equal(users.getData().result[String(bob)].name, 'Bob Stone');
    assert.equal(users.getTotal(), 1);
    const upper = await call(C, 'im.search.user.list', { FIND: 'STON' });
    assert.deepEqual(Object.keys(upper), [String(bob)]);
    const chats = await call(C, 'im.search.chat.list', { FIND: 'release' });
    assert.deepEqual(Object.keys(chats), [String(chat)]);
    assert.equal(chats[String(chat)].title, 'Release crew');
    assert.equal(chats[String(chat)].owner, ann);
  });

  test('Ann notifies Bob; his NOTIFY counter goes up and down with im.notify.read', async () => {
    const before = (await counters(B)).TYPE;
    assert.equal(before.NOTIFY, 0);
    const id = await call(A, 'im.notify.personal.add', { USER_ID: bob, MESSAGE: 'Please review the [b]release notes[/b]' });
    assert.equal(typeof id, 'number');
    const during = (await counters(B)).TYPE;
    assert.equal(during.NOTIFY, 1);
    assert.equal(during.MESSENGER, before.MESSENGER);
    assert.equal(await call(B, 'im.notify.read', { ID: id, ONLY_CURRENT: 'Y' }), true);
    assert.deepEqual((await counters(B)).TYPE, before);
  });

  test('Ann shares a file in the chat; Bob sees it in the history and downloads the same bytes', async () => {
    const bytes = Buffer.from('Release notes v1.2\n\u00e9\u00e8\n\x00\x01\x02binary tail', 'utf8');
    const folder = await call(A, 'im.disk.folder.get', { CHAT_ID: chat });
    assert.equal(typeof folder.ID, 'number');
    const file = await call(A, 'disk.folder.uploadfile', {
      id: folder.ID, data: { NAME: 'notes.txt' }, fileContent: ['notes.txt', bytes.toString('base64')],
    });
    assert.equal(file.NAME, 'notes.txt');
    assert.equal(file.SIZE, String(bytes.length));
    const commit = await call(A, 'im.disk.file.commit', { CHAT_ID: chat, FILE_ID: file.ID });
    assert.ok(commit, JSON.stringify(commit));

    const page = await history(B, chatDialog(), { LIMIT: 1 });
    const [m] = page.messages;
    const fileId = Number(file.ID);
    assert.equal(m.author_id, ann);
    assert.deepEqual(m.params.FILE_ID, [fileId]);
    const f = page.files[String(fileId)];
    assert.ok(f, JSON.stringify(page.files));
    assert.equal(f.id, fileId);
    assert.equal(f.chatId, chat);
    assert.equal(f.name, 'notes.txt');
    assert.equal(f.size, bytes.length);
    assert.equal(f.authorId, ann);
    assert.equal(f.status, 'done');
    const u = new URL(f.urlDownload);
    const dl = await fetch(`${server.base}${u.pathname}${u.search}`);
    assert.equal(dl.status, 200);
    assert.deepEqual(Buffer.from(await dl.arrayBuffer()), bytes);

    const item = (await call(B, 'im.recent.list')).items.find((i) => i.id === chatDialog());
    assert.equal(item.message.id, m.id);
    assert.equal(item.message.file, true);
  });

  test('one callBatch mixes two reads: Carl\'s counters and the chat history', async () => {
    const res = await C.callBatch({
      counters: { method: 'im.counters.get' },
      last: { method: 'im.dialog.messages.get', params: { DIALOG_ID: chatDialog(), LIMIT: 2 } },
    }, true);
    assert.equal(res.isSuccess, true, res.getErrorMessages().join('; '));
    const data = res.getData();
    assert.deepEqual(Object.keys(data).sort(), ['counters', 'last']);
    const single = await counters(C);
    assert.deepEqual(data.counters, single);
    // Since Carl's keyboard message: Ann's deleted typo and her file.
    assert.equal(data.counters.CHAT[String(chat)], 2);
    const direct = await history(C, chatDialog(), { LIMIT: 2 });
    assert.deepEqual(data.last.messages.map((m) => m.id), direct.messages.map((m) => m.id));
    assert.equal(data.last.messages[1].id, ids.typo);
  });
});
