// A Bitrix24 application on loopback, as a developer would write one, for the browser tests of
// app frames: its pages load the UNMODIFIED B24Frame of @bitrix24/b24jssdk (the package's browser
// build, served from tests/web/node_modules), a legacy chat-app page speaks the JSON handshake of
// spec 002, and /bot receives the events imhub delivers. Every request is recorded.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';

const require = createRequire(import.meta.url);
const SDK = join(dirname(require.resolve('@bitrix24/b24jssdk/package.json')), 'dist', 'umd', 'index.min.js');

// The B24Frame page: init data, a token refresh, a REST call that posts into the chat, text put
// into the composer and read back; the outcome is shown as JSON in #result.
const FRAME_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Test app</title>
<style>body{font:13px system-ui,sans-serif;margin:8px;color:#333;background:#fff}pre{white-space:pre-wrap;word-break:break-all}</style></head>
<body><b id="kind"></b><pre id="result">starting</pre>
<script src="/sdk.js"></script>
<script>
const kind = new URLSearchParams(location.search).get('kind') || 'app';
document.getElementById('kind').textContent = 'B24Frame app: ' + kind;
const out = { kind, name: window.name };
const show = () => { document.getElementById('result').textContent = JSON.stringify(out); };
(async () => {
  try {
    const $b24 = await B24Js.initializeB24Frame();
    out.placement = $b24.placement.placement;
    out.options = $b24.placement.options;
    const first = $b24.auth.getAuthData();
    out.hadAuth = !!(first && first.access_token);
    const again = await $b24.auth.refreshAuth();
    out.refreshed = !!(again && again.access_token && again.access_token !== first.access_token);
    const dialogId = out.options && out.options.dialogId;
    if (dialogId) {
      const r = await $b24.actions.v2.call.make({ method: 'im.message.add',
        params: { DIALOG_ID: dialogId, MESSAGE: 'Hello from the ' + kind + ' (' + out.placement + ')' } });
      out.messageId = r.getData().result;
      out.put = await $b24.parent.message.send('im:setImTextareaContent',
        { text: 'typed by the ' + kind, replace: true, requestId: B24Js.Text.getUuidRfc4122() });
      out.read = await $b24.parent.message.send('im:getImTextareaContent', { requestId: B24Js.Text.getUuidRfc4122() });
    }
    out.done = true;
  } catch (e) {
    out.error = String((e && (e.message || e.description)) || e);
  }
  show();
})();
</script></body></html>`;

// The legacy chat app of spec 002 ("Create IFRAME-processor"): the sample's frameCommunication
// functions, then one action once the messenger has said init.
const LEGACY_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Legacy app</title></head>
<body style="font:13px sans-serif;margin:8px;background:#fff"><p id="state">waiting for init</p>
<script type="text/javascript">
function frameCommunicationInit() {
  if (!window.frameCommunication) { window.frameCommunication = {timeout: {}}; }
  if (typeof window.postMessage === 'function') {
    window.addEventListener('message', function(event){
      var data = {};
      try { data = JSON.parse(event.data); } catch (err){}
      if (data.action == 'init') {
        frameCommunication.uniqueLoadId = data.uniqueLoadId;
        frameCommunication.postMessageSource = event.source;
        frameCommunication.postMessageOrigin = event.origin;
        document.getElementById('state').textContent = 'init from ' + event.origin;
      }
    });
  }
}
function frameCommunicationSend(data) {
  data['uniqueLoadId'] = frameCommunication.uniqueLoadId;
  var encodedData = JSON.stringify(data);
  if (!frameCommunication.postMessageOrigin) {
    clearTimeout(frameCommunication.timeout[encodedData]);
    frameCommunication.timeout[encodedData] = setTimeout(function(){ frameCommunicationSend(data); }, 10);
    return true;
  }
  if (typeof window.postMessage === 'function') {
    if (frameCommunication.postMessageSource) {
      frameCommunication.postMessageSource.postMessage(encodedData, frameCommunication.postMessageOrigin);
    }
  }
}
frameCommunicationInit();
frameCommunicationSend({'action': 'put', 'message': '/echo from the legacy app'});
</script></body></html>`;

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

// PHP-style form fields to a flat map ("data[COMMAND][5][COMMAND]" stays a key).
function form(text, type) {
  if ((type || '').includes('application/json')) {
    try { return JSON.parse(text); } catch { return {}; }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** Starts the app on a free loopback port: {base, requests, events, close()}. */
export async function startTestApp() {
  const requests = [];
  const events = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const text = await readBody(req);
    const record = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams),
      body: form(text, req.headers['content-type']), referer: req.headers.referer || '' };
    requests.push(record);
    if (url.pathname === '/sdk.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      res.end(readFileSync(SDK));
    } else if (url.pathname === '/frame') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(FRAME_PAGE);
    } else if (url.pathname === '/legacy') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(LEGACY_PAGE);
    } else if (url.pathname === '/bot') {
      events.push(record.body);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    requests,
    events,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
