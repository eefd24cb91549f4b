// Renders bench/push.sh's figures (driver.mjs's JSON and the script's meta.json) as markdown.
// Usage: node report.mjs WS.json META.json
import { readFileSync } from 'node:fs';

const [ws, meta] = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8')));
const C = ws.config;
const median = (a) => { const s = a.filter((x) => x !== null && x !== undefined).sort((x, y) => x - y); const n = s.length; return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : null; };
const n0 = (x) => (x === null || x === undefined ? '—' : Math.round(x).toLocaleString('en-US'));
const f1 = (x) => (x === null || x === undefined ? '—' : x.toFixed(1));
const f2 = (x) => (x === null || x === undefined ? '—' : x.toFixed(2));
const mb = (kb) => (kb / 1024).toFixed(1);
const verdict = (ok) => (ok ? 'meets' : '**misses**');
const name = { imhub: 'imhub', ref: `ws ${meta.ws} (Node ${meta.node})` };
const out = [];
const p = (s = '') => out.push(s);

p('# imhub push server benchmark');
p();
p(`- date: ${meta.date}, commit ${meta.commit}`);
p(`- machine: ${meta.cores} cores, ${meta.cpu}, ${meta.kernel}; open file limit ${meta.nofile}`);
p(`- reference: a minimal broadcast server on \`ws\` ${meta.ws} (Node ${meta.node}), bench/push/ref_server.mjs: the same`);
p('  URLs and tokens (HS256 checked with the same key), the same frames, no storage or per-message work');
p(`- clients: raw-socket WebSocket clients in ${C.procs} Node processes (${C.hold_procs} for the connection count), the same`);
p('  for both servers, answering `ping` with `pong`; tokens minted as pull.config.get / pull.application.config.get');
p('  make them (checked byte for byte against one real answer of each)');
p('- imhub: default threads (one per core), access log off, log level warn; servers, clients and load generators');
p(`  share the ${meta.cores} cores, so the ratios in the same run are what compare across machines`);
p();

// 1.
if (ws.hold.imhub.length) {
p(`## 1. Connections held (${n0(C.hold)} opened)`);
p();
if (meta.hold_wanted > C.hold) {
  p(`${n0(meta.hold_wanted)} were wanted, but this machine's open file limit is ${meta.nofile} and the hard limit cannot be raised`);
  p(`without CAP_SYS_RESOURCE, so ${n0(C.hold)} were opened (the server keeps a few hundred descriptors for its store and`);
  p('outgoing work). The RSS per connection does not depend on the count.');
  p();
}
p('| server | connected | failed | still open after idle | connect s | RSS before MB | RSS held MB | KB per connection | RSS after close MB | idle CPU % of a core |');
p('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const s of ['imhub', 'ref']) {
  for (const r of ws.hold[s]) {
    p(`| ${name[s]} | ${n0(r.connected)} | ${r.failed} | ${n0(r.open_after_idle)} | ${f1(r.connect_ms / 1000)} | ${mb(r.rss_before_kb)} | ${mb(r.rss_after_kb)} | ${f2(r.kb_per_conn)} | ${mb(r.rss_closed_kb)} | ${f1(r.idle_cpu_pct)} |`);
  }
}
const held = median(ws.hold.imhub.map((r) => r.open_after_idle));
const kb = median(ws.hold.imhub.map((r) => r.kb_per_conn));
p();
p(`imhub held ${n0(held)} connections (target ≥ 20,000: ${held >= 20000 ? 'meets' : meta.hold_wanted > C.hold && held >= C.hold ? 'every one the descriptor limit allows' : verdict(false)}) at ${f2(kb)} KB of RSS each (target ≤ 16 KB: ${verdict(kb <= 16)}).`);
p(`RSS per connection = (VmRSS with every connection open and idle − VmRSS before) / connections; idle CPU over ${C.idle_seconds} s.`);
p();
}

// 2.
const L = ws.latency;
if (L) {
p(`## 2. im.message.add into a ${n0(C.big_members)}-member chat, every member connected`);
p();
p(`${C.lat_messages} messages per round one after another (${C.lat_warmup} more as a warm-up), ${C.lat_gap_ms} ms apart; the clock runs from`);
p('the REST reply (imhub) or the publish reply (reference) to the receipt of the message\'s frame by the last of');
p(`the members (CLOCK_MONOTONIC across the client processes). Frame: ${n0(L.frame_bytes)} bytes (imhub builds one per member,`);
p('with its own counter and dialogId; the reference sends a copy of one to every member).');
p();
p('| round | server | p50 ms | p99 ms | max ms | lost | p50 / p99 ms from the request | server RSS after MB |');
p('|---:|---|---:|---:|---:|---:|---|---:|');
L.rounds.imhub.forEach((r, i) => {
  for (const s of ['imhub', 'ref']) {
    const x = L.rounds[s][i];
    p(`| ${i + 1} | ${name[s]} | ${f1(x.p50_ms)} | ${f1(x.p99_ms)} | ${f1(x.max_ms)} | ${x.lost} | ${f1(x.send_p50_ms)} / ${f1(x.send_p99_ms)} | ${mb(x.rss_after_kb)} |`);
  }
});
const lp50 = median(L.rounds.imhub.map((r) => r.p50_ms));
const lp99 = median(L.rounds.imhub.map((r) => r.p99_ms));
const rp99 = median(L.rounds.ref.map((r) => r.p99_ms));
p();
p(`imhub: p50 **${f1(lp50)} ms**, p99 **${f1(lp99)} ms** (medians over the rounds; target p99 ≤ 100 ms: ${verdict(lp99 !== null && lp99 <= 100)}); reference p99 ${f1(rp99)} ms.`);
p();
}

