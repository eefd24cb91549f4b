// Nothing acknowledged is lost: writers get answers while the server is killed with SIGKILL,
// and after a restart every message that was answered with an id is in the store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Server, startServer, storeSql } from './harness.mjs';

test('every acknowledged message survives kill -9', async () => {
  const srv = await startServer();
  let second;
  try {
    const chat = (await srv.ok('im.chat.add', { TITLE: 'crash', USERS: [1] })).result;
    const acked = [];
    let stop = false;
    const writer = async (w) => {
      for (let i = 0; !stop; i++) {
        try {
          const r = await srv.call('im.message.add', { DIALOG_ID: `chat${chat}`, MESSAGE: `w${w} m${i}` });
          if (r.status === 200) acked.push(r.body.result);
        } catch {
          return; // the connection died with the server
        }
      }
    };
    const writers = Array.from({ length: 16 }, (_, w) => writer(w));
    await new Promise((r) => setTimeout(r, 1500));
    const killed = await srv.stop('SIGKILL');
    stop = true;
    await Promise.all(writers);
    assert.equal(killed.signal, 'SIGKILL');
    assert.ok(acked.length > 50, `only ${acked.length} messages were acknowledged`);

    const ids = new Set(
      storeSql(srv.dataDir, 'SELECT id FROM messages').map((r) => Number(r.id)));
    const lost = acked.filter((id) => !ids.has(id));
    assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged messages were lost`);

    // The server comes back on the same data and serves them.
    second = await new Server({ dataDir: srv.dataDir }).start();
    const page = await second.ok('im.dialog.messages.get', { DIALOG_ID: `chat${chat}`, LIMIT: 1 });
    assert.ok(page.result.messages[0].id >= Math.max(...acked));
  } finally {
    if (second) await second.stop();
    await srv.cleanup();
  }
});
