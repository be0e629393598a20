#include "crypto/argon2_phc.h"

#include <optional>

#include "crypto/base64_codec.h"

namespace gatehouse::crypto {
namespace {

constexpr std::string_view kPrefix = "$argon2id$v=19$m=";

// Consumes `literal` from the front of `text`.
bool Consume(std::string_view& text, std::string_view literal) {
  if (!text.starts_with(literal)) return false;
  text.remove_prefix(literal.size());
  return true;
}

// Consumes a canonical decimal uint32 (no sign, no leading zero) from the front of `text`.
std::optional<std::uint32_t> ConsumeNumber(std::string_view& text) {
  std::size_t digits = 0;
  std::uint64_t value = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    value = value * 10 + static_cast<std::uint64_t>(text[digits] - '0');
    if (value > UINT32_MAX) return std::nullopt;
    ++digits;
  }
  if (digits == 0 || (digits > 1 && text[0] == '0')) return std::nullopt;
  text.remove_prefix(digits);
  return static_cast<std::uint32_t>(value);
}

}  // namespace

Status CheckArgon2Params(std::uint32_t memory_kib, std::uint32_t iterations) {
  if (memory_kib < kArgon2MinMemoryKib || memory_kib > kArgon2MaxMemoryKib) {
    return InvalidArgument("argon2id: memory out of range");
  }
  if (iterations < kArgon2MinIterations || iterations > kArgon2MaxIterations) {
    return InvalidArgument("argon2id: iterations out of range");
  }
  return OkStatus();
}

std::string FormatArgon2idPhc(const Argon2idPhc& phc) {
  std::string out(kPrefix);
  out += std::to_string(phc.memory_kib);
  out += ",t=";
  out += std::to_string(phc.iterations);
  out += ",p=1$";
  out += Base64EncodeUnpadded(phc.salt, kBase64StandardAlphabet);
  out += '$';
  out += Base64EncodeUnpadded(phc.hash, kBase64StandardAlphabet);
  return out;
}

Result<Argon2idPhc> ParseArgon2idPhc(std::string_view text) {
  const Error malformed = InvalidArgument("argon2id: malformed PHC string");
  if (!Consume(text, kPrefix)) return malformed;
  const std::optional<std::uint32_t> memory_kib = ConsumeNumber(text);
  if (!memory_kib || !Consume(text, ",t=")) return malformed;
  const std::optional<std::uint32_t> iterations = ConsumeNumber(text);
  if (!iterations || !Consume(text, ",p=1$")) return malformed;
  GH_RETURN_IF_ERROR(CheckArgon2Params(*memory_kib, *iterations));

  const std::size_t dollar = text.find('$');
  if (dollar == std::string_view::npos) return malformed;
  Result<std::string> salt = Base64DecodeUnpadded(text.substr(0, dollar), kBase64StandardAlphabet);
  Result<std::string> hash = Base64DecodeUnpadded(text.substr(dollar + 1), kBase64StandardAlphabet);
  if (!salt || !hash || salt->size() != kArgon2SaltSize || hash->size() != kArgon2HashSize) {
    return malformed;
  }
  return Argon2idPhc{.memory_kib = *memory_kib,
                     .iterations = *iterations,
                     .salt = std::move(salt).value(),
                     .hash = std::move(hash).value()};
}

}  // namespace gatehouse::crypto
