#include <gtest/gtest.h>
#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>

#include <string>
#include <vector>

#include "convsent/text.h"
#include "text/utf8.h"

namespace convsent {
namespace {

struct Tok {
  std::string norm;
  TokenKind kind;
  uint16_t flags;
};

std::vector<Tok> Tokens(std::string_view text, TokenizedText* keep = nullptr) {
  Tokenizer tokenizer;
  TokenizedText tt;
  tokenizer.Tokenize(text, &tt);
  std::vector<Tok> out;
  for (const Token& t : tt.tokens) out.push_back({std::string(tt.Normalized(t)), t.kind, t.flags});
  if (keep) *keep = tt;
  return out;
}

std::vector<std::string> Norms(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& t : Tokens(text)) out.push_back(t.norm);
  return out;
}

TEST(Utf8, RepairsInvalidSequencesWithoutReadingPastTheEnd) {
  std::string out;
  EXPECT_EQ(RepairUtf8("ok", &out), 0u);
  EXPECT_EQ(out, "ok");
  EXPECT_EQ(RepairUtf8("a\xFF" "b", &out), 1u);
  EXPECT_EQ(out, "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(RepairUtf8("\xC0\xAF", &out), 2u);          // overlong '/'
  EXPECT_EQ(RepairUtf8("\xED\xA0\x80", &out), 3u);      // surrogate
  EXPECT_EQ(RepairUtf8("caf\xC3", &out), 1u);           // truncated at the end
  EXPECT_EQ(out, "caf\xEF\xBF\xBD");
  EXPECT_EQ(RepairUtf8("\xF4\x90\x80\x80", &out), 4u);  // above U+10FFFF
  EXPECT_EQ(RepairUtf8("\xE2\x82", &out), 2u);
  // Valid runs around bad bytes are kept whole, multi-byte ones too.
  EXPECT_EQ(RepairUtf8("d\xC3\xA9j\xC3\xA0 \xFF\xFE\xD9\x85\xD8\xB1 ok \xF0\x9F\x99\x82\xC3", &out), 3u);
  EXPECT_EQ(out, "d\xC3\xA9j\xC3\xA0 \xEF\xBF\xBD\xEF\xBF\xBD\xD9\x85\xD8\xB1 ok \xF0\x9F\x99\x82\xEF\xBF\xBD");
  const std::string arabic = "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 \xD8\xA8\xD9\x83";
  EXPECT_EQ(RepairUtf8(arabic, &out), 0u);
  EXPECT_EQ(out, arabic);
}

TEST(Tokenizer, InvalidUtf8IsCountedAndTokenizingGoesOn) {
  TokenizedText tt;
  auto toks = Tokens("bad\xFF\xFE text", &tt);
  EXPECT_EQ(tt.invalid_utf8_bytes, 2u);
  ASSERT_GE(toks.size(), 2u);
  EXPECT_EQ(toks.back().norm, "text");
}

TEST(Tokenizer, EmptyAndWhitespace) {
  EXPECT_TRUE(Tokens("").empty());
  EXPECT_TRUE(Tokens(" \t \xE2\x80\x83 ").empty());  // includes an em space
}

TEST(Tokenizer, CaseFoldingApostrophesAndNormalization) {
  EXPECT_EQ(Norms("Don't STOP"), (std::vector<std::string>{"dont", "stop"}));
  EXPECT_EQ(Norms("I\xE2\x80\x99m"), (std::vector<std::string>{"im"}));     // curly apostrophe
  EXPECT_EQ(Norms("\xEF\xBC\xA8\xEF\xBD\x89"), (std::vector<std::string>{"hi"}));  // fullwidth "Hi"
  EXPECT_EQ(Norms("CAF\xC3\x89"), (std::vector<std::string>{"caf\xC3\xA9"}));    // É -> é
  EXPECT_EQ(Norms("cafe\xCC\x81"), (std::vector<std::string>{"caf\xC3\xA9"}));   // combining accent composed
}

TEST(Tokenizer, EmojiSequencesStayWhole) {
  // ZWJ family, skin tone, VS16 heart, flag, keycap.
  auto toks = Tokens("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 "
                     "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD \xE2\x9D\xA4\xEF\xB8\x8F \xF0\x9F\x87\xAB\xF0\x9F\x87\xB7 1\xEF\xB8\x8F\xE2\x83\xA3");
  ASSERT_EQ(toks.size(), 5u);
  for (const auto& t : toks) EXPECT_EQ(t.kind, TokenKind::kEmoji) << t.norm;
  EXPECT_EQ(toks[1].norm, "\xF0\x9F\x91\x8D");  // skin tone folded away
  EXPECT_EQ(toks[2].norm, "\xE2\x9D\xA4");      // VS16 folded away
}

TEST(Tokenizer, EmojiNextToWords) {
  auto toks = Tokens("thanks\xF0\x9F\x99\x8F\xF0\x9F\x99\x8F");
  ASSERT_EQ(toks.size(), 3u);
  EXPECT_EQ(toks[0].norm, "thanks");
  EXPECT_EQ(toks[1].kind, TokenKind::kEmoji);
}

TEST(Tokenizer, Emoticons) {
  auto toks = Tokens(":) :-( xD </3 <3 :'( ^_^ -_- :DDD thanks:)");
  std::vector<std::string> norms;
  for (const auto& t : toks) {
    if (t.kind == TokenKind::kEmoticon) norms.push_back(t.norm);
  }
  EXPECT_EQ(norms, (std::vector<std::string>{":)", ":(", "xd", "</3", "<3", ":'(", "^_^", "-_-", ":D", ":)"}));
  // Times and ratios are not emoticons.
  for (const auto& t : Tokens("at 10:30 or 3:1")) EXPECT_NE(t.kind, TokenKind::kEmoticon) << t.norm;
}

TEST(Tokenizer, UrlsMentionsHashtagsNumbers) {
  auto toks = Tokens("see https://x.io/a?b=1 @Support_Team #fail 1,299.50 www.example.com");
  ASSERT_EQ(toks.size(), 6u);
  EXPECT_EQ(toks[1].kind, TokenKind::kUrl);
  EXPECT_EQ(toks[2].kind, TokenKind::kMention);
  EXPECT_EQ(toks[2].norm, "@user");
  EXPECT_EQ(toks[3].kind, TokenKind::kHashtag);
  EXPECT_EQ(toks[3].norm, "fail");
  EXPECT_EQ(toks[4].kind, TokenKind::kNumber);
  EXPECT_EQ(toks[5].kind, TokenKind::kUrl);
}

TEST(Tokenizer, HtmlEntitiesAreDecoded) {
  auto toks = Tokens("I &lt;3 it &amp; you");
  ASSERT_GE(toks.size(), 2u);
  EXPECT_EQ(toks[1].kind, TokenKind::kEmoticon);
  EXPECT_EQ(toks[1].norm, "<3");
}

TEST(Tokenizer, ElongationCapsAndPunctuationRuns) {
  auto toks = Tokens("sooooo GOOOD it is AWFUL!!! really?!");
  EXPECT_EQ(toks[0].norm, "soo");
  EXPECT_TRUE(toks[0].flags & kElongated);
  EXPECT_TRUE(toks[0].flags & kIntensifier);  // "sooo" is still "so"
  EXPECT_EQ(toks[1].norm, "good");
  EXPECT_TRUE(toks[1].flags & kAllCaps);
  EXPECT_TRUE(toks[4].flags & kAllCaps);
  EXPECT_EQ(toks[5].norm, "!!");
  EXPECT_TRUE(toks[5].flags & kExclamation);
  EXPECT_EQ(toks[7].norm, "?!");
  EXPECT_TRUE(toks[7].flags & kQuestion);
}

// Tweets spell one Arabic word several ways; the model must see one word.
TEST(Tokenizer, ArabicSpellingsOfOneWordAreOneToken) {
  // Hamza and madda alefs are a bare alef, with or without the marks.
  EXPECT_EQ(Norms("أسوأ"), Norms("اسوا"));
  EXPECT_EQ(Norms("إلغاء"), Norms("الغاء"));
  EXPECT_EQ(Norms("آسف"), Norms("اسف"));
  // Short vowels and the tatweel stretch are dropped.
  EXPECT_EQ(Norms("شُكْرًا"), Norms("شكرا"));
  EXPECT_EQ(Norms("جمـــيل"), Norms("جميل"));
  // A letter three times or more is the letter once, and emphasis; twice
  // is how some words are spelled ("ممكن", possible) and stays.
  auto toks = Tokens("جمييييل ممكن");
  EXPECT_EQ(toks[0].norm, Norms("جميل")[0]);
  EXPECT_TRUE(toks[0].flags & kElongated);
  EXPECT_EQ(toks[1].norm, "ممكن");
  EXPECT_FALSE(toks[1].flags & kElongated);
  // Alef maqsura and taa marbuta are letters of their own ("على" is "on",
  // "علي" a name): not folded.
  EXPECT_NE(Norms("على"), Norms("علي"));
  EXPECT_NE(Norms("مدرسة"), Norms("مدرسه"));
  // Letters around Arabic ones are untouched.
  EXPECT_EQ(Norms("café أهلا"), (std::vector<std::string>{"café", "اهلا"}));
}

TEST(Tokenizer, AllCapsMessageIsNotEmphasis) {
  for (const auto& t : Tokens("THIS IS TERRIBLE SERVICE")) EXPECT_FALSE(t.flags & kAllCaps) << t.norm;
}

TEST(Tokenizer, NegationScopeEndsAtTheClause) {
  auto toks = Tokens("it is not good at all, but fine");
  // it is not good at all , but fine
  EXPECT_TRUE(toks[2].flags & kNegator);
  EXPECT_TRUE(toks[3].flags & kNegated);
  EXPECT_TRUE(toks[5].flags & kNegated);
  EXPECT_FALSE(toks[8].flags & kNegated);
  auto nt = Tokens("I don't like it");
  EXPECT_TRUE(nt[1].flags & kNegator);
  EXPECT_TRUE(nt[2].flags & kNegated);
  auto without = Tokens("done without any problem");
  EXPECT_TRUE(without[3].flags & kNegated);
  auto only = Tokens("not only fast");
  EXPECT_FALSE(only[2].flags & kNegated);
}

TEST(Tokenizer, ContrastMarksBothClauses) {
  auto toks = Tokens("I love the app but the update broke everything");
  EXPECT_TRUE(toks[1].flags & kBeforeContrast);  // love
  EXPECT_TRUE(toks[4].flags & kContrastCue);     // but
  EXPECT_TRUE(toks[7].flags & kAfterContrast);   // broke
  auto although = Tokens("Although it was late, it works");
  EXPECT_TRUE(although[1].flags & kBeforeContrast);
  EXPECT_TRUE(although[6].flags & kAfterContrast);
  auto sentence = Tokens("Great app. But it crashes.");
  EXPECT_TRUE(sentence[0].flags & kBeforeContrast);
  EXPECT_TRUE(sentence[5].flags & kAfterContrast);
}

TEST(Tokenizer, IntensifiersAndSoftenersScaleTheNextWord) {
  TokenizedText tt;
  Tokens("very good kind of slow", &tt);
  EXPECT_GT(tt.tokens[1].emphasis, 1.0f);
  EXPECT_LT(tt.tokens[4].emphasis, 1.0f);
  EXPECT_EQ(tt.tokens[2].emphasis, 1.0f);
}

TEST(Tokenizer, SpansPointIntoTheText) {
  TokenizedText tt;
  Tokens("Hello WORLD :)", &tt);
  ASSERT_EQ(tt.tokens.size(), 3u);
  EXPECT_EQ(tt.Original(tt.tokens[1]), "WORLD");
  EXPECT_EQ(tt.Original(tt.tokens[2]), ":)");
}

TEST(Tokenizer, ReuseGivesTheSameAnswer) {
  Tokenizer tokenizer;
  TokenizedText a, b;
  tokenizer.Tokenize("a long message with many words, not short at all!!!", &a);
  tokenizer.Tokenize("x", &b);
  tokenizer.Tokenize("a long message with many words, not short at all!!!", &b);
  ASSERT_EQ(a.tokens.size(), b.tokens.size());
  for (size_t i = 0; i < a.tokens.size(); ++i) {
    EXPECT_EQ(a.tokens[i].hash, b.tokens[i].hash);
    EXPECT_EQ(a.tokens[i].flags, b.tokens[i].flags);
  }
}

// The hash is part of the model file format: these values must never change
// without a new kHashVersion.
TEST(Hash, GoldenValues) {
  EXPECT_EQ(kHashVersion, 1u);
  EXPECT_EQ(HashToken("good"), HashToken("good"));
  char buf[20];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(HashToken("good")));
  EXPECT_STREQ(buf, "24009c0dec57d203");
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(HashToken("")));
  EXPECT_STREQ(buf, "820c56ec3587db89");
}

}  // namespace
}  // namespace convsent

