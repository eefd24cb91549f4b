// Chat files: im.disk.* (spec 002 "Working with Files", reference chats/files/) and the Drive
// methods they rely on, disk.folder.uploadfile and disk.file.get (official disk docs), plus the
// signed download links and public avatars.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, assertShape, storeSql } from './harness.mjs';

let server;
let ann, bob, carl;
let annHook, bobHook, carlHook, imOnlyHook;
let chatId, folderId;

const ok = (...args) => server.ok(...args);
const fails = (...args) => server.fails(...args);

// A PNG header is all the server reads: 72 x 61, as in the reference example.
function png(width = 72, height = 61, extra = 'pixels') {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return Buffer.concat([b, Buffer.from(extra)]);
}

function sql(query) {
  const r = storeSql(server.dataDir, query);
  return r.length ? JSON.stringify(r) : '';
}
const rows = (query) => { const t = sql(query); return t ? JSON.parse(t) : []; };

async function upload(hook, folder, name, content, extra = {}) {
  return ok('disk.folder.uploadfile', {
    id: folder, data: { NAME: name }, fileContent: [name, Buffer.from(content).toString('base64')], ...extra,
  }, { webhook: hook });
}

// The path and query of a link, for server.raw().
const local = (url) => { const u = new URL(url); return u.pathname + u.search; };

before(async () => {
  server = await startServer();
  ann = server.cli('user', 'add', '--name', 'Ann', '--last-name', 'Lee').user_id;
  bob = server.cli('user', 'add', '--name', 'Bob').user_id;
  carl = server.cli('user', 'add', '--name', 'Carl').user_id;
  const hook = (id) => server.cli('webhook', 'add', '--user', String(id), '--scope', 'im,disk').webhook;
  annHook = hook(ann);
  bobHook = hook(bob);
  carlHook = hook(carl);
  imOnlyHook = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'im').webhook;
  chatId = (await ok('im.chat.add', { TITLE: 'Files', USERS: [bob] }, { webhook: annHook })).result;
  folderId = (await ok('im.disk.folder.get', { CHAT_ID: chatId }, { webhook: annHook })).result.ID;
});
after(async () => { await server.cleanup(); });

test('im.disk.folder.get: one folder per chat, by CHAT_ID or DIALOG_ID; shape of the spec example', async () => {
  const body = await ok('im.disk.folder.get', { CHAT_ID: chatId }, { webhook: bobHook });
  assertShape(assert, body.result, { ID: 127 });
  assert.equal(body.result.ID, folderId);
  assert.equal((await ok('im.disk.folder.get', { DIALOG_ID: `chat${chatId}` }, { webhook: annHook })).result.ID,
    folderId);
  // A user id names the private dialog with that user (created on first use).
  const privateFolder = (await ok('im.disk.folder.get', { DIALOG_ID: String(bob) }, { webhook: annHook })).result.ID;
  assert.notEqual(privateFolder, folderId);
  assert.equal((await ok('im.disk.folder.get', { DIALOG_ID: String(ann) }, { webhook: bobHook })).result.ID,
    privateFolder);
});

test('im.disk.folder.get errors: CHAT_ID_EMPTY, DIALOG_ID_EMPTY, ACCESS_ERROR (403)', async () => {
  await fails('im.disk.folder.get', {}, 400, 'CHAT_ID_EMPTY', "Chat ID can't be empty", { webhook: annHook });
  await fails('im.disk.folder.get', { CHAT_ID: 'abc' }, 400, 'CHAT_ID_EMPTY', undefined, { webhook: annHook });
  await fails('im.disk.folder.get', { DIALOG_ID: 'chatX' }, 400, 'DIALOG_ID_EMPTY', "Dialog ID can't be empty",
    { webhook: annHook });
  await fails('im.disk.folder.get', { CHAT_ID: chatId }, 403, 'ACCESS_ERROR', undefined, { webhook: carlHook });
  await fails('im.disk.folder.get', { CHAT_ID: 987654 }, 403, 'ACCESS_ERROR', undefined, { webhook: annHook });
  await fails('im.disk.folder.get', { DIALOG_ID: '987654' }, 403, 'ACCESS_ERROR', undefined, { webhook: annHook });
});

