// The browser client served by the binary (issue 13): pages give index.html uncached with the
// page's security headers, hashed assets are immutable, precompressed variants follow
// Accept-Encoding, ETags answer 304, nothing outside the web root is ever served, and the other
// routes (/rest/, /auth/, /healthz …) keep their handlers. A server without a web root keeps the
// plain /login form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { Server, startServer } from './harness.mjs';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-abc123.js"></script></head>'
  + '<body><div id="app"></div></body></html>\n';
const JS = `console.log(${JSON.stringify('imhub '.repeat(400))});\n`;
const CSS = 'body{margin:0}\n';
const SECRET = 'secret outside the web root';

let base, root, srv, plain;

before(async () => {
  base = mkdtempSync(join(tmpdir(), 'imhub-web-'));
  root = join(base, 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'assets', 'app-abc123.js'), JS);
  writeFileSync(join(root, 'assets', 'app-abc123.js.br'), brotliCompressSync(JS));
  writeFileSync(join(root, 'assets', 'app-abc123.js.gz'), gzipSync(JS));
  writeFileSync(join(root, 'assets', 'style-def456.css'), CSS);
  writeFileSync(join(root, 'favicon.ico'), Buffer.from([0, 0, 1, 0]));
  writeFileSync(join(base, 'x'), SECRET);
  writeFileSync(join(base, 'imhub.db'), SECRET);
  symlinkSync(join(base, 'x'), join(root, 'assets', 'link.js'));
  srv = await startServer({ webRoot: root });
  plain = await startServer();
});

after(async () => {
  await srv?.cleanup();
  await plain?.cleanup();
  rmSync(base, { recursive: true, force: true });
});