namespace convsent {
namespace {

// Recue: English tokens read with another language's cue words are what
// tokenizing the text in that language gives, flag for flag.
TEST(Tokenizer, RecueIsTokenizingAgainInTheLanguage) {
  const std::vector<std::string> texts = {
      "Nooooo, el pedido NO ha llegado y es muuuuy tarde!!!",
      "no es malo, pero tampoco es bueno, don't buy it",
      "Das ist GAR NICHT gut, aber der Support war sehr freundlich; I'll wait",
      "je ne suis pas du tout content, although it's not only slow",
      "non è affatto male, anzi è moooolto bello... we didn't expect that",
      "NÃO RECEBI NADA, péssimo atendimento!!! nunca mais",
      "bilkul bekaar service hai lekin staff theek hai",
      "الخدمة سيئة جدا ولكن الموظف لطيف",
      "not only fast but also kind of cheap, sooo good",
      ""};
  Tokenizer english(Language::kEnglish);
  for (Language language : {Language::kSpanish, Language::kGerman, Language::kFrench, Language::kItalian,
                            Language::kPortuguese, Language::kHindi, Language::kArabic, Language::kEnglish}) {
    Tokenizer other(language);
    for (const std::string& text : texts) {
      TokenizedText read_in_english, recued, fresh;
      english.Tokenize(text, &read_in_english);
      other.Recue(read_in_english, &recued);
      other.Tokenize(text, &fresh);
      ASSERT_EQ(recued.tokens.size(), fresh.tokens.size()) << text;
      for (size_t i = 0; i < fresh.tokens.size(); ++i) {
        EXPECT_EQ(recued.tokens[i].flags, fresh.tokens[i].flags)
            << LanguageCode(language) << ": " << text << ": " << fresh.Original(fresh.tokens[i]);
        EXPECT_EQ(recued.tokens[i].emphasis, fresh.tokens[i].emphasis) << text;
        EXPECT_EQ(recued.tokens[i].hash, fresh.tokens[i].hash);
        EXPECT_EQ(recued.Normalized(recued.tokens[i]), fresh.Normalized(fresh.tokens[i]));
      }
      EXPECT_EQ(recued.all_caps_message, fresh.all_caps_message);
    }
  }
}

}  // namespace
}  // namespace convsent