test('disk.folder.uploadfile stores base64 content; result keys and types as the docs example', async () => {
  const body = await upload(annHook, folderId, 'image.png', png());
  assertShape(assert, body.result, {
    ID: 9011, NAME: 'test.png', CODE: null, STORAGE_ID: '1357', TYPE: 'file', PARENT_ID: '8930', DELETED_TYPE: 0,
    GLOBAL_CONTENT_VERSION: 1, FILE_ID: 32877, SIZE: '1679', CREATE_TIME: 'x', UPDATE_TIME: 'x', DELETE_TIME: null,
    CREATED_BY: '1269', UPDATED_BY: '1269', DELETED_BY: null, DOWNLOAD_URL: 'x', DETAIL_URL: 'x',
  });
  const f = body.result;
  assert.equal(f.NAME, 'image.png');
  assert.equal(f.CODE, null);
  assert.equal(f.DELETE_TIME, null);
  assert.equal(f.DELETED_BY, null);
  assert.equal(f.PARENT_ID, String(folderId));
  assert.equal(f.SIZE, String(png().length));
  assert.equal(f.CREATED_BY, String(ann));
  assert.match(f.CREATE_TIME, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  const dl = await fetch(f.DOWNLOAD_URL.replace(/^http:\/\/[^/]+/, server.base));
  assert.equal(dl.status, 200);
  assert.equal(dl.headers.get('content-type'), 'image/png');
  assert.match(dl.headers.get('content-disposition'), /^attachment; filename="image.png"/);
  assert.deepEqual(Buffer.from(await dl.arrayBuffer()), png());
});

test('disk.folder.uploadfile: name clashes fail unless generateUniqueName', async () => {
  await upload(annHook, folderId, 'report.txt', 'one');
  await fails('disk.folder.uploadfile', {
    id: folderId, data: { NAME: 'report.txt' }, fileContent: ['report.txt', Buffer.from('two').toString('base64')],
  }, 400, 'DISK_OBJ_22000', undefined, { webhook: annHook });
  const second = await upload(annHook, folderId, 'report.txt', 'two', { generateUniqueName: true });
  assert.equal(second.result.NAME, 'report (1).txt');
  const third = await upload(annHook, folderId, 'report.txt', 'three', { generateUniqueName: 'Y' });
  assert.equal(third.result.NAME, 'report (2).txt');
});

test('disk.folder.uploadfile errors', async () => {
  const content = ['a.txt', Buffer.from('a').toString('base64')];
  await fails('disk.folder.uploadfile', { data: { NAME: 'a.txt' }, fileContent: content }, 400, 'ERROR_ARGUMENT',
    undefined, { webhook: annHook });
  await fails('disk.folder.uploadfile', { id: 999999, data: { NAME: 'a.txt' }, fileContent: content }, 400,
    'ERROR_NOT_FOUND', 'Could not find entity with id `999999`', { webhook: annHook });
  await fails('disk.folder.uploadfile', { id: folderId, data: { NAME: 'a.txt' }, fileContent: content }, 403,
    'ACCESS_DENIED', 'Access denied', { webhook: carlHook });
  await fails('disk.folder.uploadfile', { id: folderId, fileContent: content }, 400, 'DISK_BASE_SERVICE_22001',
    'Error: required parameter NAME (DISK_BASE_SERVICE_22001)', { webhook: annHook });
  await fails('disk.folder.uploadfile', { id: folderId, data: { NAME: 'a.txt' }, fileContent: ['a.txt', '%%%'] },
    400, 'ERROR_COULD_NOT_SAVE_FILE', 'Could not save file', { webhook: annHook });
  await fails('disk.folder.uploadfile', { id: folderId, data: { NAME: 'a/b.txt' }, fileContent: content },
    400, 'ERROR_COULD_NOT_SAVE_FILE', undefined, { webhook: annHook });
  // A file is not a folder.
  const file = (await upload(annHook, folderId, 'not-a-folder.txt', 'x')).result.ID;
  await fails('disk.folder.uploadfile', { id: file, data: { NAME: 'a.txt' }, fileContent: content }, 400,
    'ERROR_NOT_FOUND', undefined, { webhook: annHook });
});

test('disk.folder.uploadfile: multipart form with a file field and form-encoded data', async () => {
  const form = new FormData();
  form.append('id', String(folderId));
  form.append('data[NAME]', 'multi.png');
  form.append('fileContent', new Blob([png(10, 20)]), 'original.png');
  const r = await server.raw(`${bobHook}disk.folder.uploadfile`, { method: 'POST', body: form });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.result.NAME, 'multi.png');
  assert.equal(r.body.result.CREATED_BY, String(bob));
});

