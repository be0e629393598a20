#include "identity/credentials.h"

#include <algorithm>
#include <unordered_set>

namespace gatehouse::identity {

std::string_view CommonPasswordList();  // generated from data/common-passwords.txt

namespace {

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c < 0x80 ? std::tolower(c) : c); });
  return out;
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

const std::unordered_set<std::string>& CommonPasswords() {
  static const auto* set = [] {
    auto* s = new std::unordered_set<std::string>();
    std::string_view text = CommonPasswordList();
    while (!text.empty()) {
      const std::size_t nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
      if (!line.empty() && line.front() != '#') s->insert(AsciiLower(line));
    }
    return s;
  }();
  return *set;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= text.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

Result<std::string> NormaliseEmail(std::string_view email) {
  email = TrimBlanks(email);
  const Error bad = InvalidArgument("'email' is not a valid email address");
  if (email.size() < 3 || email.size() > 254 || !IsValidUtf8(email)) return bad;
  for (const char c : email) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return bad;
  }
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 ||
      email.find('@', at + 1) != std::string_view::npos) {
    return bad;
  }
  const std::string_view domain = email.substr(at + 1);
  const std::size_t dot = domain.find('.');
  if (domain.empty() || dot == std::string_view::npos || dot == 0 || domain.back() == '.') {
    return bad;
  }
  return AsciiLower(email);
}

std::string NormaliseEmailPrefix(std::string_view prefix) { return AsciiLower(TrimBlanks(prefix)); }

bool IsCommonPassword(std::string_view password) {
  return CommonPasswords().contains(AsciiLower(password));
}

Status CheckPasswordPolicy(std::string_view password) {
  if (password.size() < 8) return InvalidArgument("'password' must be at least 8 bytes");
  if (password.size() > 256) return InvalidArgument("'password' must be at most 256 bytes");
  if (!IsValidUtf8(password)) return InvalidArgument("'password' must be valid UTF-8");
  if (IsCommonPassword(password)) {
    return InvalidArgument("'password' is one of the most common passwords; choose another");
  }
  return OkStatus();
}

}  // namespace gatehouse::identity
