// A minimal WebSocket client for the push tests (Node 20 has no global WebSocket): the upgrade,
// masked text frames out, text (fragmented or not) and close frames in. Enough to watch what the server sends.
import net from 'node:net';
import { randomBytes } from 'node:crypto';

export function connectWs(url) {
  const u = new URL(url);
  const socket = net.connect(Number(u.port), u.hostname);
  const key = randomBytes(16).toString('base64');
  const ws = {
    frames: [], // text frames received, in order
    waiters: [],
    closeCode: null,
    closed: null,
    status: 0,
    send(text) { socket.write(frame(1, Buffer.from(text))); },
    close(code = 1000) {
      const b = Buffer.alloc(2); b.writeUInt16BE(code);
      socket.write(frame(8, b));
    },
    destroy() { socket.destroy(); },
    // Stops and restarts reading the socket (a client too slow to take what the server sends).
    pause() { socket.pause(); },
    resume() { socket.resume(); },
    // Resolves with the first frame (from `from` on) that `pred` accepts.
    next(pred = () => true, timeout = 5000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (let i = from; i < ws.frames.length; ++i) if (pred(ws.frames[i])) { resolve(ws.frames[i]); return true; }
          return false;
        };
        if (check()) return;
        const t = setTimeout(() => reject(new Error(`no matching frame in ${timeout} ms; got ${JSON.stringify(ws.frames)}`)), timeout);
        ws.waiters.push(() => { if (check()) { clearTimeout(t); return true; } return false; });
      });
    },
  };
  let closedResolve;
  ws.closed = new Promise((r) => { closedResolve = r; });
  let buf = Buffer.alloc(0);
  let partial = null; // the text message being reassembled from fragments
  let upgraded = false;
  let openResolve, openReject;
  ws.opened = new Promise((res, rej) => { openResolve = res; openReject = rej; });
  socket.on('connect', () => {
    socket.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  });
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    if (!upgraded) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString();
      ws.status = Number(head.split(' ')[1]);
      buf = buf.subarray(end + 4);
      upgraded = true;
      if (ws.status !== 101) { openReject(new Error(head)); socket.destroy(); return; }
      openResolve(ws);
    }
    for (;;) {
      if (buf.length < 2) return;
      const buf0 = buf[0];
      const op = buf0 & 0x0f;
      let len = buf[1] & 0x7f;
      let off = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
      if (buf.length < off + len) return;
      const payload = buf.subarray(off, off + len);
      buf = buf.subarray(off + len);
      const fin = (buf0 & 0x80) !== 0;
      // A long message arrives fragmented: a text frame without FIN, then continuation frames.
      if (op === 1 || (op === 0 && partial)) {
        partial = partial ? Buffer.concat([partial, payload]) : Buffer.from(payload);
        if (!fin) continue;
        ws.frames.push(partial.toString());
        partial = null;
        ws.waiters = ws.waiters.filter((w) => !w());
      } else if (op === 8) {
        ws.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        socket.write(frame(8, payload.subarray(0, 2)));
        socket.end();
      } else if (op === 9) {
        socket.write(frame(10, payload));
      }
    }
  });
  socket.on('close', () => { closedResolve(ws.closeCode); openReject(new Error('closed before upgrade')); });
  socket.on('error', () => {});
  return ws;
}

function frame(op, payload) {
  const mask = randomBytes(4);
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | op, 0x80 | len])
    : len < 65536 ? Buffer.from([0x80 | op, 0x80 | 126, len >> 8, len & 0xff])
      : (() => { const h = Buffer.alloc(10); h[0] = 0x80 | op; h[1] = 0x80 | 127; h.writeBigUInt64BE(BigInt(len), 2); return h; })();
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; ++i) body[i] ^= mask[i % 4];
  return Buffer.concat([head, mask, body]);
}

// The im/application bodies of the JSON-RPC `incoming.message` frames received so far.
export function bodies(ws) {
  return ws.frames.filter((f) => f.startsWith('{') && f.includes('incoming.message'))
    .map((f) => JSON.parse(f).params);
}

// A socket subscribed with a push config's token (and `mid` when given), in the JSON-RPC mode, open.
export async function subscribe(config, mid) {
  const url = new URL(config.server.websocket);
  url.searchParams.set('token', config.jwt);
  url.searchParams.set('jsonRpc', 'true');
  url.searchParams.set('revision', '19');
  if (mid) url.searchParams.set('mid', mid);
  const ws = connectWs(url.toString());
  await ws.opened;
  return ws;
}

// A push socket of the user `auth` names ({ webhook } or a harness request option), subscribed
// with its pull.config.get token, as the official PullClient connects. `server` is the harness's.
export async function pullSocket(server, auth) {
  const config = (await server.ok('pull.config.get', { CACHE: 'N' }, auth)).result;
  const url = new URL(config.server.websocket);
  url.searchParams.set('token', config.jwt);
  url.searchParams.set('jsonRpc', 'true');
  const ws = connectWs(url.toString());
  await ws.opened;
  return ws;
}

// The body ({module_id, command, params}) of a pushed im command frame, or null for other frames.
export const pushBody = (f) => (f.includes('"incoming.message"') ? JSON.parse(f).params.body : null);
// The next command `command` of `module` on `ws` whose params `pred` accepts: its body.
export async function nextPush(ws, module, command, pred = () => true) {
  return pushBody(await ws.next((f) => {
    const b = pushBody(f);
    return !!b && b.module_id === module && b.command === command && pred(b.params);
  }));
}