test('disk.folder.uploadfile without fileContent hands out a signed upload link', async () => {
  const body = await ok('disk.folder.uploadfile', { id: folderId }, { webhook: annHook });
  assertShape(assert, body.result, { field: 'file', uploadUrl: 'x' });
  assert.equal(body.result.field, 'file');
  const form = new FormData();
  form.append('file', new Blob([png(300, 200)]), 'via-link.png');
  const r = await server.raw(local(body.result.uploadUrl), { method: 'POST', body: form });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.result.NAME, 'via-link.png');
  assert.equal(r.body.result.CREATED_BY, String(ann));
  assert.equal(typeof r.body.time.start, 'number');
  // data.NAME given up front wins over the part's file name.
  const named = await ok('disk.folder.uploadfile', { id: folderId, data: { NAME: 'chosen.png' } },
    { webhook: annHook });
  const form2 = new FormData();
  form2.append('file', new Blob([png()]), 'ignored.png');
  const r2 = await server.raw(local(named.result.uploadUrl), { method: 'POST', body: form2 });
  assert.equal(r2.body.result.NAME, 'chosen.png');
  // A tampered link is refused; so is a link to a folder the caller may not use.
  const tampered = local(body.result.uploadUrl).replace(/user=\d+/, `user=${carl}`);
  const form3 = new FormData();
  form3.append('file', new Blob(['x']), 'x.txt');
  const r3 = await server.raw(tampered, { method: 'POST', body: form3 });
  assert.equal(r3.status, 403);
  assert.equal(r3.body.error, 'ACCESS_DENIED');
  await fails('disk.folder.uploadfile', { id: folderId }, 403, 'ACCESS_DENIED', undefined, { webhook: carlHook });
});

test('disk.file.get: every number a string; members read, outsiders get ACCESS_DENIED', async () => {
  const id = (await upload(annHook, folderId, 'doc.txt', 'hello')).result.ID;
  const body = await ok('disk.file.get', { id }, { webhook: bobHook });
  assertShape(assert, body.result, {
    ID: '9043', NAME: 'Test.docx', CODE: null, STORAGE_ID: '1357', TYPE: 'file', PARENT_ID: '8996',
    DELETED_TYPE: '0', GLOBAL_CONTENT_VERSION: '2', FILE_ID: '32969', SIZE: '21668', CREATE_TIME: 'x',
    UPDATE_TIME: 'x', DELETE_TIME: null, CREATED_BY: '1269', UPDATED_BY: '1269', DELETED_BY: '0',
    DOWNLOAD_URL: 'x', DETAIL_URL: 'x',
  });
  assert.equal(body.result.ID, String(id));
  assert.equal(body.result.SIZE, '5');
  const dl = await server.raw(local(body.result.DOWNLOAD_URL));
  assert.equal(dl.status, 200);
  assert.equal(dl.text, 'hello');
  assert.equal(dl.headers.get('x-content-type-options'), 'nosniff');
  const show = await server.raw(local(body.result.DETAIL_URL));
  assert.match(show.headers.get('content-disposition'), /^inline/);
  await fails('disk.file.get', { id }, 403, 'ACCESS_DENIED', 'Access denied', { webhook: carlHook });
  await fails('disk.file.get', { id: 999999 }, 400, 'ERROR_NOT_FOUND', 'Could not find entity with id `999999`',
    { webhook: annHook });
  await fails('disk.file.get', { id: folderId }, 400, 'ERROR_NOT_FOUND', undefined, { webhook: annHook });
  await fails('disk.file.get', {}, 400, 'ERROR_ARGUMENT', undefined, { webhook: annHook });
});

