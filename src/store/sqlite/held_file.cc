#include "store/sqlite/held_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

namespace convsent::sqlite {
namespace {

struct HeldFile {
  int fd = -1;
  bool claimed = false;  // by a store of this process
};

std::mutex held_files_mu;

// The held file of `path`, opened on first use; nullptr if it cannot be
// opened. Keyed by device and inode, so that two spellings of one path
// share it. Call with held_files_mu locked.
HeldFile* HeldFileOf(const std::string& path) {
  static auto* files = new std::map<std::pair<dev_t, ino_t>, HeldFile>;  // never destroyed, like the descriptors
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return nullptr;
  HeldFile& held = (*files)[{st.st_dev, st.st_ino}];
  if (held.fd < 0) held.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  return held.fd < 0 ? nullptr : &held;
}

}  // namespace

void StartWriteback(const std::string& db_file) {
  {
    std::lock_guard lock(held_files_mu);
    if (HeldFile* held = HeldFileOf(db_file)) sync_file_range(held->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  }
  // The log may be opened and closed here: SQLite locks the database file
  // and the -shm file, never the -wal file.
  const int fd = open((db_file + "-wal").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    close(fd);
  }
}

// flock and fcntl locks are apart on Linux, so SQLite's locking is
// untouched. (On NFS flock is emulated with fcntl locks; a store on NFS is
// not supported anyway.)
Status ClaimFile(const std::string& db_file, const std::string& store) {
  std::lock_guard lock(held_files_mu);
  HeldFile* held = HeldFileOf(db_file);
  if (held == nullptr) return Status::IoError("cannot open " + store + " to claim it");
  const Status busy = Status::FailedPrecondition(
      "another convsent serve is running on " + store +
      ": a SQLite store takes one server at a time (stop it first, or share a PostgreSQL store)");
  if (held->claimed) return busy;
  if (flock(held->fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return busy;
    return Status::IoError("cannot lock " + store + ": " + std::strerror(errno));
  }
  held->claimed = true;
  return Status::Ok();
}

void ReleaseFile(const std::string& db_file) {
  std::lock_guard lock(held_files_mu);
  if (HeldFile* held = HeldFileOf(db_file)) {
    flock(held->fd, LOCK_UN);  // unlocked, never closed
    held->claimed = false;
  }
}

}  // namespace convsent::sqlite
