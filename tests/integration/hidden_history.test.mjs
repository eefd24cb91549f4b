// Hidden history (issue 17, item 4): a member added with HIDE_HISTORY=Y cannot reach messages
// from before their join through likes, bot buttons, replies or shares; what they can see, they
// can act on. Every message access goes through one check (im/dialog.hpp visible_message).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let server;
let ann, bob, dave, bot, chat, secret, keyboardMessage;
let annHook, bobHook, daveHook;

before(async () => {
  server = await startServer();
  ann = server.cli('user', 'add', '--name', 'Ann').user_id;
  bob = server.cli('user', 'add', '--name', 'Bob').user_id;
  dave = server.cli('user', 'add', '--name', 'Dave').user_id;
  annHook = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'im').webhook;
  bobHook = server.cli('webhook', 'add', '--user', String(bob), '--scope', 'im').webhook;
  daveHook = server.cli('webhook', 'add', '--user', String(dave), '--scope', 'im').webhook;
  // A webhook bot of the administrator, so that a message with a bot keyboard exists before Dave.
  bot = (await server.ok('imbot.register', {
    CODE: 'hh', TYPE: 'B', CLIENT_ID: 'hh', EVENT_HANDLER: 'http://127.0.0.1:9/h',
    PROPERTIES: { NAME: 'Keys' },
  })).result;
  chat = (await server.ok('im.chat.add', { TITLE: 'Before', USERS: [bob, bot] }, { webhook: annHook })).result;
  secret = (await server.ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'said before Dave' },
    { webhook: annHook })).result;
  keyboardMessage = (await server.ok('imbot.message.add', {
    CLIENT_ID: 'hh', BOT_ID: bot, DIALOG_ID: `chat${chat}`, MESSAGE: 'Pick one',
    KEYBOARD: [{ TEXT: 'Yes', COMMAND: 'yes' }],
  })).result;
  await server.ok('im.chat.user.add', { CHAT_ID: chat, USERS: [dave], HIDE_HISTORY: 'Y' }, { webhook: annHook });
});
after(async () => { await server.cleanup(); });

const noAccess = 'You do not have access to the specified dialog';

test('a hidden message cannot be liked; a visible one can', async () => {
  await server.fails('im.message.like', { MESSAGE_ID: secret, ACTION: 'plus' }, 403, 'ACCESS_ERROR', noAccess,
    { webhook: daveHook });
  await server.ok('im.message.like', { MESSAGE_ID: secret, ACTION: 'plus' }, { webhook: bobHook });
  const after = (await server.ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'after Dave' },
    { webhook: annHook })).result;
  await server.ok('im.message.like', { MESSAGE_ID: after, ACTION: 'plus' }, { webhook: daveHook });
});

test("a hidden bot keyboard cannot be pressed", async () => {
  await server.fails('im.message.command', { MESSAGE_ID: keyboardMessage, BOT_ID: bot, COMMAND: 'yes' }, 403,
    'ACCESS_ERROR', noAccess, { webhook: daveHook });
  await server.ok('im.message.command', { MESSAGE_ID: keyboardMessage, BOT_ID: bot, COMMAND: 'yes' },
    { webhook: bobHook });
});

test('a hidden message cannot be replied to', async () => {
  await server.fails('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'quoting', REPLY_ID: secret }, 400,
    'REPLY_ACCESS_ERROR', undefined, { webhook: daveHook });
  await server.ok('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'quoting', REPLY_ID: secret },
    { webhook: bobHook });
});

test('a hidden message cannot be shared into a new chat (its text would leak)', async () => {
  await server.fails('im.message.share', { MESSAGE_ID: secret, DIALOG_ID: `chat${chat}`, TYPE: 'CHAT' }, 403,
    'ACCESS_ERROR', undefined, { webhook: daveHook });
  await server.ok('im.message.share', { MESSAGE_ID: secret, DIALOG_ID: `chat${chat}`, TYPE: 'CHAT' },
    { webhook: bobHook });
});