test('download links: signed per viewer; a guessed or altered link leaks nothing', async () => {
  const id = (await upload(annHook, folderId, 'secret.txt', 'top secret')).result.ID;
  const url = local((await ok('disk.file.get', { id }, { webhook: bobHook })).result.DOWNLOAD_URL);
  assert.equal((await server.raw(url)).text, 'top secret');
  for (const bad of [
    url.replace(/u=\d+/, `u=${carl}`),
    url.replace(/s=[0-9a-f]+/, 's=00000000000000000000000000000000'),
    url.replace(/s=[0-9a-f]+&/, '&'),
    url.replace(`/disk/download/${id}`, `/disk/download/${id + 1}`),
    `/disk/download/${id}`,
  ]) {
    const r = await server.raw(bad);
    assert.equal(r.status, 404, bad);
    assert.ok(!r.text.includes('top secret'));
  }
});

test('im.disk.file.commit publishes uploaded files in a message with params FILE_ID; result true', async () => {
  const a = (await upload(annHook, folderId, 'c1.png', png())).result.ID;
  const b = (await upload(annHook, folderId, 'c2.txt', 'text')).result.ID;
  const body = await ok('im.disk.file.commit', { CHAT_ID: chatId, UPLOAD_ID: [a, b], MESSAGE: ' Important [BR]doc ' },
    { webhook: annHook });
  assert.equal(body.result, true);
  const [msg] = rows(`SELECT author_id, text, params FROM messages WHERE chat_id = ${chatId} ORDER BY id DESC LIMIT 1`);
  assert.equal(msg.author_id, ann);
  assert.equal(msg.text, 'Important \ndoc');
  assert.deepEqual(JSON.parse(msg.params), { FILE_ID: [a, b] });
  // One id as a scalar, by DIALOG_ID, without text.
  const c = (await upload(annHook, folderId, 'c3.txt', 'x')).result.ID;
  assert.equal((await ok('im.disk.file.commit', { DIALOG_ID: `chat${chatId}`, FILE_ID: c },
    { webhook: annHook })).result, true);
  const [m2] = rows(`SELECT text, params FROM messages WHERE chat_id = ${chatId} ORDER BY id DESC LIMIT 1`);
  assert.equal(m2.text, '');
  assert.deepEqual(JSON.parse(m2.params), { FILE_ID: [c] });
});

test('im.disk.file.commit of a Drive file from elsewhere publishes a copy in the chat folder', async () => {
  const original = (await upload(bobHook, folderId, 'orig.txt', 'shared')).result.ID;
  const saved = (await ok('im.disk.file.save', { FILE_ID: original }, { webhook: bobHook })).result.file.id;
  const dialogFolder = (await ok('im.disk.folder.get', { DIALOG_ID: String(carl) }, { webhook: bobHook })).result.ID;
  assert.equal((await ok('im.disk.file.commit', { DIALOG_ID: String(carl), DISK_ID: saved },
    { webhook: bobHook })).result, true);
  const [copy] = rows(`SELECT id, parent_id, owner_id FROM disk_objects WHERE type = 'file' ORDER BY id DESC LIMIT 1`);
  assert.notEqual(copy.id, saved);
  assert.equal(copy.parent_id, dialogFolder);
  // Carl sees the copy (he is in that dialog) but not Bob's saved original.
  const got = await ok('disk.file.get', { id: copy.id }, { webhook: carlHook });
  assert.equal((await server.raw(local(got.result.DOWNLOAD_URL))).text, 'shared');
  await fails('disk.file.get', { id: saved }, 403, 'ACCESS_DENIED', undefined, { webhook: carlHook });
});

