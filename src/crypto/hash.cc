#include "crypto/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

#include "crypto/byte_view.h"
#include "crypto/openssl_ptr.h"

namespace gatehouse::crypto {
namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "gatehouse: %s failed\n", what);
  std::abort();
}

// Fetched once: OpenSSL 3 would otherwise look EVP_sha256() up in its provider store on every
// digest. A fetched EVP_MD is immutable and safe to share between threads.
const EVP_MD* FetchedSha256() {
  static const EvpMdPtr md(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  if (md == nullptr) Die("EVP_MD_fetch(SHA256)");
  return md.get();
}

}  // namespace

Digest Sha256(std::string_view data) {
  Digest out;
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &size, FetchedSha256(), nullptr) != 1 ||
      size != out.size()) {
    Die("EVP_Digest(SHA256)");
  }
  return out;
}

std::string Sha256Bytes(std::string_view data) {
  const Digest digest = Sha256(data);
  return std::string(digest.begin(), digest.end());
}

Digest HmacSha256(std::string_view key, std::string_view data) {
  Digest out;
  std::size_t size = 0;
  // Uchars keeps an empty key non-null: OpenSSL treats a null key as "no key set".
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, Uchars(key), key.size(), Uchars(data),
                data.size(), out.data(), out.size(), &size) == nullptr ||
      size != out.size()) {
    Die("EVP_Q_mac(HMAC-SHA256)");
  }
  return out;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 15];
  }
  return out;
}

std::optional<std::string> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  const auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = digit(hex[2 * i]);
    const int lo = digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // The length is not secret (a MAC or token hash has a fixed, public length).
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(Uchars(a), Uchars(b), a.size()) == 0;
}

}  // namespace gatehouse::crypto
