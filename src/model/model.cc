#include "convsent/model.h"

#include <xxhash.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "convsent/langid.h"
#include "model/model_data.h"
#include "util/json_depth.h"
#include "util/raw_bytes.h"

static_assert(std::endian::native == std::endian::little, "model files are little-endian");

// The default model, linked in by embedded_model.S.
extern "C" const char convsent_embedded_model[];
extern "C" const char convsent_embedded_model_end[];
extern "C" const char convsent_embedded_dialogue_model[];
extern "C" const char convsent_embedded_dialogue_model_end[];
// The models of the other languages (empty where none was trained).
#define CONVSENT_LANGUAGE_MODEL(code)                    \
  extern "C" const char convsent_embedded_model_##code[]; \
  extern "C" const char convsent_embedded_model_##code##_end[];
CONVSENT_LANGUAGE_MODEL(ar)
CONVSENT_LANGUAGE_MODEL(de)
CONVSENT_LANGUAGE_MODEL(es)
CONVSENT_LANGUAGE_MODEL(fr)
CONVSENT_LANGUAGE_MODEL(hi)
CONVSENT_LANGUAGE_MODEL(it)
CONVSENT_LANGUAGE_MODEL(pt)
#undef CONVSENT_LANGUAGE_MODEL

namespace convsent {
namespace {

constexpr char kModelMagic[8] = {'C', 'V', 'S', 'N', 'T', 'M', 'D', 'L'};
constexpr size_t kModelHeaderBytes = 48;

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  template <typename T>
  bool Get(T* v) {
    if (pos_ + sizeof(T) > b_.size()) return false;
    std::memcpy(v, b_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool Skip(size_t n) {
    if (pos_ + n > b_.size()) return false;
    pos_ += n;
    return true;
  }
  size_t pos() const { return pos_; }
  size_t remaining() const { return b_.size() - pos_; }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

std::string VersionString(const nlohmann::json& meta, uint64_t content_hash) {
  char hash[17];
  std::snprintf(hash, sizeof(hash), "%016llx", static_cast<unsigned long long>(content_hash));
  return meta.value("name", std::string("convsent-msg")) + "-" + meta.value("version", std::string("0")) + "+" +
         std::string(hash, 8);
}

// The identifier and language models compiled in, parsed once; null when
// the identifier is missing (a build before it was trained).
struct EmbeddedLanguages {
  std::shared_ptr<const LanguageIdentifier> identifier;
  std::array<std::shared_ptr<const Model>, kNumLanguages> models;
  uint64_t hash = 0;  // of every part, for the version of a model they join
};

const EmbeddedLanguages* Languages() {
  static const EmbeddedLanguages* languages = []() -> const EmbeddedLanguages* {
    auto identifier = LanguageIdentifier::Embedded();
    if (!identifier.ok()) return nullptr;
    auto* out = new EmbeddedLanguages;
    out->identifier = *identifier;
    std::vector<uint64_t> hashes = {(*identifier)->content_hash()};
    struct Embedded {
      const char* begin;
      const char* end;
    };
    const std::pair<Language, Embedded> files[] = {
        {Language::kArabic, {convsent_embedded_model_ar, convsent_embedded_model_ar_end}},
        {Language::kGerman, {convsent_embedded_model_de, convsent_embedded_model_de_end}},
        {Language::kSpanish, {convsent_embedded_model_es, convsent_embedded_model_es_end}},
        {Language::kFrench, {convsent_embedded_model_fr, convsent_embedded_model_fr_end}},
        {Language::kHindi, {convsent_embedded_model_hi, convsent_embedded_model_hi_end}},
        {Language::kItalian, {convsent_embedded_model_it, convsent_embedded_model_it_end}},
        {Language::kPortuguese, {convsent_embedded_model_pt, convsent_embedded_model_pt_end}},
    };
    for (const auto& [language, file] : files) {
      auto model = Model::FromBytes(std::string_view(file.begin, static_cast<size_t>(file.end - file.begin)),
                                    /*with_languages=*/false);
      if (!model.ok() || (*model)->info().language != language) continue;  // not trained: English answers, flagged
      out->models[static_cast<size_t>(language)] = *model;
      hashes.push_back((*model)->info().content_hash);
    }
    out->hash = XXH3_64bits(hashes.data(), hashes.size() * sizeof(uint64_t));
    return out;
  }();
  return languages;
}

}  // namespace

std::string Model::Serialize(const std::string& metadata_json, bool with_bundled) const {
  std::string main = data_->Serialize(metadata_json);
  if (bundled_.empty() || !with_bundled) return main;
  std::vector<std::string> files;
  for (const BundledFile& b : bundled_) files.push_back(b.file);
  auto bundle = Bundle(main, files);
  return bundle.ok() ? *bundle : main;  // its parts were checked when it was read
}

namespace {

// A bundle's models: the first English, the others one of each other
// language. Both writing and reading a bundle hold it to this.
Status CheckBundleLanguages(Language first, const std::vector<Language>& others) {
  if (first != Language::kEnglish) return Status::InvalidArgument("a model bundle's first model must be English");
  std::array<bool, kNumLanguages> seen{};
  for (size_t k = 0; k < others.size(); ++k) {
    const auto l = static_cast<size_t>(others[k]);
    if (others[k] == Language::kEnglish || seen[l]) {
      return Status::InvalidArgument("a model bundle holds one model of each other language: its language model " +
                                     std::to_string(k + 1) + " is " + std::string(LanguageCode(others[k])) +
                                     (seen[l] ? " again" : ""));
    }
    seen[l] = true;
  }
  return Status::Ok();
}

// A bundle (little-endian): the English model's file, then each other
// language's.
//   0  "CVSBUNDL"      magic
//   8  u32 version (1) 12 u32 count: model files, the English one first
//   16 u64 XXH3-64 of every byte after this field
//   24 count x {u64 bytes, the file, zero-padded to a multiple of 8}
constexpr char kBundleMagic[8] = {'C', 'V', 'S', 'B', 'U', 'N', 'D', 'L'};
constexpr uint32_t kBundleVersion = 1;
constexpr size_t kBundleHeaderBytes = 24;

bool IsBundle(std::string_view bytes) {
  return bytes.size() >= sizeof(kBundleMagic) && std::memcmp(bytes.data(), kBundleMagic, sizeof(kBundleMagic)) == 0;
}

Result<std::vector<std::string_view>> BundleParts(std::string_view bytes) {
  if (bytes.size() < kBundleHeaderBytes) return Status::DataLoss("model bundle is truncated");
  const auto version = GetRaw<uint32_t>(bytes, 8);
  if (version != kBundleVersion) {
    return Status::InvalidArgument("model bundle version " + std::to_string(version) + " is not supported (this build reads " +
                                   std::to_string(kBundleVersion) + ")");
  }
  const auto count = GetRaw<uint32_t>(bytes, 12);
  if (count < 1 || count > kNumLanguages) return Status::DataLoss("model bundle holds " + std::to_string(count) + " models");
  const std::string_view rest = bytes.substr(kBundleHeaderBytes);
  if (GetRaw<uint64_t>(bytes, 16) != XXH3_64bits(rest.data(), rest.size())) {
    return Status::DataLoss("model bundle content hash mismatch (corrupted)");
  }
  std::vector<std::string_view> parts;
  size_t pos = 0;
  for (uint32_t k = 0; k < count; ++k) {
    if (rest.size() - pos < 8) return Status::DataLoss("model bundle is truncated");
    const auto n = GetRaw<uint64_t>(rest, pos);
    pos += 8;
    const uint64_t padded = (n + 7) / 8 * 8;
    if (n == 0 || padded > rest.size() - pos) return Status::DataLoss("model bundle is truncated");
    parts.push_back(rest.substr(pos, n));
    pos += padded;
  }
  if (pos != rest.size()) return Status::DataLoss("model bundle has bytes after its last model");
  return parts;
}

}  // namespace

Result<std::string> Model::Bundle(std::string_view english, const std::vector<std::string>& languages) {
  ASSIGN_OR_RETURN(auto main, ModelData::Parse(english));
  std::vector<Language> others;
  for (const std::string& file : languages) {
    ASSIGN_OR_RETURN(auto other, ModelData::Parse(file));
    others.push_back(other->info.language);
  }
  RETURN_IF_ERROR(CheckBundleLanguages(main->info.language, others));
  std::string rest;
  auto put = [&rest](std::string_view file) {
    PutRaw(&rest, static_cast<uint64_t>(file.size()));
    rest.append(file);
    while (rest.size() % 8) rest.push_back('\0');
  };
  put(english);
  for (const std::string& file : languages) put(file);
  std::string out(kBundleMagic, sizeof(kBundleMagic));
  PutRaw(&out, kBundleVersion);
  PutRaw(&out, static_cast<uint32_t>(languages.size() + 1));
  PutRaw(&out, static_cast<uint64_t>(XXH3_64bits(rest.data(), rest.size())));
  return out + rest;
}

std::vector<Language> Model::bundled_languages() const {
  std::vector<Language> out;
  for (const BundledFile& b : bundled_) out.push_back(b.language);
  return out;
}

std::string ModelData::Serialize(const std::string& metadata_json) const {
  std::string body;
  body.append(metadata_json);
  while (body.size() % 8) body.push_back('\0');
  PutRaw(&body, temperature);
  PutRaw(&body, weight_scale);
  for (float b : bias) PutRaw(&body, b);
  // A model that reads no context keeps the table of the models before
  // the dialogue features: the same recipe gives the same bytes.
  const int num_dense = (feature_flags & kDialogueContext) ? kNumDenseFeatures : kNumDenseBeforeContext;
  for (int k = 0; k < num_dense; ++k) for (float w : dense[k]) PutRaw(&body, w);
  for (const auto& e : lexicon.entries()) {
    PutRaw(&body, e.key);
    PutRaw(&body, e.valence);
    PutRaw(&body, static_cast<uint32_t>(e.tokens));
  }
  body.append(reinterpret_cast<const char*>(weights.data()), weights.size() * sizeof(int16_t));

  std::string out(kModelMagic, sizeof(kModelMagic));
  PutRaw(&out, kModelFormatVersion);
  // A model read from a file (model upgrade, a base model adapt keeps)
  // keeps the tokenizer version it was trained with.
  PutRaw(&out, info.tokenizer_version != 0 ? info.tokenizer_version : kTokenizerVersion);
  PutRaw(&out, kHashVersion);
  PutRaw(&out, feature_flags);
  PutRaw(&out, static_cast<uint32_t>(weights.size() / 4));
  PutRaw(&out, static_cast<uint32_t>(num_dense));
  PutRaw(&out, static_cast<uint32_t>(lexicon.entries().size()));
  PutRaw(&out, static_cast<uint32_t>(metadata_json.size()));
  PutRaw(&out, ContentHash(out, body));
  out.append(body);
  return out;
}

// Format 2: the header before the hash and every byte after it; a flipped
// feature flag changes the hash, and so the version string. Format 1 hashed
// only what follows the header.
uint64_t ModelData::ContentHash(std::string_view header, std::string_view body) {
  XXH3_state_t* state = XXH3_createState();
  CONVSENT_CHECK(state != nullptr);
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, header.data(), header.size());
  XXH3_64bits_update(state, body.data(), body.size());
  const uint64_t hash = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return hash;
}

Result<std::unique_ptr<ModelData>> ModelData::Parse(std::string_view bytes) {
  if (bytes.size() < kModelHeaderBytes || std::memcmp(bytes.data(), kModelMagic, sizeof(kModelMagic)) != 0) {
    return Status::DataLoss("not a convsent model file (bad magic)");
  }
  Reader r(bytes.substr(sizeof(kModelMagic)));
  uint32_t format = 0, tokenizer = 0, hash = 0, flags = 0, buckets = 0, num_dense = 0, num_lex = 0, meta_len = 0;
  uint64_t content_hash = 0;
  r.Get(&format), r.Get(&tokenizer), r.Get(&hash), r.Get(&flags), r.Get(&buckets), r.Get(&num_dense);
  r.Get(&num_lex), r.Get(&meta_len), r.Get(&content_hash);
  if (format != kModelFormatVersion && format != 1) {
    return Status::FailedPrecondition("model format version " + std::to_string(format) + ", this build reads 1 and " +
                                      std::to_string(kModelFormatVersion));
  }
  if (tokenizer < kOldestTokenizerVersionRead || tokenizer > kTokenizerVersion || hash != kHashVersion) {
    return Status::FailedPrecondition("model was trained with tokenizer v" + std::to_string(tokenizer) +
                                      " / hash v" + std::to_string(hash) + "; this build has tokenizer v" +
                                      std::to_string(kTokenizerVersion) + " / hash v" + std::to_string(kHashVersion));
  }
  // A model that reads no context has the rows of the models before the
  // dialogue features; the context rows it lacks weigh nothing.
  if (num_dense != ((flags & kDialogueContext) ? kNumDenseFeatures : kNumDenseBeforeContext)) {
    return Status::FailedPrecondition("model has a different dense feature set");
  }
  if (buckets == 0 || (buckets & (buckets - 1)) != 0 || buckets > (1u << 24)) {
    return Status::DataLoss("bucket count " + std::to_string(buckets) + " is not a power of two <= 2^24");
  }
  if ((flags & ~kKnownFeatureFlags) != 0) return Status::DataLoss("unknown feature flags " + std::to_string(flags));
  const std::string_view body = bytes.substr(kModelHeaderBytes);
  const uint64_t computed = format == 1 ? XXH3_64bits(body.data(), body.size())
                                        : ContentHash(bytes.substr(0, kModelHeaderBytes - sizeof(uint64_t)), body);
  if (computed != content_hash) return Status::DataLoss("content hash mismatch: the model file is corrupt or truncated");
  auto data = std::make_unique<ModelData>();
  Reader b(body);
  if (meta_len > body.size()) return Status::DataLoss("metadata runs past the end of the file");
  const std::string meta_text(body.substr(0, meta_len));
  b.Skip((meta_len + 7) / 8 * 8);
  if (JsonTooDeep(meta_text) != std::string_view::npos) return Status::DataLoss("model metadata: " + JsonTooDeepMessage());
  nlohmann::json meta = nlohmann::json::parse(meta_text, nullptr, /*allow_exceptions=*/false);
  if (meta.is_discarded() || !meta.is_object()) return Status::DataLoss("model metadata is not a JSON object");
  bool ok = b.Get(&data->temperature) && b.Get(&data->weight_scale);
  for (float& v : data->bias) ok = ok && b.Get(&v);
  for (uint32_t k = 0; k < num_dense; ++k) for (float& w : data->dense[k]) ok = ok && b.Get(&w);
  for (uint32_t i = 0; ok && i < num_lex; ++i) {
    uint64_t key = 0;
    float valence = 0;
    uint32_t tokens = 0;
    ok = b.Get(&key) && b.Get(&valence) && b.Get(&tokens);
    if (ok) data->lexicon.Add(key, valence, static_cast<uint8_t>(tokens));
  }
  if (!ok || b.remaining() != static_cast<size_t>(buckets) * 4 * sizeof(int16_t)) {
    return Status::DataLoss("model tables do not match the header's sizes");
  }
  // Every number the scorer divides by or adds must be one: a temperature of
  // 0 or NaN in a file with a valid hash answered p = 0 and score5 = 0.
  if (!std::isfinite(data->temperature) || data->temperature <= 0.01f || data->temperature > 100.0f) {
    return Status::DataLoss("temperature " + std::to_string(data->temperature) + " is not in (0.01, 100]");
  }
  if (!std::isfinite(data->weight_scale) || data->weight_scale <= 0) {
    return Status::DataLoss("weight scale " + std::to_string(data->weight_scale) + " is not a positive number");
  }
  bool finite = true;
  for (float v : data->bias) finite = finite && std::isfinite(v);
  for (const auto& row : data->dense) for (float v : row) finite = finite && std::isfinite(v);
  if (!finite) return Status::DataLoss("a bias or dense weight is not a finite number");
  data->lexicon.Build();
  data->weights.resize(static_cast<size_t>(buckets) * 4);
  std::memcpy(data->weights.data(), body.data() + b.pos(), data->weights.size() * sizeof(int16_t));
  data->feature_flags = flags;
  data->bucket_mask = buckets - 1;
  ModelInfo& info = data->info;
  info.format_version = format;
  info.tokenizer_version = tokenizer;
  info.hash_version = hash;
  info.num_buckets = buckets;
  info.lexicon_entries = num_lex;
  info.content_hash = content_hash;
  info.metadata_json = meta_text;
  info.file_bytes = bytes.size();
  info.version = VersionString(meta, content_hash);
  if (!ParseLanguage(meta.value("language", std::string("en")), &info.language) || info.language == Language::kUnd) {
    return Status::DataLoss("model metadata names an unknown language");
  }
  return data;
}

Model::Model(std::unique_ptr<ModelData> data) : data_(std::move(data)), info_(data_->info) {}
Model::~Model() = default;

std::shared_ptr<const Model> Model::WithLanguages(std::unique_ptr<ModelData> data, bool with_languages,
                                                 std::vector<std::shared_ptr<const Model>> bundled,
                                                 std::vector<BundledFile> bundled_files) {
  auto model = std::make_shared<Model>(std::move(data));
  const EmbeddedLanguages* languages = with_languages ? Languages() : nullptr;
  if (!languages || model->info_.language != Language::kEnglish) return model;
  model->identifier_ = languages->identifier;
  model->others_ = languages->models;
  // "name-major+hash": the hash now covers the language models too, and
  // those the file carries in place of the binary's.
  std::vector<uint64_t> parts = {model->info_.content_hash, languages->hash};
  for (const auto& other : bundled) {
    model->others_[static_cast<size_t>(other->info().language)] = other;
    parts.push_back(other->info().content_hash);
  }
  model->bundled_ = std::move(bundled_files);
  char hash[17];
  std::snprintf(hash, sizeof(hash), "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(parts.data(), parts.size() * sizeof(uint64_t))));
  std::string& version = model->info_.version;
  version = version.substr(0, version.rfind('+') + 1) + std::string(hash, 8);
  return model;
}

std::vector<Language> Model::languages() const {
  std::vector<Language> out = {info_.language};
  for (Language language : kScoredLanguages) {
    if (ForLanguage(language)) out.push_back(language);
  }
  return out;
}

Result<std::shared_ptr<const Model>> Model::FromBytes(std::string_view bytes, bool with_languages) {
  if (!IsBundle(bytes)) {
    ASSIGN_OR_RETURN(auto data, ModelData::Parse(bytes));
    return WithLanguages(std::move(data), with_languages);
  }
  ASSIGN_OR_RETURN(const auto parts, BundleParts(bytes));
  ASSIGN_OR_RETURN(auto data, ModelData::Parse(parts[0]));
  std::vector<std::shared_ptr<const Model>> bundled;
  std::vector<BundledFile> files;
  std::vector<Language> others;
  for (size_t k = 1; k < parts.size(); ++k) {
    auto other = FromBytes(parts[k], /*with_languages=*/false);
    if (!other.ok()) return other.status().WithContext("model " + std::to_string(k + 1) + " of the bundle");
    others.push_back((*other)->info().language);
    bundled.push_back(*other);
    files.push_back({others.back(), std::string(parts[k])});
  }
  if (Status s = CheckBundleLanguages(data->info.language, others); !s.ok()) return Status::DataLoss(s.message());
  return WithLanguages(std::move(data), with_languages, std::move(bundled), std::move(files));
}

Result<std::shared_ptr<const Model>> Model::Load(const std::string& path, bool with_languages) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open model file " + path);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return Status::IoError("cannot read model file " + path);
  auto model = FromBytes(buf.str(), with_languages);
  if (!model.ok()) return model.status().WithContext(path);
  return model;
}

Result<std::shared_ptr<const Model>> Model::Embedded(ModelUse use, bool with_languages) {
  const bool dialogue = use == ModelUse::kConversations;
  const char* begin = dialogue ? convsent_embedded_dialogue_model : convsent_embedded_model;
  const char* end = dialogue ? convsent_embedded_dialogue_model_end : convsent_embedded_model_end;
  auto model = FromBytes(std::string_view(begin, static_cast<size_t>(end - begin)), with_languages);
  if (!model.ok()) return model.status().WithContext(dialogue ? "embedded dialogue model" : "embedded model");
  return model;
}

}  // namespace convsent
