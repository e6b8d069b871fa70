// Masking personal data in text before it is stored: e-mail addresses,
// phone numbers, payment card numbers and IBANs become "[email]",
// "[phone]", "[card]" and "[iban]".
//
// What counts (docs/store-and-ingest.md, "Redaction"):
// - email: local@domain.tld, the domain with a dot and a top-level part of
//   two letters or more.
// - card: 13 to 19 digits, single spaces or dashes between groups allowed,
//   passing the Luhn check (so an order number rarely does).
// - iban: two letters, two check digits, 11 to 30 letters or digits,
//   spaces between groups allowed, passing the ISO 13616 mod-97 check.
// - phone: '+' and 8 to 15 digits; or 10 to 15 digits with separators
//   (space, '-', '.', parentheses) or 10 to 11 without; or 3-4 ("555-0134").
//   Dates (2026-11-02) and times have too few digits to match.
// A match must stand alone: not inside a word, a URL path or a longer
// number. Cards and IBANs are tried before phones.
//
// Thread safety: pure functions.
#ifndef CONVSENT_REDACT_H_
#define CONVSENT_REDACT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "convsent/status.h"

namespace convsent {

enum RedactKind : uint8_t {
  kRedactEmail = 1,
  kRedactPhone = 2,
  kRedactCard = 4,
  kRedactIban = 8,
  kRedactAll = 15,
};

struct Redaction {
  uint8_t kinds = 0;  // RedactKind bits; 0: nothing is masked
  bool enabled() const { return kinds != 0; }
};

// "off", "all", or a comma-separated list of email, phone, card, iban.
Result<Redaction> ParseRedaction(std::string_view spec);
// The canonical spelling: "off", "all" or the list.
std::string RedactionName(const Redaction& r);

// `text` with what `r` names masked. Counts the masks in `*masked` when given.
std::string Redact(std::string_view text, const Redaction& r, int* masked = nullptr);

}  // namespace convsent

#endif  // CONVSENT_REDACT_H_