test('im.disk.file.commit errors', async () => {
  const f = (await upload(annHook, folderId, 'e.txt', 'e')).result.ID;
  await fails('im.disk.file.commit', { UPLOAD_ID: f }, 400, 'CHAT_ID_EMPTY', "Chat ID can't be empty",
    { webhook: annHook });
  await fails('im.disk.file.commit', { DIALOG_ID: 'nonsense', UPLOAD_ID: f }, 400, 'DIALOG_ID_EMPTY', undefined,
    { webhook: annHook });
  await fails('im.disk.file.commit', { CHAT_ID: chatId, UPLOAD_ID: f }, 403, 'ACCESS_ERROR', undefined,
    { webhook: carlHook });
  await fails('im.disk.file.commit', { CHAT_ID: chatId }, 400, 'FILES_ERROR', 'List of files is not specified',
    { webhook: annHook });
  await fails('im.disk.file.commit', { CHAT_ID: chatId, UPLOAD_ID: [] }, 400, 'SAVE_ERROR',
    'Error during saving file to chat', { webhook: annHook });
  await fails('im.disk.file.commit', { CHAT_ID: chatId, UPLOAD_ID: 999999 }, 400, 'SAVE_ERROR', undefined,
    { webhook: annHook });
  // A file the caller cannot read cannot be published.
  const carlChat = (await ok('im.chat.add', { USERS: [bob] }, { webhook: carlHook })).result;
  const carlFolder = (await ok('im.disk.folder.get', { CHAT_ID: carlChat }, { webhook: carlHook })).result.ID;
  const carlFile = (await upload(carlHook, carlFolder, 'carl.txt', 'c')).result.ID;
  await fails('im.disk.file.commit', { CHAT_ID: chatId, FILE_ID: carlFile }, 400, 'SAVE_ERROR', undefined,
    { webhook: annHook });
});

test('im.disk.file.delete: only the sender deletes; others get true, outsiders false', async () => {
  const id = (await upload(annHook, folderId, 'del.txt', 'bye')).result.ID;
  await ok('im.disk.file.commit', { CHAT_ID: chatId, UPLOAD_ID: id }, { webhook: annHook });
  const [msg] = rows(`SELECT id FROM messages WHERE chat_id = ${chatId} ORDER BY id DESC LIMIT 1`);
  const url = local((await ok('disk.file.get', { id }, { webhook: annHook })).result.DOWNLOAD_URL);
  await fails('im.disk.file.delete', { DISK_ID: id }, 400, 'CHAT_ID_EMPTY', "Chat ID can't be empty",
    { webhook: annHook });
  await fails('im.disk.file.delete', { CHAT_ID: chatId }, 400, 'FILES_ERROR', undefined, { webhook: annHook });
  assert.equal((await ok('im.disk.file.delete', { CHAT_ID: chatId, DISK_ID: id }, { webhook: carlHook })).result,
    false);
  assert.equal((await ok('im.disk.file.delete', { CHAT_ID: chatId, DISK_ID: id }, { webhook: bobHook })).result,
    true);
  assert.equal((await server.raw(url)).status, 200);
  assert.equal((await ok('im.disk.file.delete', { CHAT_ID: chatId, FILE_ID: 999999 }, { webhook: annHook })).result,
    false);
  const body = await ok('im.disk.file.delete', { CHAT_ID: chatId, DISK_ID: id }, { webhook: annHook });
  assertShape(assert, body, { result: true });
  assert.equal(body.result, true);
  await fails('disk.file.get', { id }, 400, 'ERROR_NOT_FOUND', undefined, { webhook: annHook });
  assert.equal((await server.raw(url)).status, 404);
  // The message carried only this file: it is now a deleted message.
  const [after] = rows(`SELECT params, deleted FROM messages WHERE id = ${msg.id}`);
  assert.equal(after.deleted, 1);
  assert.deepEqual(JSON.parse(after.params), { IS_DELETED: 'Y' });
});

