// A SQLite VFS over the default one that gathers a transaction's WAL writes into one write.
//
// SQLite writes each WAL frame as two writes (its 24-byte header, then the page), so a commit of
// a group of units cost the writer thread dozens of pwrite calls, a fifth of its time (issue 16's
// profile: syscall entry and exit, not the copying). No SQLite option or library batches them; this
// shim does, by the WAL's documented file format (sqlite.org/fileformat2.html, "WAL File Format"):
//
//  - Writes that continue the previous one are kept in a buffer of up to 128 KB (the most the
//    default VFS writes in one call); any other write, a full buffer, a read, a sync, a size
//    query, a truncation or closing the file first writes the buffer out.
//  - A frame header whose "database size after commit" field is non-zero starts a commit frame:
//    the buffer is written out right after that frame's page, inside COMMIT, before SQLite makes the
//    frames visible to readers (it updates the WAL index only after the frames are written), so a
//    reader never looks for a frame that is still in the buffer, and the store's syncer, which
//    fdatasyncs the WAL once COMMIT has returned, covers every frame of the commit.
//  - A failed write of the buffer fails the write SQLite made, so the commit fails as it would
//    have with the direct writes.
//
// Only the writer connection opens its database through this VFS (the others never write the
// WAL); every file other than the WAL is the default VFS's own, untouched.
#pragma once

namespace imhub {

// The registered name of the VFS (registered on first call, not as the default).
const char* wal_write_batch_vfs();

}  // namespace imhub
