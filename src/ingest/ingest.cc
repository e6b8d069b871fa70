// The ingest pipeline, three stages that run at once: the calling thread
// reads and parses batches of conversations; a scoring stage scores each
// batch on its scoring threads and encodes it for the store; the store's
// writer (store/writer.h, the server's too) stores each batch, a
// transaction each or a savepoint of --strict's one. A bounded queue and
// at most three batches at the writer keep memory flat, and the stages
// overlap so that both cores stay busy.
#include "convsent/ingest.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "convsent/text.h"
#include "util/line_reader.h"
#include "util/csv_reader.h"
#include "store/writer.h"
#include "util/mutex.h"

namespace convsent {
namespace {

constexpr size_t kMaxLineBytes = 16 << 20;  // one conversation a line

using Clock = std::chrono::steady_clock;

// Scored conversations, encoded for the store off the writer thread.
struct Batch {
  std::vector<ScoredConversation> scored;
  std::vector<EncodedConversation> encoded;
};

// Hands batches from one stage to the next.
template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity) {}
  // Blocks while full. Returns false when the consumer has stopped.
  bool Push(T item) {
    MutexLock lock(mu_);
    while (q_.size() >= capacity_ && !stopped_) not_full_.wait(lock.native());
    if (stopped_) return false;
    q_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }
  // Blocks while empty. Returns false at the end of input.
  bool Pop(T* item) {
    MutexLock lock(mu_);
    while (q_.empty() && !closed_) not_empty_.wait(lock.native());
    if (q_.empty()) return false;
    *item = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return true;
  }
  // The producer is done.
  void Close() {
    MutexLock lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }
  // The consumer gave up: pushes fail from now on.
  void Stop() {
    MutexLock lock(mu_);
    stopped_ = true;
    not_full_.notify_all();
  }

 private:
  Mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> q_ GUARDED_BY(mu_);
  const size_t capacity_;
  bool closed_ GUARDED_BY(mu_) = false;
  bool stopped_ GUARDED_BY(mu_) = false;
};

class Ingester {
 public:
  Ingester(std::shared_ptr<const Model> model, Store* store, const IngestOptions& options)
      : model_(std::move(model)), store_(store), options_(options), scorers_(model_, options.threads), to_score_(2),
        rollup_(options.rollup.value_or(RollupOptionsFor(*model_))) {
    score_options_.explain = options.explain;
  }

  Result<IngestSummary> RunFiles(const std::vector<std::string>& paths) {
    for (const auto& p : paths) {
      struct stat st;
      if (p != "-" && ::stat(p.c_str(), &st) == 0) bytes_total_ += st.st_size;
    }
    return Run([&] {
      Status status;
      for (const auto& path : paths) {
        if (!status.ok() || stop_reading_) break;
        status = ReadFile(path);
      }
      return status;
    });
  }

  Result<IngestSummary> RunConversations(std::vector<Conversation> conversations, std::vector<IngestError> errors) {
    return Run([&] {
      for (auto& e : errors) {
        if (stop_reading_) break;
        Report(std::move(e.file), e.line, std::move(e.field), std::move(e.message));
      }
      for (auto& c : conversations) {
        if (stop_reading_) break;
        Add(std::move(c));
      }
      return Status::Ok();
    });
  }

 private:
  // Runs `read`, which Add()s conversations and Report()s errors, with the
  // writer thread storing what it adds.
  Result<IngestSummary> Run(const std::function<Status()>& read) {
    start_ = Clock::now();
    if (options_.enqueue) return RunEnqueue(read);
    summary_.model = model_->info().version;
    ASSIGN_OR_RETURN(model_id_, store_->RegisterModel(model_->info().version, model_->info().metadata_json));
    ASSIGN_OR_RETURN(redaction_, StoredRedaction(*store_));
    Status status;
    if (options_.strict) status = store_->Begin();
    // The log is copied into the store by a thread of its own rather than by
    // the writer's commits: the writer is the pipeline's slowest stage, and
    // the other core has room. Outside --strict's one transaction, the log
    // starts over now and then.
    WriterOptions w;
    w.model_id = model_id_, w.rollup = rollup_, w.model = model_.get();
    w.checkpoint_every = std::chrono::milliseconds(250);
    w.restart_log_every = options_.strict ? 0 : 8;
    w.stop_after_failure = true;  // no batch commits after a lost one (with_commit records progress)
    std::optional<Writer> writer;
    writer.emplace(store_, w);
    writer_ = &*writer;
    std::thread scorer([this] { ScoringLoop(); });
    if (status.ok()) status = read();
    if (status.ok() && !stop_reading_) status = Flush();
    to_score_.Close();
    scorer.join();  // every batch it handed the writer has landed
    writer.reset();
    if (status.ok()) status = writer_status_;
    status = FinishStrict(status);
    if (status.ok() && summary_.conversations > 0) status = store_->SetCurrentModel(model_->info().version);
    summary_.seconds = Seconds();
    if (!status.ok()) return status;
    return summary_;
  }

