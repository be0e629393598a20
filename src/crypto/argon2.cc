#include "crypto/argon2.h"

#include <sodium.h>

#include "crypto/argon2_phc.h"
#include "crypto/byte_view.h"
#include "crypto/sodium_init.h"

namespace gatehouse::crypto {
namespace {

// The raw Argon2id output for `password` under `salt` (kArgon2SaltSize bytes) and the given
// parameters, which the caller has checked.
Result<std::string> DeriveArgon2id(std::string_view password, std::string_view salt,
                                   std::uint32_t memory_kib, std::uint32_t iterations) {
  EnsureSodiumInitialized();
  std::string out(kArgon2HashSize, '\0');
  if (crypto_pwhash(Uchars(out), out.size(), password.empty() ? "" : password.data(),
                    password.size(), Uchars(salt), iterations,
                    static_cast<std::size_t>(memory_kib) * 1024,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    // libsodium fails here only when it cannot allocate memory_kib.
    return ResourceExhausted("argon2id: out of memory");
  }
  return out;
}

}  // namespace

Result<std::string> Argon2idHash(std::string_view password, const Argon2Params& params,
                                 RandomSource& random) {
  return Argon2idHashWithSalt(password, random.Bytes(kArgon2SaltSize), params);
}

Result<std::string> Argon2idHashWithSalt(std::string_view password, std::string_view salt,
                                         const Argon2Params& params) {
  if (salt.size() != kArgon2SaltSize) return InvalidArgument("argon2id: salt must be 16 bytes");
  GH_RETURN_IF_ERROR(CheckArgon2Params(params.memory_kib, params.iterations));
  GH_ASSIGN_OR_RETURN(std::string hash,
                      DeriveArgon2id(password, salt, params.memory_kib, params.iterations));
  return FormatArgon2idPhc({.memory_kib = params.memory_kib,
                            .iterations = params.iterations,
                            .salt = std::string(salt),
                            .hash = std::move(hash)});
}

bool Argon2idVerify(std::string_view phc, std::string_view password) {
  Result<Argon2idPhc> parsed = ParseArgon2idPhc(phc);
  if (!parsed) return false;
  Result<std::string> hash =
      DeriveArgon2id(password, parsed->salt, parsed->memory_kib, parsed->iterations);
  if (!hash) return false;
  const bool equal = sodium_memcmp(hash->data(), parsed->hash.data(), kArgon2HashSize) == 0;
  sodium_memzero(hash->data(), hash->size());
  return equal;
}

bool Argon2idNeedsRehash(std::string_view phc, const Argon2Params& params) {
  Result<Argon2idPhc> parsed = ParseArgon2idPhc(phc);
  return !parsed || parsed->memory_kib != params.memory_kib ||
         parsed->iterations != params.iterations;
}

}  // namespace gatehouse::crypto
