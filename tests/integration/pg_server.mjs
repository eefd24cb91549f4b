// A private PostgreSQL server for a test file that needs one whatever IMHUB_TEST_STORE says
// (tests/pg/start.sh and stop.sh), and fresh databases on it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Why the PostgreSQL tests cannot run here, or false when they can.
export function pgUnavailable() {
  const base = '/usr/lib/postgresql';
  const found = existsSync(base) && readdirSync(base).some((v) => existsSync(join(base, v, 'bin', 'initdb')));
  return found ? false : 'no PostgreSQL server binaries (Debian postgresql; scripts/deps.sh test installs them)';
}

export function startPg() {
  return execFileSync('bash', [join(root, 'tests', 'pg', 'start.sh')], { encoding: 'utf8' }).trim();
}

export function stopPg(url) {
  if (url) execFileSync('bash', [join(root, 'tests', 'pg', 'stop.sh'), url]);
}

let made = 0;
// A new empty database on the server at `url`; returns its URL.
export function createDatabase(url) {
  const name = `m_${process.pid}_${made++}`;
  execFileSync('psql', [url, '-qAtc', `CREATE DATABASE ${name}`]);
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

// Runs one statement with psql; returns its output rows as text lines.
export function psql(url, query) {
  const out = execFileSync('psql', [url, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', query], { encoding: 'utf8' }).trim();
  return out ? out.split('\n') : [];
}
