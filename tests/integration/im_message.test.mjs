// im.message.* against spec 002 "Chat API" and api-reference/chats/messages/: results, every
// documented error with its status, access (member, non-member, author, owner).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let server;
let ann, bob, carl;
let annHook, bobHook, carlHook;
let chat; // ann (owner) + bob

const ok = (...args) => server.ok(...args);
const fails = (...args) => server.fails(...args);
const history = async (dialog, hook, extra = {}) =>
  (await ok('im.dialog.messages.get', { DIALOG_ID: dialog, ...extra }, { webhook: hook })).result;

before(async () => {
  server = await startServer();
  ann = server.cli('user', 'add', '--name', 'Ann', '--last-name', 'Lee').user_id;
  bob = server.cli('user', 'add', '--name', 'Bob').user_id;
  carl = server.cli('user', 'add', '--name', 'Carl').user_id;
  annHook = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'im').webhook;
  bobHook = server.cli('webhook', 'add', '--user', String(bob), '--scope', 'im').webhook;
  carlHook = server.cli('webhook', 'add', '--user', String(carl), '--scope', 'im').webhook;
  chat = (await ok('im.chat.add', { TITLE: 'Team', USERS: [bob] }, { webhook: annHook })).result;
});
after(async () => { await server.cleanup(); });

test('im.message.add to a chat returns the message id as a number (spec example {"result": 11})', async () => {
  const body = await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'Hello [b]team[/b]' },
    { webhook: annHook });
  assert.equal(typeof body.result, 'number');
  const [m] = (await history(`chat${chat}`, bobHook)).messages;
  assert.equal(m.id, body.result);
  assert.equal(m.text, 'Hello [b]team[/b]');
  assert.equal(m.author_id, ann);
  assert.equal(m.chat_id, chat);
  assert.match(m.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
});

test('im.message.add: a private dialog comes into being with its first message; legacy USER_ID and CHAT_ID', async () => {
  const before = await ok('im.dialog.messages.get', { DIALOG_ID: String(carl) }, { webhook: bobHook });
  assert.deepEqual(before.result.messages, []);
  const id = (await ok('im.message.add', { DIALOG_ID: String(carl), MESSAGE: 'Hi Carl' }, { webhook: bobHook })).result;
  const seen = await history(String(bob), carlHook);
  assert.equal(seen.messages[0].id, id);
  const legacy = (await ok('im.message.add', { USER_ID: bob, MESSAGE: 'Hi Bob' }, { webhook: carlHook })).result;
  assert.equal((await history(String(carl), bobHook)).messages[0].id, legacy);
  const inChat = (await ok('im.message.add', { CHAT_ID: chat, MESSAGE: 'legacy chat' }, { webhook: bobHook })).result;
  assert.equal((await history(`chat${chat}`, annHook)).messages[0].id, inChat);
});

test('im.message.add: [BR] and #BR# become line breaks; text over 20,000 characters is cut with " (...)"', async () => {
  const id = (await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: '  one[BR]two#BR#three[br]  ' },
    { webhook: annHook })).result;
  const m = (await history(`chat${chat}`, annHook)).messages.find((x) => x.id === id);
  assert.equal(m.text, 'one\ntwo\nthree');
  const long = 'я'.repeat(20010);
  const longId = (await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: long }, { webhook: annHook })).result;
  const cut = (await history(`chat${chat}`, annHook)).messages.find((x) => x.id === longId);
  assert.equal(cut.text, 'я'.repeat(20000) + ' (...)');
  const exact = 'x'.repeat(20006);
  const exactId = (await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: exact }, { webhook: annHook })).result;
  assert.equal((await history(`chat${chat}`, annHook)).messages.find((x) => x.id === exactId).text, exact);
});

test('im.message.add errors: MESSAGE_EMPTY, USER_ID_EMPTY, CHAT_ID_EMPTY, USER_NOT_FOUND, PARAMS_ERROR, ACCESS_ERROR', async () => {
  await fails('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: '   ' }, 400, 'MESSAGE_EMPTY',
    'Message text not passed', { webhook: annHook });
  await fails('im.message.add', { DIALOG_ID: `chat${chat}` }, 400, 'MESSAGE_EMPTY', undefined, { webhook: annHook });
  await fails('im.message.add', { DIALOG_ID: 'abc', MESSAGE: 'x' }, 400, 'USER_ID_EMPTY',
    'Recipient ID not specified for person-to-person chat message', { webhook: annHook });
  await fails('im.message.add', { USER_ID: 0, MESSAGE: 'x' }, 400, 'USER_ID_EMPTY', undefined, { webhook: annHook });
  await fails('im.message.add', { CHAT_ID: 0, MESSAGE: 'x' }, 400, 'CHAT_ID_EMPTY',
    'Message recipient chat not specified for a chat message', { webhook: annHook });
  await fails('im.message.add', { DIALOG_ID: '999999', MESSAGE: 'x' }, 400, 'USER_NOT_FOUND', 'User not found',
    { webhook: annHook });
  await fails('im.message.add', { MESSAGE: 'x' }, 400, 'PARAMS_ERROR', undefined, { webhook: annHook });
  // Carl is not a member: the platform answers 400 here (protocol.md §13.3).
  await fails('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'x' }, 400, 'ACCESS_ERROR',
    "You don't have access or user isn't member in chat", { webhook: carlHook });
  await fails('im.message.add', { DIALOG_ID: 'chat987654', MESSAGE: 'x' }, 400, 'ACCESS_ERROR', undefined,
    { webhook: annHook });
});

