// Bad input gets a clear answer or a clean close; the server keeps serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './harness.mjs';

let s;
before(async () => {
  s = await startServer({ config: '[server]\nheader_timeout = 1\nbody_timeout = 1\nidle_timeout = 2\nbody_limit = 1048576\n' });
});
after(async () => { await s.cleanup(); });

// Sends raw bytes and resolves with whatever the server answered before closing (or timeout).
function rawExchange(bytes, { waitMs = 4000, keepOpen = false } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(s.port, '127.0.0.1');
    let data = '';
    const started = Date.now();
    const timer = setTimeout(() => { sock.destroy(); resolve({ data, closed: false, ms: Date.now() - started }); }, waitMs);
    sock.on('data', (d) => { data += d.toString(); });
    sock.on('close', () => { clearTimeout(timer); resolve({ data, closed: true, ms: Date.now() - started }); });
    sock.on('error', () => {});
    sock.on('connect', () => { sock.write(bytes); if (!keepOpen) { /* leave it to the server */ } });
  });
}

async function stillServing() {
  const r = await s.call('server.time');
  assert.equal(r.status, 200);
}

test('invalid UTF-8 is refused with WRONG_ENCODING', async () => {
  const r = await s.raw(`${s.webhook}method.get?name=%FF%FE`);
  assert.equal(r.status, 400);
  assert.equal(r.body.error, 'WRONG_ENCODING');
  const j = await s.raw(`${s.webhook}method.get`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]) });
  assert.equal(j.status, 400);
  await stillServing();
});

test('10,000-deep brackets and JSON are refused with a clear 400', async () => {
  const form = await s.raw(`${s.webhook}method.get`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a' + '[x]'.repeat(10000) + '=1' });
  assert.equal(form.status, 400);
  assert.equal(form.body.error, 'REQUEST_TOO_LARGE');
  const json = await s.raw(`${s.webhook}method.get`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":' + '['.repeat(10000) + ']'.repeat(10000) + '}' });
  // Over-deep JSON cannot be parsed within limits: like malformed JSON it means "no parameters".
  assert.ok([200, 400].includes(json.status));
  await stillServing();
});

test('too many keys, huge keys and huge values', async () => {
  const many = Array.from({ length: 20000 }, (_, i) => `k${i}=1`).join('&');
  let r = await s.raw(`${s.webhook}server.time`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: many });
  assert.equal(r.status, 400);
  assert.equal(r.body.error, 'REQUEST_TOO_LARGE');
  r = await s.raw(`${s.webhook}server.time`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'k'.repeat(5000) + '=1' });
  assert.equal(r.status, 400);
  r = await s.raw(`${s.webhook}method.get`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'name=' + 'x'.repeat(900000) });
  assert.equal(r.status, 200);
  assert.equal(r.body.result.isExisting, false);
  await stillServing();
});

test('a body over the limit gets 413 and the connection closes', async () => {
  const r = await s.raw(`${s.webhook}server.time`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x'.repeat(2 * 1024 * 1024) }).catch((e) => ({ status: 'closed', e }));
  assert.ok(r.status === 413 || r.status === 'closed', String(r.status));
  await stillServing();
});

test('a 64 KB request line is accepted; a 200 KB header is refused', async () => {
  const long = `${s.webhook}method.get?name=profile&pad=${'p'.repeat(64 * 1024)}`;
  const ok = await s.raw(long);
  assert.equal(ok.status, 200);
  const res = await rawExchange(`GET /rest/server.time HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(200 * 1024)}\r\n\r\n`);
  assert.match(res.data, /^HTTP\/1\.1 431/);
  await stillServing();
});

test('duplicate keys: the last one wins, as in PHP', async () => {
  const r = await s.raw(`${s.webhook}method.get?name=nothing&name=profile`);
  assert.equal(r.body.result.isExisting, true);
  const j = await s.raw(`${s.webhook}method.get`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"x","name":"profile"}' });
  assert.equal(j.body.result.isExisting, true);
});

test('wrong and unknown content types are read as form data or ignored', async () => {
  let r = await s.raw(`${s.webhook}method.get`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'name=profile' });
  assert.equal(r.body.result.isExisting, true);
  r = await s.raw(`${s.webhook}method.get`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: Buffer.from([0, 1, 2, 0x3d]) });
  assert.ok([200, 400].includes(r.status));
  r = await s.raw(`${s.webhook}method.get`, { method: 'POST', headers: { 'Content-Type': 'multipart/form-data' }, body: 'garbage' });
  assert.equal(r.status, 400);
  r = await s.raw(`${s.webhook}method.get`, { method: 'POST', headers: { 'Content-Type': 'multipart/form-data; boundary=XX' }, body: '--XX\r\nContent-Disposition: form-data; name="name"\r\n\r\nprof' });
  assert.equal(r.status, 400);
  await stillServing();
});

