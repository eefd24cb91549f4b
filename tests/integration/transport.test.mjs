// The HTTP transport against hostile and careless clients (issue 17): one header deadline for
// every request of a connection, credentials checked before a large body is read, a global cap
// on request bodies, the open-file limit, and protocol errors (no Host, unknown verbs).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn, execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startServer, BINARY, cli, freePort, storeArgs } from './harness.mjs';

const servers = [];
after(async () => { for (const s of servers) await s.cleanup(); });
async function server(opts) {
  const s = await startServer(opts);
  servers.push(s);
  return s;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A raw connection that collects what the server sends and notes when it closes.
function connect(port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.received = '';
    sock.closedAt = new Promise((r) => sock.on('close', () => r(Date.now())));
    sock.on('data', (d) => { sock.received += d.toString('latin1'); });
    sock.on('error', () => {});
    sock.once('connect', () => resolve(sock));
    sock.once('error', reject);
  });
}

// Waits until the connection has received a complete head (or closed); returns the status.
async function statusOf(sock, timeout = 3000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline && !/\r\n\r\n/.test(sock.received) && !sock.destroyed) await sleep(20);
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(sock.received);
  return m ? Number(m[1]) : null;
}

function bodyOf(text) {
  const i = text.indexOf('\r\n\r\n');
  try { return JSON.parse(text.slice(i + 4)); } catch { return text.slice(i + 4); }
}

test('a kept-alive connection gets the same header deadline for its second request', async () => {
  const s = await server({ config: '[server]\nheader_timeout = 2\nidle_timeout = 30\n' });
  const sock = await connect(s.port);
  sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(await statusOf(sock), 200);
  // Idle for a while is fine (idle_timeout), then the next header is dripped a byte at a time.
  await sleep(2500);
  assert.equal(sock.destroyed, false, 'closed while idle, before idle_timeout');
  const start = Date.now();
  const line = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(100);
  let i = 0;
  const timer = setInterval(() => { if (!sock.destroyed && i < line.length) sock.write(line[i++]); }, 200);
  const closedAt = await Promise.race([sock.closedAt, sleep(8000).then(() => null)]);
  clearInterval(timer);
  sock.destroy();
  assert.ok(closedAt, 'the dripped second header was still being read after 8 s');
  assert.ok(closedAt - start < 4500, `closed after ${closedAt - start} ms`);
});

test('an unauthenticated large body is refused from its headers alone (401 before any byte of it)', async () => {
  const s = await server();
  const ask = async (head) => {
    const sock = await connect(s.port);
    sock.write(head);
    const status = await statusOf(sock);
    const body = bodyOf(sock.received);
    sock.destroy();
    return { status, body };
  };
  const big = 'Content-Type: application/json\r\nContent-Length: 136314880\r\n\r\n';
  let r = await ask(`POST /rest/disk.folder.uploadfile HTTP/1.1\r\nHost: x\r\n${big}`);
  assert.equal(r.status, 401);
  assert.equal(r.body.error, 'NO_AUTH_FOUND');
  // A wrong webhook secret in the path, a bad bearer token, a bad auth in the query: the same.
  r = await ask(`POST /rest/1/wrongsecret/disk.folder.uploadfile HTTP/1.1\r\nHost: x\r\n${big}`);
  assert.equal(r.status, 401);
  r = await ask(`POST /rest/disk.folder.uploadfile HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\n${big}`);
  assert.equal(r.status, 401);
  r = await ask(`POST /rest/disk.folder.uploadfile?auth=nope HTTP/1.1\r\nHost: x\r\n${big}`);
  assert.equal(r.status, 401);
  // A forged upload link; a path that never takes large bodies.
  r = await ask(`POST /disk/upload?folder=1&user=1&s=forged HTTP/1.1\r\nHost: x\r\n${big}`);
  assert.equal(r.status, 403);
  r = await ask(`POST /oauth/token/ HTTP/1.1\r\nHost: x\r\n${big}`);
  assert.equal(r.status, 413);
  // A valid webhook may send it (the server then waits for the body).
  const sock = await connect(s.port);
  sock.write(`POST ${s.webhook}disk.folder.uploadfile HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n${big}`);
  assert.equal(await statusOf(sock), 100);
  sock.destroy();
});