// 3.
const F = ws.fanout;
if (F) {
p(`## 3. Frames delivered per second at saturation (${n0(F.clients)} subscribers of one channel)`);
p();
p(`imhub: pull.application.event.add (OAuth, ${C.pub_concurrency} publishers on keep-alive connections) to the application's shared`);
p('channel, which every client subscribes to with an application token; reference: the frame imhub sent, POSTed');
p(`to its /pub. ${F.frame_bytes}-byte frames. Publishing runs closed-loop, at most ${C.window} messages ahead of the slowest socket (so no`);
p(`send queue overflows); frames counted at the clients over ${C.fanout_seconds} s after a ${C.fanout_warmup} s warm-up. CPU in % of one core.`);
p();
p('| round | imhub frames/s | reference frames/s | imhub/reference | imhub CPU % | reference CPU % | clients CPU % (imhub / ref) | frames per CPU-second imhub / ref | ratio |');
p('|---:|---:|---:|---:|---:|---:|---|---|---:|');
F.rounds.imhub.forEach((r, i) => {
  const x = F.rounds.ref[i];
  p(`| ${i + 1} | ${n0(r.frames_per_s)} | ${n0(x.frames_per_s)} | ${f2(F.ratio_per_round[i])}× | ${r.server_cpu_pct} | ${x.server_cpu_pct} | ${r.clients_cpu_pct} / ${x.clients_cpu_pct} | ${n0(r.frames_per_cpu_s)} / ${n0(x.frames_per_cpu_s)} | ${f2(F.cpu_ratio_per_round[i])}× |`);
});
p();
p(`Median: imhub **${n0(median(F.rounds.imhub.map((r) => r.frames_per_s)))} frames/s**, reference ${n0(median(F.rounds.ref.map((r) => r.frames_per_s)))} frames/s, ratio **${f2(F.ratio_median)}×** (target ≥ 3×: ${verdict(F.ratio_median >= 3)}).`);
p(`Per second of server CPU (frames delivered / CPU time the server process used): imhub/reference **${f2(F.cpu_ratio_median)}×**.`);
p('The clients need about as much CPU per frame as the reference server, so on a small machine the clients, not the');
p('servers, set the ceiling of the first ratio; the second is what each server does with the CPU it gets.');
const errs = [...F.rounds.imhub, ...F.rounds.ref].reduce((s, r) => s + r.errors, 0);
const shut = [...F.rounds.imhub, ...F.rounds.ref].filter((r) => r.open < F.clients).length;
if (errs || shut) p(`Publish errors: ${errs}; rounds that lost sockets: ${shut}.`);
p();
}

// 4.
if (meta.load.length) {
p(`## 4. im.message.add rate with ${n0(meta.load_users)} users connected against none`);
p();
p(`wrk (${meta.wrk}) with bench/message_add.lua as bench/run.sh runs it (100 chats of 50 members and 1,000`);
p(`private dialogs), in interleaved rounds; with ${n0(meta.load_users)} users (1..${meta.load_users}) connected, every message is owed to`);
p('each member of its chat (all of them are connected). "Frames owed" counts them from the store; the last columns');
p('show how many had arrived when wrk stopped, and when the last one did (the push backlog drained). CPU over each');
p('wrk run in % of one core: imhub\'s without / with the users, what the push clients (the driver and its client');
p('processes, which read every frame) used, and the machine\'s idle time over all its cores (other work on the machine');
p('shows as less idle time).');
p();
p('| round | no push clients req/s | users connected req/s | with/none | frames owed | arrived by wrk\'s end | all arrived after ms | sockets open at the end | imhub CPU % none / with | clients CPU % | idle % none / with |');
p('|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|');
const ratios = meta.load.map((r) => r.with / r.none);
const cpu = (r) => (r.cpu ? [`${r.cpu.none_imhub} / ${r.cpu.with_imhub}`, `${r.cpu.with_clients}`, `${r.cpu.none_idle} / ${r.cpu.with_idle}`] : ['', '', '']);
meta.load.forEach((r, i) => p(`| ${r.round} | ${n0(r.none)} | ${n0(r.with)} | ${(100 * ratios[i]).toFixed(1)}% | ${n0(r.owed)} | ${n0(r.at_end)} | ${r.drain_ms === null ? `not all (${n0(r.got)} after waiting)` : n0(r.drain_ms)} | ${n0(r.open)} | ${cpu(r).join(' | ')} |`));
const lr = median(ratios);
p();
p(`Median with/none: **${(100 * lr).toFixed(1)}%** (target within 10 %: ${verdict(lr >= 0.9)}); wrk errors ${meta.wrk_errors}${meta.wrk_errors_by ? ` (${meta.wrk_errors_by})` : ''}; ${n0(meta.messages)} messages in the store at the end.`);
p();
}
if (meta.metrics) {
  p('Push metrics at the end of the run:');
  p();
  p('```');
  for (const line of meta.metrics.split(';').filter(Boolean)) p(line);
  p('```');
  p();
}
console.log(out.join('\n'));
