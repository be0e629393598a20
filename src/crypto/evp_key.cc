// ES256 and RS256 keys as OpenSSL 3 EVP_PKEYs: PKCS#8 / SubjectPublicKeyInfo DER import and
// export, EVP_DigestSign / EVP_DigestVerify with SHA-256. The algorithm specifics live in
// es256.cc and rs256.cc.

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <string>

#include "crypto/byte_view.h"
#include "crypto/es256.h"
#include "crypto/openssl_ptr.h"
#include "crypto/rs256.h"
#include "crypto/signature_impl.h"

namespace gatehouse::crypto {
namespace {

// Prepares `ctx` for sign (`sign` true) or verify with SHA-256 and, for RSA, PKCS#1 v1.5.
bool InitDigestContext(EVP_MD_CTX* ctx, EVP_PKEY* key, SignatureAlg alg, bool sign) {
  EVP_PKEY_CTX* pkey_ctx = nullptr;
  const int init =
      sign ? EVP_DigestSignInit_ex(ctx, &pkey_ctx, "SHA256", nullptr, nullptr, key, nullptr)
           : EVP_DigestVerifyInit_ex(ctx, &pkey_ctx, "SHA256", nullptr, nullptr, key, nullptr);
  if (init != 1) return false;
  return alg != SignatureAlg::kRS256 ||
         EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PADDING) == 1;
}

Status CheckKeyType(SignatureAlg alg, const EVP_PKEY* key) {
  switch (alg) {
    case SignatureAlg::kES256:
      return CheckP256Key(key);
    case SignatureAlg::kRS256:
      return CheckRsaKey(key);
    case SignatureAlg::kEdDSA:
      break;
  }
  return InvalidArgument("not an OpenSSL-backed algorithm");
}

// Refuses keys OpenSSL decoded but that are unfit: wrong type or size for `alg`, or (EC) a public
// point OpenSSL's check refuses, such as the point at infinity. RSA keys skip that check: its
// SP 800-56B tests cost milliseconds per import and a malformed RSA key can only fail to verify.
Status CheckKey(SignatureAlg alg, EVP_PKEY* key) {
  GH_RETURN_IF_ERROR(CheckKeyType(alg, key));
  if (alg != SignatureAlg::kES256) return OkStatus();
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (ctx == nullptr || EVP_PKEY_public_check(ctx.get()) != 1) {
    ERR_clear_error();
    return InvalidArgument("ES256: public key fails validation");
  }
  return OkStatus();
}

class EvpPublic final : public PublicKey::Impl {
 public:
  EvpPublic(SignatureAlg alg, EvpPkeyPtr key, std::string spki)
      : alg_(alg), key_(std::move(key)), spki_(std::move(spki)) {}

  bool Verify(std::string_view message, std::string_view signature) const override {
    std::string_view der = signature;
    std::optional<EcdsaDer> ecdsa;
    if (alg_ == SignatureAlg::kES256) {
      ecdsa = EcdsaRawToDer(signature);  // nullopt for any length but 64, so DER input fails
      if (!ecdsa) return false;
      der = {reinterpret_cast<const char*>(ecdsa->bytes.data()), ecdsa->size};
    } else if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key_.get()))) {
      return false;
    }
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    const bool ok =
        ctx != nullptr && InitDigestContext(ctx.get(), key_.get(), alg_, false) &&
        EVP_DigestVerify(ctx.get(), Uchars(der), der.size(), Uchars(message), message.size()) == 1;
    if (!ok) ERR_clear_error();
    return ok;
  }

  std::string Export() const override { return spki_; }

  std::map<std::string, std::string> JwkMembers() const override {
    return alg_ == SignatureAlg::kES256 ? P256JwkMembers(key_.get()) : RsaJwkMembers(key_.get());
  }

 private:
  const SignatureAlg alg_;
  const EvpPkeyPtr key_;  // immutable after import; OpenSSL allows concurrent use
  const std::string spki_;
};

class EvpPrivate final : public PrivateKey::Impl {
 public:
  EvpPrivate(SignatureAlg alg, EvpPkeyPtr key) : alg_(alg), key_(std::move(key)) {}

