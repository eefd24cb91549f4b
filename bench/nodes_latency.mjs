// The push latency part of bench/nodes.sh: im.message.add through one node → the receiver's
// `message` frame on a push socket of another node (or the same node), paced, in interleaved rounds.
//
//   node bench/nodes_latency.mjs run CONFIG.json    → one JSON object on stdout
//   node bench/nodes_latency.mjs table RESULTS.json GAP_MS → its markdown section for the report
//
// CONFIG: {rounds, messages, warmup, gap_ms, settle_ms,
//          targets: [{name, send_port, recv_port, sender, receiver, to}]}
// `sender` and `receiver` are webhook paths (/rest/ID/SECRET/); the sender writes to the private
// dialog of user `to`, the receiver (user `to`) listens on recv_port. The receiver's socket is the
// one bench/push/client.mjs holds (a forked process, raw WebSocket, answers the server's pings),
// subscribed with the token pull.config.get gives on that node, as the PullClient connects. The
// client stamps each frame with CLOCK_MONOTONIC (process.hrtime), the clock this process stamps the
// request with, so the two compare across the processes.
//
// Sending is paced, open loop: message k of a target's round goes out at start + k × gap_ms (or as
// soon as the reply of message k − 1 is in, if that is later), without waiting for its frame. Each
// message is timed from the send of its request and from its reply to its frame; the first `warmup`
// of each target and round are not counted; a frame not seen 5 s after the last send is lost.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [mode, file, gapMs] = process.argv.slice(2);
const C = JSON.parse(readFileSync(file, 'utf8'));
const log = (...a) => console.error('bench/nodes:', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const pct = (a, p) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : null;
};
const round2 = (x) => (x === null ? null : +x.toFixed(2));

// One keep-alive connection per node (maxSockets 1): the sender's requests go one after another.
const agents = new Map();
function post(port, path, params) {
  if (!agents.has(port)) agents.set(port, new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const body = new URLSearchParams(params).toString();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent: agents.get(port),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) reject(new Error(`${path.replace(/\/rest\/[^/]*\/[^/]*\//, '/rest/…/')}: ${res.statusCode} ${text.slice(0, 300)}`));
        else resolve(JSON.parse(text));
      });
    });
    req.on('error', reject);
    // Headers and body may go out as two writes: without this Nagle would hold the second until
    // the server's delayed ACK (40 ms), measured as the server's time.
    req.on('socket', (s) => s.setNoDelay(true));
    req.end(body);
  });
}

