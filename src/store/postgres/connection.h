// One libpq connection and the helpers every PostgreSQL record family
// uses: query parameters, typed reads of a result's text, COPY escaping.
// Internal to src/store/postgres.
#ifndef CONVSENT_SRC_STORE_POSTGRES_CONNECTION_H_
#define CONVSENT_SRC_STORE_POSTGRES_CONNECTION_H_

#include <poll.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "convsent/status.h"
#include "store/postgres/libpq.h"

namespace convsent::pg {

// Sends at most this many writes before reading their answers, so that
// neither side's buffers fill up while the other waits.
inline constexpr int kMaxPipelined = 256;

struct ResultFree {
  void operator()(PGresult* r) const { pq::Lib().PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultFree>;

// Query parameters, all sent as text.
class Params {
 public:
  Params& Add(std::string_view v) {
    values_.emplace_back(v);
    null_.push_back(false);
    return *this;
  }
  Params& Add(const std::string& v) { return Add(std::string_view(v)); }
  Params& Add(const char* v) { return Add(std::string_view(v)); }
  Params& Add(int64_t v) { return Add(std::to_string(v)); }
  Params& Add(int v) { return Add(std::to_string(v)); }
  Params& Add(double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof(buf), v);  // shortest form that reads back the same
    return Add(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
  }
  template <typename T>
  Params& Add(const std::optional<T>& v) {
    return v ? Add(static_cast<int64_t>(*v)) : Null();
  }
  Params& Null() {
    values_.emplace_back();
    null_.push_back(true);
    return *this;
  }
  // A bytea value, in PostgreSQL's hex input format.
  Params& Bytes(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex = "\\x";
    for (unsigned char c : bytes) {
      hex.push_back(kHex[c >> 4]);
      hex.push_back(kHex[c & 15]);
    }
    return Add(std::string_view(hex));
  }
  int size() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> Pointers() const {
    std::vector<const char*> p(values_.size());
    for (size_t i = 0; i < values_.size(); ++i) p[i] = null_[i] ? nullptr : values_[i].c_str();
    return p;
  }

 private:
  std::vector<std::string> values_;
  std::vector<bool> null_;
};

// Reads of a result in text format.
inline int64_t Int(const PGresult* r, int row, int col) {
  return std::strtoll(pq::Lib().PQgetvalue(r, row, col), nullptr, 10);
}
inline double Real(const PGresult* r, int row, int col) {
  return std::strtod(pq::Lib().PQgetvalue(r, row, col), nullptr);
}
inline bool IsNull(const PGresult* r, int row, int col) {
  return pq::Lib().PQgetisnull(r, row, col) != 0;
}
inline std::string Text(const PGresult* r, int row, int col) {
  return std::string(pq::Lib().PQgetvalue(r, row, col), static_cast<size_t>(pq::Lib().PQgetlength(r, row, col)));
}
// How many rows an INSERT, UPDATE or DELETE touched.
inline int64_t Changed(PGresult* r) {
  return std::strtoll(pq::Lib().PQcmdTuples(r), nullptr, 10);
}
inline std::optional<int64_t> OptInt(const PGresult* r, int row, int col) {
  return IsNull(r, row, col) ? std::nullopt : std::optional<int64_t>(Int(r, row, col));
}
// A bytea column in hex output format ("\x0a0b...").
inline std::string Bytes(const PGresult* r, int row, int col) {
  const std::string_view hex(pq::Lib().PQgetvalue(r, row, col),
                             static_cast<size_t>(pq::Lib().PQgetlength(r, row, col)));
  std::string out;
  if (hex.size() < 2 || hex[0] != '\\' || hex[1] != 'x') return out;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (size_t i = 2; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  return out;
}

// Escapes a value for COPY's text format.
inline void AppendCopyText(std::string_view v, std::string* out) {
  for (char c : v) {
    switch (c) {
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default: out->push_back(c);
    }
  }
}

// One libpq connection: errors as Statuses that name the store (without
// its password), prepared statements by name, and pipelined writes.
class Connection {
 public:
  ~Connection() {
    if (conn_) pq::Lib().PQfinish(conn_);
  }

  Status Open(const std::string& url, const std::string& name) {
    name_ = name;
    RETURN_IF_ERROR(pq::Load());
    // The URL's own settings come last, so that they win.
    const char* keys[] = {"connect_timeout", "application_name", "client_encoding", "dbname", nullptr};
    const char* values[] = {"10", "convsent", "UTF8", url.c_str(), nullptr};
    conn_ = pq::Lib().PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    if (conn_ == nullptr) return Status::IoError("cannot connect to " + name_ + ": out of memory");
    if (pq::Lib().PQstatus(conn_) != CONNECTION_OK)
      return Status::IoError("cannot connect to " + name_ + ": " + LastError());
    pq::Lib().PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);  // "relation exists" and the like
    return Status::Ok();
  }

  // Runs `sql` (one or more statements, no parameters).
  Status Exec(const std::string& sql, const std::string& what) {
    RETURN_IF_ERROR(Drain());
    PgResult r(pq::Lib().PQexec(conn_, sql.c_str()));
    return Check(r.get(), what);
  }

  // One statement with parameters; its rows.
  Result<PgResult> Query(const std::string& sql, const Params& params, const std::string& what) {
    RETURN_IF_ERROR(Drain());
    const auto p = params.Pointers();
    PgResult r(pq::Lib().PQexecParams(conn_, sql.c_str(), params.size(), nullptr, p.data(), nullptr, nullptr, 0));
    RETURN_IF_ERROR(Check(r.get(), what));
    return r;
  }

  Status Prepare(const std::string& name, const std::string& sql) {
    PgResult r(pq::Lib().PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
    return Check(r.get(), "preparing " + name);
  }
  Result<PgResult> Run(const std::string& name, const Params& params, const std::string& what) {
    RETURN_IF_ERROR(Drain());
    const auto p = params.Pointers();
    PgResult r(pq::Lib().PQexecPrepared(conn_, name.c_str(), params.size(), p.data(), nullptr, nullptr, 0));
    RETURN_IF_ERROR(Check(r.get(), what));
    return r;
  }

  // Sends a prepared write without waiting for its answer. Its error, if
  // any, is returned by the next Drain() (every other call drains first).
  Status Send(const std::string& name, const Params& params, const std::string& what) {
    if (pq::Lib().PQpipelineStatus(conn_) == PQ_PIPELINE_OFF && pq::Lib().PQenterPipelineMode(conn_) != 1) {
      return Status::IoError(name_ + ": " + what + ": " + LastError());
    }
    const auto p = params.Pointers();
    if (pq::Lib().PQsendQueryPrepared(conn_, name.c_str(), params.size(), p.data(), nullptr, nullptr, 0) != 1) {
      return Status::IoError(name_ + ": " + what + ": " + LastError());
    }
    if (++pipelined_ >= kMaxPipelined) return Drain();
    return Status::Ok();
  }

  // Sends a statement without parameters and without waiting (see Send).
  Status SendSql(const std::string& sql, const std::string& what) {
    if (pq::Lib().PQpipelineStatus(conn_) == PQ_PIPELINE_OFF && pq::Lib().PQenterPipelineMode(conn_) != 1) {
      return Status::IoError(name_ + ": " + what + ": " + LastError());
    }
    if (pq::Lib().PQsendQueryParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) != 1) {
      return Status::IoError(name_ + ": " + what + ": " + LastError());
    }
    ++pipelined_;
    return Status::Ok();
  }

  // Reads the answers to everything sent, and leaves pipeline mode. The
  // first error is returned; what followed it was not run.
  Status Drain() {
    if (pq::Lib().PQpipelineStatus(conn_) == PQ_PIPELINE_OFF) return Status::Ok();
    Status first = Status::Ok();
    if (pq::Lib().PQpipelineSync(conn_) != 1) first = Status::IoError(name_ + ": sending writes: " + LastError());
    while (first.ok()) {
      PgResult r(pq::Lib().PQgetResult(conn_));
      if (r == nullptr) {  // the end of one statement's results, or a lost connection
        if (pq::Lib().PQstatus(conn_) == CONNECTION_BAD) first = Status::IoError(name_ + ": " + LastError());
        continue;
      }
      const auto status = pq::Lib().PQresultStatus(r.get());
      if (status == PGRES_PIPELINE_SYNC) break;
      if (status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR) {
        first = Status::IoError(name_ + ": storing a conversation: " + ResultError(r.get()));
        // Read on to the sync: the rest was skipped.
        while (true) {
          PgResult rest(pq::Lib().PQgetResult(conn_));
          if (rest && pq::Lib().PQresultStatus(rest.get()) == PGRES_PIPELINE_SYNC) break;
          if (!rest && pq::Lib().PQstatus(conn_) == CONNECTION_BAD) break;
        }
        break;
      }
      if (pq::Lib().PQstatus(conn_) == CONNECTION_BAD) first = Status::IoError(name_ + ": " + LastError());
    }
    pipelined_ = 0;
    if (pq::Lib().PQexitPipelineMode(conn_) != 1 && first.ok()) first = Status::IoError(name_ + ": " + LastError());
    return first;
  }

  // Streams rows one at a time to `fn` (a large scan without holding it all).
  Status Stream(const std::string& sql, const Params& params, const std::string& what,
                const std::function<void(const PGresult*)>& fn) {
    RETURN_IF_ERROR(Drain());
    const auto p = params.Pointers();
    if (pq::Lib().PQsendQueryParams(conn_, sql.c_str(), params.size(), nullptr, p.data(), nullptr, nullptr, 0) != 1 ||
        pq::Lib().PQsetSingleRowMode(conn_) != 1) {
      return Status::IoError(name_ + ": " + what + ": " + LastError());
    }
    Status st = Status::Ok();
    while (PGresult* raw = pq::Lib().PQgetResult(conn_)) {
      PgResult r(raw);
      const auto status = pq::Lib().PQresultStatus(raw);
      if (status == PGRES_SINGLE_TUPLE) {
        if (st.ok()) fn(raw);
      } else if (status != PGRES_TUPLES_OK && st.ok()) {
        st = Status::IoError(name_ + ": " + what + ": " + ResultError(raw));
      }
    }
    return st;
  }

  // COPY `table(columns)` FROM STDIN with `rows` (already in COPY text format).
  Status CopyIn(const std::string& target, const std::string& rows, const std::string& what) {
    RETURN_IF_ERROR(Drain());
    PgResult start(pq::Lib().PQexec(conn_, ("COPY " + target + " FROM STDIN").c_str()));
    if (pq::Lib().PQresultStatus(start.get()) != PGRES_COPY_IN) return Check(start.get(), what);
    bool ok = pq::Lib().PQputCopyData(conn_, rows.data(), static_cast<int>(rows.size())) == 1;
    ok = pq::Lib().PQputCopyEnd(conn_, ok ? nullptr : "client error") == 1 && ok;
    Status st = Status::Ok();
    while (PGresult* raw = pq::Lib().PQgetResult(conn_)) {
      PgResult r(raw);
      if (st.ok()) st = Check(raw, what);
    }
    if (!ok && st.ok()) st = Status::IoError(name_ + ": " + what + ": " + LastError());
    return st;
  }

  // LISTENs on `channel` (once), then waits up to `timeout_ms` for
  // notifications; their payloads.
  Result<std::vector<std::string>> Notifications(const std::string& channel, int timeout_ms) {
    if (!listening_) {
      RETURN_IF_ERROR(Exec("LISTEN " + channel, "listening"));
      listening_ = true;
    }
    std::vector<std::string> out;
    auto collect = [&] {
      while (PGnotify* n = pq::Lib().PQnotifies(conn_)) {
        out.emplace_back(n->extra);
        pq::Lib().PQfreemem(n);
      }
    };
    collect();
    if (!out.empty()) return out;
    pollfd fd{pq::Lib().PQsocket(conn_), POLLIN, 0};
    if (fd.fd < 0) return Status::IoError(name_ + ": the connection is closed");
    const int ready = poll(&fd, 1, timeout_ms);
    if (ready < 0 && errno != EINTR) return Status::IoError(name_ + ": waiting for notifications");
    if (ready > 0 && pq::Lib().PQconsumeInput(conn_) != 1) return Status::IoError(name_ + ": " + LastError());
    collect();
    return out;
  }

  std::string LastError() const {
    std::string e = conn_ ? pq::Lib().PQerrorMessage(conn_) : "no connection";
    while (!e.empty() && (e.back() == '\n' || e.back() == ' ')) e.pop_back();
    return e;
  }
  const std::string& name() const { return name_; }

 private:
  static std::string ResultError(const PGresult* r) {
    std::string e = r ? pq::Lib().PQresultErrorMessage(r) : "no answer";
    while (!e.empty() && (e.back() == '\n' || e.back() == ' ')) e.pop_back();
    return e;
  }
  Status Check(const PGresult* r, const std::string& what) const {
    const auto status = r ? pq::Lib().PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Status::Ok();
    return Status::IoError(name_ + ": " + what + ": " + (r ? ResultError(r) : LastError()));
  }

  PGconn* conn_ = nullptr;
  std::string name_;
  int pipelined_ = 0;
  bool listening_ = false;
};

}  // namespace convsent::pg

#endif  // CONVSENT_SRC_STORE_POSTGRES_CONNECTION_H_
