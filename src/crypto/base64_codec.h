#pragma once
// Internal: unpadded base64 over a chosen alphabet, shared by base64url (JWS, JWK) and the
// standard alphabet that PHC password-hash strings use.
//
// Decoding is strict: any character outside the alphabet (so also '=' and whitespace), a length
// of 1 mod 4 and non-zero unused bits in the last character are refused, so every byte string
// has exactly one encoding.
//
// Thread-safety: stateless functions over immutable tables.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::crypto {

struct Base64Alphabet {
  std::array<char, 64> digits;
  std::array<std::int8_t, 256> values;  // -1 outside the alphabet
};

constexpr Base64Alphabet MakeBase64Alphabet(std::string_view digits) {
  Base64Alphabet alphabet{};
  alphabet.values.fill(-1);
  for (std::size_t i = 0; i < alphabet.digits.size(); ++i) {
    alphabet.digits[i] = digits[i];
    alphabet.values[static_cast<unsigned char>(digits[i])] = static_cast<std::int8_t>(i);
  }
  return alphabet;
}

inline constexpr Base64Alphabet kBase64UrlAlphabet =
    MakeBase64Alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
inline constexpr Base64Alphabet kBase64StandardAlphabet =
    MakeBase64Alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

std::string Base64EncodeUnpadded(std::string_view bytes, const Base64Alphabet& alphabet);
Result<std::string> Base64DecodeUnpadded(std::string_view text, const Base64Alphabet& alphabet);

}  // namespace gatehouse::crypto
