// libFuzzer target: a label file, as `convsent labels import` reads it, into
// a small store. The first byte picks the format (odd: CSV with a header,
// even: JSON Lines). Every bad row must be reported and skipped; nothing may
// crash, and an import must never fail as a whole on its input alone.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "convsent/label_import.h"
#include "convsent/model.h"
#include "convsent/rollup.h"
#include "convsent/scorer.h"
#include "convsent/store.h"

namespace {

struct Fixture {
  std::string dir, db;
  std::unique_ptr<convsent::Store> store;
  Fixture() {
    char tmpl[] = "/tmp/convsent_fuzz_labels_XXXXXX";
    dir = mkdtemp(tmpl);
    db = dir + "/s.db";
    auto opened = convsent::Store::Open(db);
    if (!opened.ok()) std::abort();
    store = std::move(*opened);
    auto model = convsent::Model::Embedded();
    if (!model.ok()) std::abort();
    convsent::Scorer scorer(*model);
    auto id = store->RegisterModel((*model)->info().version, "{}");
    if (!id.ok() || !store->SetCurrentModel((*model)->info().version).ok() || !store->Begin().ok()) std::abort();
    for (const char* name : {"c-1", "c-2", "x"}) {
      convsent::Conversation c;
      c.id = name, c.created_at_ms = 1793000000000;
      for (const char* text : {"I was charged twice!", "Sorry, refunding now.", "thanks"}) {
        convsent::Message m;
        m.text = text;
        m.role = c.messages.size() % 2 ? convsent::Role::kAgent : convsent::Role::kCustomer;
        c.messages.push_back(m);
      }
      if (!store->conversations().Put(convsent::ScoreConversation(std::move(c), scorer), *id).ok()) std::abort();
    }
    if (!store->Commit().ok()) std::abort();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  if (size == 0) return 0;
  const std::string path = fixture.dir + ((data[0] & 1) ? "/in.csv" : "/in.jsonl");
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  std::fwrite(data + 1, 1, size - 1, f);
  std::fclose(f);
  convsent::LabelImportOptions o;
  o.audit = (data[0] & 2) != 0;
  o.now_ms = 1793000000000;
  auto summary = convsent::ImportLabels(*fixture.store, {path}, o);
  if (!summary.ok()) std::abort();  // bad input is a skipped row, never a failed import
  return 0;
}
