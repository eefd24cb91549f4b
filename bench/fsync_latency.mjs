// The disk's own fdatasync latency, so a write benchmark's p99 can be read against it.
// Usage: node bench/fsync_latency.mjs DIR [COUNT]. Prints one latency a line, in microseconds.
//
// Like a write-ahead log that is already allocated (SQLite's WAL after its first checkpoint,
// PostgreSQL's recycled segments): the file is written and fsynced once, then each sample
// overwrites the next 4 KB block in place and calls fdatasync, timing the pair. Run it in a
// directory on the store's filesystem.
import fs from 'node:fs';
import path from 'node:path';

const [dir, countArg = '200'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/fsync_latency.mjs DIR [COUNT]');
  process.exit(2);
}
const count = Number(countArg);
const file = path.join(dir, `fsync-probe-${process.pid}.bin`);
const block = Buffer.alloc(4096, 0x5a);
const fd = fs.openSync(file, 'w');
try {
  for (let i = 0; i < count; i++) fs.writeSync(fd, block, 0, block.length, i * block.length);
  fs.fsyncSync(fd);
  const out = [];
  for (let i = 0; i < count; i++) {
    block.writeUInt32LE(i, 0);  // new content every time, so no layer can skip the write
    const start = process.hrtime.bigint();
    fs.writeSync(fd, block, 0, block.length, i * block.length);
    fs.fdatasyncSync(fd);
    out.push(Number((process.hrtime.bigint() - start) / 1000n));
  }
  process.stdout.write(out.join('\n') + '\n');
} finally {
  fs.closeSync(fd);
  fs.unlinkSync(file);
}