namespace {

// What utf8proc makes of a word: its NFKC case-folded form and its counts
// of cased and upper-case letters, as the tokenizer read them before
// FoldCommonWord.
struct Folded {
  std::string form;
  int letters = 0, upper = 0;
  bool operator==(const Folded&) const = default;
};
Folded ByUtf8proc(const std::string& word) {
  Folded f;
  utf8proc_uint8_t* mapped = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(word.data()),
                              static_cast<utf8proc_ssize_t>(word.size()), &mapped,
                              static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                                             UTF8PROC_CASEFOLD));
  if (n >= 0 && mapped != nullptr) f.form.assign(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
  std::free(mapped);
  for (size_t k = 0; k < word.size();) {
    int len;
    const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(convsent::utf8::Decode(word, k, &len)));
    f.letters += cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL;
    f.upper += cat == UTF8PROC_CATEGORY_LU;
    k += static_cast<size_t>(len);
  }
  return f;
}

}  // namespace

// Every code point FoldCommonWord takes, alone, between letters and beside
// every other it takes, folds as utf8proc folds it; so a word of them reads
// the same with or without the shortcut.
TEST(FoldCommonWord, FoldsEveryLetterItTakesAsUtf8procDoes) {
  std::vector<std::string> taken;
  for (char32_t cp = 1; cp < 0x110000; ++cp) {
    if (cp >= 0xD800 && cp < 0xE000) continue;
    std::string one;
    convsent::utf8::Append(cp, &one);
    for (const std::string& word : {one, "x" + one + "Y"}) {
      Folded f;
      f.form = "kept";  // what it appends to must stay
      if (!convsent::FoldCommonWord(word, &f.form, &f.letters, &f.upper)) {
        EXPECT_EQ(f.form, "kept") << "U+" << std::hex << static_cast<uint32_t>(cp);
        continue;
      }
      ASSERT_EQ(f.form.substr(0, 4), "kept");
      f.form.erase(0, 4);
      EXPECT_EQ(f, ByUtf8proc(word)) << "U+" << std::hex << static_cast<uint32_t>(cp) << " in " << word;
    }
    std::string scratch;
    int letters, upper;
    if (convsent::FoldCommonWord(one, &scratch, &letters, &upper)) taken.push_back(one);
  }
  // The letters of the languages scored: ASCII, accented Latin, Arabic.
  for (const char* letter : {"a", "Z", "7", "'", "\u00e9", "\u00c4", "\u00f1", "\u00e3", "\u0628", "\u0644"}) {
    EXPECT_NE(std::find(taken.begin(), taken.end(), letter), taken.end()) << letter;
  }
  for (const char* other : {"\u00df", "\u00d7", "\u0301", "\u064e", "\u2019", "-", "\u0915", "\ufb50"}) {
    EXPECT_EQ(std::find(taken.begin(), taken.end(), other), taken.end()) << other;
  }
  for (const std::string& a : taken) {
    for (const std::string& b : taken) {
      Folded f;
      const std::string word = a + b;
      ASSERT_TRUE(convsent::FoldCommonWord(word, &f.form, &f.letters, &f.upper));
      EXPECT_EQ(f, ByUtf8proc(word)) << word;
    }
  }
  EXPECT_GT(taken.size(), 150u);
}

