// Message bodies as a person reads them: HTML to text, and the quoted
// history and signature of an email reply removed, so that an earlier
// message is not scored a second time inside the reply.
#ifndef CONVSENT_SRC_IMPORT_CLEAN_TEXT_H_
#define CONVSENT_SRC_IMPORT_CLEAN_TEXT_H_

#include <string>
#include <string_view>

namespace convsent::import_internal {

// Tags dropped (block elements and <br> become line breaks, list items
// "- "), entities decoded (named, &#NN; and &#xNN;, with or without the
// semicolon), script, style and quoted blocks (<blockquote>, Gmail's,
// Gorgias', Front's, Yahoo's and Thunderbird's quote containers) left out.
std::string HtmlToText(std::string_view html);

// Cuts an email body at the start of the quoted history ("On ... wrote:"
// in English, French, German, Spanish, Italian and Dutch, "-----Original
// Message-----", an Outlook "From:/Sent:" header block), drops "> " lines
// and the signature after a "-- " line or a "Sent from my ..." line.
std::string StripQuotedEmail(std::string_view text);

// HtmlToText (when `html`) then StripQuotedEmail, trimmed.
std::string CleanBody(std::string_view body, bool html);

// True when `body` looks like HTML (has a tag such as <p>, <div>, <br>).
bool LooksLikeHtml(std::string_view body);

}  // namespace convsent::import_internal

#endif  // CONVSENT_SRC_IMPORT_CLEAN_TEXT_H_
