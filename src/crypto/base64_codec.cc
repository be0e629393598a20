#include "crypto/base64_codec.h"

#include <cstddef>
#include <cstdint>

namespace gatehouse::crypto {
namespace {

std::uint32_t Byte(std::string_view s, std::size_t i) { return static_cast<unsigned char>(s[i]); }

}  // namespace

std::string Base64EncodeUnpadded(std::string_view bytes, const Base64Alphabet& alphabet) {
  const auto& d = alphabet.digits;
  std::string out;
  out.resize((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  std::size_t o = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = Byte(bytes, i) << 16 | Byte(bytes, i + 1) << 8 | Byte(bytes, i + 2);
    out[o++] = d[v >> 18];
    out[o++] = d[(v >> 12) & 63];
    out[o++] = d[(v >> 6) & 63];
    out[o++] = d[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = Byte(bytes, i) << 16;
    out[o++] = d[v >> 18];
    out[o++] = d[(v >> 12) & 63];
  } else if (rest == 2) {
    const std::uint32_t v = Byte(bytes, i) << 16 | Byte(bytes, i + 1) << 8;
    out[o++] = d[v >> 18];
    out[o++] = d[(v >> 12) & 63];
    out[o++] = d[(v >> 6) & 63];
  }
  return out;
}

Result<std::string> Base64DecodeUnpadded(std::string_view text, const Base64Alphabet& alphabet) {
  const std::size_t rest = text.size() % 4;
  if (rest == 1) return InvalidArgument("base64: impossible length");
  std::string out;
  out.resize(text.size() / 4 * 3 + (rest == 0 ? 0 : rest - 1));
  // A character outside the alphabet maps to -1, so OR-ing a group's values is negative exactly
  // when one of them is bad: one branch per group.
  std::size_t i = 0;
  std::size_t o = 0;
  const auto value = [&](std::size_t at) -> std::int32_t {
    return alphabet.values[static_cast<unsigned char>(text[at])];
  };
  for (; i + 4 <= text.size(); i += 4) {
    const std::int32_t a = value(i), b = value(i + 1), c = value(i + 2), e = value(i + 3);
    if ((a | b | c | e) < 0) return InvalidArgument("base64: invalid character");
    const std::uint32_t v = static_cast<std::uint32_t>(a << 18 | b << 12 | c << 6 | e);
    out[o++] = static_cast<char>(v >> 16);
    out[o++] = static_cast<char>(v >> 8);
    out[o++] = static_cast<char>(v);
  }
  if (rest == 0) return out;
  const std::int32_t a = value(i);
  const std::int32_t b = value(i + 1);
  const std::int32_t c = rest == 3 ? value(i + 2) : 0;
  if ((a | b | c) < 0) return InvalidArgument("base64: invalid character");
  const std::uint32_t v = static_cast<std::uint32_t>(a << 18 | b << 12 | c << 6);
  // The bits past the last whole byte must be zero, or two texts would decode alike.
  const std::uint32_t unused = rest == 2 ? (v & 0xFFFF) : (v & 0xFF);
  if (unused != 0) return InvalidArgument("base64: non-canonical trailing bits");
  out[o++] = static_cast<char>(v >> 16);
  if (rest == 3) out[o++] = static_cast<char>(v >> 8);
  return out;
}

}  // namespace gatehouse::crypto
