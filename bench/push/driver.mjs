// The WebSocket side of bench/push.sh. Mints the subscription tokens imhub's pull.config.get and
// pull.application.config.get would give (checked against a real answer of each first), spreads
// the client connections over several client.mjs processes, and measures, imhub and the `ws`
// reference in interleaved rounds:
//   hold     connections held, RSS per idle connection, idle CPU;
//   latency  im.message.add into a big chat → the last member's messageChat frame;
//   fanout   frames delivered per second at saturation, one publish to the shared channel of an
//            application reaching every subscriber.
// Prints one JSON object with every figure on stdout (bench/push/report.mjs renders it).
//
//   node driver.mjs bench CONFIG.json
//   node driver.mjs hold CONFIG.json  connects `load_users` users to imhub, prints "ready", holds
//                                     them until SIGTERM, then prints the frames they received.
import { fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [mode, configFile] = process.argv.slice(2);
const C = JSON.parse(readFileSync(configFile, 'utf8'));
const log = (...a) => console.error('bench/push:', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

// ---- tokens (src/push/channel.cpp, src/push/jwt.cpp) ------------------------------------------
const hex = (key, data) => createHmac('sha256', key).update(data).digest('hex');
const pushKey = hex(readFileSync(join(C.data, 'imhub.key'), 'utf8').trim(), 'imhub push channels v1');
const privateChannel = (uid, type = 'private') => hex(pushKey, `private:${type}:${uid}`).slice(0, 32);
const sharedChannel = (type) => hex(pushKey, `shared:${type}`).slice(0, 32);
const b64 = (s) => Buffer.from(s).toString('base64url');
// jti: imhub makes one per config (a long-polling client is known by it); any 16 hex digits do here.
function mint(uid, type, iss, iat, exp, jti = Number(uid).toString(16).padStart(16, '0')) {
  const claims = { iss, iat, exp, sub: String(uid), chan: `${privateChannel(uid, type)},${sharedChannel(type === 'private' ? 'shared' : type)}`, ctyp: type, jti };
  const input = `${b64('{"typ":"JWT","alg":"HS256"}')}.${b64(JSON.stringify(claims))}`;
  return `${input}.${createHmac('sha256', pushKey).update(input).digest('base64url')}`;
}
const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
const pathFor = (token) => `/bitrix/subws/?token=${token}&jsonRpc=true&revision=19`;

// ---- HTTP ------------------------------------------------------------------------------------
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function post(port, path, body, type = 'application/x-www-form-urlencoded') {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent,
      headers: { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) reject(new Error(`${path.replace(/\/rest\/[^?]*\//, '/rest/…/')}: ${res.statusCode} ${text.slice(0, 300)}`));
        else resolve(text);
      });
    });
    req.on('error', reject);
    // Headers and body may go out as two writes: without this, Nagle holds the second until the
    // server's delayed ACK (40 ms), which would be measured as the server's time.
    req.on('socket', (s) => s.setNoDelay(true));
    req.end(body);
  });
}
const form = (o) => new URLSearchParams(o).toString();
const rest = async (method, params) => JSON.parse(await post(C.port, `${C.webhook}${method}`, form(params)));
const appRest = async (method, params) => JSON.parse(await post(C.port, `/rest/${method}`, form({ ...params, auth: C.app_token })));

// ---- /proc -----------------------------------------------------------------------------------
const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
const cpuTicks = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (100/s)
};
const median = (a) => { const s = [...a].sort((x, y) => x - y); const n = s.length; return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : null; };
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : null; };

