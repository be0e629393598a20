#include "crypto/es256.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>

#include <cstring>

#include "crypto/base64url.h"
#include "crypto/byte_view.h"
#include "crypto/openssl_ptr.h"
#include "crypto/signature_impl.h"

namespace gatehouse::crypto {
namespace {

// The coordinate `param` (OSSL_PKEY_PARAM_EC_PUB_X or _Y) as 32 big-endian bytes.
std::string Coordinate(const EVP_PKEY* key, const char* param) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &raw) != 1) {
    ERR_clear_error();
    return {};
  }
  const BignumPtr value(raw);
  std::string out(kP256FieldSize, '\0');
  if (BN_bn2binpad(value.get(), Uchars(out), static_cast<int>(out.size())) < 0) return {};
  return out;
}

bool Utf8ParamEquals(const EVP_PKEY* key, const char* param, std::string_view expected) {
  char value[64];
  std::size_t size = 0;
  if (EVP_PKEY_get_utf8_string_param(key, param, value, sizeof value, &size) != 1) {
    ERR_clear_error();
    return false;
  }
  return std::string_view(value, size) == expected;
}

}  // namespace

namespace {

// The order n of P-256 and n / 2: a signature (r, s) is also valid as (r, n - s), so only the
// low-S form (s <= n / 2) is accepted and produced, and a token has one signature, not two.
struct P256Order {
  BignumPtr n, half;
  P256Order() {
    BIGNUM* value = nullptr;
    BN_hex2bn(&value, "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
    n.reset(value);
    half.reset(BN_new());
    BN_rshift1(half.get(), n.get());
  }
};

const P256Order& Order() {
  static const P256Order order;  // thread-safe initialisation, read-only afterwards
  return order;
}

}  // namespace

std::optional<EcdsaDer> EcdsaRawToDer(std::string_view raw) {
  if (raw.size() != kEs256SignatureSize) return std::nullopt;
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BignumPtr r(BN_bin2bn(Uchars(raw), kP256FieldSize, nullptr));
  BignumPtr s(BN_bin2bn(Uchars(raw) + kP256FieldSize, kP256FieldSize, nullptr));
  if (sig == nullptr || r == nullptr || s == nullptr || BN_cmp(s.get(), Order().half.get()) > 0 ||
      ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return std::nullopt;
  }
  // ECDSA_SIG_set0 took ownership of r and s.
  (void)r.release();
  (void)s.release();
  // Two INTEGERs of at most 33 content bytes in a SEQUENCE: at most 72 bytes, so `der` fits.
  EcdsaDer der;
  unsigned char* out = der.bytes.data();
  const int size = i2d_ECDSA_SIG(sig.get(), &out);
  if (size <= 0) return std::nullopt;
  der.size = static_cast<std::size_t>(size);
  return der;
}

Result<std::string> EcdsaDerToRaw(std::string_view der) {
  const unsigned char* in = Uchars(der);
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size())));
  if (sig == nullptr) {
    ERR_clear_error();
    return Internal("ES256: cannot parse OpenSSL's signature");
  }
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  BignumPtr low(BN_dup(s));
  if (low == nullptr) return Internal("ES256: out of memory");
  if (BN_cmp(s, Order().half.get()) > 0 && BN_sub(low.get(), Order().n.get(), s) != 1) {
    return Internal("ES256: cannot normalise the signature");
  }
  std::string raw(kEs256SignatureSize, '\0');
  if (BN_bn2binpad(r, Uchars(raw), kP256FieldSize) < 0 ||
      BN_bn2binpad(low.get(), Uchars(raw) + kP256FieldSize, kP256FieldSize) < 0) {
    return Internal("ES256: signature value out of range");
  }
  return raw;
}

Status CheckP256Key(const EVP_PKEY* key) {
  // "named_curve" refuses explicit curve parameters, even ones equal to P-256's.
  if (!EVP_PKEY_is_a(key, "EC") ||
      !Utf8ParamEquals(key, OSSL_PKEY_PARAM_GROUP_NAME, SN_X9_62_prime256v1) ||
      !Utf8ParamEquals(key, OSSL_PKEY_PARAM_EC_ENCODING, OSSL_PKEY_EC_ENCODING_GROUP)) {
    return InvalidArgument("ES256: not a P-256 key");
  }
  return OkStatus();
}

std::map<std::string, std::string> P256JwkMembers(const EVP_PKEY* key) {
  return {{"kty", "EC"},
          {"crv", "P-256"},
          {"x", Base64UrlEncode(Coordinate(key, OSSL_PKEY_PARAM_EC_PUB_X))},
          {"y", Base64UrlEncode(Coordinate(key, OSSL_PKEY_PARAM_EC_PUB_Y))}};
}

Result<std::string> P256SpkiFromCoordinates(std::string_view x, std::string_view y) {
  if (x.size() != kP256FieldSize || y.size() != kP256FieldSize) {
    return InvalidArgument("ES256: coordinates must be 32 bytes");
  }
  unsigned char point[1 + 2 * kP256FieldSize];
  point[0] = POINT_CONVERSION_UNCOMPRESSED;
  std::memcpy(point + 1, x.data(), kP256FieldSize);
  std::memcpy(point + 1 + kP256FieldSize, y.data(), kP256FieldSize);
  char group[] = SN_X9_62_prime256v1;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point),
      OSSL_PARAM_construct_end()};
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw_key = nullptr;
  if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw_key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    ERR_clear_error();
    return InvalidArgument("ES256: not a point on P-256");
  }
  const EvpPkeyPtr key(raw_key);
  return SpkiDer(key.get());
}

}  // namespace gatehouse::crypto
