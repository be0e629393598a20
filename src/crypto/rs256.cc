#include "crypto/rs256.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "crypto/base64url.h"
#include "crypto/byte_view.h"
#include "crypto/openssl_ptr.h"
#include "crypto/signature_impl.h"

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

Result<std::string> RsaSpkiFromComponents(std::string_view n, std::string_view e) {
  if (n.empty() || e.empty() || n.size() > 2048) return InvalidArgument("RS256: bad n or e");
  const BignumPtr bn_n(BN_bin2bn(Uchars(n), static_cast<int>(n.size()), nullptr));
  const BignumPtr bn_e(BN_bin2bn(Uchars(e), static_cast<int>(e.size()), nullptr));
  std::unique_ptr<OSSL_PARAM_BLD, OpenSslDeleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>> build(
      OSSL_PARAM_BLD_new());
  if (bn_n == nullptr || bn_e == nullptr || build == nullptr ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    ERR_clear_error();
    return Internal("RS256: cannot build key parameters");
  }
  std::unique_ptr<OSSL_PARAM, OpenSslDeleter<OSSL_PARAM, OSSL_PARAM_free>> params(
      OSSL_PARAM_BLD_to_param(build.get()));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw_key = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw_key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    return InvalidArgument("RS256: not an RSA public key");
  }
  const EvpPkeyPtr key(raw_key);
  GH_RETURN_IF_ERROR(CheckRsaKey(key.get()));
  return SpkiDer(key.get());
}

}  // namespace gatehouse::crypto
