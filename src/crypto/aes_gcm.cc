#include "crypto/aes_gcm.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <climits>

#include "crypto/byte_view.h"
#include "crypto/openssl_ptr.h"

namespace gatehouse::crypto {
namespace {

Status CheckSizes(std::string_view key, std::string_view text, std::string_view aad) {
  if (key.size() != kAesKeySize) return InvalidArgument("AES-256-GCM: key must be 32 bytes");
  if (text.size() > INT_MAX || aad.size() > INT_MAX) {
    return InvalidArgument("AES-256-GCM: input too large");
  }
  return OkStatus();
}

// Encrypts `plaintext` into out[0, plaintext.size()) and the tag into the kGcmTagSize bytes after.
Status EncryptInto(std::string_view key, std::string_view nonce, std::string_view plaintext,
                   std::string_view aad, unsigned char* out) {
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const bool ok =
      ctx != nullptr &&
      EVP_EncryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), Uchars(key), Uchars(nonce), nullptr) == 1 &&
      (aad.empty() || EVP_EncryptUpdate(ctx.get(), nullptr, &len, Uchars(aad),
                                        static_cast<int>(aad.size())) == 1) &&
      (plaintext.empty() || EVP_EncryptUpdate(ctx.get(), out, &len, Uchars(plaintext),
                                              static_cast<int>(plaintext.size())) == 1) &&
      EVP_EncryptFinal_ex(ctx.get(), out + plaintext.size(), &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kGcmTagSize),
                          out + plaintext.size()) == 1;
  if (!ok) {
    ERR_clear_error();
    return Internal("AES-256-GCM encryption failed");
  }
  return OkStatus();
}

// True when `tag` authenticates `ciphertext` and `aad`; the plaintext is then in out[0, size).
bool DecryptInto(std::string_view key, std::string_view nonce, std::string_view ciphertext,
                 std::string_view tag, std::string_view aad, unsigned char* out) {
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  // GCM's tag check needs a writable pointer although it only reads the tag.
  unsigned char expected_tag[kGcmTagSize];
  std::copy(tag.begin(), tag.end(), expected_tag);
  int len = 0;
  const bool ok =
      ctx != nullptr &&
      EVP_DecryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), Uchars(key), Uchars(nonce), nullptr) == 1 &&
      (aad.empty() || EVP_DecryptUpdate(ctx.get(), nullptr, &len, Uchars(aad),
                                        static_cast<int>(aad.size())) == 1) &&
      (ciphertext.empty() || EVP_DecryptUpdate(ctx.get(), out, &len, Uchars(ciphertext),
                                               static_cast<int>(ciphertext.size())) == 1) &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kGcmTagSize),
                          expected_tag) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), out + ciphertext.size(), &len) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

}  // namespace

Result<std::string> AesGcmSeal(std::string_view key, std::string_view plaintext,
                               std::string_view aad, RandomSource& random) {
  GH_RETURN_IF_ERROR(CheckSizes(key, plaintext, aad));
  std::string sealed(kGcmNonceSize + plaintext.size() + kGcmTagSize, '\0');
  random.Fill({reinterpret_cast<std::uint8_t*>(sealed.data()), kGcmNonceSize});
  const std::string_view nonce(sealed.data(), kGcmNonceSize);
  GH_RETURN_IF_ERROR(EncryptInto(key, nonce, plaintext, aad, Uchars(sealed) + kGcmNonceSize));
  return sealed;
}

Result<std::string> AesGcmOpen(std::string_view key, std::string_view sealed,
                               std::string_view aad) {
  if (sealed.size() < kGcmNonceSize + kGcmTagSize) {
    return InvalidArgument("AES-256-GCM: sealed data too short");
  }
  GH_RETURN_IF_ERROR(CheckSizes(key, sealed, aad));
  const std::string_view nonce = sealed.substr(0, kGcmNonceSize);
  const std::string_view ciphertext =
      sealed.substr(kGcmNonceSize, sealed.size() - kGcmNonceSize - kGcmTagSize);
  const std::string_view tag = sealed.substr(sealed.size() - kGcmTagSize);
  std::string plaintext(ciphertext.size(), '\0');
  if (!DecryptInto(key, nonce, ciphertext, tag, aad, Uchars(plaintext))) {
    // Never hand back unauthenticated plaintext, not even in memory we free.
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return Unauthenticated("AES-256-GCM: authentication failed");
  }
  return plaintext;
}

Result<std::string> AesGcmEncryptForTest(std::string_view key, std::string_view nonce,
                                         std::string_view plaintext, std::string_view aad) {
  GH_RETURN_IF_ERROR(CheckSizes(key, plaintext, aad));
  if (nonce.size() != kGcmNonceSize) return InvalidArgument("AES-256-GCM: nonce must be 12 bytes");
  std::string out(plaintext.size() + kGcmTagSize, '\0');
  GH_RETURN_IF_ERROR(EncryptInto(key, nonce, plaintext, aad, Uchars(out)));
  return out;
}

}  // namespace gatehouse::crypto
