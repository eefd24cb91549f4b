// Optional TLS: the same API over https with the certificate and key from the config, for
// responses of every size (issue 17: bodies over one TLS record never completed) and uploads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import https from 'node:https';
import { BINARY, cli, freePort, storeArgs } from './harness.mjs';

let dir, proc, base, webhook, folder, bobId, stderr = '';

// One https request; resolves with status and the raw body, or rejects after `timeout` ms (a
// response that never completes must fail the test, not hang it).
function request(path, { method = 'GET', headers = {}, body, timeout = 20000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(`${base}${path}`, { method, headers, rejectUnauthorized: false }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(timeout, () => req.destroy(new Error(`no complete answer to ${method} ${path} in ${timeout} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function call(method, params, hook = webhook) {
  const r = await request(`${hook}${method}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(params),
  });
  return { status: r.status, body: JSON.parse(r.body.toString('utf8')), size: r.body.length };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'imhub-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const data = join(dir, 'data');
  ({ webhook } = cli(data, 'init'));
  const bob = cli(data, 'user', 'add', '--name', 'Bob').user_id;
  bobId = bob;
  const port = await freePort();
  base = `https://127.0.0.1:${port}`;
  // The harness polls over http, so this test starts the process itself and polls over https.
  writeFileSync(join(dir, 'c.toml'),
    `[tls]\nenabled = true\ncert = "${join(dir, 'cert.pem')}"\nkey = "${join(dir, 'key.pem')}"\n`);
  proc = spawn(BINARY, ['serve', '--data', data, ...storeArgs(data), '--listen', `127.0.0.1:${port}`, '--config', join(dir, 'c.toml')],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr.on('data', (d) => { stderr += d; });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await request('/healthz', { timeout: 2000 })).status === 200) {
        const chat = (await call('im.chat.add', { TITLE: 'Files', USERS: [bob] })).body.result;
        folder = (await call('im.disk.folder.get', { CHAT_ID: chat })).body.result.ID;
        return;
      }
    } catch { /* not up yet */ }
    await new Promise((x) => setTimeout(x, 50));
  }
  throw new Error(`no HTTPS answer: ${stderr}`);
});

after(() => {
  proc?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

test('serves HTTPS when tls.enabled', async () => {
  const r = await call('profile', {});
  assert.equal(r.status, 200);
  assert.equal(r.body.result.ID, '1');
});

test('REST answers larger than one TLS record complete (user.get with many users, over 20 KB)', async () => {
  for (let i = 0; i < 80; i++) cli(join(dir, 'data'), 'user', 'add', '--name', `Member${i}`, '--last-name', 'X'.repeat(40));
  const r = await call('user.get', {});
  assert.equal(r.status, 200);
  assert.ok(r.size > 20000, `answer of ${r.size} bytes`);
  assert.equal(r.body.total, 82);
});

test('REST answers of every size around one TLS record (16,250 to 16,550 bytes), 100 KB and 5 MB complete', async () => {
  const chat = (await call('im.chat.add', { TITLE: 'Sizes', USERS: [bobId] })).body.result;
  const last = async () => call('im.dialog.messages.get', { DIALOG_ID: `chat${chat}`, LIMIT: 1 });
  await call('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'a' });
  const overhead = (await last()).size - 1;
  const seen = [];
  for (let size = 16250; size <= 16550; size += 3) {
    await call('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'a'.repeat(size - overhead) });
    const r = await last();
    assert.equal(r.status, 200);
    seen.push(r.size);
  }
  assert.ok(seen.some((n) => n <= 16383) && seen.some((n) => n >= 16385), `sizes ${seen[0]}..${seen.at(-1)}`);
  for (let i = 0; i < 6; i++) await call('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: 'b'.repeat(20000) });
  const five = await call('im.dialog.messages.get', { DIALOG_ID: `chat${chat}`, LIMIT: 6 });
  assert.ok(five.size > 100 * 1024, `${five.size} bytes`);
  const cmd = {};
  for (let i = 0; i < 50; i++) cmd[`c${i}`] = `im.dialog.messages.get?DIALOG_ID=chat${chat}&LIMIT=50`;
  const big = await call('batch', { halt: 0, cmd });
  assert.equal(big.status, 200);
  assert.ok(big.size > 5 * 1024 * 1024, `${big.size} bytes`);
});

async function uploadAndDownload(size) {
  const hook = webhook;
  const content = Buffer.alloc(size, 0);
  for (let i = 0; i < size; i++) content[i] = (i * 31 + 7) & 0xff;
  // Multipart to the upload link: the way large files go up.
  const link = (await call('disk.folder.uploadfile', { id: folder, data: { NAME: `f${size}.bin` } }, hook)).body.result;
  const form = new FormData();
  form.append('file', new Blob([content]), `f${size}.bin`);
  const req = new Request('http://x/', { method: 'POST', body: form });
  const formBody = Buffer.from(await req.arrayBuffer());
  const up = await request(new URL(link.uploadUrl).pathname + new URL(link.uploadUrl).search, {
    method: 'POST', headers: { 'Content-Type': req.headers.get('content-type') }, body: formBody,
  });
  assert.equal(up.status, 200, up.body.toString().slice(0, 300));
  const file = JSON.parse(up.body.toString()).result;
  assert.equal(Number(file.SIZE), size);
  const url = new URL(file.DOWNLOAD_URL);
  const down = await request(url.pathname + url.search, { timeout: 60000 });
  assert.equal(down.status, 200);
  assert.equal(down.body.length, size);
  assert.ok(down.body.equals(content), `downloaded ${size} bytes differ`);
}

for (const size of [16383, 16384, 16385, 100 * 1024, 5 * 1024 * 1024]) {
  test(`a ${size}-byte file goes up and comes down over TLS`, async () => {
    await uploadAndDownload(size);
  });
}

test('a 5 MB base64 upload through disk.folder.uploadfile over TLS', async () => {
  const content = Buffer.alloc(5 * 1024 * 1024, 0x61);
  const r = await call('disk.folder.uploadfile', {
    id: folder, data: { NAME: 'big.txt' }, fileContent: ['big.txt', content.toString('base64')],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
  assert.equal(Number(r.body.result.SIZE), content.length);
});
