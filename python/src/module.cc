// convsent._convsent: the library for Python. Scoring, evaluation and the
// store, with the GIL released while the C++ side works. The friendlier
// layer (DataFrames, the package's docstrings) is python/convsent/__init__.py.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "convsent/eval.h"
#include "convsent/ingest.h"
#include "convsent/report.h"
#include "convsent/rollup.h"
#include "convsent/scorer.h"
#include "convsent/store.h"
#include "convsent/stored_conversations.h"
#include "convsent/discover.h"
#include "convsent/tree.h"

namespace py = pybind11;

namespace convsent::python {
namespace {

// The library's errors, as convsent.Error (set in the module below).
PyObject* error_type = nullptr;

[[noreturn]] void Raise(const Status& s) {
  PyErr_SetString(error_type, s.ToString().c_str());
  throw py::error_already_set();
}

template <typename T>
T Take(Result<T> r) {
  if (!r.ok()) Raise(r.status());
  return std::move(*r);
}

// Runs `f` with the GIL released; what it returns is checked once the GIL
// is back (raising needs it).
template <typename F>
auto Unlocked(F&& f) -> decltype(f()) {
  py::gil_scoped_release unlocked;
  return f();
}

// A text from Python: str (lone surrogates pass as invalid UTF-8, which the
// scorer repairs and counts) or bytes (read as UTF-8). Anything else is a
// TypeError that names what came.
std::string TextOf(py::handle h, const char* what) {
  if (PyUnicode_Check(h.ptr())) {
    Py_ssize_t n = 0;
    if (const char* s = PyUnicode_AsUTF8AndSize(h.ptr(), &n)) return std::string(s, static_cast<size_t>(n));
    PyErr_Clear();
    py::object b = py::reinterpret_steal<py::object>(PyUnicode_AsEncodedString(h.ptr(), "utf-8", "surrogatepass"));
    if (!b) throw py::error_already_set();
    return std::string(PyBytes_AS_STRING(b.ptr()), static_cast<size_t>(PyBytes_GET_SIZE(b.ptr())));
  }
  if (PyBytes_Check(h.ptr())) return std::string(PyBytes_AS_STRING(h.ptr()), static_cast<size_t>(PyBytes_GET_SIZE(h.ptr())));
  throw py::type_error(std::string(what) + " must be str or bytes, not " + std::string(py::str(h.get_type().attr("__name__"))));
}

struct PyModel {
  std::shared_ptr<const Model> model;
};

// lang="auto" (identified per message) or a language code.
std::optional<Language> LangOf(const std::string& lang) {
  if (lang == "auto") return std::nullopt;
  Language l;
  if (!ParseLanguage(lang, &l) || l == Language::kUnd) {
    throw py::value_error("lang must be 'auto' or one of ar, de, en, es, fr, hi, it, pt, not '" + lang + "'");
  }
  return l;
}

std::shared_ptr<const Model> ModelOf(const py::object& model, ModelUse use = ModelUse::kMessages) {
  if (model.is_none()) {
    static std::shared_ptr<const Model> embedded[2];
    auto& m = embedded[use == ModelUse::kConversations ? 1 : 0];
    if (!m) m = Take(Model::Embedded(use));
    return m;
  }
  return model.cast<const PyModel&>().model;
}

// One scorer per model for the calling thread (scorers keep scratch buffers).
Scorer& ScorerFor(const std::shared_ptr<const Model>& model) {
  thread_local std::unordered_map<const Model*, std::unique_ptr<Scorer>> scorers;
  auto& s = scorers[model.get()];
  if (!s) s = std::make_unique<Scorer>(model);
  return *s;
}

struct PyScore {
  MessageScore s;
  std::string model;
};

// Python objects are never kept in statics: their destructors would run
// after the interpreter is gone.
py::object Json(const std::string& text) { return py::module_::import("json").attr("loads")(text); }

py::dict EvalDict(const std::vector<Sentiment>& gold, const std::vector<Sentiment>& pred,
                  const std::vector<std::array<float, 3>>& probs) {
  const EvalResult r = Evaluate(gold, pred);
  const ShareErrors shares = ShareError(gold, pred, probs);
  py::dict per_class, count, mean;
  for (int c = 0; c < kNumClasses; ++c) {
    const char* name = SentimentName(static_cast<Sentiment>(c)).data();
    const auto& m = r.per_class[c];
    per_class[name] = py::dict(py::arg("precision") = m.precision, py::arg("recall") = m.recall, py::arg("f1") = m.f1,
                               py::arg("support") = m.support);
    count[name] = shares.count[c];
    mean[name] = shares.mean_probability[c];
  }
  return py::dict(py::arg("n") = r.n, py::arg("accuracy") = r.accuracy, py::arg("macro_f1") = r.macro_f1,
                  py::arg("macro_recall") = r.macro_recall, py::arg("ece") = ExpectedCalibrationError(probs, gold),
                  py::arg("per_class") = per_class,
                  py::arg("share_error") = py::dict(py::arg("count") = count, py::arg("mean_probability") = mean));
}

struct PyStore {
  std::unique_ptr<Store> store;
  Store& get() {
    if (!store) Raise(Status::FailedPrecondition("the store is closed"));
    return *store;
  }
};

std::pair<int64_t, int64_t> Range(const std::string& from, const std::string& to) {
  int64_t f = INT64_MIN, t = INT64_MAX;
  if (!from.empty() && !ParseTime(from, &f)) Raise(Status::InvalidArgument("from_: " + from + ": not a date (YYYY-MM-DD or RFC 3339)"));
  if (!to.empty() && !ParseTime(to, &t)) Raise(Status::InvalidArgument("to: " + to + ": not a date (YYYY-MM-DD or RFC 3339)"));
  return {f, t};
}

std::vector<std::pair<std::string, std::string>> Where(const py::dict& where) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto [k, v] : where) out.emplace_back(py::str(k), py::str(v));
  return out;
}

}  // namespace