test('im.disk.file.save copies a chat file to the caller\'s Saved Files', async () => {
  const id = (await upload(annHook, folderId, 'keep.png', png())).result.ID;
  const body = await ok('im.disk.file.save', { DISK_ID: id }, { webhook: bobHook });
  assertShape(assert, body.result, { folder: { id: 130, name: 'Saved file' }, file: { id: 578, name: 'image.png' } });
  assert.equal(body.result.folder.name, 'Saved Files');
  assert.equal(body.result.file.name, 'keep.png');
  assert.notEqual(body.result.file.id, id);
  const again = await ok('im.disk.file.save', { FILE_ID: id }, { webhook: bobHook });
  assert.equal(again.result.folder.id, body.result.folder.id);
  assert.equal(again.result.file.name, 'keep (1).png');
  const copy = await ok('disk.file.get', { id: body.result.file.id }, { webhook: bobHook });
  assert.equal(copy.result.CREATED_BY, String(bob));
  assert.deepEqual(Buffer.from(await (await fetch(server.base + local(copy.result.DOWNLOAD_URL))).arrayBuffer()),
    png());
  // The copy survives the original's deletion.
  await ok('im.disk.file.delete', { CHAT_ID: chatId, FILE_ID: id }, { webhook: annHook });
  assert.equal((await server.raw(local(copy.result.DOWNLOAD_URL))).status, 200);
  await fails('disk.file.get', { id: body.result.file.id }, 403, 'ACCESS_DENIED', undefined, { webhook: annHook });
  await fails('im.disk.file.save', {}, 400, 'FILE_ID_EMPTY', "File ID can't be empty", { webhook: bobHook });
  await fails('im.disk.file.save', { DISK_ID: 999999 }, 400, 'FILE_SAVE_ERROR', undefined, { webhook: bobHook });
  const other = (await upload(annHook, folderId, 'other.txt', 'o')).result.ID;
  await fails('im.disk.file.save', { DISK_ID: other }, 400, 'FILE_SAVE_ERROR', undefined, { webhook: carlHook });
});

test('avatars are served publicly from data/avatars; names cannot leave it', async () => {
  mkdirSync(join(server.dataDir, 'avatars'), { recursive: true });
  writeFileSync(join(server.dataDir, 'avatars', 'chat-1_a.png'), png());
  const r = await fetch(`${server.base}/avatar/chat-1_a.png`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await r.arrayBuffer()), png());
  for (const bad of ['/avatar/missing.png', '/avatar/..%2Fimhub.key', '/avatar/../imhub.key', '/avatar/.hidden',
    '/avatar/']) {
    const x = await server.raw(bad);
    assert.equal(x.status, 404, bad);
  }
});

test('disk.* need the disk scope; im.disk.* the im scope', async () => {
  await fails('disk.file.get', { id: 1 }, 403, 'insufficient_scope', undefined, { webhook: imOnlyHook });
  await fails('disk.folder.uploadfile', { id: folderId }, 403, 'insufficient_scope', undefined,
    { webhook: imOnlyHook });
  const diskOnly = server.cli('webhook', 'add', '--user', String(ann), '--scope', 'disk').webhook;
  await fails('im.disk.folder.get', { CHAT_ID: chatId }, 403, 'insufficient_scope', undefined, { webhook: diskOnly });
});

test('uploads may exceed body_limit up to max_upload_bytes; other requests may not', async () => {
  const small = await startServer({ config: '[server]\nbody_limit = 4096\nmax_upload_bytes = 65536\n' });
  try {
    const user = small.cli('user', 'add', '--name', 'Dee').user_id;
    const hook = small.cli('webhook', 'add', '--user', String(user), '--scope', 'im,disk').webhook;
    const chat = (await small.ok('im.chat.add', { USERS: [1] }, { webhook: hook })).result;
    const folder = (await small.ok('im.disk.folder.get', { CHAT_ID: chat }, { webhook: hook })).result.ID;
    const big = Buffer.alloc(40000, 7);
    const body = await small.ok('disk.folder.uploadfile', {
      id: folder, data: { NAME: 'big.bin' }, fileContent: ['big.bin', big.toString('base64')],
    }, { webhook: hook });
    assert.equal(body.result.SIZE, '40000');
    const tooBig = await small.call('disk.folder.uploadfile', {
      id: folder, data: { NAME: 'huge.bin' }, fileContent: ['huge.bin', Buffer.alloc(70000, 1).toString('base64')],
    }, { webhook: hook });
    assert.equal(tooBig.status, 400);
    assert.equal(tooBig.body.error, 'ERROR_COULD_NOT_SAVE_FILE');
    const other = await small.call('im.chat.add', { USERS: [1], DESCRIPTION: 'x'.repeat(8000) }, { webhook: hook });
    assert.equal(other.status, 413);
  } finally {
    await small.cleanup();
  }
});
