// Starts the real build/imhub on a free loopback port with a temporary data directory and
// speaks HTTP to it. Every integration and e2e test goes through here.
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
export const BINARY = process.env.IMHUB_BINARY || join(here, '..', '..', 'build', 'imhub');

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// IMHUB_TEST_STORE=postgres (tests/pg/run.sh sets it with IMHUB_TEST_PG_URL, the private
// PostgreSQL server of tests/pg/start.sh): every data directory gets a fresh database of its own
// on that server, and every command is given it with --store.
const pgStores = new Map();
export const onPostgres = process.env.IMHUB_TEST_STORE === 'postgres';

// The `--store URL` arguments for `dataDir` ([] on SQLite); creates its database on first use.
export function storeArgs(dataDir) {
  let url = pgStores.get(dataDir);
  if (!url && !onPostgres) return [];
  if (!url) {
    const server = process.env.IMHUB_TEST_PG_URL;
    if (!server) throw new Error('IMHUB_TEST_STORE=postgres needs IMHUB_TEST_PG_URL (run through tests/pg/run.sh)');
    const name = `t_${process.pid}_${pgStores.size}_${Date.now().toString(36)}`;
    execFileSync(process.env.IMHUB_TEST_PG_PSQL || 'psql', [server, '-qAtc', `CREATE DATABASE ${name}`]);
    const u = new URL(server);
    u.pathname = `/${name}`;
    url = u.toString();
    pgStores.set(dataDir, url);
  }
  return ['--store', url];
}

// Makes `toDir` use the store of `fromDir` (two data directories, one store). SQLite tests link
// the files instead; on PostgreSQL it is the same database.
export function shareStore(fromDir, toDir) {
  if (onPostgres) pgStores.set(toDir, storeArgs(fromDir)[1]);
}

// Gives `dataDir` this PostgreSQL store URL (a test that runs its own servers: tests/pg/), on
// either setting of IMHUB_TEST_STORE.
export function useStore(dataDir, url) {
  pgStores.set(dataDir, url);
}

