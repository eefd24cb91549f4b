// Message → bot handler latency: a user writes to a bot at a fixed rate and a handler on loopback
// notes when each ONIMBOTMESSAGEADD arrives. The clock starts before im.message.add is sent and
// stops when the handler has read the event, so it holds the REST call, the durable commit, the
// outbox and the delivery. Prints one JSON line: rate, sent, received, p50/p99/max in ms.
//
// The first second is a warm-up (the dialog with the bot comes into being, connections open) and
// is not counted.
//
// Usage: node bench/bot_latency.mjs BASE WEBHOOK [RATE=1000] [SECONDS=10]
//   BASE: http://127.0.0.1:PORT of a running imhub; WEBHOOK: "/rest/1/<secret>/" of its admin.
import http from 'node:http';

const [base, webhook, rateArg, secondsArg] = process.argv.slice(2);
const rate = Number(rateArg || 1000);
const seconds = Number(secondsArg || 10);
if (!base || !webhook) {
  console.error('usage: node bench/bot_latency.mjs BASE WEBHOOK [RATE] [SECONDS]');
  process.exit(2);
}

const sentAt = new Map();  // sequence number → hrtime of the send
const latencies = [];
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

// The bot's handler: every event is a form-encoded POST (protocol.md §8.2).
const sink = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    const seq = /^lat (\d+)$/.exec(form.get('data[PARAMS][MESSAGE]') || '');
    if (form.get('event') === 'ONIMBOTMESSAGEADD' && seq && sentAt.has(Number(seq[1]))) {
      if (Number(seq[1]) >= rate) latencies.push(Number(process.hrtime.bigint() - sentAt.get(Number(seq[1]))) / 1e6);
      sentAt.delete(Number(seq[1]));
    }
    res.end('ok');
  });
});
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const handler = `http://127.0.0.1:${sink.address().port}/`;

function call(method, params) {
  const body = JSON.stringify(params);
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${webhook}${method}`, {
      method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) reject(new Error(`${method}: ${res.statusCode} ${text}`));
        else resolve(JSON.parse(text));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const bot = (await call('imbot.register', {
  CODE: `latency_${Date.now()}`, TYPE: 'B', CLIENT_ID: 'benchlatency', EVENT_HANDLER: handler,
  PROPERTIES: { NAME: 'Latency bot' },
})).result;

// Paced sends: every millisecond tick sends what the schedule owes, so the rate holds even when a
// tick comes late.
const total = rate * seconds;
let sent = 0;
let failed = 0;
const start = process.hrtime.bigint();
await new Promise((resolve) => {
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor((Number(process.hrtime.bigint() - start) / 1e9) * rate));
    for (; sent < due; sent++) {
      const seq = sent;
      sentAt.set(seq, process.hrtime.bigint());
      call('im.message.add', { DIALOG_ID: String(bot), MESSAGE: `lat ${seq}` }).catch(() => { failed++; });
    }
    if (sent >= total) { clearInterval(timer); resolve(); }
  }, 1);
});
// Let the last events arrive.
const deadline = Date.now() + 10000;
while (sentAt.size > failed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : 0);
console.log(JSON.stringify({
  rate, seconds, sent: total, failed_sends: failed, counted: latencies.length, lost: Math.max(0, sentAt.size - failed),
  p50_ms: Number(pct(0.5).toFixed(2)), p99_ms: Number(pct(0.99).toFixed(2)),
  max_ms: Number((latencies.at(-1) || 0).toFixed(2)),
}));
sink.close();
agent.destroy();
process.exit(0);
