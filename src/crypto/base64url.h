#pragma once
// base64url (RFC 4648 §5) without padding, as JWS and JWK use it.
//
// Decoding is strict: padding, whitespace, characters outside the alphabet, a length of 1 mod 4
// and non-canonical trailing bits are all refused, so every byte string has exactly one encoding
// and a token cannot be altered without changing its text.
//
// Thread-safety: stateless functions.

#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::crypto {

std::string Base64UrlEncode(std::string_view bytes);
Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace gatehouse::crypto