// Runs SQL on the store of `dataDir` behind the server's back (tests that read what was stored, or
// move a due time): the sqlite3 shell on imhub.db, or psql on the data directory's database. A
// SELECT (or WITH, or a statement with RETURNING) returns its rows as objects, as `sqlite3 -json`
// prints them; anything else [].
export function storeSql(dataDir, query) {
  if (!pgStores.has(dataDir) && !onPostgres) {
    const out = execFileSync('sqlite3', ['-cmd', '.timeout 10000', '-json', join(dataDir, 'imhub.db'), query],
      { encoding: 'utf8' }).trim();
    return out ? JSON.parse(out) : [];
  }
  const url = storeArgs(dataDir)[1];
  const one = query.trim().replace(/;\s*$/, '');
  const single = !one.includes(';');
  const select = single && /^\s*(SELECT|WITH)\b/i.test(one);
  const returning = single && !select && /\bRETURNING\b/i.test(one);
  const text = select ? `SELECT COALESCE(json_agg(q), '[]') FROM (${one}) q`
    : returning ? `WITH q AS (${one}) SELECT COALESCE(json_agg(q), '[]') FROM q` : query;
  const out = execFileSync(process.env.IMHUB_TEST_PG_PSQL || 'psql', [url, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', text],
    { encoding: 'utf8' }).trim();
  return (select || returning) && out ? JSON.parse(out) : [];
}

// The portal's master key (tests that sign a token themselves): DATA/imhub.key on SQLite, the
// portal_secrets row on PostgreSQL, where every node reads it from the database.
export function masterKey(dataDir) {
  if (!onPostgres) return readFileSync(join(dataDir, 'imhub.key'), 'utf8').trim();
  return storeSql(dataDir, "SELECT value FROM portal_secrets WHERE name = 'master_key'")[0].value;
}

// Runs `imhub <args>` synchronously and parses its one-line JSON output.
export function cli(dataDir, ...args) {
  const out = execFileSync(BINARY, [...args, '--data', dataDir, ...storeArgs(dataDir)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

export class Server {
  // `https: true` also serves HTTPS on a second port (tls.listen) with the certificate of the
  // data directory's local CA (DATA/ca.pem, made by `imhub init`): httpsPort, httpsBase, caFile.
  // `webRoot` serves the browser client from that directory ([web] root); without it the server
  // serves none (root = "off"), whatever web/dist the source tree holds, unless `config` has [web].
  // `store` (a postgresql:// URL) runs init and serve on that store whatever IMHUB_TEST_STORE says
  // (several nodes on one database, a migrated store).
  constructor({ dataDir, port, config, extraArgs, https, webRoot, store } = {}) {
    this.store = store;
    this.https = !!https;
    this.webRoot = webRoot;
    this.ownsData = !dataDir;
    this.dataDir = dataDir || mkdtempSync(join(tmpdir(), 'imhub-test-'));
    this.port = port;
    this.config = config;
    this.extraArgs = extraArgs || [];
    this.stderr = '';
  }

  async start() {
    const chosen = !this.port;
    const httpsChosen = !this.httpsPort;
    await this.choosePorts();
    const store = this.store ? ['--store', this.store] : storeArgs(this.dataDir);
    const init = JSON.parse(execFileSync(BINARY, ['init', '--data', this.dataDir, ...store], { encoding: 'utf8' })
      .trim().split('\n').pop());
    this.webhook = init.webhook; // "/rest/1/<secret>/"
    // A port found free may be taken before the server binds it (an outgoing connection's
    // ephemeral port, PostgreSQL's many among them): then the server starts again on another.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.launch(store);
      } catch (e) {
        if (!chosen || attempt >= 3 || !/Address already in use/.test(e.message)) throw e;
        this.port = undefined;
        if (httpsChosen) this.httpsPort = undefined;
        this.stderr = '';
        await this.choosePorts();
      }
    }
  }

  async choosePorts() {
    if (!this.port) this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    if (this.https && !this.httpsPort) this.httpsPort = await freePort();
    if (this.https) {
      this.httpsBase = `https://127.0.0.1:${this.httpsPort}`;
      this.caFile = join(this.dataDir, 'ca.pem');
    }
  }

  // Serves the initialised data directory; throws with the server's stderr when it does not start.
  async launch(store) {
    const args = ['serve', '--data', this.dataDir, ...store, '--listen', `127.0.0.1:${this.port}`,
      ...this.extraArgs];
    // Without `https`, no automatic HTTPS listener (the listen port + 363): that port may be one
    // another test server picked.
    const own = this.config || '';
    const tls = this.https ? `\n[tls]\nlisten = "127.0.0.1:${this.httpsPort}"\n`
      : /^\[tls\]/m.test(own) ? '' : '\n[tls]\nlisten = "off"\n';
    const web = this.webRoot ? `\n[web]\nroot = ${JSON.stringify(this.webRoot)}\n`
      : /^\[web\]/m.test(own) ? '' : '\n[web]\nroot = "off"\n';
    const config = own + tls + web;
    if (config) {
      const file = join(this.dataDir, 'test-config.toml');
      writeFileSync(file, config);
      args.push('--config', file);
    }
    this.proc = spawn(BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc.stderr.on('data', (d) => {
      this.stderr += d.toString();
      // IMHUB_TEST_SERVER_LOG=FILE keeps every test server's stderr (a server that died mid-test).
      if (process.env.IMHUB_TEST_SERVER_LOG) appendFileSync(process.env.IMHUB_TEST_SERVER_LOG, d);
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.closed = new Promise((resolve) => this.proc.on('close', resolve)); // exited, and stderr read
    const deadline = Date.now() + 10000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) { // refused to start: say why
        await this.closed;
        throw new Error(`imhub exited with ${this.proc.exitCode}: ${this.stderr}`);
      }
      try {
        const r = await fetch(`${this.base}/healthz`);
        if (r.ok) return this;
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`imhub did not start: ${this.stderr}`);
  }

  // POSTs JSON params to the admin webhook (or `opts.webhook`); returns {status, body, headers}.
  // A call that must succeed (200); returns the body.
  async ok(method, params, opts) {
    const r = await this.call(method, params, opts);
    assert.equal(r.status, 200, `${method}: ${r.text}`);
    return r.body;
  }

  // A call that must fail with this status and error code (and description, when given).
  async fails(method, params, status, error, description, opts) {
    const r = await this.call(method, params, opts);
    assert.equal(r.status, status, `${method}: ${r.text}`);
    assert.equal(r.body.error, error);
    if (description !== undefined) assert.equal(r.body.error_description, description);
    return r.body;
  }

  async call(method, params = {}, opts = {}) {
    const url = `${this.base}${opts.webhook || this.webhook}${method}`;
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(opts.headers || {}) },
      body: JSON.stringify(params),
    });
    const text = await r.text();
    let body;
    try { body = JSON.parse(text); } catch { body = text; }
    return { status: r.status, body, headers: r.headers, text };
  }

  // Raw request: path relative to the base URL.
  async raw(path, init = {}) {
    const r = await fetch(`${this.base}${path}`, init);
    const text = await r.text();
    let body;
    try { body = JSON.parse(text); } catch { body = text; }
    return { status: r.status, body, headers: r.headers, text };
  }

  cli(...args) {
    if (!this.store) return cli(this.dataDir, ...args);
    const out = execFileSync(BINARY, [...args, '--data', this.dataDir, '--store', this.store], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop());
  }

  async stop(signal = 'SIGTERM') {
    if (this.proc && this.proc.exitCode === null) this.proc.kill(signal);
    const result = this.proc ? await this.exited : null;
    return result;
  }

  async cleanup() {
    await this.stop();
    if (this.ownsData) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export async function startServer(opts) {
  return new Server(opts).start();
}

// Checks that `actual` has every key of `example` with the same JSON type (recursively for
// objects; the first element for arrays). Used to compare against reference examples.
export function assertShape(assert, actual, example, path = 'result') {
  const type = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (type(example) === 'object') {
    assert.equal(type(actual), 'object', `${path} should be an object`);
    for (const k of Object.keys(example)) {
      assert.ok(Object.hasOwn(actual, k), `${path}.${k} missing`);
      assertShape(assert, actual[k], example[k], `${path}.${k}`);
    }
  } else if (type(example) === 'array') {
    assert.equal(type(actual), 'array', `${path} should be an array`);
    if (example.length && actual.length) assertShape(assert, actual[0], example[0], `${path}[0]`);
  } else if (example !== null) {
    assert.equal(type(actual), type(example), `${path} type`);
  }
}
