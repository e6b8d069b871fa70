// Redact() on written examples: what must be masked, and the look-alikes
// of support text (order numbers, dates, amounts, versions) that must not.
#include "convsent/redact.h"

#include <gtest/gtest.h>

namespace convsent {
namespace {

std::string All(std::string_view text) { return Redact(text, Redaction{kRedactAll}); }

TEST(Redact, MasksWhatItNames) {
  const std::pair<const char*, const char*> kCases[] = {
      {"mail me at jane.doe+billing@example.co.uk.", "mail me at [email]."},
      {"ANA_LOPEZ@Mail.Example.COM wrote", "[email] wrote"},
      {"josé@exämple.de", "[email]"},
      {"call +1 415 555 0134 today", "call [phone] today"},
      {"call +44 20 7946 0958", "call [phone]"},
      {"my number is (415) 555-0134", "my number is [phone]"},
      {"reach me on 415-555-0134 or 415.555.0135", "reach me on [phone] or [phone]"},
      {"07700900123", "[phone]"},
      {"01 23 45 67 89", "[phone]"},
      {"ext 555-0134", "ext [phone]"},
      {"card 4111 1111 1111 1111 was charged twice", "card [card] was charged twice"},
      {"4111-1111-1111-1111", "[card]"},
      {"5500005555555559!", "[card]!"},
      {"IBAN DE89 3704 0044 0532 0130 00 please", "IBAN [iban] please"},
      {"GB82WEST12345698765432", "[iban]"},
      {"fr14 2004 1010 0505 0001 3m02 606", "[iban]"},
      {"4111111111111111 and 415-555-0134", "[card] and [phone]"},
      {"+49 30 12345678", "[phone]"},
  };
  for (const auto& [in, want] : kCases) EXPECT_EQ(All(in), want) << in;
}

TEST(Redact, LeavesLookAlikesAlone) {
  const char* const kCases[] = {
      "order #5551234567 is late",             // an id after '#'
      "ref-4155550134",                        // an id after '-'
      "see https://shop.example.com/orders/4155550134",
      "it arrived on 2026-11-02 10:30",        // a date and a time
      "charged 1,299.00 on 12/03/2026",        // an amount and a date
      "version 10.2.3.4 broke login",
      "4111 1111 1111 1112",                   // fails Luhn
      "DE89 3704 0044 0532 0130 02",            // fails mod 97 (and Luhn)
      "12345 items in 3 boxes",
      "tracking 123456789012",                 // 12 bare digits: an id, not a phone
      "user@localhost said hi",                // no top-level domain
      "@support can you help?",
      "I was charged twice",
  };
  for (const char* in : kCases) EXPECT_EQ(All(in), in);
}

TEST(Redact, OnlyTheKindsAskedFor) {
  const std::string text = "a@b.io 415-555-0134 4111111111111111 GB82WEST12345698765432";
  EXPECT_EQ(Redact(text, Redaction{kRedactEmail}), "[email] 415-555-0134 4111111111111111 GB82WEST12345698765432");
  EXPECT_EQ(Redact(text, Redaction{kRedactCard | kRedactIban}), "a@b.io 415-555-0134 [card] [iban]");
  EXPECT_EQ(Redact(text, Redaction{}), text);
  int masked = 0;
  EXPECT_EQ(Redact(text, Redaction{kRedactAll}, &masked), "[email] [phone] [card] [iban]");
  EXPECT_EQ(masked, 4);
  // Masks are not masked again: a stored text redacted twice is the same.
  EXPECT_EQ(All(All(text)), All(text));
}

TEST(Redact, ParsesAndNamesTheSetting) {
  EXPECT_EQ(ParseRedaction("off")->kinds, 0);
  EXPECT_EQ(ParseRedaction("all")->kinds, kRedactAll);
  EXPECT_EQ(ParseRedaction("email,card")->kinds, kRedactEmail | kRedactCard);
  EXPECT_EQ(RedactionName(*ParseRedaction("card,email")), "email,card");
  EXPECT_EQ(RedactionName(*ParseRedaction("email,phone,card,iban")), "all");
  const auto bad = ParseRedaction("email,ssn");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("ssn"), std::string::npos);
}

}  // namespace
}  // namespace convsent
