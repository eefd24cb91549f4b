// A fixed number of HTTP/1.1 requests over keep-alive connections, as wrk sends them (one
// request in flight per connection, the same minimal headers), for counting what a request costs
// the server (bench/io_callgrind.sh): wrk runs for a time, this for a count.
//
//   node bench/keepalive_load.mjs URL REQUESTS CONNECTIONS [message_add]
//
// With "message_add" the requests are bench/message_add.lua's: POSTs of im.message.add into 100
// group chats (1..100) and 1,000 private dialogs (users 2..1001), in turn. Exits non-zero when an
// answer is not 200 or a connection closes early.
import net from "node:net";

const [url, total, conns, kind] = process.argv.slice(2);
const target = new URL(url);
const requests = Number(total);
const connections = Math.min(Number(conns), requests);
const host = `${target.hostname}:${target.port}`;
const path = target.pathname + target.search;
let sent = 0;

function request(n) {
  if (kind !== "message_add") return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
  const dialog = n % 2 === 0 ? `chat${1 + (Math.floor(n / 2) % 100)}` : String(2 + (Math.floor(n / 2) % 1000));
  const body = `DIALOG_ID=${dialog}&MESSAGE=Benchmark+message+number+${n}`;
  return (
    `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

// One answer's end: the head, then Content-Length bytes (every answer here has one).
function answerLength(buf) {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) return -1;
  const head = buf.subarray(0, end).toString("latin1");
  const status = Number(head.slice(9, 12));
  if (status !== 200) throw new Error(`status ${status}: ${head.split("\r\n")[0]}`);
  const m = /\r\ncontent-length: *(\d+)/i.exec(head);
  if (!m) throw new Error("an answer without Content-Length");
  const length = end + 4 + Number(m[1]);
  return buf.length >= length ? length : -1;
}

function connection() {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(target.port), target.hostname);
    socket.setNoDelay(true);
    let buf = Buffer.alloc(0);
    const next = () => {
      if (sent >= requests) {
        socket.end();
        resolve();
        return;
      }
      socket.write(request(sent++));
    };
    socket.on("connect", next);
    socket.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        const n = answerLength(buf);
        if (n < 0) return;
        buf = buf.subarray(n);
        next();
      } catch (e) {
        socket.destroy();
        reject(e);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => (sent < requests ? reject(new Error("connection closed early")) : resolve()));
  });
}

await Promise.all(Array.from({ length: connections }, connection));
