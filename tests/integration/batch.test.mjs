// `batch`: command forms, references, halt, the 50-command limit, per-command scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.cleanup(); });

test('map commands with $result references and the five result maps', async () => {
  const r = await s.call('batch', {
    cmd: {
      me: 'profile',
      check: 'method.get?name=$result[me][NAME]',
      ref: 'feature.get?CODE=x$result[me][ID]y',
      bad: 'feature.get',
      whole: 'method.get?name=$error[bad][error]',
    },
  });
  assert.equal(r.status, 200);
  const b = r.body.result;
  assert.deepEqual(Object.keys(b), ['result', 'result_error', 'result_total', 'result_next', 'result_time']);
  assert.equal(b.result.me.ID, '1');
  assert.deepEqual(b.result.check, { isExisting: false, isAvailable: false });
  assert.deepEqual(b.result_error.bad, { error: 'CODE_EMPTY', error_description: "CODE can't be empty" });
  assert.equal(typeof b.result_time.me.duration, 'number');
  assert.ok('operating' in b.result_time.me);
  assert.ok(r.body.time);
});

test('list commands give list-shaped maps', async () => {
  const r = await s.call('batch', { cmd: ['server.time', 'profile'] });
  assert.ok(Array.isArray(r.body.result.result));
  assert.equal(r.body.result.result[1].ID, '1');
  const gap = await s.call('batch', { cmd: ['feature.get', 'profile'] });
  assert.deepEqual(Object.keys(gap.body.result.result), ['1']);
  assert.deepEqual(Object.keys(gap.body.result.result_error), ['0']);
});

test('halt uses PHP truthiness: "false" halts, 0 does not', async () => {
  const cmd = { a: 'feature.get', b: 'server.time' };
  let r = await s.call('batch', { halt: 'false', cmd });
  assert.ok(!('b' in (Array.isArray(r.body.result.result) ? {} : r.body.result.result)));
  assert.deepEqual(r.body.result.result, []);
  r = await s.call('batch', { halt: 0, cmd });
  assert.ok(r.body.result.result.b);
  r = await s.call('batch', { halt: 1, cmd: { a: 'server.time', b: 'feature.get', c: 'server.time' } });
  assert.ok(r.body.result.result.a);
  assert.ok(!r.body.result.result.c);
});

test('at most 50 commands run; the rest get ERROR_BATCH_LENGTH_EXCEEDED', async () => {
  const cmd = {};
  for (let i = 0; i < 55; i++) cmd[`c${i}`] = 'server.time';
  const r = await s.call('batch', { cmd });
  assert.equal(Object.keys(r.body.result.result).length, 50);
  assert.equal(Object.keys(r.body.result.result_error).length, 5);
  assert.deepEqual(r.body.result.result_error.c54, { error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' });
});

test('unknown and forbidden sub-methods fail inside result_error; the outer status stays 200', async () => {
  const r = await s.call('batch', { cmd: { a: 'no.such', b: 'batch?cmd[x]=server.time' } });
  assert.equal(r.status, 200);
  assert.equal(r.body.result.result_error.a.error, 'ERROR_METHOD_NOT_FOUND');
  assert.equal(r.body.result.result_error.b.error, 'ERROR_BATCH_METHOD_NOT_ALLOWED');
});

test('scope is re-checked per command', async () => {
  const { webhook } = s.cli('webhook', 'add', '--user', '1', '--scope', 'im');
  const r = await s.call('batch', { cmd: { a: 'server.time', b: 'user.current' } }, { webhook });
  assert.equal(r.status, 200);
  assert.ok(r.body.result.result.a);
  assert.deepEqual(r.body.result.result_error.b, { error: 'insufficient_scope', error_description: '' });
});

test('form-encoded batch with double-encoded commands', async () => {
  const cmd = encodeURIComponent('method.get?name=' + encodeURIComponent('server.time'));
  const r = await s.raw(`${s.webhook}batch`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `halt=0&cmd[x]=${cmd}`,
  });
  assert.deepEqual(r.body.result.result.x, { isExisting: true, isAvailable: true });
});

test('$next and $total references resolve to the sub-call paging values', async () => {
  for (let i = 0; i < 55; i++) s.cli('user', 'add', '--name', `Batch${i}`);
  const r = await s.call('batch', { cmd: { list: 'user.get', again: 'user.get?start=$next[list]' } });
  assert.equal(r.body.result.result_next.list, 50);
  assert.ok(r.body.result.result_total.list >= 56);
  assert.equal(r.body.result.result.again.length, r.body.result.result_total.list - 50);
});
