// libFuzzer target: base64url (every token segment) and Argon2id PHC strings (every stored
// password hash). Decoding then encoding then decoding gives the same bytes; a PHC string that
// parses formats to one that parses to the same parameters.
#include "crypto/argon2_phc.h"
#include "crypto/base64url.h"
#include "parsers_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatehouse::crypto;  // NOLINT(google-build-using-namespace): fuzz target
  const std::string_view text = gatehouse::fuzz::Text(data, size);
  if (auto bytes = Base64UrlDecode(text)) {
    auto again = Base64UrlDecode(Base64UrlEncode(*bytes));
    gatehouse::fuzz::Require(again && *again == *bytes, "base64url round trip");
  }
  if (auto phc = ParseArgon2idPhc(text)) {
    auto again = ParseArgon2idPhc(FormatArgon2idPhc(*phc));
    gatehouse::fuzz::Require(again && again->memory_kib == phc->memory_kib &&
                                 again->iterations == phc->iterations && again->salt == phc->salt &&
                                 again->hash == phc->hash,
                             "PHC round trip");
  }
  return 0;
}
