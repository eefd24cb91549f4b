// imbot.Giphy.list / listPopular (spec 002 "Giphy service") against a fake Giphy API on loopback
// that this test starts: what imhub asks the provider, the {preview, original} result shape, and
// the errors without a key, with an empty search and with a broken provider.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startServer } from './harness.mjs';

let provider, providerPort, requests = [], mode = 'ok';
let server, unconfigured;

// A Giphy API answer with `n` items, each with the renditions imhub reads.
const giphyAnswer = (n, tag) => ({
  data: Array.from({ length: n }, (_, i) => ({
    id: `${tag}${i}`,
    images: {
      fixed_width_downsampled: { url: `https://media.example/${tag}${i}/200w_d.gif`,
        webp: `https://media.example/${tag}${i}/200w_d.webp` },
      fixed_height: { url: `https://media.example/${tag}${i}/200.gif`, webp: `https://media.example/${tag}${i}/200.webp` },
      original: { url: `https://media.example/${tag}${i}/giphy.gif` },
    },
  })),
  pagination: { total_count: n, count: n, offset: 0 },
  meta: { status: 200, msg: 'OK' },
});

before(async () => {
  provider = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    requests.push({ path: url.pathname, query: Object.fromEntries(url.searchParams) });
    if (mode === 'fail') { res.writeHead(500); res.end('{"meta":{"status":500}}'); return; }
    if (mode === 'garbage') { res.writeHead(200, { 'Content-Type': 'text/html' }); res.end('<html>nope</html>'); return; }
    if (mode === 'gifonly') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ data: [{ images: { fixed_width: { url: 'https://m/w.gif' },
        fixed_height: { url: 'https://m/h.gif' } } }, { images: {} }] }));
      return;
    }
    const limit = Number(url.searchParams.get('limit'));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(giphyAnswer(Math.min(limit, 3), url.pathname.endsWith('trending') ? 't' : 's')));
  });
  await new Promise((r) => provider.listen(0, '127.0.0.1', r));
  providerPort = provider.address().port;
  server = await startServer({ config: `[giphy]\nbase_url = "http://127.0.0.1:${providerPort}/v1/gifs/"\n` +
    'api_key = "k3y"\ntimeout = 2\n' });
  unconfigured = await startServer();
});
after(async () => {
  await server.cleanup();
  await unconfigured.cleanup();
  provider.close();
});

const last = () => requests[requests.length - 1];

test('imbot.Giphy.list searches the provider and answers [{preview, original}]', async () => {
  mode = 'ok';
  const body = await server.ok('imbot.Giphy.list', { filter: { search: 'funny cats' } });
  assert.deepEqual(body.result[0], {
    preview: 'https://media.example/s0/200w_d.webp', original: 'https://media.example/s0/200.webp',
  });
  assert.equal(body.result.length, 3);
  assert.deepEqual(last(), { path: '/v1/gifs/search',
    query: { api_key: 'k3y', limit: '15', rating: 'g', q: 'funny cats', offset: '0' } });
});

test('imbot.Giphy.list: limit and offset go to the provider, clamped', async () => {
  mode = 'ok';
  await server.ok('imbot.Giphy.list', { filter: { search: 'x' }, limit: 5, offset: 15 });
  assert.equal(last().query.limit, '5');
  assert.equal(last().query.offset, '15');
  await server.ok('imbot.Giphy.list', { filter: { search: 'x' }, limit: 500, offset: -3 });
  assert.equal(last().query.limit, '50');
  assert.equal(last().query.offset, '0');
  // The form of BX.rest.callMethod: filter[search]=… in a query string.
  const form = await server.raw(`${server.webhook}imbot.Giphy.list?filter[search]=dogs&limit=2`);
  assert.equal(form.status, 200, form.text);
  assert.equal(last().query.q, 'dogs');
  assert.equal(form.body.result.length, 2);
});

test('imbot.Giphy.list without a search string: EMPTY_SEARCH_ERROR, the provider is not asked', async () => {
  const before = requests.length;
  for (const params of [{}, { filter: {} }, { filter: { search: '   ' } }, { filter: 'cats' }]) {
    await server.fails('imbot.Giphy.list', params, 400, 'EMPTY_SEARCH_ERROR',
      'String for searching GIF images cannot be empty.');
  }
  assert.equal(requests.length, before);
});

test('imbot.Giphy.listPopular asks /trending for 15', async () => {
  mode = 'ok';
  const body = await server.ok('imbot.Giphy.listPopular', {});
  assert.equal(body.result[0].original, 'https://media.example/t0/200.webp');
  assert.deepEqual(last(), { path: '/v1/gifs/trending', query: { api_key: 'k3y', limit: '15', rating: 'g' } });
});

test('gif renditions stand in when there is no webp; items without images are left out', async () => {
  mode = 'gifonly';
  const body = await server.ok('imbot.Giphy.listPopular', {});
  assert.deepEqual(body.result, [{ preview: 'https://m/w.gif', original: 'https://m/h.gif' }]);
});

test('a failing provider: GIPHY_UNAVAILABLE (503), never a 500', async () => {
  for (const m of ['fail', 'garbage']) {
    mode = m;
    await server.fails('imbot.Giphy.list', { filter: { search: 'x' } }, 503, 'GIPHY_UNAVAILABLE');
    await server.fails('imbot.Giphy.listPopular', {}, 503, 'GIPHY_UNAVAILABLE');
  }
  mode = 'ok';
});

test('without [giphy] api_key: LICENSE_NOT_FOUND with a clear description', async () => {
  const r = await unconfigured.fails('imbot.Giphy.list', { filter: { search: 'x' } }, 400, 'LICENSE_NOT_FOUND');
  assert.match(r.error_description, /\[giphy\]/);
  await unconfigured.fails('imbot.Giphy.listPopular', {}, 400, 'LICENSE_NOT_FOUND');
});