// A receiver's socket on one node: a client.mjs process with one connection, which reports every
// frame that carries a message id ({ev: 'got', id, t}).
async function openSocket(port, receiver) {
  const config = (await post(port, `${receiver}pull.config.get`, { CACHE: 'N' })).result;
  const url = new URL(config.server.websocket);
  if (Number(url.port) !== port) throw new Error(`pull.config.get on :${port} names another node: ${url}`);
  const path = `${url.pathname}?token=${config.jwt}&jsonRpc=true&revision=19`;
  const child = fork(join(here, 'push', 'client.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const sock = { child, got: new Map() };
  const connected = new Promise((resolve) => {
    child.on('message', (m) => {
      if (m.ev === 'connected') resolve(m);
      else if (m.ev === 'got') sock.got.set(m.id, m.t);
    });
  });
  child.send({ cmd: 'connect', host: '127.0.0.1', port, localAddress: '127.0.0.1', paths: [path], concurrency: 1 });
  const c = await connected;
  if (c.ok !== 1) throw new Error(`the receiver's socket on :${port} did not open`);
  child.send({ cmd: 'mark', needle: '"message":{"id":' });
  return sock;
}

async function runTarget(t, sock, round) {
  const sent = []; // {id, t0, tReply}
  const total = C.messages + C.warmup;
  const start = nowMs();
  for (let k = 0; k < total; ++k) {
    const due = start + k * C.gap_ms;
    const wait = due - nowMs();
    if (wait > 0) await sleep(wait);
    const t0 = nowMs();
    const r = await post(t.send_port, `${t.sender}im.message.add`, { DIALOG_ID: String(t.to), MESSAGE: `Latency probe ${round}/${k} (${t.name})` });
    if (!r.result) throw new Error(`im.message.add: ${JSON.stringify(r)}`);
    sent.push({ id: r.result, t0, tReply: nowMs(), counted: k >= C.warmup });
  }
  const deadline = nowMs() + 5000;
  while (nowMs() < deadline && !sent.every((s) => sock.got.has(s.id))) await sleep(5);
  const fromSend = [], fromReply = [], rest = [];
  let lost = 0;
  for (const s of sent) {
    const t1 = sock.got.get(s.id);
    sock.got.delete(s.id);
    if (!s.counted) continue;
    if (t1 === undefined) { ++lost; continue; }
    fromSend.push(t1 - s.t0);
    fromReply.push(t1 - s.tReply);
    rest.push(s.tReply - s.t0);
  }
  const r = { target: t.name, round, messages: fromSend.length, lost, seconds: round2((nowMs() - start) / 1000),
    send_p50: round2(pct(fromSend, 50)), send_p99: round2(pct(fromSend, 99)), send_max: round2(fromSend.length ? Math.max(...fromSend) : null),
    reply_p50: round2(pct(fromReply, 50)), reply_p99: round2(pct(fromReply, 99)),
    before_reply: fromReply.filter((x) => x < 0).length, rest_p50: round2(pct(rest, 50)), rest_p99: round2(pct(rest, 99)) };
  log(`latency round ${round} ${t.name}: ${JSON.stringify(r)}`);
  return r;
}

async function run() {
  const sockets = new Map(); // `${recv_port} ${receiver}` → socket
  for (const t of C.targets) {
    const key = `${t.recv_port} ${t.receiver}`;
    if (!sockets.has(key)) sockets.set(key, await openSocket(t.recv_port, t.receiver));
  }
  // A node learns that a user may be reached on another node a round trip after the subscription
  // (docs/postgresql.md, may_reach_user): let that pass before the first message.
  await sleep(C.settle_ms);
  const results = [];
  for (let round = 1; round <= C.rounds; ++round) {
    // Each round in another order, so no target always follows the same one.
    const order = C.targets.map((_, i) => C.targets[(i + round - 1) % C.targets.length]);
    for (const t of order) results.push(await runTarget(t, sockets.get(`${t.recv_port} ${t.receiver}`), round));
  }
  for (const s of sockets.values()) { s.child.send({ cmd: 'exit' }); }
  for (const a of agents.values()) a.destroy();
  process.stdout.write(`${JSON.stringify({ results })}\n`);
}

// ---- the report's section -------------------------------------------------------------------------
const median = (a) => {
  const s = a.filter((x) => x !== null && Number.isFinite(x)).sort((x, y) => x - y);
  const n = s.length;
  return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : null;
};
const fmt = (x, d = 2) => (x === null ? '-' : x.toFixed(d));
function table() {
  const rows = C.results;
  const of = (target) => rows.filter((r) => r.target === target);
  const rounds = Math.max(...rows.map((r) => r.round));
  const med = (target, field) => median(of(target).map((r) => r[field]));
  // The ratio of two targets' figure, round by round, then the median.
  const ratio = (a, b, field) => median(Array.from({ length: rounds }, (_, i) => {
    const x = of(a).find((r) => r.round === i + 1)?.[field];
    const y = of(b).find((r) => r.round === i + 1)?.[field];
    return x != null && y ? x / y : null;
  }));
  const names = { cross: 'PostgreSQL, sent through node B, socket on node A (cross-node)',
    same: 'PostgreSQL, sent through node A, socket on node A (same node)', sqlite: 'SQLite, 1 node' };
  const out = [];
  const messages = of('cross')[0]?.messages ?? 0;
  out.push(`## Push latency: im.message.add → the receiver's \`message\` frame, paced one every ${gapMs} ms`);
  out.push('');
  out.push('The administrator writes into the private dialog with user 2, whose push socket (pull.config.get\'s token,');
  out.push(`JSON-RPC) is on node A; ${messages} counted messages a target and round after a warm-up. "from send": the`);
  out.push('request\'s send to the frame at the socket, the latency a user sees; "from reply": the REST reply to the');
  out.push('frame (negative when the frame came first). REST: the request\'s own time.');
  out.push('');
  out.push('| target | p50 ms from send | p99 ms from send | max ms | p50 ms from reply | p99 ms from reply | frames before the reply | REST p50 / p99 ms | lost | rounds (p50 from send) |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---|---:|---|');
  for (const t of ['cross', 'same', 'sqlite']) {
    if (!of(t).length) continue;
    const lost = of(t).reduce((s, r) => s + r.lost, 0);
    out.push(`| ${names[t]} | ${fmt(med(t, 'send_p50'))} | ${fmt(med(t, 'send_p99'))} | ${fmt(Math.max(...of(t).map((r) => r.send_max ?? 0)))} |` +
      ` ${fmt(med(t, 'reply_p50'))} | ${fmt(med(t, 'reply_p99'))} | ${of(t).reduce((s, r) => s + r.before_reply, 0)} of ${of(t).reduce((s, r) => s + r.messages, 0)} |` +
      ` ${fmt(med(t, 'rest_p50'))} / ${fmt(med(t, 'rest_p99'))} | ${lost} |` +
      ` ${of(t).map((r) => fmt(r.send_p50)).join(' ')} |`);
  }
  out.push('');
  out.push(`Cross-node / same node: p50 ${fmt(ratio('cross', 'same', 'send_p50'))}×, p99 ${fmt(ratio('cross', 'same', 'send_p99'))}×;` +
    ` cross-node / SQLite: p50 ${fmt(ratio('cross', 'sqlite', 'send_p50'))}×, p99 ${fmt(ratio('cross', 'sqlite', 'send_p99'))}×` +
    ' (from send; medians of the per-round ratios). max: the largest of all rounds.');
  process.stdout.write(`${out.join('\n')}\n`);
}

if (mode === 'run') await run();
else if (mode === 'table') table();
else throw new Error(`unknown mode ${mode}: run CONFIG.json | table RESULTS.json GAP_MS`);
