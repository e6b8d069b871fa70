// The cue and function words of the languages other than English (whose
// lists, with the reasons for each choice, are in cues.cc). Closed-class
// words a speaker of each language would list: negators, intensifiers,
// softeners, contrast, and the grammar words that are never a reason on
// their own. Normalized as the tokenizer writes them: lower case, NFKC, no
// apostrophes; both accented and unaccented spellings where customers drop
// accents ("não" and "nao"). Part of the tokenizer's contract: a change
// here changes what the language's model reads (kTokenizerVersion).
#include <string_view>

#include "text/cues.h"

namespace convsent {
namespace {

constexpr Cue kNeg{kNegator};
constexpr Cue kInt{kIntensifier, kBoost};
constexpr Cue kStrong{kIntensifier, kStrongBoost};
constexpr Cue kSoft{kSoftener, kSoften};
constexpr Cue kBut{kContrastCue};
constexpr Cue kAlthough{kContrastCue, 1.0f, true};

constexpr CueEntry kSpanishCues[] = {
    {"no", kNeg}, {"nunca", kNeg}, {"jamás", kNeg}, {"jamas", kNeg}, {"nada", kNeg}, {"nadie", kNeg},
    {"ni", kNeg}, {"tampoco", kNeg}, {"sin", kNeg}, {"ningún", kNeg}, {"ningun", kNeg}, {"ninguna", kNeg},
    {"ninguno", kNeg},
    {"muy", kInt}, {"tan", kInt}, {"mucho", kInt}, {"mucha", kInt}, {"muchísimo", kStrong}, {"demasiado", kInt},
    {"bastante", kInt}, {"realmente", kInt}, {"super", kInt}, {"súper", kInt}, {"re", kInt},
    {"totalmente", kStrong}, {"completamente", kStrong}, {"absolutamente", kStrong}, {"extremadamente", kStrong},
    {"poco", kSoft}, {"algo", kSoft}, {"apenas", {kSoftener, 0.5f}}, {"casi", kSoft},
    {"pero", kBut}, {"sino", kBut}, {"aunque", kAlthough},
};
constexpr std::string_view kSpanishFunctionWords[] = {
    "el", "la", "los", "las", "un", "una", "unos", "unas", "lo", "al", "del", "de", "a", "en", "con", "por",
    "para", "que", "y", "e", "o", "u", "se", "me", "te", "le", "les", "nos", "mi", "mis", "tu", "tus", "su",
    "sus", "yo", "él", "ella", "ellos", "ellas", "usted", "ustedes", "nosotros", "este", "esta", "esto",
    "ese", "esa", "eso", "aquí", "ahí", "es", "son", "está", "están", "estoy", "soy", "ser", "estar", "ha",
    "he", "han", "hay", "fue", "era", "como", "cuando", "donde", "si", "ya", "hola", "buenos", "buenas",
};

constexpr CueEntry kFrenchCues[] = {
    {"ne", kNeg}, {"n", kNeg}, {"pas", kNeg}, {"jamais", kNeg}, {"rien", kNeg}, {"personne", kNeg},
    {"aucun", kNeg}, {"aucune", kNeg}, {"sans", kNeg}, {"ni", kNeg}, {"non", kNeg}, {"guère", kNeg},
    {"très", kInt}, {"tres", kInt}, {"trop", kInt}, {"vraiment", kInt}, {"tellement", kInt}, {"si", kInt},
    {"super", kInt}, {"hyper", kInt}, {"grave", kInt}, {"extrêmement", kStrong}, {"totalement", kStrong},
    {"complètement", kStrong}, {"absolument", kStrong},
    {"peu", kSoft}, {"assez", kSoft}, {"plutôt", kSoft}, {"presque", kSoft}, {"légèrement", kSoft},
    {"mais", kBut}, {"cependant", kBut}, {"pourtant", kBut}, {"toutefois", kBut}, {"quoique", kAlthough},
    {"malgré", kAlthough},
};
constexpr std::string_view kFrenchFunctionWords[] = {
    "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "au", "aux", "à", "a", "en", "dans", "sur",
    "pour", "par", "avec", "et", "ou", "que", "qu", "qui", "je", "j", "tu", "il", "elle", "on", "nous", "vous",
    "ils", "elles", "me", "m", "te", "t", "se", "s", "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses",
    "notre", "votre", "nos", "vos", "leur", "leurs", "ce", "c", "cet", "cette", "ces", "est", "suis", "es",
    "sont", "être", "ai", "as", "avons", "avez", "ont", "y", "comme", "quand", "où", "bonjour", "salut",
};

constexpr CueEntry kGermanCues[] = {
    {"nicht", kNeg}, {"kein", kNeg}, {"keine", kNeg}, {"keinen", kNeg}, {"keinem", kNeg}, {"keiner", kNeg},
    {"keines", kNeg}, {"nie", kNeg}, {"niemals", kNeg}, {"nichts", kNeg}, {"niemand", kNeg}, {"ohne", kNeg},
    {"weder", kNeg}, {"noch", kNeg}, {"nein", kNeg}, {"garnicht", kNeg},
    {"sehr", kInt}, {"so", kInt}, {"echt", kInt}, {"wirklich", kInt}, {"zu", kInt}, {"super", kInt},
    {"voll", kInt}, {"ganz", kInt}, {"besonders", kInt}, {"total", kStrong}, {"extrem", kStrong},
    {"absolut", kStrong}, {"völlig", kStrong}, {"komplett", kStrong}, {"mega", kStrong},
    {"etwas", kSoft}, {"bisschen", kSoft}, {"ziemlich", kSoft}, {"fast", kSoft}, {"kaum", {kSoftener, 0.5f}},
    {"aber", kBut}, {"jedoch", kBut}, {"doch", kBut}, {"trotzdem", kBut}, {"sondern", kBut},
    {"obwohl", kAlthough}, {"obgleich", kAlthough},
};
constexpr std::string_view kGermanFunctionWords[] = {
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "und", "oder", "in",
    "im", "an", "am", "auf", "aus", "bei", "mit", "von", "vom", "zum", "zur", "für", "über", "unter", "nach",
    "vor", "ich", "du", "er", "sie", "es", "wir", "ihr", "mich", "mir", "dich", "dir", "uns", "euch", "ihn",
    "ihm", "ihnen", "mein", "meine", "dein", "deine", "sein", "seine", "unser", "ist", "bin", "bist", "sind",
    "seid", "war", "habe", "hat", "haben", "wird", "werden", "dass", "wie", "wenn", "wo", "was", "auch",
    "hallo", "hi",
};

constexpr CueEntry kItalianCues[] = {
    {"non", kNeg}, {"mai", kNeg}, {"niente", kNeg}, {"nulla", kNeg}, {"nessuno", kNeg}, {"nessuna", kNeg},
    {"senza", kNeg}, {"né", kNeg}, {"neanche", kNeg}, {"nemmeno", kNeg}, {"neppure", kNeg},
    {"molto", kInt}, {"troppo", kInt}, {"davvero", kInt}, {"così", kInt}, {"cosi", kInt}, {"proprio", kInt},
    {"veramente", kInt}, {"super", kInt}, {"tanto", kInt}, {"assolutamente", kStrong}, {"totalmente", kStrong},
    {"completamente", kStrong}, {"estremamente", kStrong},
    {"poco", kSoft}, {"abbastanza", kSoft}, {"quasi", kSoft}, {"piuttosto", kSoft},
    {"ma", kBut}, {"però", kBut}, {"pero", kBut}, {"tuttavia", kBut}, {"invece", kBut}, {"sebbene", kAlthough},
    {"benché", kAlthough},
};
constexpr std::string_view kItalianFunctionWords[] = {
    "il", "lo", "la", "i", "gli", "le", "l", "un", "uno", "una", "di", "del", "della", "dei", "degli", "delle",
    "a", "al", "alla", "ai", "da", "dal", "in", "nel", "nella", "con", "su", "per", "tra", "fra", "e", "ed",
    "o", "che", "chi", "io", "tu", "lui", "lei", "noi", "voi", "loro", "mi", "ti", "si", "ci", "vi", "mio",
    "mia", "tuo", "tua", "suo", "sua", "questo", "questa", "quello", "quella", "è", "e'", "sono", "sei",
    "siamo", "ho", "hai", "ha", "abbiamo", "hanno", "come", "quando", "dove", "ciao", "salve",
};

constexpr CueEntry kPortugueseCues[] = {
    {"não", kNeg}, {"nao", kNeg}, {"nunca", kNeg}, {"jamais", kNeg}, {"nada", kNeg}, {"ninguém", kNeg},
    {"ninguem", kNeg}, {"nem", kNeg}, {"sem", kNeg}, {"nenhum", kNeg}, {"nenhuma", kNeg}, {"tampouco", kNeg},
    {"muito", kInt}, {"muita", kInt}, {"tão", kInt}, {"tao", kInt}, {"demais", kInt}, {"super", kInt},
    {"bem", kInt}, {"realmente", kInt}, {"bastante", kInt}, {"mt", kInt}, {"mto", kInt},
    {"totalmente", kStrong}, {"completamente", kStrong}, {"absolutamente", kStrong}, {"extremamente", kStrong},
    {"pouco", kSoft}, {"meio", kSoft}, {"quase", kSoft}, {"levemente", kSoft},
    {"mas", kBut}, {"porém", kBut}, {"porem", kBut}, {"contudo", kBut}, {"entretanto", kBut},
    {"embora", kAlthough},
};
constexpr std::string_view kPortugueseFunctionWords[] = {
    "o", "a", "os", "as", "um", "uma", "uns", "umas", "de", "do", "da", "dos", "das", "em", "no", "na", "nos",
    "nas", "ao", "à", "aos", "por", "pelo", "pela", "para", "pra", "com", "e", "ou", "que", "se", "eu", "tu",
    "você", "voce", "vc", "ele", "ela", "nós", "eles", "elas", "me", "te", "lhe", "meu", "minha", "seu", "sua",
    "este", "esta", "esse", "essa", "isso", "isto", "é", "sou", "são", "está", "estou", "ser", "estar", "tem",
    "tenho", "foi", "era", "como", "quando", "onde", "já", "oi", "olá", "ola",
};

// Arabic: the letters as NFKC leaves them (presentation forms unfolded).
constexpr CueEntry kArabicCues[] = {
    {"لا", kNeg}, {"لم", kNeg}, {"لن", kNeg}, {"ليس", kNeg}, {"ليست", kNeg}, {"مش", kNeg}, {"مو", kNeg},
    {"ما", kNeg}, {"غير", kNeg}, {"بدون", kNeg}, {"دون", kNeg}, {"ابدا", kNeg}, {"أبدا", kNeg},
    {"جدا", kInt}, {"جداً", kInt}, {"كثير", kInt}, {"كتير", kInt}, {"مرة", kInt}, {"مره", kInt}, {"اوي", kInt},
    {"قوي", kInt}, {"تماما", kStrong}, {"للغاية", kStrong},
    {"قليلا", kSoft}, {"شوي", kSoft}, {"شوية", kSoft},
    {"لكن", kBut}, {"ولكن", kBut}, {"بس", kBut}, {"لكنه", kBut}, {"رغم", kAlthough},
};
constexpr std::string_view kArabicFunctionWords[] = {
    "في", "من", "على", "إلى", "الى", "عن", "و", "او", "أو", "ان", "أن", "إن", "هذا", "هذه", "ذلك", "تلك",
    "هو", "هي", "انا", "أنا", "انت", "أنت", "نحن", "هم", "الذي", "التي", "كان", "كانت", "يا", "ال", "كل",
    "قد", "ثم", "مرحبا", "السلام", "عليكم",
};

// Hindi as customers write it: romanized and mixed with English, or in
// Devanagari. Romanized spellings vary; the common ones are listed.
constexpr CueEntry kHindiCues[] = {
    {"nahi", kNeg}, {"nahin", kNeg}, {"nai", kNeg}, {"nhi", kNeg}, {"na", kNeg}, {"mat", kNeg}, {"bina", kNeg},
    {"kabhi", kNeg}, {"not", kNeg}, {"no", kNeg}, {"never", kNeg}, {"dont", kNeg}, {"cant", kNeg},
    {"नहीं", kNeg}, {"न", kNeg}, {"मत", kNeg}, {"बिना", kNeg},
    {"bahut", kInt}, {"bohot", kInt}, {"bahot", kInt}, {"bht", kInt}, {"bhut", kInt}, {"kaafi", kInt},
    {"kafi", kInt}, {"zyada", kInt}, {"jyada", kInt}, {"itna", kInt}, {"very", kInt}, {"so", kInt},
    {"too", kInt}, {"really", kInt}, {"bilkul", kStrong}, {"ekdum", kStrong}, {"बहुत", kInt}, {"बिलकुल", kStrong},
    {"thoda", kSoft}, {"thora", kSoft}, {"thodi", kSoft}, {"थोड़ा", kSoft},
    {"lekin", kBut}, {"magar", kBut}, {"par", kBut}, {"but", kBut}, {"लेकिन", kBut}, {"मगर", kBut},
    {"halanki", kAlthough}, {"although", kAlthough},
};
constexpr std::string_view kHindiFunctionWords[] = {
    "hai", "hain", "ho", "hu", "hoon", "tha", "thi", "the", "ka", "ki", "ke", "ko", "se", "me", "mein", "main",
    "mai", "tum", "tu", "aap", "ap", "hum", "ham", "ye", "yeh", "wo", "woh", "vo", "is", "us", "iss", "uss",
    "bhi", "to", "toh", "kya", "koi", "jo", "ek", "aur", "ya", "kuch", "mera", "meri", "mere", "tera", "teri",
    "apna", "apni", "apne", "unka", "uska", "uski", "a", "an", "i", "you", "it", "of", "in", "on", "for",
    "and", "or", "hi", "hello", "है", "हैं", "का", "की", "के", "को", "से", "में", "और", "यह", "वह", "मैं",
    "आप", "हम", "तो", "भी",
};

}  // namespace

CueWords CueWordsOf(Language language) {
  switch (language) {
    case Language::kSpanish: return {kSpanishCues, kSpanishFunctionWords};
    case Language::kFrench: return {kFrenchCues, kFrenchFunctionWords};
    case Language::kGerman: return {kGermanCues, kGermanFunctionWords};
    case Language::kItalian: return {kItalianCues, kItalianFunctionWords};
    case Language::kPortuguese: return {kPortugueseCues, kPortugueseFunctionWords};
    case Language::kArabic: return {kArabicCues, kArabicFunctionWords};
    case Language::kHindi: return {kHindiCues, kHindiFunctionWords};
    case Language::kEnglish:
    case Language::kUnd: break;
  }
  return EnglishCueWords();
}

}  // namespace convsent
