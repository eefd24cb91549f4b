// A load-generator process of bench/push.sh (forked by driver.mjs, IPC messages both ways): holds
// many WebSocket client connections on raw sockets and does as little as possible per frame, so
// the clients cost the same for imhub and the reference. It answers the server's `ping` text
// with `pong` (as the PullClient does; imhub closes silent sockets) and control pings with pongs.
//
// Parent → child: {cmd: 'connect', host, port, localAddress, paths: [...], concurrency}
//                 {cmd: 'report', every}  counters every `every` ms ({ev: 'stats', total, min, open})
//                 {cmd: 'mark', needle}   latency mode: frames containing `needle` are matched by the
//                                         number after it; {ev: 'got', id, t} once every socket of
//                                         this process has one (t: the last receipt, CLOCK_MONOTONIC ms)
//                 {cmd: 'sample'}         the next data frame's text ({ev: 'sample', text})
//                 {cmd: 'reset'}          counters to zero
//                 {cmd: 'close'}          closes every socket ({ev: 'closed'}); 'exit' ends the process
import net from 'node:net';
import { randomBytes } from 'node:crypto';

const PONG = Buffer.from([0x81, 0x84, 0, 0, 0, 0, ...Buffer.from('pong')]); // masked with a zero key
let sockets = [];
let counts = new Uint32Array(0);
let total = 0;
let needle = null;
let sampling = false;
let reportTimer = null;
const pending = new Map(); // message id → {n, last}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function onMessage(i, payload, op) {
  // A data message: `payload` is the whole text (reassembled when fragmented) or null in count
  // mode when the message came in fragments and nothing needs its text.
  if (op === 1 && payload && payload.length === 4 && payload.toString() === 'ping') {
    sockets[i].write(PONG);
    return;
  }
  ++counts[i];
  ++total;
  if (sampling && payload) { sampling = false; process.send({ ev: 'sample', text: payload.toString() }); }
  if (needle && payload) {
    const at = payload.indexOf(needle);
    if (at < 0) return;
    let id = 0;
    for (let k = at + needle.length; k < payload.length && payload[k] >= 48 && payload[k] <= 57; ++k) id = id * 10 + payload[k] - 48;
    const t = nowMs();
    const p = pending.get(id) || { n: 0, last: 0 };
    p.n += 1;
    p.last = t;
    if (p.n === sockets.length) { pending.delete(id); process.send({ ev: 'got', id, t }); } else pending.set(id, p);
  }
}

function open(i, host, port, localAddress, path) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, localAddress });
    sockets[i] = s;
    s.setNoDelay(true);
    let buf = null;
    let upgraded = false;
    let frag = null; // chunks of a fragmented message
    let fragOp = 0;
    let settled = false;
    const done = (ok) => { if (!settled) { settled = true; resolve(ok); } };
    s.on('connect', () => {
      s.write(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    s.on('data', (d) => {
      buf = buf && buf.length ? Buffer.concat([buf, d]) : d;
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!buf.subarray(0, 12).toString().endsWith('101')) { done(false); s.destroy(); return; }
        upgraded = true;
        buf = buf.subarray(end + 4);
        done(true);
      }
      let off = 0;
      while (buf.length - off >= 2) {
        const fin = buf[off] & 0x80;
        const op = buf[off] & 0x0f;
        let len = buf[off + 1] & 0x7f;
        let head = 2;
        if (len === 126) { if (buf.length - off < 4) break; len = buf.readUInt16BE(off + 2); head = 4; }
        else if (len === 127) { if (buf.length - off < 10) break; len = Number(buf.readBigUInt64BE(off + 2)); head = 10; }
        if (buf.length - off < head + len) break;
        const payload = buf.subarray(off + head, off + head + len);
        off += head + len;
        if (op === 9) {
          s.write(Buffer.concat([Buffer.from([0x8a, 0x80 | len, 0, 0, 0, 0]), payload]));
        } else if (op === 8) {
          s.end();
        } else if (op === 1 || op === 2) {
          if (fin) onMessage(i, payload, op);
          else { frag = needle || sampling ? [Buffer.from(payload)] : []; fragOp = op; }
        } else if (op === 0 && frag) {
          if (needle || sampling) frag.push(Buffer.from(payload));
          if (fin) { onMessage(i, frag.length ? Buffer.concat(frag) : null, fragOp); frag = null; }
        }
      }
      buf = off === buf.length ? null : buf.subarray(off);
    });
    s.on('error', () => done(false));
    s.on('close', () => { done(false); s.closedFlag = true; });
  });
}

async function connectAll({ host, port, localAddress, paths, concurrency }) {
  sockets = new Array(paths.length);
  counts = new Uint32Array(paths.length);
  const t0 = nowMs();
  let next = 0, ok = 0, failed = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      if (await open(i, host, port, localAddress, paths[i])) ++ok; else ++failed;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  process.send({ ev: 'connected', ok, failed, ms: nowMs() - t0 });
}

function stats() {
  let min = Infinity, openCount = 0;
  for (let i = 0; i < sockets.length; ++i) {
    if (!sockets[i] || sockets[i].closedFlag) continue;
    ++openCount;
    if (counts[i] < min) min = counts[i];
  }
  return { ev: 'stats', total, min: min === Infinity ? 0 : min, open: openCount };
}

process.on('message', (m) => {
  if (m.cmd === 'connect') connectAll(m);
  else if (m.cmd === 'report') {
    clearInterval(reportTimer);
    reportTimer = m.every ? setInterval(() => process.send(stats()), m.every) : null;
  } else if (m.cmd === 'stats') process.send(stats());
  else if (m.cmd === 'mark') { needle = m.needle ? Buffer.from(m.needle) : null; pending.clear(); }
  else if (m.cmd === 'sample') sampling = true;
  else if (m.cmd === 'reset') { counts.fill(0); total = 0; }
  else if (m.cmd === 'close') {
    clearInterval(reportTimer);
    let left = sockets.filter((s) => s && !s.closedFlag).length;
    if (left === 0) { process.send({ ev: 'closed' }); return; }
    for (const s of sockets) {
      if (!s || s.closedFlag) continue;
      s.once('close', () => { if (--left === 0) process.send({ ev: 'closed' }); });
      s.destroy();
    }
  } else if (m.cmd === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