// fetch() undoes dot segments and decodes nothing useful for these checks, so the request line is
// written by hand: the path reaches the server exactly as given.
function rawGet(port, path, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    sock.on('data', (d) => { data = Buffer.concat([data, d]); });
    sock.on('error', reject);
    sock.on('end', () => {
      const text = data.toString('latin1');
      const cut = text.indexOf('\r\n\r\n');
      const head = cut < 0 ? text : text.slice(0, cut);
      const body = cut < 0 ? '' : text.slice(cut + 4);
      resolve({ status: Number(head.split(' ')[1]), head, body });
    });
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    sock.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${extra}\r\n`);
  });
}

function assertPage(r, text) {
  assert.equal(r.status, 200);
  assert.equal(text, INDEX);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('referrer-policy'), 'same-origin');
  const csp = r.headers.get('content-security-policy');
  for (const directive of ["script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src * data: blob:",
    "connect-src 'self' ws: wss:", 'frame-src *', "frame-ancestors 'self'"]) {
    assert.ok(csp.includes(directive), `${directive} in ${csp}`);
  }
  assert.ok(!csp.includes('form-action'), 'placements post forms into their frames');
  assert.match(r.headers.get('etag'), /^"[0-9a-f]+"$/);
}

test('the client pages all serve index.html, uncached, with the security headers', async () => {
  for (const path of ['/', '/online/?IM_DIALOG=chat5', '/online', '/online/chat/5', '/login', '/devconsole',
    '/devconsole/x']) {
    const r = await fetch(srv.base + path);
    assertPage(r, await r.text());
  }
});

test('HEAD of a page: the headers and length, no body', async () => {
  const r = await rawGet(srv.port, '/', {}, 'HEAD');
  assert.equal(r.status, 200);
  assert.match(r.head, new RegExp(`\r\nContent-Length: ${Buffer.byteLength(INDEX)}(\r\n|$)`));
  assert.equal(r.body, '');
});

test('assets: immutable, typed, and precompressed variants chosen by Accept-Encoding', async () => {
  const path = `${srv.base}/assets/app-abc123.js`;
  const raw = async (encoding) => {
    const r = await rawGet(srv.port, '/assets/app-abc123.js', encoding === undefined ? {} : { 'Accept-Encoding': encoding });
    const header = (name) => (r.head.match(new RegExp(`\r\n${name}: ([^\r]*)`, 'i')) || [])[1];
    return { ...r, header };
  };
  const br = await raw('gzip, br');
  assert.equal(br.status, 200);
  assert.equal(br.header('Content-Encoding'), 'br');
  assert.equal(br.header('Content-Length'), String(brotliCompressSync(JS).length));
  assert.equal(br.header('Cache-Control'), 'public, max-age=31536000, immutable');
  assert.equal(br.header('Content-Type'), 'text/javascript; charset=utf-8');
  assert.equal(br.header('Vary'), 'Accept-Encoding');

  const gz = await raw('gzip');
  assert.equal(gz.header('Content-Encoding'), 'gzip');
  assert.equal(gz.header('Vary'), 'Accept-Encoding');
  assert.notEqual(gz.header('ETag'), br.header('ETag'));

  const none = await raw(undefined);
  assert.equal(none.header('Content-Encoding'), undefined);
  assert.equal(none.body, JS);
  assert.equal(none.header('Vary'), 'Accept-Encoding');
  assert.equal((await raw('identity')).body, JS);
  assert.equal((await raw('br;q=0, gzip')).header('Content-Encoding'), 'gzip');

  // fetch() decodes whichever it is sent back to the same text.
  assert.equal(await (await fetch(path)).text(), JS);

  const css = await fetch(`${srv.base}/assets/style-def456.css`, { headers: { 'Accept-Encoding': 'gzip, br' } });
  assert.equal(css.status, 200);
  assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
  assert.equal(css.headers.get('content-encoding'), null); // no variant written for it
  assert.equal(await css.text(), CSS);

  const icon = await fetch(`${srv.base}/favicon.ico`);
  assert.equal(icon.status, 200);
  assert.equal(icon.headers.get('content-type'), 'image/x-icon');
  assert.equal(icon.headers.get('vary'), null);
});

test('If-None-Match answers 304 for pages and assets', async () => {
  const page = await fetch(`${srv.base}/online`);
  const etag = page.headers.get('etag');
  const again = await fetch(`${srv.base}/online/`, { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), '');
  assert.equal(again.headers.get('etag'), etag);
  assert.equal((await fetch(`${srv.base}/`, { headers: { 'If-None-Match': `W/${etag}` } })).status, 304);
  assert.equal((await fetch(`${srv.base}/`, { headers: { 'If-None-Match': '"other"' } })).status, 200);

  const asset = await rawGet(srv.port, '/assets/app-abc123.js', { 'Accept-Encoding': 'br' });
  const tag = asset.head.match(/\r\nETag: ([^\r]*)/)[1];
  const cached = await rawGet(srv.port, '/assets/app-abc123.js', { 'Accept-Encoding': 'br', 'If-None-Match': tag });
  assert.equal(cached.status, 304);
  assert.equal(cached.body, '');
  // The brotli tag does not name the gzip bytes.
  assert.equal((await rawGet(srv.port, '/assets/app-abc123.js', { 'Accept-Encoding': 'gzip', 'If-None-Match': tag })).status, 200);
});

test('missing assets are 404, and nothing outside the web root is ever served', async () => {
  assert.equal((await fetch(`${srv.base}/assets/missing-000.js`)).status, 404);
  assert.equal((await fetch(`${srv.base}/assets/link.js`)).status, 404); // a link, even to a file
  assert.equal((await fetch(`${srv.base}/assets/app-abc123.js.br`)).status, 404); // variants are not files
  for (const path of ['/assets/../imhub.db', '/assets/../x', '/assets/%2e%2e/x', '/assets/%2E%2E/imhub.db',
    '/assets/..%2fx', '/assets/..%2Fimhub.db', '/assets/..\\x', '/assets/%00', '/assets/.%2e/x',
    '/assets//../x', '/assets/app-abc123.js%00.png']) {
    const r = await rawGet(srv.port, path);
    assert.ok(r.status === 400 || r.status === 404, `${path}: ${r.status}`);
    assert.ok(!r.body.includes(SECRET), `${path} served outside the root`);
  }
  // fetch() resolves the dots itself: the request is for /imhub.db, which is no route.
  assert.equal((await fetch(`${srv.base}/assets/../imhub.db`)).status, 404);
});

test('other routes keep their handlers beside the client', async () => {
  const profile = await srv.call('profile');
  assert.equal(profile.status, 200);
  assert.equal(profile.body.result.ID, '1');
  const session = await fetch(`${srv.base}/auth/session`);
  assert.equal(session.status, 401);
  assert.equal((await session.json()).error, 'access_denied');
  const health = await fetch(`${srv.base}/healthz`);
  assert.equal((await health.json()).status, 'ok');
  assert.equal((await fetch(`${srv.base}/metrics`)).status, 200);
  assert.equal((await fetch(`${srv.base}/oauth/token/`)).headers.get('content-type').startsWith('application/json'), true);
  assert.equal((await fetch(`${srv.base}/avatar/none.png`)).status, 404);
  assert.equal((await fetch(`${srv.base}/nothing-here`)).status, 404);
  assert.equal((await fetch(`${srv.base}/onlinex`)).status, 404);
  // A form POST to /login still signs in (the client itself posts JSON to /auth/login).
  const post = await fetch(`${srv.base}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=1&password=wrong',
  });
  assert.equal(post.status, 401);
});

test('without a web root, / is not found and /login is still the plain form', async () => {
  assert.equal((await fetch(`${plain.base}/`)).status, 404);
  assert.equal((await fetch(`${plain.base}/assets/app-abc123.js`)).status, 404);
  const login = await fetch(`${plain.base}/login`);
  assert.equal(login.status, 200);
  const html = await login.text();
  assert.match(html, /<form method="post" action="\/login">/);
  assert.match(login.headers.get('content-security-policy'), /frame-ancestors 'none'/);
});

test('a [web] root without index.html stops the start with a clear message', async () => {
  const empty = join(base, 'empty');
  mkdirSync(empty);
  const s = new Server({ webRoot: empty });
  await assert.rejects(s.start(), /index\.html not found/);
  await s.cleanup();
});
