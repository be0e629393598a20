#include "crypto/base64url.h"

#include "crypto/base64_codec.h"

namespace gatehouse::crypto {

std::string Base64UrlEncode(std::string_view bytes) {
  return Base64EncodeUnpadded(bytes, kBase64UrlAlphabet);
}

Result<std::string> Base64UrlDecode(std::string_view text) {
  return Base64DecodeUnpadded(text, kBase64UrlAlphabet);
}

}  // namespace gatehouse::crypto
