// Where the browser opens the messenger. imhub serves web/dist itself; a binary built without
// that (a branch behind the serving code) gets a loopback stand-in here: web/dist from disk and
// everything else proxied to imhub, WebSocket upgrades included, with the Origin header rewritten
// to imhub's so its same-origin checks pass. Tests use `origin.base` instead of `server.base`.
import http from 'node:http';
import net from 'node:net';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, dirname, extname, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const DIST = join(here, '..', '..', 'web', 'dist');
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.json': 'application/json' };

function isClientPage(path) {
  return path === '/' || path === '/login' || path.startsWith('/online') || path.startsWith('/devconsole');
}

async function servesClient(server) {
  try {
    const r = await fetch(`${server.base}/online/`);
    return r.ok && (r.headers.get('content-type') || '').startsWith('text/html');
  } catch {
    return false;
  }
}

/** {base, close()}: imhub itself when it serves the client, else the stand-in. */
export async function clientOrigin(server) {
  if (await servesClient(server)) return { base: server.base, close: async () => {} };
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('web/dist is not built (cd web && npm run build)');
  const target = new URL(server.base);
  const proxy = http.createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (req.method === 'GET' && (isClientPage(path) || path.startsWith('/assets/') || path === '/favicon.ico')) {
      const file = isClientPage(path) ? join(DIST, 'index.html') : join(DIST, normalize(path).replace(/^(\.\.[/\\])+/, ''));
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-cache' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
      return;
    }
    const headers = { ...req.headers, host: target.host };
    if (headers.origin) headers.origin = target.origin;
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  proxy.on('upgrade', (req, socket, head) => {
    const up = net.connect(Number(target.port), target.hostname, () => {
      const headers = { ...req.headers, host: target.host };
      if (headers.origin) headers.origin = target.origin;
      up.write(`${req.method} ${req.url} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
      if (head?.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${proxy.address().port}`;
  return {
    base,
    close: () => new Promise((resolve) => {
      proxy.closeAllConnections?.();
      proxy.close(() => resolve());
    }),
  };
}
