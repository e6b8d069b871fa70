// Descriptors of database files that this process opened for itself (not
// SQLite's), to start their writeback and to claim a store for one writer.
//
// They are never closed: closing any descriptor of a file drops every
// POSIX lock the process holds on it (fcntl semantics), SQLite's included.
// Another process that then closes its connection finds itself the last
// user and deletes the log under the live store, losing what was committed
// there ("How To Corrupt An SQLite Database File", section 2.2). So there is
// one per database file the process writes back or claims, kept until the
// process ends. Thread-safe. Internal to src/store/sqlite.
#ifndef CONVSENT_SRC_STORE_SQLITE_HELD_FILE_H_
#define CONVSENT_SRC_STORE_SQLITE_HELD_FILE_H_

#include <string>

#include "convsent/status.h"

namespace convsent::sqlite {

// Starts writing the file's dirty pages to disk, and its -wal's, without
// waiting for them.
void StartWriteback(const std::string& db_file);

// Claims `db_file` for one writer in all processes (an flock on the held
// descriptor); `store` names it in errors. FailedPrecondition while another
// holds it.
Status ClaimFile(const std::string& db_file, const std::string& store);
// Gives a claim back.
void ReleaseFile(const std::string& db_file);

}  // namespace convsent::sqlite

#endif  // CONVSENT_SRC_STORE_SQLITE_HELD_FILE_H_