  double Seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  void Report(std::string file, int64_t line, std::string field, std::string message) {
    IngestError e{std::move(file), line, std::move(field), std::move(message)};
    ++summary_.skipped;
    ++summary_.errors_total;
    ++skipped_;
    if (options_.on_error) options_.on_error(e);
    if (summary_.errors.size() < IngestSummary::kMaxErrors) summary_.errors.push_back(std::move(e));
    if (options_.strict) {
      summary_.aborted = true;
      stop_reading_ = true;
    }
  }
  // Splits "messages[2].role: text" into field and message.
  void ReportStatus(const std::string& file, int64_t line, const Status& s) {
    const std::string& m = s.message();
    const auto colon = m.find(": ");
    const bool has_field = colon != std::string::npos && m.find(' ') > colon;
    Report(file, line, has_field ? m.substr(0, colon) : "", has_field ? m.substr(colon + 2) : m);
  }

  void Add(Conversation c) {
    pending_.push_back(std::move(c));
    if (static_cast<int>(pending_.size()) >= options_.batch_conversations) {
      Status s = Flush();
      if (!s.ok()) {
        writer_status_ = s;
        stop_reading_ = true;
      }
    }
  }

  Status ReadFile(const std::string& path) {
    const bool is_stdin = path == "-";
    std::FILE* f = is_stdin ? stdin : std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
      Report(path, 0, "", "cannot open the file");
      return Status::Ok();
    }
    const bool csv = path.size() > 4 && path.compare(path.size() - 4, 4, ".csv") == 0;
    const int64_t base = bytes_read_;
    Status s = csv ? ReadCsv(path, f, base) : ReadJsonl(path, f, base);
    if (!is_stdin) std::fclose(f);
    return s;
  }

  static constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

  Status ReadJsonl(const std::string& path, std::FILE* f, int64_t base) {
    LineReader reader(f, kMaxLineBytes);
    std::string line;
    bool too_long = false;
    int64_t line_no = 0, bytes = 0;
    while (!stop_reading_ && reader.Next(&line, &too_long)) {
      ++line_no;
      bytes += static_cast<int64_t>(line.size()) + 1;
      bytes_read_ = base + bytes;
      if (too_long) {
        Report(path, line_no, "", "line longer than " + std::to_string(kMaxLineBytes) + " bytes");
        continue;
      }
      // A byte-order mark, as some editors on Windows write one, is not content.
      if (line_no == 1 && line.starts_with(kUtf8Bom)) line.erase(0, kUtf8Bom.size());
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines are allowed
      Conversation c;
      const Status s = ParseConversationJson(line, &c);
      if (!s.ok()) {
        ReportStatus(path, line_no, s);
        continue;
      }
      Add(std::move(c));
    }
    if (reader.error()) Report(path, line_no, "", "read error");
    return Status::Ok();
  }

  Status ReadCsv(const std::string& path, std::FILE* f, int64_t base) {
    CsvReader reader(f, kMaxLineBytes);
    std::vector<std::string> header, row;
    int64_t line = 0;
    if (reader.Next(&header, &line) != CsvReader::Result::kRecord) {
      Report(path, 1, "", "no header row");
      return Status::Ok();
    }
    if (!header.empty() && header[0].starts_with(kUtf8Bom)) header[0].erase(0, kUtf8Bom.size());
    std::unordered_map<std::string, size_t> col;
    for (size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
    for (const char* required : {"conversation_id", "role", "text"}) {
      if (!col.count(required)) {
        Report(path, 1, required, "missing column (a CSV needs conversation_id, role and text)");
        return Status::Ok();
      }
    }
    auto get = [&](const char* name) -> std::string {
      auto it = col.find(name);
      return it != col.end() && it->second < row.size() ? row[it->second] : std::string();
    };
    static const std::unordered_set<std::string> kKnown = {"conversation_id", "role", "text", "at", "author",
                                                           "channel", "topic", "team", "tags", "created_at",
                                                           "csat", "nps"};
    Conversation current;
    std::unordered_set<std::string> done;
    auto finish = [&] {
      if (current.id.empty()) return;
      done.insert(current.id);
      if (current.messages.empty()) return;
      if (current.created_at_ms == 0) current.created_at_ms = current.messages.front().at_ms;
      Add(std::move(current));
      current = Conversation();
    };
    for (;;) {
      const auto r = reader.Next(&row, &line);
      bytes_read_ = base + reader.bytes_read();
      if (r == CsvReader::Result::kEnd || stop_reading_) break;
      if (r == CsvReader::Result::kUnterminatedQuote) {
        Report(path, line, "", "a quoted field is never closed");
        break;
      }
      if (r == CsvReader::Result::kTooLong) {
        Report(path, line, "", "record longer than " + std::to_string(kMaxLineBytes) + " bytes");
        continue;
      }
      if (row.size() == 1 && row[0].empty()) continue;  // blank line
      // A row with more fields than the header is most often text with an
      // unquoted comma: taking the first field would cut the customer's
      // words silently. Too few fields: columns are missing. Either way the
      // row is reported and skipped.
      if (row.size() != header.size()) {
        Report(path, line, "",
               std::to_string(row.size()) + " fields where the header has " + std::to_string(header.size()) +
                   (row.size() > header.size() ? " (a field with a comma must be in double quotes)" : ""));
        continue;
      }
      const std::string id = get("conversation_id");
      if (id.empty()) {
        Report(path, line, "conversation_id", "empty");
        continue;
      }
      if (id != current.id) {
        finish();
        if (done.count(id)) {
          Report(path, line, "conversation_id",
                 "'" + id + "' appeared earlier in the file; the rows of one conversation must be adjacent");
          continue;
        }
        current = Conversation();
        current.id = id;
        current.channel = get("channel");
        current.topic = get("topic");
        current.team = get("team");
        const std::string tags = get("tags");  // "refund;vip" or "refund|vip"
        for (size_t start = 0; start < tags.size();) {
          const size_t end = std::min(tags.find_first_of(";|", start), tags.size());
          if (end > start) current.tags.push_back(tags.substr(start, end - start));
          start = end + 1;
        }
        if (const std::string t = get("created_at"); !t.empty() && !ParseTime(t, &current.created_at_ms)) {
          Report(path, line, "created_at", "'" + t.substr(0, 40) + "' is not an RFC 3339 time");
        }
        for (const char* name : {"csat", "nps"}) {
          const std::string v = get(name);
          if (v.empty()) continue;
          char* end = nullptr;
          const long n = std::strtol(v.c_str(), &end, 10);
          const long hi = name[0] == 'c' ? 5 : 10, lo = name[0] == 'c' ? 1 : 0;
          if (*end != '\0' || n < lo || n > hi) {
            Report(path, line, name, "'" + v.substr(0, 20) + "' is not a whole number from " + std::to_string(lo) +
                                         " to " + std::to_string(hi));
          } else {
            (name[0] == 'c' ? current.csat : current.nps) = static_cast<int>(n);
          }
        }
        for (size_t i = 0; i < header.size() && i < row.size(); ++i) {
          if (!kKnown.count(header[i]) && !row[i].empty()) current.attributes.emplace_back(header[i], row[i]);
        }
      }
      Message m;
      if (!ParseRole(get("role"), &m.role)) {
        Report(path, line, "role", "'" + get("role").substr(0, 30) + "' is not customer, agent, bot or note");
        continue;
      }
      if (const std::string at = get("at"); !at.empty() && !ParseTime(at, &m.at_ms)) {
        Report(path, line, "at", "'" + at.substr(0, 40) + "' is not an RFC 3339 time");
        continue;
      }
      m.author = get("author");
      m.text = get("text");
      current.messages.push_back(std::move(m));
    }
    if (!stop_reading_) finish();
    return Status::Ok();
  }

  // --strict runs in one transaction: committed only when no line failed.
  Status FinishStrict(Status status) {
    if (!options_.strict) return status;
    if (status.ok() && !summary_.aborted) return store_->Commit();
    (void)store_->Rollback();
    summary_.conversations = summary_.messages = 0;
    return status;
  }

  // --enqueue: the conversations go, unscored, into the backlog that
  // `convsent worker` processes; no scoring or writer stage.
  Result<IngestSummary> RunEnqueue(const std::function<Status()>& read) {
    Status status = options_.strict ? store_->Begin() : Status::Ok();
    if (status.ok()) status = read();
    if (status.ok() && !stop_reading_) status = Flush();
    if (status.ok()) status = writer_status_;
    status = FinishStrict(status);
    summary_.seconds = Seconds();
    if (!status.ok()) return status;
    return summary_;
  }

  // Into the backlog, as canonical JSON, in a transaction of its own (or
  // the --strict one).
  Status EnqueuePending() {
    std::vector<std::string> lines;
    lines.reserve(pending_.size());
    int64_t messages = 0;
    for (const Conversation& c : pending_) {
      lines.push_back(ConversationToJson(c));
      messages += static_cast<int64_t>(c.messages.size());
    }
    pending_.clear();
    const int64_t now = NowMs();
    RETURN_IF_ERROR(store_->InTransaction([&] { return store_->backlog().Enqueue(lines, now); }));
    summary_.conversations += static_cast<int64_t>(lines.size());
    summary_.messages += messages;
    return Status::Ok();
  }

  // Hands the pending conversations to the scoring stage (or the backlog).
  Status Flush() {
    if (pending_.empty()) return Status::Ok();
    if (options_.enqueue) return EnqueuePending();
    if (!to_score_.Push(std::move(pending_))) return writer_status_;
    pending_.clear();
    return Status::Ok();
  }

  // The scoring stage: each batch scored and encoded on all scoring
  // threads, then queued for the writer.
  // Scoring threads give way to the writer, the pipeline's slowest stage:
  // with more threads than cores, the writer would otherwise wait its turn.
  // (The checkpoint thread keeps its priority: the writer's restarts of the
  // log wait for it.)
  static void Yield() {
    thread_local bool done = false;
    if (!done) (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 5), done = true;
  }

  void ScoringLoop() {
    std::vector<Conversation> conversations;
    IngestProgress progress;
    progress.bytes_total = bytes_total_;
    // The batches at the writer, oldest first: each is freed here, at this
    // stage's priority, once stored (the writer is the slowest stage).
    std::deque<std::pair<std::future<Status>, std::shared_ptr<const Batch>>> stored;
    bool failed = false;
    const auto land_oldest = [&] {
      const Status s = stored.front().first.get();
      if (s.ok()) {
        for (const auto& sc : stored.front().second->scored) {
          summary_.messages += static_cast<int64_t>(sc.conversation.messages.size());
        }
        summary_.conversations += static_cast<int64_t>(stored.front().second->scored.size());
      } else if (!failed) {
        failed = true;
        writer_status_ = s;
      }
      stored.pop_front();
    };
    while (!failed && to_score_.Pop(&conversations)) {
      Batch batch;
      batch.scored.resize(conversations.size());
      batch.encoded.resize(conversations.size());
      Yield();
      scorers_.ForEachPart(
          conversations.size(),
          [&](Scorer& scorer, size_t begin, size_t end, size_t) {
            for (size_t i = begin; i < end; ++i) {
              batch.scored[i] = ScoreConversation(std::move(conversations[i]), scorer, score_options_, rollup_);
              RedactForStorage(redaction_, &batch.scored[i]);
              batch.encoded[i] = EncodeConversation(batch.scored[i]);
            }
          },
          Yield);
      for (const auto& sc : batch.scored) progress.messages += static_cast<int64_t>(sc.conversation.messages.size());
      progress.conversations += static_cast<int64_t>(batch.scored.size());
      progress.skipped = skipped_;
      progress.bytes_read = bytes_read_;
      progress.seconds = Seconds();
      if (options_.progress) options_.progress(progress);
      auto shared = std::make_shared<const Batch>(std::move(batch));
      stored.emplace_back(writer_->Post([this, b = shared](WriterContext& ctx) mutable -> Status {
        for (size_t i = 0; i < b->scored.size(); ++i) {
          RETURN_IF_ERROR(ctx.store().conversations().Put(b->scored[i], model_id_, &b->encoded[i]));
        }
        b.reset();  // the scoring stage holds the last reference
        return options_.with_commit ? options_.with_commit(ctx.store()) : Status::Ok();
      }), shared);
      while (stored.size() > 2) land_oldest();
    }
    while (!stored.empty()) land_oldest();
    if (failed) {
      // The writer failed: so does the reader.
      stop_reading_ = true;
      to_score_.Stop();
    }
  }

  std::shared_ptr<const Model> model_;
  Store* store_;
  IngestOptions options_;
  ScoreOptions score_options_;
  ScorerPool scorers_;
  BoundedQueue<std::vector<Conversation>> to_score_;
  RollupOptions rollup_;
  Writer* writer_ = nullptr;  // while Run runs
  std::vector<Conversation> pending_;
  IngestSummary summary_;
  // Progress, shared between the reader and the scoring stage.
  std::atomic<int64_t> bytes_read_{0}, skipped_{0};
  int64_t bytes_total_ = 0;
  int64_t model_id_ = 0;
  Redaction redaction_;  // the store's, read once
  Status writer_status_;
  std::atomic<bool> stop_reading_{false};
  Clock::time_point start_;
};

}  // namespace

Result<IngestSummary> Ingest(const std::vector<std::string>& paths, std::shared_ptr<const Model> model, Store* store,
                             const IngestOptions& options) {
  Ingester ingester(std::move(model), store, options);
  return ingester.RunFiles(paths);
}

Result<IngestSummary> IngestConversations(std::vector<Conversation> conversations, std::vector<IngestError> errors,
                                          std::shared_ptr<const Model> model, Store* store,
                                          const IngestOptions& options) {
  Ingester ingester(std::move(model), store, options);
  return ingester.RunConversations(std::move(conversations), std::move(errors));
}

}  // namespace convsent