// ---- client processes ------------------------------------------------------------------------
class Clients {
  constructor(port, paths, procs) {
    this.port = port;
    this.procs = [];
    const per = Math.ceil(paths.length / procs);
    for (let k = 0; k < procs && k * per < paths.length; ++k) {
      const child = fork(join(here, 'client.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const p = { child, paths: paths.slice(k * per, (k + 1) * per), stats: { total: 0, min: 0, open: 0 }, waiters: [] };
      child.on('message', (m) => {
        if (m.ev === 'stats') p.stats = m;
        for (const w of [...p.waiters]) if (w.ev === m.ev) { p.waiters.splice(p.waiters.indexOf(w), 1); w.resolve(m); }
        if (this.onMessage) this.onMessage(m);
      });
      this.procs.push(p);
    }
  }
  pids() { return this.procs.map((p) => p.child.pid); }
  wait(p, ev) { return new Promise((resolve) => p.waiters.push({ ev, resolve })); }
  all(cmd, ev) { return Promise.all(this.procs.map((p) => { const w = ev && this.wait(p, ev); p.child.send(cmd); return w; })); }
  async connect(concurrency = 64) {
    const t0 = nowMs();
    const res = await Promise.all(this.procs.map((p, k) => {
      const w = this.wait(p, 'connected');
      // Each process its own source address: 20,000 sockets would crowd one address's ports.
      p.child.send({ cmd: 'connect', host: '127.0.0.1', port: this.port, localAddress: `127.0.0.${10 + k}`, paths: p.paths, concurrency });
      return w;
    }));
    // The slowest process's own time: the processes' start-up is not the server's.
    return { ok: res.reduce((s, r) => s + r.ok, 0), failed: res.reduce((s, r) => s + r.failed, 0), ms: Math.max(...res.map((r) => r.ms)), wall_ms: nowMs() - t0 };
  }
  stats() { return this.all({ cmd: 'stats' }, 'stats'); }
  total() { return this.procs.reduce((s, p) => s + p.stats.total, 0); }
  min() { return Math.min(...this.procs.map((p) => p.stats.min)); }
  async close() {
    await this.all({ cmd: 'close' }, 'closed');
    for (const p of this.procs) { p.child.send({ cmd: 'exit' }); }
    await Promise.all(this.procs.map((p) => new Promise((r) => (p.child.exitCode !== null ? r() : p.child.once('exit', r)))));
  }
  clientCpuTicks() { return this.procs.reduce((s, p) => { try { return s + cpuTicks(p.child.pid); } catch { return s; } }, 0); }
}

// Waits until `cond()` holds, checking every `every` ms; false after `timeout` ms.
async function until(cond, timeout, every = 50) {
  const end = Date.now() + timeout;
  while (Date.now() < end) { if (await cond()) return true; await sleep(every); }
  return false;
}

// ---- the checks of the minted tokens -----------------------------------------------------------
let iss, iat, exp;
async function checkTokens(withApp = true) {
  const user = (await rest('pull.config.get', { CACHE: 'N' })).result;
  const c = claimsOf(user.jwt);
  ({ iss, iat, exp } = c);
  const minted = mint(1, 'private', iss, iat, exp, c.jti);
  if (minted !== user.jwt) throw new Error(`minted token differs from pull.config.get's:\n${minted}\n${user.jwt}`);
  if (!withApp) return;
  const app = (await appRest('pull.application.config.get', {})).result;
  const a = claimsOf(app.jwt);
  if (mint(1, C.client_id, a.iss, a.iat, a.exp, a.jti) !== app.jwt) throw new Error('minted application token differs from pull.application.config.get\'s');
}
const userPaths = (from, n, type = 'private') => Array.from({ length: n }, (_, i) => pathFor(mint(from + i, type, iss, iat, exp)));

// ---- 1. connections held ---------------------------------------------------------------------
async function hold(server, port, pid, n) {
  const settle = async () => { await sleep(1500); return rssKb(pid); };
  const before = await settle();
  const clients = new Clients(port, userPaths(1, n), C.hold_procs);
  const c = await clients.connect(C.connect_concurrency);
  await clients.stats();
  const after = await settle();
  const ticks0 = cpuTicks(pid);
  await sleep(C.idle_seconds * 1000);
  const idleCpu = (cpuTicks(pid) - ticks0) / C.idle_seconds; // % of one core
  const stats = await clients.stats();
  const open = stats.reduce((s, m) => s + m.open, 0);
  await clients.close();
  const closed = await settle();
  const r = { server, wanted: n, connected: c.ok, failed: c.failed, open_after_idle: open, connect_ms: Math.round(c.ms),
    rss_before_kb: before, rss_after_kb: after, rss_closed_kb: closed,
    kb_per_conn: c.ok ? +((after - before) / c.ok).toFixed(2) : null, idle_cpu_pct: +idleCpu.toFixed(1) };
  log(`hold ${server}: ${JSON.stringify(r)}`);
  return r;
}

// ---- 2. latency into a big chat --------------------------------------------------------------
async function latency(server, port, clients, send) {
  const got = new Map(); // id → [times]
  clients.onMessage = (m) => { if (m.ev === 'got') { if (!got.has(m.id)) got.set(m.id, []); got.get(m.id).push(m.t); } };
  await clients.all({ cmd: 'mark', needle: '"message":{"id":' });
  const fromReply = [], fromSend = [];
  let lost = 0;
  for (let k = 0; k < C.lat_messages + C.lat_warmup; ++k) {
    const t0 = nowMs();
    const id = await send(k);
    const tReply = nowMs();
    const ok = await until(() => (got.get(id) || []).length === clients.procs.length, 10000, 1);
    if (!ok) { ++lost; continue; }
    const last = Math.max(...got.get(id));
    got.delete(id);
    if (k >= C.lat_warmup) { fromReply.push(last - tReply); fromSend.push(last - t0); }
    await sleep(C.lat_gap_ms);
  }
  clients.onMessage = null;
  await clients.all({ cmd: 'mark', needle: null });
  const f = (x) => (x === null ? null : +x.toFixed(2));
  const r = { server, messages: fromReply.length, lost, p50_ms: f(pct(fromReply, 50)), p99_ms: f(pct(fromReply, 99)), max_ms: f(Math.max(...fromReply)),
    send_p50_ms: f(pct(fromSend, 50)), send_p99_ms: f(pct(fromSend, 99)) };
  log(`latency ${server}: ${JSON.stringify(r)}`);
  return r;
}

async function latencyRounds() {
  const members = C.big_members;
  const paths = userPaths(1, members);
  const out = { imhub: [], ref: [] };
  let sample = null;
  const imhubSend = async (k) => {
    const r = await rest('im.message.add', { DIALOG_ID: `chat${C.big_chat}`, MESSAGE: `Latency probe ${k} into the big chat` });
    if (!r.result) throw new Error(JSON.stringify(r));
    return r.result;
  };
  const channels = Array.from({ length: members }, (_, i) => privateChannel(i + 1)).join(',');
  let refId = 1e9;
  const refSend = async () => {
    const id = ++refId;
    await post(C.ref_port, '/pub', `${channels}\n${sample.replace(/"message":\{"id":\d+/, `"message":{"id":${id}`)}`, 'text/plain');
    return id;
  };
  for (let round = 1; round <= C.lat_rounds; ++round) {
    for (const server of ['imhub', 'ref']) {
      const port = server === 'imhub' ? C.port : C.ref_port;
      const clients = new Clients(port, paths, C.procs);
      const c = await clients.connect(C.connect_concurrency);
      if (c.failed) throw new Error(`latency ${server}: ${c.failed} of ${members} connections failed`);
      if (!sample) {
        const w = clients.wait(clients.procs[0], 'sample');
        await clients.all({ cmd: 'sample' });
        await imhubSend('sample');
        sample = (await w).text;
        if (!/"command":"messageChat"/.test(sample) || !/"message":\{"id":\d+/.test(sample)) throw new Error(`unexpected frame: ${sample.slice(0, 300)}`);
        await sleep(500);
      }
      const r = await latency(server, port, clients, server === 'imhub' ? imhubSend : refSend);
      // imhub keeps every member's frame of every message for catch-up (push.expiry, at most
      // push.max_per_channel per channel): what that costs shows here.
      r.rss_after_kb = rssKb(server === 'imhub' ? C.pid : C.ref_pid);
      out[server].push(r);
      await clients.close();
    }
  }
  return { frame_bytes: Buffer.byteLength(sample), rounds: out };
}

// ---- 3. fan-out throughput -------------------------------------------------------------------
async function fanout(server, port, pid, clients, publish) {
  // A closed loop on the slowest socket: at most `window` publishes beyond what every socket has
  // received, so no queue overflows (imhub closes a socket past push.send_queue) and the rate is
  // what the server sustains.
  let published = 0, inflight = 0, running = true, errors = 0;
  await clients.all({ cmd: 'report', every: 5 });
  const pump = async () => {
    while (running) {
      if (published - clients.min() >= C.window) { await sleep(1); continue; }
      ++published;
      try { await publish(published); } catch (e) { ++errors; if (errors === 1) log(`${server} publish: ${e.message}`); await sleep(5); }
    }
  };
  const pumps = Array.from({ length: C.pub_concurrency }, () => { ++inflight; return pump().finally(() => --inflight); });
  await sleep(C.fanout_warmup * 1000);
  const t0 = nowMs(), f0 = clients.total(), cpu0 = cpuTicks(pid), ccpu0 = clients.clientCpuTicks();
  await sleep(C.fanout_seconds * 1000);
  const t1 = nowMs(), f1 = clients.total(), cpu1 = cpuTicks(pid), ccpu1 = clients.clientCpuTicks();
  running = false;
  await Promise.all(pumps);
  await clients.all({ cmd: 'report', every: 0 });
  const stats = await clients.stats();
  const open = stats.reduce((s, m) => s + m.open, 0);
  const secs = (t1 - t0) / 1000;
  const r = { server, frames_per_s: Math.round((f1 - f0) / secs), publishes_per_s: Math.round((f1 - f0) / secs / clients.procs.reduce((s, p) => s + p.paths.length, 0)),
    server_cpu_pct: Math.round((cpu1 - cpu0) / secs),
    // Frames per second of server CPU: what one core of the server delivers, whether or not the
    // clients sharing the machine let it run flat out.
    frames_per_cpu_s: cpu1 > cpu0 ? Math.round((f1 - f0) / ((cpu1 - cpu0) / 100)) : null,
    clients_cpu_pct: Math.round((ccpu1 - ccpu0) / secs), open, errors };
  log(`fanout ${server}: ${JSON.stringify(r)}`);
  return r;
}

async function fanoutRounds() {
  const n = C.fanout_clients;
  const paths = userPaths(1, n, C.client_id);
  const shared = sharedChannel(C.client_id);
  const pad = 'x'.repeat(C.frame_pad);
  let sample = null;
  const imhubPublish = async (k) => {
    const r = await appRest('pull.application.event.add', { COMMAND: 'benchTick', PARAMS: JSON.stringify({ n: k, pad }) });
    if (r.result !== true) throw new Error(JSON.stringify(r));
  };
  const refPublish = () => post(C.ref_port, '/pub', `${shared}\n${sample}`, 'text/plain');
  const out = { imhub: [], ref: [] };
  for (let round = 1; round <= C.rounds; ++round) {
    for (const server of ['imhub', 'ref']) {
      const port = server === 'imhub' ? C.port : C.ref_port;
      const pid = server === 'imhub' ? C.pid : C.ref_pid;
      const clients = new Clients(port, paths, C.procs);
      const c = await clients.connect(C.connect_concurrency);
      if (c.failed) throw new Error(`fanout ${server}: ${c.failed} of ${n} connections failed`);
      if (!sample) {
        const w = clients.wait(clients.procs[0], 'sample');
        await clients.all({ cmd: 'sample' });
        await imhubPublish(0);
        sample = (await w).text;
        if (!sample.includes('"command":"benchTick"')) throw new Error(`unexpected frame: ${sample.slice(0, 300)}`);
      }
      out[server].push(await fanout(server, port, pid, clients, server === 'imhub' ? imhubPublish : refPublish));
      await clients.close();
    }
  }
  return { frame_bytes: Buffer.byteLength(sample), clients: n, rounds: out };
}

// ---- main ------------------------------------------------------------------------------------
async function bench() {
  await checkTokens();
  const result = { config: C, hold: { imhub: [], ref: [] } };
  const phases = new Set(C.phases.split(','));
  // Connections first, on servers that have held nothing yet, so the RSS growth is all theirs.
  for (let round = 1; phases.has('hold') && round <= C.hold_rounds; ++round) {
    result.hold.imhub.push(await hold('imhub', C.port, C.pid, C.hold));
    result.hold.ref.push(await hold('ref', C.ref_port, C.ref_pid, C.hold));
  }
  if (phases.has('latency')) result.latency = await latencyRounds();
  if (!phases.has('fanout')) { console.log(JSON.stringify(result)); return; }
  result.fanout = await fanoutRounds();
  const ratios = result.fanout.rounds.imhub.map((r, i) => r.frames_per_s / result.fanout.rounds.ref[i].frames_per_s);
  result.fanout.ratio_per_round = ratios.map((x) => +x.toFixed(2));
  result.fanout.ratio_median = +median(ratios).toFixed(2);
  const perCpu = result.fanout.rounds.imhub.map((r, i) => r.frames_per_cpu_s / result.fanout.rounds.ref[i].frames_per_cpu_s);
  result.fanout.cpu_ratio_per_round = perCpu.map((x) => +x.toFixed(2));
  result.fanout.cpu_ratio_median = +median(perCpu).toFixed(2);
  console.log(JSON.stringify(result));
}

async function holdForLoad() {
  await checkTokens(false);
  const clients = new Clients(C.port, userPaths(1, C.load_users), C.procs);
  const c = await clients.connect(C.connect_concurrency);
  if (c.failed) throw new Error(`load: ${c.failed} of ${C.load_users} connections failed`);
  console.log('ready');
  // The frames received so far, for the script to see when the pushes owed have all arrived.
  await clients.all({ cmd: 'report', every: 250 });
  setInterval(() => {
    const open = clients.procs.reduce((s, p) => s + p.stats.open, 0);
    writeFileSync(C.load_stats, JSON.stringify({ frames: clients.total(), open }));
  }, 250);
  process.on('SIGTERM', async () => {
    const stats = await clients.stats();
    console.log(JSON.stringify({ frames: stats.reduce((s, m) => s + m.total, 0), open: stats.reduce((s, m) => s + m.open, 0) }));
    await clients.close();
    process.exit(0);
  });
}

(mode === 'hold' ? holdForLoad() : bench()).catch((e) => { log(e.stack || e.message); process.exit(1); });