test('im.message.add: TEMPLATE_ID as a UUID makes a send idempotent; REPLY_ID must be in the same chat', async () => {
  const uuid = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
  const a = (await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'once', TEMPLATE_ID: uuid },
    { webhook: annHook })).result;
  const b = (await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'once', TEMPLATE_ID: uuid },
    { webhook: annHook })).result;
  assert.equal(a, b);
  const c = (await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'twice', TEMPLATE_ID: 'not-a-uuid' },
    { webhook: annHook })).result;
  const d = (await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'twice', TEMPLATE_ID: 'not-a-uuid' },
    { webhook: annHook })).result;
  assert.notEqual(c, d);
  // A UUID's shape is not enough: every character but the dashes must be a hex digit, in either case.
  for (const [template, once] of [['3F2504E0-4F89-11D3-9A0C-0305E82C3302', true],
    ['3f2504e0-4f89-11d3-9a0c-0305e82c330g', false], ['3f2504e0x4f89-11d3-9a0c-0305e82c3303', false]]) {
    const ids = [];
    for (let i = 0; i < 2; i++) {
      ids.push((await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'shape', TEMPLATE_ID: template },
        { webhook: annHook })).result);
    }
    assert.equal(ids[0] === ids[1], once, template);
  }
  const reply = (await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 're', REPLY_ID: a },
    { webhook: bobHook })).result;
  const m = (await history(`chat${chat}`, bobHook)).messages.find((x) => x.id === reply);
  assert.equal(m.params.REPLY_ID, a);
  const other = (await ok('im.message.add', { DIALOG_ID: String(ann), MESSAGE: 'private' }, { webhook: bobHook })).result;
  await fails('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 're', REPLY_ID: other }, 400,
    'REPLY_FROM_OTHER_CHAT_ERROR', 'You can only reply to a message within the same chat', { webhook: annHook });
  await fails('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 're', REPLY_ID: 99999999 }, 400,
    'REPLY_ACCESS_ERROR', undefined, { webhook: annHook });
});

test('im.message.update: only the author edits; IS_EDITED; empty text deletes; errors', async () => {
  const id = (await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'draft' }, { webhook: annHook })).result;
  assert.equal((await ok('im.message.update', { MESSAGE_ID: id, MESSAGE: 'final' }, { webhook: annHook })).result, true);
  let m = (await history(`chat${chat}`, bobHook)).messages.find((x) => x.id === id);
  assert.equal(m.text, 'final');
  assert.equal(m.params.IS_EDITED, 'Y');
  await fails('im.message.update', { MESSAGE_ID: id, MESSAGE: 'hijack' }, 403, 'CANT_EDIT_MESSAGE',
    "You don't have access to this message or time for its edit has expired (more than 3 days has passed since publication)",
    { webhook: bobHook });
  await fails('im.message.update', { MESSAGE: 'x' }, 400, 'MESSAGE_ID_ERROR', 'Message ID not passed', { webhook: annHook });
  await fails('im.message.update', { MESSAGE_ID: 99999999, MESSAGE: 'x' }, 403, 'CANT_EDIT_MESSAGE', undefined,
    { webhook: annHook });
  await ok('im.message.update', { ID: id, MESSAGE: '' }, { webhook: annHook });
  m = (await history(`chat${chat}`, bobHook)).messages.find((x) => x.id === id);
  assert.equal(m.params.IS_DELETED, 'Y');
  await fails('im.message.update', { MESSAGE_ID: id, MESSAGE: 'again' }, 403, 'CANT_EDIT_MESSAGE', undefined,
    { webhook: annHook });
});

