// A prepared SQLite statement with typed binds and reads, shared by the
// SQLite record families. Internal to src/store/sqlite.
#ifndef CONVSENT_SRC_STORE_SQLITE_STATEMENT_H_
#define CONVSENT_SRC_STORE_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "convsent/status.h"

namespace convsent::sqlite {

// A prepared statement, reset after each use.
class Stmt {
 public:
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(s_); }
  Status Prepare(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s_, nullptr) != SQLITE_OK) {
      return Status::Internal(std::string("preparing SQL: ") + sqlite3_errmsg(db));
    }
    return Status::Ok();
  }
  Stmt& Bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); return *this; }
  Stmt& Bind(int i, int v) { sqlite3_bind_int64(s_, i, v); return *this; }
  Stmt& Bind(int i, double v) { sqlite3_bind_double(s_, i, v); return *this; }
  Stmt& Bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& BindNull(int i) { sqlite3_bind_null(s_, i); return *this; }
  Stmt& BindBlob(int i, const std::string& v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  template <typename T>
  Stmt& Bind(int i, const std::optional<T>& v) {
    return v ? Bind(i, static_cast<int64_t>(*v)) : BindNull(i);
  }
  // Steps once: SQLITE_ROW or SQLITE_DONE, else an error.
  int Step() { return sqlite3_step(s_); }
  bool prepared() const { return s_ != nullptr; }
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  double Real(int col) const { return sqlite3_column_double(s_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  std::string_view Blob(int col) const {
    const void* p = sqlite3_column_blob(s_, col);
    return p ? std::string_view(static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s_, col)))
             : std::string_view();
  }
  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, col))) : std::string();
  }

 private:
  sqlite3_stmt* s_ = nullptr;
};

// Prepares `s` on first use: a family's statements cost nothing until used.
inline Status EnsurePrepared(Stmt& s, sqlite3* db, const char* sql) {
  return s.prepared() ? Status::Ok() : s.Prepare(db, sql);
}

// The error of the last call on `db`, naming the store's `path` and `what`
// was being done.
inline Status SqlError(sqlite3* db, const std::string& path, const std::string& what) {
  return Status::IoError(path + ": " + what + ": " + sqlite3_errmsg(db));
}

// Runs a statement whose rows, if any, are not read, and resets it.
inline Status StepDone(Stmt& s, sqlite3* db, const std::string& path, const std::string& what) {
  const int rc = s.Step();
  s.Reset();
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::Ok();
  return SqlError(db, path, what);
}

}  // namespace convsent::sqlite

#endif  // CONVSENT_SRC_STORE_SQLITE_STATEMENT_H_
