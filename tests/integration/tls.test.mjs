// Optional TLS: the same API over https with the certificate and key from the config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import https from 'node:https';
import { BINARY, cli, freePort } from './harness.mjs';

function get(url) {
  return new Promise((resolve, reject) => {
    https.get(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(body) }));
    }).on('error', reject);
  });
}

test('serves HTTPS when tls.enabled', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'imhub-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const data = join(dir, 'data');
    const { webhook } = cli(data, 'init');
    const port = await freePort();
    // The harness polls over http, so this test starts the process itself and polls over https.
    writeFileSync(join(dir, 'c.toml'), `[tls]\nenabled = true\ncert = "${join(dir, 'cert.pem')}"\nkey = "${join(dir, 'key.pem')}"\n`);
    const proc = spawn(BINARY,
      ['serve', '--data', data, '--listen', `127.0.0.1:${port}`, '--config', join(dir, 'c.toml')], { stdio: 'ignore' });
    try {
      let r;
      for (let i = 0; i < 100 && !r; i++) {
        try { r = await get(`https://127.0.0.1:${port}${webhook}profile`); } catch { await new Promise((x) => setTimeout(x, 50)); }
      }
      assert.ok(r, 'no HTTPS answer');
      assert.equal(r.status, 200);
      assert.equal(r.body.result.ID, '1');
    } finally {
      proc.kill('SIGTERM');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
