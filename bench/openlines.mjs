// The live chat's load (issue 14), driven by bench/openlines.sh against a running imhub:
//
//   load   VISITORS website visitors (live-chat auth, as the widget) write into one line whose
//          queue has the operators of OPHOOKS, every operator connected to the push server. Two
//          phases of SECONDS each, the clock running from a visitor's im.message.add to its
//          operator's messageChat frame:
//          paced      every visitor writes once every PERIOD_MS (people type; 1,000 visitors at
//                     one message per 5 s offer 200 messages/s): the latency a customer sees;
//          saturated  every visitor writes again as soon as its last message reached the operator:
//                     the most messages/s end to end. With VISITORS in flight its latency is the
//                     queue's (Little's law: visitors ÷ throughput), not a customer's.
//   first  COUNT new visitors write their first message one after another: each opens a LINES
//          chat and a session, and the queue picks an operator, in the request. Prints that
//          request's time p50/p99 (run on stores seeded with different numbers of sessions).
//
// Usage: node bench/openlines.mjs load BASE LINE_ID OPHOOKS_FILE VISITORS SECONDS PERIOD_MS
//        node bench/openlines.mjs first BASE LINE_ID COUNT
// OPHOOKS_FILE: one operator webhook path ("/rest/N/secret/") per line. Prints one JSON line.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const WebSocket = createRequire(join(here, 'push', 'package.json'))('ws');
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

function post(url, params) {
  const body = JSON.stringify(params);
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode} ${text}`));
        else resolve(JSON.parse(text).result);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const asVisitor = (base, auth, method, params = {}) =>
  post(`${base}/rest/${method}.json?livechat_auth_id=${auth}`, params);
const asOperator = (base, hook, method, params = {}) => post(`${base}${hook}${method}`, params);

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : 0);
const round = (x) => Math.round(x * 100) / 100;
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

// Runs `fn(i)` for 0..n-1, at most `width` at a time.
async function pool(n, width, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, n) }, async () => {
    while (next < n) await fn(next++);
  }));
}

async function register(base, lineId) {
  const v = await asVisitor(base, 'guest', 'imopenlines.widget.user.register', { CONFIG_ID: lineId });
  return { hash: v.hash, dialogId: v.dialogId };
}

// An operator's push socket; `onMessage(text)` for every messageChat it hears.
async function operatorSocket(base, hook, onMessage) {
  const config = await asOperator(base, hook, 'pull.config.get', { CACHE: 'N' });
  const url = new URL(config.server.websocket);
  url.searchParams.set('token', config.jwt);
  url.searchParams.set('jsonRpc', 'true');
  const ws = new WebSocket(url.toString());
  ws.on('message', (data) => {
    const text = data.toString();
    if (!text.includes('messageChat')) return;
    for (const line of text.split('\n')) {
      let frame;
      try { frame = JSON.parse(line); } catch { continue; }
      const list = Array.isArray(frame) ? frame : [frame];
      for (const f of list) {
        const body = f?.params?.body;
        if (body?.command === 'messageChat') onMessage(body.params.message.text);
      }
    }
  });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  return ws;
}

async function load(base, lineId, hooksFile, visitors, seconds, periodMs) {
  const hooks = readFileSync(hooksFile, 'utf8').split('\n').filter(Boolean);
  const waiting = new Map(); // message text → resolve
  const heard = (text) => {
    const done = waiting.get(text);
    if (done) { waiting.delete(text); done(); }
  };
  const sockets = await Promise.all(hooks.map((h) => operatorSocket(base, h, heard)));
  const people = new Array(visitors);
  await pool(visitors, 32, async (i) => { people[i] = await register(base, lineId); });

  // One message: the clock runs from the send to the operator's frame.
  const say = (v, text) => {
    const t0 = process.hrtime.bigint();
    const reached = new Promise((resolve) => waiting.set(text, resolve));
    return asVisitor(base, v.hash, 'im.message.add', { DIALOG_ID: v.dialogId, MESSAGE: text }).then(() => reached)
      .then(() => ms(t0));
  };
  // Warm-up: every visitor's first message opens its session (and is distributed).
  const t1 = process.hrtime.bigint();
  await pool(visitors, 64, (i) => say(people[i], `hello ${i}`));
  const openSeconds = ms(t1) / 1000;

  const summary = (latencies, elapsed) => {
    latencies.sort((a, b) => a - b);
    return {
      messages: latencies.length, messages_per_s: round(latencies.length / elapsed),
      p50_ms: round(pct(latencies, 0.5)), p99_ms: round(pct(latencies, 0.99)), max_ms: round(latencies.at(-1) ?? 0),
    };
  };
  const sleep = (t) => new Promise((resolve) => setTimeout(resolve, t));
  // Paced: each visitor starts at a random point of its period, so the offered load is even.
  let end = Date.now() + seconds * 1000;
  let latencies = [];
  let t2 = process.hrtime.bigint();
  await Promise.all(people.map(async (v, i) => {
    await sleep(Math.random() * periodMs);
    for (let k = 0; Date.now() < end; ++k) {
      const next = Date.now() + periodMs;
      latencies.push(await say(v, `v${i} p${k}`));
      // No wait past the phase's end: it would stretch the time the rate is divided by.
      if (next >= end) break;
      await sleep(Math.max(0, next - Date.now()));
    }
  }));
  const paced = summary(latencies, ms(t2) / 1000);

  end = Date.now() + seconds * 1000;
  latencies = [];
  t2 = process.hrtime.bigint();
  await Promise.all(people.map(async (v, i) => {
    for (let k = 0; Date.now() < end; ++k) latencies.push(await say(v, `v${i} m${k}`));
  }));
  const saturated = summary(latencies, ms(t2) / 1000);
  for (const ws of sockets) ws.terminate();
  return {
    visitors, operators: hooks.length, seconds, period_ms: periodMs,
    offered_per_s: round((visitors * 1000) / periodMs), sessions_opened_per_s: round(visitors / openSeconds),
    paced, saturated,
  };
}

async function first(base, lineId, count) {
  const people = [];
  await pool(count, 16, async () => { people.push(await register(base, lineId)); });
  const times = [];
  for (const v of people) {
    const t0 = process.hrtime.bigint();
    await asVisitor(base, v.hash, 'im.message.add', { DIALOG_ID: v.dialogId, MESSAGE: 'first words' });
    times.push(ms(t0));
  }
  times.sort((a, b) => a - b);
  return { count, first_p50_ms: round(pct(times, 0.5)), first_p99_ms: round(pct(times, 0.99)) };
}

const [mode, base, lineId, ...rest] = process.argv.slice(2);
let out;
if (mode === 'load') out = await load(base, Number(lineId), rest[0], Number(rest[1] || 1000), Number(rest[2] || 10), Number(rest[3] || 5000));
else if (mode === 'first') out = await first(base, Number(lineId), Number(rest[0] || 200));
else {
  console.error('usage: node bench/openlines.mjs load BASE LINE_ID OPHOOKS_FILE VISITORS SECONDS PERIOD_MS | first BASE LINE_ID COUNT');
  process.exit(2);
}
agent.destroy();
console.log(JSON.stringify(out));
