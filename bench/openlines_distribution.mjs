// Driver of bench/openlines_distribution.sh. Two commands:
//
//   setup BASE WEBHOOK CLIENT_ID CLIENT_SECRET OPERATOR_IDS   → prints {line, token}
//     signs the connector application in (OAuth, as the administrator), registers and switches on
//     its connector on a new evenly-distributed line whose queue is the operators;
//   measure BASE TOKEN LINE CLIENTS WARMUP                      → prints {p50_ms, p99_ms, mean_ms, …}
//     CLIENTS new clients write one message each through imconnector.send.messages, one after
//     another: each call finds no user and no chat, so it makes the connector user, the LINES
//     chat, the session, its notice and events, and distributes it (the queue reads the open
//     sessions of every operator). The first WARMUP calls are not counted.
const [cmd, base, ...rest] = process.argv.slice(2);
const CONNECTOR = 'benchconn';

async function post(url, params) {
  const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(params) });
  const body = await r.json();
  if (r.status !== 200) throw new Error(`${url}: ${r.status} ${JSON.stringify(body)}`);
  return body.result;
}
const call = (token, method, params = {}) => post(`${base}/rest/${method}`, { ...params, auth: token });

async function setup(webhook, clientId, clientSecret, operatorIds) {
  const [, user, secret] = webhook.split('/').filter(Boolean);
  const auth = 'Basic ' + Buffer.from(`${user}:${secret}`).toString('base64');
  const a = await fetch(`${base}/oauth/authorize/?${new URLSearchParams({ client_id: clientId, state: 's' })}`,
    { headers: { Authorization: auth }, redirect: 'manual' });
  const code = new URL(a.headers.get('location')).searchParams.get('code');
  const t = await (await fetch(`${base}/oauth/token/?${new URLSearchParams({ grant_type: 'authorization_code',
    client_id: clientId, client_secret: clientSecret, code })}`)).json();
  const token = t.access_token;
  await call(token, 'imconnector.register', { ID: CONNECTOR, NAME: 'Bench connector',
    ICON: { DATA_IMAGE: 'data:image/svg+xml;charset=US-ASCII,%3Csvg%3E%3C/svg%3E' },
    PLACEMENT_HANDLER: 'http://127.0.0.1:9/placement' });
  const queue = operatorIds.split(',').map((id) => ({ ENTITY_TYPE: 'user', ENTITY_ID: Number(id) }));
  const line = await post(`${base}${webhook}imopenlines.config.add`, { PARAMS: { LINE_NAME: 'Bench line',
    QUEUE_TYPE: 'evenly', QUEUE: queue, WELCOME_MESSAGE: 'N', VOTE_MESSAGE: 'N' } });
  await call(token, 'imconnector.activate', { CONNECTOR, LINE: line, ACTIVE: 1 });
  console.log(JSON.stringify({ line, token }));
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

async function measure(token, line, clients, warmup) {
  const times = [];
  const started = performance.now();
  for (let i = 0; i < warmup + clients; i += 1) {
    const id = `new-${process.pid}-${i}`;
    const t0 = performance.now();
    const r = await call(token, 'imconnector.send.messages', { CONNECTOR, LINE: line,
      MESSAGES: [{ user: { id, name: `New client ${i}` }, message: { id: `m-${id}`, text: 'Hello, I need help' },
        chat: { id: `chan-${id}` } }] });
    const ms = performance.now() - t0;
    if (!r.SUCCESS || !r.DATA.RESULT[0].SUCCESS) throw new Error(JSON.stringify(r));
    if (i >= warmup) times.push(ms);
  }
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const mean = times.reduce((s, v) => s + v, 0) / times.length;
  console.log(JSON.stringify({ p50_ms: +percentile(times, 0.5).toFixed(3), p99_ms: +percentile(times, 0.99).toFixed(3),
    mean_ms: +mean.toFixed(3), max_ms: +times.at(-1).toFixed(3), counted: times.length,
    per_second: +((warmup + clients) / seconds).toFixed(1) }));
}

if (cmd === 'setup') await setup(...rest);
else if (cmd === 'measure') await measure(rest[0], Number(rest[1]), Number(rest[2]), Number(rest[3]));
else throw new Error(`unknown command ${cmd}`);
