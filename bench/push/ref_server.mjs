// The reference of bench/push.sh: a minimal broadcast server on the `ws` package, the engine of
// Bitrix's own Node push server. Clients connect with the same URL they use against imhub
// (/bitrix/subws/?token=<JWT>); the token's signature is checked with the same push key and its
// `chan` claim gives the channels, as imhub does. A publisher POSTs to /pub a body of
// the channel ids (comma separated), a newline and the frame; the frame goes, as is, to every
// socket subscribed to one of them (once per socket). Nothing is stored, numbered or serialized per message: the reference does less work
// per frame than imhub, which keeps every message for catch-up and builds its JSON-RPC envelope.
//
// Usage: node ref_server.mjs PORT DATA_DIR  (the push key is derived from DATA_DIR/imhub.key as
// src/push/channel.cpp does; prints "listening" when ready)
import http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2]);
const master = readFileSync(join(process.argv[3], 'imhub.key'), 'utf8').trim();
const pushKey = createHmac('sha256', master).update('imhub push channels v1').digest('hex');
const PING_SECONDS = 10;
const channels = new Map(); // channel id → Set of sockets

function verify(token) {
  const parts = (token || '').split('.');
  if (parts.length !== 3) return null;
  const expected = createHmac('sha256', pushKey).update(`${parts[0]}.${parts[1]}`).digest();
  const got = Buffer.from(parts[2], 'base64url');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return null;
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
  if (!(claims.exp > Date.now() / 1000)) return null;
  return String(claims.chan || '').split(',').filter(Boolean);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/pub') { res.writeHead(404).end(); return; }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    const nl = body.indexOf('\n');
    const frame = body.slice(nl + 1);
    const done = new Set();
    let sent = 0;
    for (const id of body.slice(0, Math.max(nl, 0)).split(',')) {
      const subs = channels.get(id);
      if (!subs) continue;
      for (const ws of subs) {
        if (done.has(ws)) continue;
        done.add(ws);
        ws.send(frame);
        ++sent;
      }
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(`{"sent":${sent}}`);
  });
});

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: true });
server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://x');
  const chans = url.pathname === '/bitrix/subws/' ? verify(url.searchParams.get('token')) : null;
  wss.handleUpgrade(req, socket, head, (ws) => {
    if (!chans) { ws.close(4010, 'Wrong channel id'); return; }
    for (const id of chans) {
      if (!channels.has(id)) channels.set(id, new Set());
      channels.get(id).add(ws);
    }
    ws.on('message', () => {}); // "pong" and acks
    ws.on('error', () => {});
    ws.on('close', () => {
      for (const id of chans) {
        const subs = channels.get(id);
        if (!subs) continue;
        subs.delete(ws);
        if (subs.size === 0) channels.delete(id);
      }
    });
  });
});

// One timer for all sockets, as Bitrix's server does: the text `ping` the PullClient answers.
setInterval(() => { for (const ws of wss.clients) ws.send('ping'); }, PING_SECONDS * 1000).unref();

server.listen(port, '127.0.0.1', () => console.log('listening'));
process.on('SIGTERM', () => process.exit(0));
