#include "crypto/rs256.h"

#include <openssl/core_names.h>
#include <openssl/err.h>

#include "crypto/base64url.h"
#include "crypto/byte_view.h"
#include "crypto/openssl_ptr.h"

namespace gatehouse::crypto {
namespace {

// The integer `param` (OSSL_PKEY_PARAM_RSA_N or _E) as minimal big-endian bytes.
std::string MinimalBigEndian(const EVP_PKEY* key, const char* param) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &raw) != 1) {
    ERR_clear_error();
    return {};
  }
  const BignumPtr value(raw);
  std::string out(static_cast<std::size_t>(BN_num_bytes(value.get())), '\0');
  BN_bn2bin(value.get(), Uchars(out));
  return out;
}

}  // namespace

Status CheckRsaKey(const EVP_PKEY* key) {
  if (!EVP_PKEY_is_a(key, "RSA")) return InvalidArgument("RS256: not an RSA key");
  if (EVP_PKEY_get_bits(key) < kRsaMinBits) {
    return InvalidArgument("RS256: RSA keys must have at least 2048 bits");
  }
  return OkStatus();
}

std::map<std::string, std::string> RsaJwkMembers(const EVP_PKEY* key) {
  return {{"kty", "RSA"},
          {"n", Base64UrlEncode(MinimalBigEndian(key, OSSL_PKEY_PARAM_RSA_N))},
          {"e", Base64UrlEncode(MinimalBigEndian(key, OSSL_PKEY_PARAM_RSA_E))}};
}

}  // namespace gatehouse::crypto