  Result<std::string> Sign(std::string_view message) const override {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    std::string signature(static_cast<std::size_t>(EVP_PKEY_get_size(key_.get())), '\0');
    std::size_t size = signature.size();
    if (ctx == nullptr || !InitDigestContext(ctx.get(), key_.get(), alg_, true) ||
        EVP_DigestSign(ctx.get(), Uchars(signature), &size, Uchars(message), message.size()) != 1) {
      ERR_clear_error();
      return Internal("signing failed");
    }
    signature.resize(size);
    if (alg_ == SignatureAlg::kES256) return EcdsaDerToRaw(signature);
    return signature;
  }

  std::string Export() const override {
    const Pkcs8Ptr info(EVP_PKEY2PKCS8(key_.get()));
    const int size = info ? i2d_PKCS8_PRIV_KEY_INFO(info.get(), nullptr) : 0;
    if (size <= 0) {
      ERR_clear_error();
      return {};
    }
    std::string der(static_cast<std::size_t>(size), '\0');
    unsigned char* out = Uchars(der);
    if (i2d_PKCS8_PRIV_KEY_INFO(info.get(), &out) != size) return {};
    return der;
  }

 private:
  const SignatureAlg alg_;
  const EvpPkeyPtr key_;
};

// Builds both halves from a private key. The public half holds its own key parsed back from
// SubjectPublicKeyInfo, so a PublicKey never keeps private material alive; checking that public
// key (type, size, validity) checks the private key it came from.
Result<KeyPairImpl> MakePair(SignatureAlg alg, EvpPkeyPtr key) {
  GH_ASSIGN_OR_RETURN(std::string spki, SpkiDer(key.get()));
  GH_ASSIGN_OR_RETURN(std::shared_ptr<const PublicKey::Impl> public_half,
                      EvpPublicFromSpki(alg, spki));
  return KeyPairImpl{.private_half = std::make_unique<EvpPrivate>(alg, std::move(key)),
                     .public_half = std::move(public_half)};
}

}  // namespace

Result<std::string> SpkiDer(const EVP_PKEY* key) {
  const int size = i2d_PUBKEY(key, nullptr);
  if (size <= 0) {
    ERR_clear_error();
    return Internal("cannot encode public key");
  }
  std::string der(static_cast<std::size_t>(size), '\0');
  unsigned char* out = Uchars(der);
  if (i2d_PUBKEY(key, &out) != size) return Internal("cannot encode public key");
  return der;
}

Result<KeyPairImpl> EvpGenerate(SignatureAlg alg) {
  EVP_PKEY* key = nullptr;
  if (alg == SignatureAlg::kES256) {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  } else if (alg == SignatureAlg::kRS256) {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(kRsaGenerateBits));
  } else {
    return InvalidArgument("EdDSA keys are not OpenSSL keys");
  }
  if (key == nullptr) {
    ERR_clear_error();
    return Internal("key generation failed");
  }
  return MakePair(alg, EvpPkeyPtr(key));
}

Result<KeyPairImpl> EvpPrivateFromPkcs8(SignatureAlg alg, std::string_view der) {
  const unsigned char* in = Uchars(der);
  const Pkcs8Ptr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &in, static_cast<long>(der.size())));
  EvpPkeyPtr key;
  if (info != nullptr && in == Uchars(der) + der.size()) key.reset(EVP_PKCS82PKEY(info.get()));
  if (key == nullptr) {
    ERR_clear_error();
    return InvalidArgument("not a PKCS#8 private key");
  }
  return MakePair(alg, std::move(key));
}

Result<std::shared_ptr<const PublicKey::Impl>> EvpPublicFromSpki(SignatureAlg alg,
                                                                 std::string_view der) {
  const unsigned char* in = Uchars(der);
  EvpPkeyPtr key(d2i_PUBKEY(nullptr, &in, static_cast<long>(der.size())));
  if (key == nullptr || in != Uchars(der) + der.size()) {
    ERR_clear_error();
    return InvalidArgument("not a SubjectPublicKeyInfo public key");
  }
  GH_RETURN_IF_ERROR(CheckKey(alg, key.get()));
  // Re-encoded rather than copied, so ExportPublic is canonical DER whatever OpenSSL accepted.
  GH_ASSIGN_OR_RETURN(std::string spki, SpkiDer(key.get()));
  return std::shared_ptr<const PublicKey::Impl>(
      std::make_shared<const EvpPublic>(alg, std::move(key), std::move(spki)));
}

}  // namespace gatehouse::crypto