test('slow-drip and silent clients are cut off by the header timeout', async () => {
  const silent = await rawExchange('', { waitMs: 5000 });
  assert.ok(silent.closed && silent.ms < 4000, `silent connection held for ${silent.ms} ms`);
  const drip = await new Promise((resolve) => {
    const sock = net.connect(s.port, '127.0.0.1');
    const started = Date.now();
    const text = `GET ${s.webhook}server.time HTTP/1.1\r\nHost: x\r\nX-Slow: ${'z'.repeat(100)}\r\n\r\n`;
    let i = 0;
    const iv = setInterval(() => { if (!sock.destroyed) sock.write(text[i++] || ''); }, 100);
    sock.on('close', () => { clearInterval(iv); resolve(Date.now() - started); });
    sock.on('error', () => {});
  });
  assert.ok(drip < 4000, `slow-drip connection held for ${drip} ms`);
  await stillServing();
});

test('a truncated body is dropped without processing', async () => {
  const res = await rawExchange(`POST ${s.webhook}server.time HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`, { waitMs: 4000 });
  assert.ok(res.closed);
  assert.equal(res.data, '');
  await stillServing();
});

test('garbage instead of HTTP, unknown transfer encodings: 400 and close', async () => {
  let res = await rawExchange('HELLO THERE\r\n\r\n');
  assert.match(res.data, /^HTTP\/1\.1 400/);
  res = await rawExchange(`POST ${s.webhook}server.time HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`);
  assert.ok(res.closed);
  res = await rawExchange(`POST ${s.webhook}server.time HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n`);
  assert.match(res.data, /^HTTP\/1\.1 400/);
  await stillServing();
});

test('Expect: 100-continue gets an interim response, then the result', async () => {
  const body = JSON.stringify({ name: 'profile' });
  const res = await new Promise((resolve) => {
    const sock = net.connect(s.port, '127.0.0.1');
    let data = '';
    let sent = false;
    sock.on('data', (d) => {
      data += d.toString();
      if (!sent && data.includes('100 Continue')) { sent = true; sock.write(body); }
      if (data.includes('"isExisting"')) { sock.destroy(); resolve(data); }
    });
    sock.on('connect', () => sock.write(`POST ${s.webhook}method.get HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`));
  });
  assert.match(res, /^HTTP\/1\.1 100 Continue/);
  assert.match(res, /"isExisting":true/);
});

test('keep-alive serves many requests on one connection', async () => {
  const n = 20;
  const res = await new Promise((resolve) => {
    const sock = net.connect(s.port, '127.0.0.1');
    let data = '';
    sock.on('data', (d) => {
      data += d.toString();
      if ((data.match(/HTTP\/1\.1 200/g) || []).length === n) { sock.destroy(); resolve(data); }
    });
    sock.on('connect', () => {
      for (let i = 0; i < n; i++) sock.write(`GET ${s.webhook}server.time HTTP/1.1\r\nHost: x\r\n\r\n`);
    });
  });
  assert.equal((res.match(/HTTP\/1\.1 200/g) || []).length, n);
});

// Answers as they come on one connection: [{status, body}] once `n` are complete.
function answers(data, n) {
  const out = [];
  let rest = data;
  while (out.length < n) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const head = rest.slice(0, end);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)[1]);
    if (rest.length < end + 4 + length) return null;
    out.push({ status: Number(head.slice(9, 12)), body: JSON.parse(rest.slice(end + 4, end + 4 + length)) });
    rest = rest.slice(end + 4 + length);
  }
  return out;
}

// The server answers a request from its read buffer when the header and body came with one read, and
// goes through Beast's reads from wherever that stopped otherwise. The same three requests (a form
// POST, a write that waits for its durable commit in a fiber, a GET), pipelined in one write and then
// sent a byte at a time, get the same three answers in order.
test('pipelined and byte-split requests, with bodies and a durable write, are answered in order', async () => {
  const post = (method, body) => `POST ${s.webhook}${method} HTTP/1.1\r\nHost: x\r\n` +
    `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  const bytes = post('method.get', 'name=profile') + post('im.chat.add', 'TITLE=Pipelined&USERS[0]=1') +
    `GET ${s.webhook}server.time HTTP/1.1\r\nHost: x\r\n\r\n`;
  for (const split of [false, true]) {
    const got = await new Promise((resolve, reject) => {
      const sock = net.connect(s.port, '127.0.0.1');
      sock.setNoDelay(true);
      let data = '';
      sock.on('data', (d) => {
        data += d.toString();
        const a = answers(data, 3);
        if (a) { sock.destroy(); resolve(a); }
      });
      sock.on('error', reject);
      sock.on('connect', async () => {
        if (!split) { sock.write(bytes); return; }
        for (const c of bytes) {
          sock.write(c);
          await new Promise((r) => setTimeout(r, 1));
        }
      });
    });
    assert.deepEqual(got.map((a) => a.status), [200, 200, 200], `split=${split}: ${JSON.stringify(got)}`);
    assert.equal(got[0].body.result.isExisting, true);
    assert.ok(Number.isInteger(got[1].body.result) && got[1].body.result > 0);
    assert.match(got[2].body.result, /^\d{4}-\d\d-\d\dT/);
  }
  await stillServing();
});
