// HTTPS by default for local use (issue 11): `serve` answers https beside http on the listen port
// + 363 with the local CA's certificate (DATA/ca.pem), so the official SDKs, which refuse http://,
// work on a fresh install; the public URL stays http; a taken port only warns; "off" turns it off.
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import https from 'node:https';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';

import { BINARY, cli, freePort, storeArgs } from './harness.mjs';

// A port P whose P + 363 is free too.
async function portPair() {
  for (;;) {
    const port = await freePort();
    const free = await new Promise((resolve) => {
      const s = createServer()
                    .once('error', () => resolve(false))
                    .listen(port + 363, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

async function serve(config = '') {
  const data = mkdtempSync(join(tmpdir(), 'imhub-https-'));
  const { webhook } = cli(data, 'init');
  const port = await portPair();
  const args = ['serve', '--data', data, ...storeArgs(data), '--listen', `127.0.0.1:${port}`];
  if (config) {
    writeFileSync(join(data, 'c.toml'), config);
    args.push('--config', join(data, 'c.toml'));
  }
  const proc = spawn(BINARY, args, {stdio: ['ignore', 'ignore', 'pipe']});
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr += d;
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch { /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = () => new Promise((resolve) => {
    proc.once('exit', resolve);
    proc.kill('SIGTERM');
  });
  return {data, webhook, port, stop, log: () => stderr};
}

function httpsGet(url, ca) {
  return new Promise((resolve, reject) => {
    https
        .get(
            url, {ca},
            (res) => {
              let body = '';
              res.on('data', (d) => {
                body += d;
              });
              res.on('end', () => resolve({status: res.statusCode, body}));
            })
        .on('error', reject);
  });
}

test(
    'a default server answers https on the listen port + 363, trusted through DATA/ca.pem; the public URL stays http',
    async () => {
      const s = await serve();
      try {
        const ca = readFileSync(join(s.data, 'ca.pem'));
        const r = await httpsGet(`https://127.0.0.1:${s.port + 363}${s.webhook}server.time`, ca);
        assert.equal(r.status, 200);
        assert.match(JSON.parse(r.body).result, /^\d{4}-\d\d-\d\dT/);
        const viaLocalhost = await httpsGet(`https://localhost:${s.port + 363}/healthz`, ca);
        assert.equal(viaLocalhost.status, 200);
        const profile = await (await fetch(`http://127.0.0.1:${s.port}${s.webhook}pull.config.get`)).json();
        assert.match(profile.result.server.websocket, new RegExp(`^ws://127\\.0\\.0\\.1:${s.port}/`));
        assert.match(s.log(), new RegExp(`and 127\\.0\\.0\\.1:${s.port + 363} \\(https\\)`));
      } finally {
        await s.stop();
      }
    });

test('when the automatic https port is taken the server still serves http and says why', async () => {
  const port = await portPair();
  const blocker = createServer().listen(port + 363, '127.0.0.1');
  await new Promise((r) => blocker.once('listening', r));
  const data = mkdtempSync(join(tmpdir(), 'imhub-https-'));
  cli(data, 'init');
  const proc =
      spawn(BINARY, ['serve', '--data', data, ...storeArgs(data), '--listen', `127.0.0.1:${port}`], {stdio: ['ignore', 'ignore', 'pipe']});
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr += d;
  });
  try {
    let ok = false;
    for (let i = 0; i < 100 && !ok; i++) {
      try {
        ok = (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.ok(ok, stderr);
    assert.match(stderr, new RegExp(`https not served: cannot listen on 127\\.0\\.0\\.1:${port + 363}`));
  } finally {
    await new Promise((resolve) => {
      proc.once('exit', resolve);
      proc.kill('SIGTERM');
    });
    blocker.close();
  }
});

test('[tls] listen = "off" serves http only', async () => {
  const s = await serve('[tls]\nlisten = "off"\n');
  try {
    const refused = await new Promise((resolve) => {
      const sock = createServer();  // the port is still free: nothing listens there
      sock.once('error', () => resolve(false)).listen(s.port + 363, '127.0.0.1', () => sock.close(() => resolve(true)));
    });
    assert.ok(refused);
    assert.equal((await fetch(`http://127.0.0.1:${s.port}/healthz`)).status, 200);
  } finally {
    await s.stop();
  }
});

test('a local certificate that cannot be made or loaded only costs the automatic https listener', async () => {
  for (const spoil of ['ca key', 'server cert']) {
    const port = await portPair();
    const data = mkdtempSync(join(tmpdir(), 'imhub-https-'));
    cli(data, 'init');
    if (spoil === 'ca key') {
      // The server certificate must be made again, from a CA key that does not read.
      rmSync(join(data, 'server.pem'));
      writeFileSync(join(data, 'ca.key'), 'not a key\n');
    } else {
      writeFileSync(join(data, 'server.pem'), 'not a certificate\n');
    }
    const proc =
        spawn(BINARY, ['serve', '--data', data, ...storeArgs(data), '--listen', `127.0.0.1:${port}`], {stdio: ['ignore', 'ignore', 'pipe']});
    let stderr = '';
    proc.stderr.on('data', (d) => {
      stderr += d;
    });
    try {
      let ok = false;
      for (let i = 0; i < 100 && !ok && proc.exitCode === null; i++) {
        try {
          ok = (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      assert.ok(ok, `${spoil}: ${stderr}`);
      assert.match(stderr, /https not served: the (local certificate could not be made|certificate .* does not load)/, spoil);
    } finally {
      if (proc.exitCode === null) {
        await new Promise((resolve) => {
          proc.once('exit', resolve);
          proc.kill('SIGTERM');
        });
      }
    }
  }
});

test('a certificate that does not load still refuses to start when https was asked for', async () => {
  const data = mkdtempSync(join(tmpdir(), 'imhub-https-'));
  cli(data, 'init');
  writeFileSync(join(data, 'server.pem'), 'not a certificate\n');
  const port = await freePort();
  const httpsPort = await freePort();
  writeFileSync(join(data, 'c.toml'), `[tls]\nlisten = "127.0.0.1:${httpsPort}"\n`);
  const r = spawnSync(BINARY, ['serve', '--data', data, ...storeArgs(data), '--listen', `127.0.0.1:${port}`, '--config', join(data, 'c.toml')],
                      {encoding: 'utf8', timeout: 10000});
  assert.notEqual(r.status, 0, r.stderr);
});