test('credentials in an ordinary-sized body still work; large authenticated bodies are read', async () => {
  const s = await server();
  const [, user, secret] = /^\/rest\/(\d+)\/([^/]+)\/$/.exec(s.webhook);
  const r = await s.raw('/rest/profile', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ aplogin: user, ap: secret }),
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.result.ID, '1');
  // 3 MB (over the 1 MB spool threshold and the unauthenticated limit) through the webhook URL.
  const chat = await s.ok('im.chat.add', { TITLE: 'Files', USERS: [s.cli('user', 'add', '--name', 'Bob').user_id] });
  const folder = (await s.ok('im.disk.folder.get', { CHAT_ID: chat.result })).result.ID;
  const content = Buffer.alloc(3 << 20, 0x41);
  const up = await s.ok('disk.folder.uploadfile', {
    id: folder, data: { NAME: 'big.txt' }, fileContent: ['big.txt', content.toString('base64')],
  });
  assert.equal(Number(up.result.SIZE), content.length);
  // The same body with credentials only inside it is over the unauthenticated limit.
  const inBody = await s.raw('/rest/disk.folder.uploadfile', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ aplogin: user, ap: secret, id: folder, data: { NAME: 'b2.txt' },
      fileContent: ['b2.txt', content.toString('base64')] }),
  }).catch((e) => ({ status: 'reset', text: String(e) }));
  assert.equal(inBody.status, 401, inBody.text);
});

test('server.body_memory_limit caps the bytes of bodies held at once: 503 QUERY_LIMIT_EXCEEDED', async () => {
  const s = await server({ config: '[server]\nbody_memory_limit = 3000000\n' });
  const head = (n) => `POST ${s.webhook}profile HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${n}\r\n\r\n`;
  // The first holds 2 MB of the budget while it trickles; the second does not fit beside it.
  const first = await connect(s.port);
  first.write(head(2000000) + '{');
  await sleep(200);
  const second = await connect(s.port);
  second.write(head(2000000));
  assert.equal(await statusOf(second), 503);
  assert.match(second.received, /Retry-After: 1/);
  assert.equal(bodyOf(second.received).error, 'QUERY_LIMIT_EXCEEDED');
  second.destroy();
  first.destroy();
  await sleep(300);
  // Released when the first connection went away.
  const third = await connect(s.port);
  third.write(head(2) + '{}');
  assert.equal(await statusOf(third), 200);
  third.destroy();
});

function rssOf(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) * 1024;
}
function cpuTicks(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
}

test('8 unauthenticated 130 MB uploads at once do not grow the server (RSS stays under 150 MB)', async () => {
  const s = await server();
  const chunk = Buffer.alloc(1 << 20, 0x61);
  let peak = rssOf(s.proc.pid);
  const sample = setInterval(() => { peak = Math.max(peak, rssOf(s.proc.pid)); }, 50);
  const flood = Array.from({ length: 8 }, async () => {
    const sock = await connect(s.port);
    sock.write('POST /rest/disk.folder.uploadfile HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${130 << 20}\r\n\r\n`);
    for (let i = 0; i < 130 && !sock.destroyed && !sock.writableEnded; i++) {
      if (!sock.write(chunk)) await Promise.race([new Promise((r) => sock.once('drain', r)), sock.closedAt]);
    }
    await Promise.race([sock.closedAt, sleep(15000)]);
    sock.destroy();
    return statusOf(sock, 1);
  });
  const statuses = await Promise.all(flood);
  clearInterval(sample);
  assert.deepEqual(statuses, Array(8).fill(401));
  assert.ok(peak < 150 << 20, `peak RSS ${(peak / 1048576).toFixed(0)} MB`);
  console.log(`peak RSS under the flood: ${(peak / 1048576).toFixed(1)} MB`);
});

test('HTTP/1.1 without Host is 400; unknown verbs 501, known but unserved ones 405', async () => {
  const s = await server();
  const ask = async (text) => {
    const sock = await connect(s.port);
    sock.write(text);
    const status = await statusOf(sock);
    const received = sock.received;
    sock.destroy();
    return { status, received };
  };
  assert.equal((await ask('GET /healthz HTTP/1.1\r\n\r\n')).status, 400);
  assert.equal((await ask('GET /healthz HTTP/1.0\r\n\r\n')).status, 200);
  assert.equal((await ask('BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n')).status, 501);
  const put = await ask('PUT /rest/profile HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n');
  assert.equal(put.status, 405);
  assert.match(put.received, /Allow: GET, HEAD, POST, OPTIONS/);
  assert.equal((await ask('DELETE /healthz HTTP/1.1\r\nHost: x\r\n\r\n')).status, 405);
});

// Starts imhub under `ulimit` settings (a shell runs it) and waits for /healthz.
async function startLimited(limitCmd) {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const data = mkdtempSync(join(tmpdir(), 'imhub-fd-'));
  cli(data, 'init');
  const port = await freePort();
  const proc = spawn('bash', ['-c', `${limitCmd}; exec "$0" serve --data "$1" --listen 127.0.0.1:"$2" "\${@:3}"`,
    BINARY, data, String(port), ...storeArgs(data)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break; } catch { /* not up yet */ }
    await sleep(50);
  }
  return { proc, port, log: () => stderr, stop: () => proc.kill('SIGKILL') };
}

test('the soft open-file limit is raised to the hard one and max_connections fits it (logged)', async () => {
  const hard = Number(execSync('ulimit -Hn'));
  const srv = await startLimited('ulimit -Sn 256');
  try {
    assert.match(srv.log(), new RegExp(`open files: soft limit ${hard} \\(started with 256\\), hard limit ${hard}`));
    assert.match(srv.log(), /max_connections \d+/);
  } finally { srv.stop(); }
});

test('5,000 idle connections at ulimit -n 1024: no accept spin, /healthz answers', async () => {
  const srv = await startLimited('ulimit -n 1024');
  const socks = [];
  try {
    assert.match(srv.log(), /soft limit 1024 .* hard limit 1024; max_connections \d+ \(lowered from 10000/);
    for (let i = 0; i < 5000; i++) {
      const sock = net.connect(srv.port, '127.0.0.1');
      sock.on('error', () => {});
      socks.push(sock);
      if (i % 500 === 499) await sleep(50);
    }
    await sleep(1000);
    const t0 = cpuTicks(srv.proc.pid);
    const start = Date.now();
    await sleep(2000);
    const cpu = (cpuTicks(srv.proc.pid) - t0) / 100 / ((Date.now() - start) / 1000);
    const h0 = Date.now();
    const health = await fetch(`http://127.0.0.1:${srv.port}/healthz`, { signal: AbortSignal.timeout(3000) });
    assert.equal(health.status, 200);
    console.log(`CPU with 5,000 idle connections: ${(cpu * 100).toFixed(1)} %; /healthz in ${Date.now() - h0} ms`);
    assert.ok(cpu < 0.2, `server CPU ${(cpu * 100).toFixed(0)} % while connections sit idle`);
  } finally {
    for (const sock of socks) sock.destroy();
    srv.stop();
  }
});

test('JSON bodies over the depth or key limits answer 400 REQUEST_TOO_LARGE, not "no parameters"', async () => {
  const s = await server({ config: '[limits]\nmax_depth = 8\nmax_keys = 100\n' });
  const post = (body) => s.raw(`${s.webhook}server.time`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body,
  });
  let deep = '1';
  for (let i = 0; i < 20; i++) deep = `{"a":${deep}}`;
  let r = await post(`{"x":${deep}}`);
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.error, 'REQUEST_TOO_LARGE');
  const many = {};
  for (let i = 0; i < 500; i++) many[`k${i}`] = i;
  r = await post(JSON.stringify(many));
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.error, 'REQUEST_TOO_LARGE');
  // Malformed JSON still means "no parameters", as on the real platform.
  r = await post('{"broken": ');
  assert.equal(r.status, 200, r.text);
});