test('im.message.delete: soft by default, COMPLETE=Y removes; author or chat owner only', async () => {
  const soft = (await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'oops' }, { webhook: bobHook })).result;
  await fails('im.message.delete', { MESSAGE_ID: soft }, 403, 'CANT_EDIT_MESSAGE', "You don't have access to this message",
    { webhook: carlHook });
  assert.equal((await ok('im.message.delete', { MESSAGE_ID: soft }, { webhook: bobHook })).result, true);
  const m = (await history(`chat${chat}`, annHook)).messages.find((x) => x.id === soft);
  assert.equal(m.params.IS_DELETED, 'Y');
  assert.deepEqual(m.params.ATTACH, []);
  await fails('im.message.delete', { MESSAGE_ID: soft }, 403, 'CANT_EDIT_MESSAGE', undefined, { webhook: bobHook });
  // The owner of the group chat may delete someone else's message, completely.
  const gone = (await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'spam' }, { webhook: bobHook })).result;
  await ok('im.message.delete', { MESSAGE_ID: gone, COMPLETE: 'Y' }, { webhook: annHook });
  assert.equal((await history(`chat${chat}`, annHook)).messages.find((x) => x.id === gone), undefined);
  await fails('im.message.delete', {}, 400, 'MESSAGE_ID_ERROR', 'Message ID not passed', { webhook: annHook });
});

test('im.message.like: auto toggles, plus/minus; WITHOUT_CHANGES; params.LIKE lists the users', async () => {
  const id = (await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'like me' }, { webhook: annHook })).result;
  await ok('im.message.like', { MESSAGE_ID: id }, { webhook: bobHook });
  await ok('im.message.like', { MESSAGE_ID: id, ACTION: 'plus' }, { webhook: annHook });
  let m = (await history(`chat${chat}`, annHook)).messages.find((x) => x.id === id);
  assert.deepEqual(m.params.LIKE, [bob, ann]);
  await fails('im.message.like', { MESSAGE_ID: id, ACTION: 'plus' }, 400, 'WITHOUT_CHANGES',
    '"Like" status didn\'t change after the call', { webhook: bobHook });
  await ok('im.message.like', { MESSAGE_ID: id }, { webhook: bobHook });
  await ok('im.message.like', { MESSAGE_ID: id, ACTION: 'minus' }, { webhook: annHook });
  m = (await history(`chat${chat}`, annHook)).messages.find((x) => x.id === id);
  assert.equal(m.params, null);
  await fails('im.message.like', { MESSAGE_ID: id, ACTION: 'minus' }, 400, 'WITHOUT_CHANGES', undefined,
    { webhook: annHook });
  await fails('im.message.like', {}, 400, 'MESSAGE_ID_ERROR', 'Message ID not passed', { webhook: annHook });
  await fails('im.message.like', { MESSAGE_ID: id }, 403, 'ACCESS_ERROR', undefined, { webhook: carlHook });
});

test('im.message.command: validated against the bot and the message', async () => {
  const id = (await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'menu' }, { webhook: annHook })).result;
  await fails('im.message.command', { BOT_ID: 1, COMMAND: 'x', COMMAND_PARAMS: '' }, 400, 'MESSAGE_ID_ERROR',
    "Parameter MESSAGE_ID not specified or isn't an integer", { webhook: annHook });
  await fails('im.message.command', { MESSAGE_ID: id, COMMAND: 'x', COMMAND_PARAMS: '' }, 400, 'BOT_ID_ERROR',
    "Parameter BOT_ID not specified or isn't an integer", { webhook: annHook });
  // Bob is a person, not a bot.
  await fails('im.message.command', { MESSAGE_ID: id, BOT_ID: bob, COMMAND: 'x', COMMAND_PARAMS: '' }, 400,
    'BOT_ID_ERROR', undefined, { webhook: annHook });
});

test('im.message.share: TYPE=CHAT makes a chat seeded with the message; other types are not available', async () => {
  const id = (await ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'Plan the release' },
    { webhook: annHook })).result;
  assert.equal((await ok('im.message.share', { MESSAGE_ID: id, DIALOG_ID: `chat${chat}`, TYPE: 'CHAT' },
    { webhook: bobHook })).result, true);
  const recent = (await ok('im.recent.list', {}, { webhook: annHook })).result.items;
  const shared = recent.find((i) => i.title === 'Plan the release');
  assert.ok(shared, JSON.stringify(recent.map((i) => i.title)));
  assert.equal(shared.message.text, 'Plan the release');
  await fails('im.message.share', { MESSAGE_ID: id, DIALOG_ID: `chat${chat}`, TYPE: 'TASK' }, 400, 'PARAMS_ERROR',
    "Parameter TYPE not specified or doesn't match to the available parameters", { webhook: bobHook });
  await fails('im.message.share', { MESSAGE_ID: id, DIALOG_ID: 'x', TYPE: 'CHAT' }, 400, 'DIALOG_ID_EMPTY', undefined,
    { webhook: bobHook });
  await fails('im.message.share', { MESSAGE_ID: id, DIALOG_ID: `chat${chat}`, TYPE: 'CHAT' }, 403, 'ACCESS_ERROR',
    undefined, { webhook: carlHook });
});