// FoldArabicWord is the tokenizer's one-pass road for a word of Arabic
// letters and marks: it must give what the long road gives (utf8proc's
// NFKC case folding, then FoldArabicSpelling), for every code point it
// takes alone, for every pair, and for runs and marks between letters.
TEST(FoldArabicWord, GivesWhatUtf8procAndFoldArabicSpellingGive) {
  auto long_road = [](const std::string& word, bool* cut) {
    std::string form = ByUtf8proc(word).form;
    *cut = convsent::FoldArabicSpelling(&form);
    return form;
  };
  std::vector<std::string> taken;
  for (char32_t cp = 1; cp < 0x110000; ++cp) {
    if (cp >= 0xD800 && cp < 0xE000) continue;
    std::string one;
    convsent::utf8::Append(cp, &one);
    std::string out = "kept";
    bool cut = false;
    if (!convsent::FoldArabicWord(one, &out, &cut)) {
      EXPECT_EQ(out, "kept") << "U+" << std::hex << static_cast<uint32_t>(cp);
      continue;
    }
    taken.push_back(one);
    bool long_cut = false;
    EXPECT_EQ(out.substr(4), long_road(one, &long_cut)) << "U+" << std::hex << static_cast<uint32_t>(cp);
  }
  // The letters alone: a mark or the tatweel alone folds to nothing, and is
  // left to the long road, which keeps it (a token is never empty).
  EXPECT_EQ(taken.size(), (0x63Au - 0x621 + 1) + (0x64Au - 0x641 + 1));
  std::vector<std::string> marks;
  for (const char32_t cp : {0x640, 0x64B, 0x64C, 0x64D, 0x64E, 0x64F, 0x650, 0x651, 0x652, 0x670}) {
    std::string mark;
    convsent::utf8::Append(cp, &mark);
    marks.push_back(mark);
    bool cut = false;
    EXPECT_EQ(long_road(mark + mark, &cut), ByUtf8proc(mark + mark).form);
  }
  for (const std::string& a : taken) {
    for (const std::string& b : taken) {
      std::vector<std::string> words = {a + b, a + b + b + b, b + a + a + a + a + b};
      for (const std::string& m : marks) {
        words.push_back(a + m + b);
        words.push_back(m + a + m + a + m + a + b + m);
      }
      for (const std::string& word : words) {
        std::string out;
        bool cut = false, long_cut = false;
        ASSERT_TRUE(convsent::FoldArabicWord(word, &out, &cut)) << word;
        EXPECT_EQ(out, long_road(word, &long_cut)) << word;
        EXPECT_EQ(cut, long_cut) << word;
      }
    }
  }
  for (const std::string& m : marks) {
    std::string out = "kept";
    bool cut = false;
    EXPECT_FALSE(convsent::FoldArabicWord(m + m, &out, &cut));
    EXPECT_EQ(out, "kept");
  }
  // Not taken: a Latin letter, an Arabic digit or comma, a hamza above
  // written apart (NFKC composes it with the alef before it).
  for (const char* word : {"\u0627x", "\u0661", "\u060c", "\u0627\u0654"}) {
    std::string out;
    bool cut = false;
    EXPECT_FALSE(convsent::FoldArabicWord(word, &out, &cut)) << word;
    EXPECT_TRUE(out.empty());
  }
  // The composed hamza is still folded on the long road.
  bool cut = false;
  EXPECT_EQ(long_road("\u0627\u0654\u0628", &cut), "\u0627\u0628");
}
