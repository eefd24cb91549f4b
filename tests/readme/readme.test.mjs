// The README runs as a test: its ```sh blocks are executed in order, in one shell session, against
// a fresh server, and each command's answer is checked against the `# …` lines that follow it.
//
// What the test does that a reader does by hand: it runs `imhub init` and `imhub serve` on a fresh
// ./data (what `make run` does; that block is marked `readme-test: skip`), on a free port instead
// of 8080 (every `127.0.0.1:8080` of the README, and its URL-encoded form, is replaced). Shell
// variables set by one command ($W, $BOB …) are kept for the next ones.
//
// An expected answer is the comment lines right after a command (or a trailing `# {…}` on its
// line). `…` stands for any text. An answer starting with `{` must match the whole output; other
// answers must each match the start of some output line. A command without an expected answer must
// exit 0 and print no `"error"`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BINARY, freePort } from '../integration/harness.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// The ```sh blocks of `markdown`, without those preceded by a `readme-test: skip` comment.
export function shellBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```sh') continue;
    const skip = /readme-test: skip/.test(lines[i - 1] ?? '') || /readme-test: skip/.test(lines[i - 2] ?? '');
    const body = [];
    let j = i + 1;
    for (; j < lines.length && lines[j].trim() !== '```'; j++) body.push(lines[j]);
    if (!skip) blocks.push({ line: i + 2, lines: body });
    i = j;
  }
  return blocks;
}

// True when `text` leaves a single quote open (a JSON body spread over lines).
const openQuote = (text) => (text.replace(/"[^"]*"/g, (m) => (m.includes("'") ? '' : m)).split("'").length - 1) % 2 === 1;

// Splits a block into commands, each with the answer expected of it.
export function commands(block) {
  const out = [];
  let cur = null;
  for (let k = 0; k < block.lines.length; k++) {
    const line = block.lines[k];
    const comment = line.match(/^\s*#\s?(.*)$/);
    if (comment && cur && !cur.open) {
      if (!cur.continued) cur.expect.push(comment[1]);
      continue;
    }
    if (comment) continue;
    if (!line.trim()) continue;
    if (cur && cur.open) {
      cur.text += '\n' + line;
    } else {
      cur = { line: block.line + k, text: line, expect: [] };
      out.push(cur);
      const trailing = line.match(/^(.*?)\s+#\s+(\{.*)$/);
      if (trailing && !openQuote(trailing[1])) {
        cur.text = trailing[1];
        cur.expect.push(trailing[2]);
      }
    }
    cur.open = openQuote(cur.text) || /\\$/.test(cur.text);
  }
  return out;
}

// `…` (or `...`) matches anything; the rest literally.
function pattern(expected) {
  const parts = expected.split(/…|\.\.\./).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return parts.join('[\\s\\S]*?');
}

export function check(cmd, out, code) {
  const where = `README.md:${cmd.line}: ${cmd.text.split('\n')[0]}`;
  assert.equal(code, 0, `${where}\nexit ${code}\n${out}`);
  if (!cmd.expect.length) {
    assert.ok(!/"error"\s*:/.test(out), `${where}\nanswered an error:\n${out}`);
    return;
  }
  const expected = cmd.expect.map((l) => l.replace(/^\s+/, ''));
  const text = out.trim();
  if (expected[0].startsWith('{')) {
    const re = new RegExp(`^${pattern(expected.join(''))}$`);
    assert.match(text.replace(/\n\s*/g, ''), re, `${where}\nexpected ${expected.join('')}\ngot      ${text}`);
    return;
  }
  const lines = text.split('\n');
  for (const e of expected) {
    const re = new RegExp(`^${pattern(e)}`);
    assert.ok(lines.some((l) => re.test(l)), `${where}\nexpected a line ${e}\ngot\n${text}`);
  }
}

let dir;
let server;
let port;
const state = () => join(dir, '.readme-state.sh');

// Runs one command in bash with the variables and functions the earlier commands left.
function run(text) {
  const script = `set -a\n. '${state()}'\n${text}\n__rc=$?\n{ export -p; declare -f; } > '${state()}'\nexit $__rc\n`;
  const r = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8', timeout: 30000 });
  return { out: (r.stdout || '') + (r.status ? r.stderr : ''), code: r.status };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'imhub-readme-'));
  symlinkSync(dirname(BINARY), join(dir, 'build'));  // `build/imhub` as in a checkout
  writeFileSync(state(), '');
  port = await freePort();
  const init = spawnSync(BINARY, ['init', '--data', join(dir, 'data')], { encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
  server = spawn(BINARY, ['serve', '--data', join(dir, 'data'), '--listen', `127.0.0.1:${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (d) => { stderr += d; });
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`imhub did not start: ${stderr}`);
});

after(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.on('exit', r));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the README\'s shell examples run in order and answer what it says', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
    .replaceAll('127.0.0.1:8080', `127.0.0.1:${port}`)
    .replaceAll('127.0.0.1%3A8080', `127.0.0.1%3A${port}`);
  const blocks = shellBlocks(readme);
  assert.ok(blocks.length >= 8, `found ${blocks.length} shell blocks`);
  let ran = 0;
  for (const block of blocks) {
    for (const cmd of commands(block)) {
      const { out, code } = run(cmd.text);
      if (process.env.README_TEST_VERBOSE) console.error(`$ ${cmd.text}\n${out}`);
      check(cmd, out, code);
      ++ran;
    }
  }
  assert.ok(ran >= 30, `ran ${ran} commands`);
});

test('the checker fails on a wrong answer (it can fail)', () => {
  const [cmd] = commands({ line: 1, lines: ['echo \'{"result":2}\'', '# {"result":1,"time":{…}}'] });
  assert.throws(() => check(cmd, '{"result":2}', 0));
  assert.doesNotThrow(() => check(cmd, '{"result":1,"time":{"start":1}}', 0));
  const [bare] = commands({ line: 1, lines: ['curl x'] });
  assert.throws(() => check(bare, '{"error":"NO_AUTH_FOUND"}', 0));
});