PYBIND11_MODULE(_convsent, m) {
  m.doc() = "convsent's C++ library (use the convsent package)";
  static py::exception<std::runtime_error> error(m, "Error");
  error_type = error.ptr();

  py::class_<PyModel>(m, "Model", "A message model: Model.load(path) or Model.embedded('messages' | 'conversations').")
      .def_static("load", [](const std::string& path) { return PyModel{Take(Model::Load(path))}; }, py::arg("path"))
      .def_static(
          "embedded",
          [](const std::string& use) {
            if (use != "messages" && use != "conversations") {
              throw py::value_error("use must be 'messages' or 'conversations', not '" + use + "'");
            }
            return PyModel{ModelOf(py::none(), use == "conversations" ? ModelUse::kConversations : ModelUse::kMessages)};
          },
          py::arg("use") = "messages")
      .def_property_readonly("version", [](const PyModel& p) { return p.model->info().version; })
      .def_property_readonly("reads_context", [](const PyModel& p) { return ScorerFor(p.model).reads_context(); })
      .def("info", [](const PyModel& p) {
        const ModelInfo& i = p.model->info();
        return py::dict(py::arg("version") = i.version, py::arg("format_version") = i.format_version,
                        py::arg("buckets") = i.num_buckets, py::arg("lexicon_entries") = i.lexicon_entries,
                        py::arg("bytes") = i.file_bytes, py::arg("reads_context") = ScorerFor(p.model).reads_context(),
                        py::arg("metadata") = Json(i.metadata_json));
      })
      .def("__repr__", [](const PyModel& p) { return "<convsent.Model " + p.model->info().version + ">"; });

  py::class_<PyScore>(m, "Score", "One message's score (see convsent.score).")
      .def_property_readonly("label", [](const PyScore& s) { return std::string(SentimentName(s.s.label)); })
      .def_property_readonly("p", [](const PyScore& s) {
        return py::dict(py::arg("negative") = s.s.p[0], py::arg("neutral") = s.s.p[1], py::arg("positive") = s.s.p[2]);
      })
      .def_property_readonly("compound", [](const PyScore& s) { return s.s.compound; })
      .def_property_readonly("score5", [](const PyScore& s) { return s.s.score5; })
      .def_property_readonly("explain", [](const PyScore& s) {
        py::list out;
        // The weights are rounded to 3 decimals (as the command line writes
        // them); as doubles, so that 2.395 does not read 2.3949999809.
        for (const auto& c : s.s.explain) out.append(py::make_tuple(c.token, std::round(double{c.weight} * 1000) / 1000));
        return out;
      })
      .def_readonly("model", &PyScore::model)
      .def_property_readonly("language", [](const PyScore& s) { return std::string(LanguageCode(s.s.language)); })
      .def_property_readonly("truncated", [](const PyScore& s) { return s.s.truncated; })
      .def_property_readonly("invalid_utf8_bytes", [](const PyScore& s) { return s.s.invalid_utf8_bytes; })
      .def("__repr__", [](const PyScore& s) {
        char buf[96];
        std::snprintf(buf, sizeof(buf), "<convsent.Score %s compound=%.4f>", SentimentName(s.s.label).data(), s.s.compound);
        return std::string(buf);
      });

  m.def(
      "score",
      [](py::handle text, int explain, const py::object& model, const std::string& lang) {
        const std::string t = TextOf(text, "text");
        auto mod = ModelOf(model);
        PyScore out;
        ScoreOptions o;
        o.explain = explain;
        o.language = LangOf(lang);
        {
          py::gil_scoped_release unlocked;
          ScorerFor(mod).Score(t, o, &out.s);
        }
        out.model = mod->info().version;
        return out;
      },
      py::arg("text"), py::arg("explain") = 3, py::arg("model") = py::none(), py::arg("lang") = "auto",
      "Scores one message (str or bytes): a Score with label, p, compound, score5, explain (the `explain`\n"
      "tokens that moved it most), model and language. `model`: a Model (default: the embedded model for lone\n"
      "messages). `lang`: 'auto' (identified) or a language code (ar, de, en, es, fr, hi, it, pt).");

  m.def(
      "score_many",
      [](py::iterable texts, int threads, int explain, const py::object& model, const std::string& lang) {
        std::vector<std::string> in;
        size_t i = 0;
        for (py::handle h : texts) in.push_back(TextOf(h, ("texts[" + std::to_string(i++) + "]").c_str()));
        auto mod = ModelOf(model);
        std::vector<MessageScore> scores(in.size());
        ScoreOptions o;
        o.explain = explain;
        o.language = LangOf(lang);
        {
          py::gil_scoped_release unlocked;
          ScorerPool pool(mod, threads);
          pool.ForEachPart(in.size(), [&](Scorer& scorer, size_t begin, size_t end, size_t) {
            for (size_t k = begin; k < end; ++k) scorer.Score(in[k], o, &scores[k]);
          });
        }
        const std::string version = mod->info().version;
        py::list out(scores.size());
        for (size_t k = 0; k < scores.size(); ++k) out[k] = py::cast(PyScore{std::move(scores[k]), version});
        return out;
      },
      py::arg("texts"), py::arg("threads") = 1, py::arg("explain") = 3, py::arg("model") = py::none(),
      py::arg("lang") = "auto",
      "Scores every text of an iterable on `threads` threads, with the GIL released: a list of Score in order.");

  m.def(
      "evaluate",
      [](py::iterable labels, py::iterable texts, const py::object& model) {
        std::vector<Sentiment> gold;
        size_t i = 0;
        for (py::handle h : labels) {
          Sentiment s;
          const std::string name = TextOf(h, ("labels[" + std::to_string(i) + "]").c_str());
          if (!ParseSentiment(name, &s)) {
            throw py::value_error("labels[" + std::to_string(i) + "]: '" + name + "' is not negative, neutral or positive");
          }
          gold.push_back(s);
          ++i;
        }
        std::vector<std::string> in;
        i = 0;
        for (py::handle h : texts) in.push_back(TextOf(h, ("texts[" + std::to_string(i++) + "]").c_str()));
        if (in.size() != gold.size()) {
          throw py::value_error(std::to_string(gold.size()) + " labels for " + std::to_string(in.size()) + " texts");
        }
        auto mod = ModelOf(model);
        std::vector<Sentiment> pred;
        std::vector<std::array<float, 3>> probs;
        {
          py::gil_scoped_release unlocked;
          ScoreOptions o;
          o.explain = 0;
          MessageScore s;
          for (const auto& t : in) {
            ScorerFor(mod).Score(t, o, &s);
            pred.push_back(s.label);
            probs.push_back(s.p);
          }
        }
        return EvalDict(gold, pred, probs);
      },
      py::arg("labels"), py::arg("texts"), py::arg("model") = py::none(),
      "Agreement of the model with people's labels ('negative', 'neutral', 'positive'): the figures of\n"
      "`convsent eval --json` (n, accuracy, macro_f1, macro_recall, ece, per_class, share_error).");

  m.def(
      "evaluate_file",
      [](const std::string& spec, const py::object& model, bool context) {
        const DataSpec d = ParseDataSpec(spec);
        auto mod = ModelOf(model, d.conversations ? ModelUse::kConversations : ModelUse::kMessages);
        std::vector<Status> errors;
        ScoreOptions o;
        o.explain = 0;
        const std::vector<ScoredLabel> rows =
            Take(Unlocked([&] { return ScoreLabeledData(d, ScorerFor(mod), o, context, &errors); }));
        std::vector<Sentiment> gold, pred;
        std::vector<std::array<float, 3>> probs;
        for (const auto& r : rows) gold.push_back(r.gold), pred.push_back(r.score.label), probs.push_back(r.score.p);
        py::dict out = EvalDict(gold, pred, probs);
        py::list skipped;
        for (const auto& e : errors) skipped.append(e.message());
        out["skipped"] = skipped;
        out["model"] = mod->info().version;
        return out;
      },
      py::arg("path"), py::arg("model") = py::none(), py::arg("context") = true,
      "`convsent eval` on a file: 'label<TAB>text' TSV, or 'conversations.jsonl#SPLIT' whose turns are scored\n"
      "with the turns before them (context=False: alone). Bad lines are listed under 'skipped'.");

  py::class_<PyStore>(m, "Store",
                      "A conversation store: a SQLite file or a postgresql:// URL. ingest(), conversation(id),\n"
                      "report(), report_frame(), tree(), discover() give what the command line's ingest, show, report, tree and discover do.")
      .def(py::init([](const std::string& location) { return PyStore{Take(Store::Open(location))}; }), py::arg("location"))
      .def(
          "ingest",
          [](PyStore& self, py::object source, int threads, const py::object& model) {
            auto mod = ModelOf(model, ModelUse::kConversations);
            IngestOptions o;
            o.threads = threads;
            IngestSummary summary;
            Store& store = self.get();
            if (py::isinstance<py::str>(source)) {
              const std::vector<std::string> paths = {source.cast<std::string>()};
              summary = Take(Unlocked([&] { return Ingest(paths, mod, &store, o); }));
            } else {
              // Conversations as dicts (or JSON texts), in the format of a JSON Lines file.
              const py::object dumps = py::module_::import("json").attr("dumps");
              std::vector<Conversation> conversations;
              std::vector<IngestError> errors;
              int64_t line = 0;
              for (py::handle h : source) {
                ++line;
                const std::string text = py::isinstance<py::str>(h) ? h.cast<std::string>() : dumps(h).cast<std::string>();
                Conversation c;
                if (Status s = ParseConversationJson(text, &c); !s.ok()) {
                  errors.push_back({"<conversations>", line, "", s.message()});
                  continue;
                }
                conversations.push_back(std::move(c));
              }
              summary = Take(Unlocked(
                  [&] { return IngestConversations(std::move(conversations), std::move(errors), mod, &store, o); }));
            }
            py::list errors;
            for (const auto& e : summary.errors) {
              errors.append(py::dict(py::arg("file") = e.file, py::arg("line") = e.line, py::arg("field") = e.field,
                                     py::arg("message") = e.message));
            }
            return py::dict(py::arg("conversations") = summary.conversations, py::arg("messages") = summary.messages,
                            py::arg("skipped") = summary.skipped, py::arg("errors") = errors,
                            py::arg("model") = summary.model);
          },
          py::arg("source"), py::arg("threads") = 2, py::arg("model") = py::none())
      .def(
          "conversation",
          [](PyStore& self, const std::string& id) -> py::object {
            auto sc = Take(self.get().conversations().Get(id));
            if (!sc) return py::none();
            auto info = Take(self.get().Info());
            return Json(ScoredConversationToJson(*sc, info.current_model, -1));
          },
          py::arg("id"))
      .def(
          "report",
          [](PyStore& self, const std::string& from, const std::string& to, const std::string& period,
             const py::dict& where, const std::vector<std::string>& segment_by, int min_segment) {
            ReportOptions o;
            if (period != "day" && period != "week") throw py::value_error("period must be 'day' or 'week'");
            o.period = period == "day" ? Period::kDay : Period::kWeek;
            o.where = Where(where);
            o.segment_by = segment_by;
            o.min_segment_size = min_segment;
            const auto [f, t] = Range(from, to);
            Store& store = self.get();
            const Report report = Take(Unlocked([&] { return BuildReport(store, f, t, o); }));
            return Json(ReportToJson(report));
          },
          py::arg("from_") = "", py::arg("to") = "", py::arg("period") = "week", py::arg("where") = py::dict(),
          py::arg("segment_by") = std::vector<std::string>{}, py::arg("min_segment") = 30)
      .def(
          "tree",
          [](PyStore& self, const std::string& config_yaml, const std::string& from, const std::string& to,
             const py::dict& where) {
            const TreeConfig config = Take(ParseTreeConfig(config_yaml.empty() ? DefaultTreeYaml() : config_yaml,
                                                           config_yaml.empty() ? "(default tree)" : "config"));
            const auto [f, t] = Range(from, to);
            const auto w = Where(where);
            Store& store = self.get();
            const TreeReport tree = Take(Unlocked([&] { return BuildTree(store, config, f, t, w); }));
            return Json(TreeToJson(config, tree));
          },
          py::arg("config") = "", py::arg("from_") = "", py::arg("to") = "", py::arg("where") = py::dict())
      .def(
          "discover",
          [](PyStore& self, const std::string& period, const std::string& to, const std::string& config_yaml) {
            DiscoverOptions o;
            if (period != "day" && period != "week") throw py::value_error("period must be 'day' or 'week'");
            o.period = period == "day" ? Period::kDay : Period::kWeek;
            if (!to.empty()) o.to_ms = Range("", to).second - 1;  // the last day is exclusive, as in the CLI
            const TreeConfig config = Take(ParseTreeConfig(config_yaml.empty() ? DefaultTreeYaml() : config_yaml,
                                                           config_yaml.empty() ? "(default tree)" : "config"));
            Store& store = self.get();
            const Discovery d = Take(Unlocked([&] { return Discover(store, o, &config); }));
            return Json(DiscoveryToJson(d));
          },
          py::arg("period") = "week", py::arg("to") = "", py::arg("config") = "")
      .def("close", [](PyStore& self) { self.store.reset(); });
}

}  // namespace convsent::python