test('metrics.token guards /metrics; metrics.listen moves it to its own address', async () => {
  const port = await freePort();
  const s = await server({ config: `[metrics]\ntoken = "scrape-me"\nlisten = "127.0.0.1:${port}"\n` });
  assert.equal((await s.raw('/metrics')).status, 404);  // not on the API listener
  const m = (headers) => fetch(`http://127.0.0.1:${port}/metrics`, { headers });
  assert.equal((await m({})).status, 401);
  assert.equal((await m({ Authorization: 'Bearer wrong' })).status, 401);
  const ok = await m({ Authorization: 'Bearer scrape-me' });
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /imhub_store_writer_queue_depth/);
  // The metrics address serves nothing else but /healthz.
  assert.equal((await fetch(`http://127.0.0.1:${port}${s.webhook}profile`)).status, 404);
  assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
});

test('--listen :PORT and [::]:PORT are accepted; a public URL without a scheme is refused', async () => {
  const port = await freePort();
  const data = (await import('node:fs')).mkdtempSync((await import('node:path')).join((await import('node:os')).tmpdir(), 'imhub-l-'));
  cli(data, 'init');
  for (const listen of [`:${port}`, `[::]:${port}`]) {
    const proc = spawn(BINARY, ['serve', '--data', data, ...storeArgs(data), '--listen', listen], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    proc.stderr.on('data', (d) => { log += d; });
    let ok = false;
    for (let i = 0; i < 100 && !ok; i++) {
      try { ok = (await fetch(`http://127.0.0.1:${port}/healthz`)).ok; } catch { await sleep(50); }
    }
    proc.kill('SIGKILL');
    await new Promise((r) => proc.on('exit', r));
    assert.ok(ok, `${listen}: ${log}`);
    assert.doesNotMatch(log, /public URL http:\/\/(0\.0\.0\.0|\[::\])/);
  }
  const bad = spawn(BINARY, ['serve', '--data', data, ...storeArgs(data), '--listen', `127.0.0.1:${port}`, '--public-url', 'example.com'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  bad.stderr.on('data', (d) => { err += d; });
  const code = await new Promise((r) => bad.on('exit', r));
  assert.notEqual(code, 0);
  assert.match(err, /public_url/);
});
