#pragma once
// Email and password rules (ASVS V2, NIST 800-63B 5.1.1):
//   email: trimmed and lower-cased; 3-254 bytes, one '@', a local part of 1-64 bytes, a domain
//          with a dot, no spaces or control characters.
//   password: 8-256 bytes of valid UTF-8, not one of the 1,000 most common passwords
//             (data/common-passwords.txt, compared case-insensitively). No composition rules.
//
// Thread-safety: stateless functions.

#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::identity {

Result<std::string> NormaliseEmail(std::string_view email);
// A search prefix in the form stored emails have (trimmed, ASCII lower-cased).
std::string NormaliseEmailPrefix(std::string_view prefix);
Status CheckPasswordPolicy(std::string_view password);
bool IsValidUtf8(std::string_view text);
bool IsCommonPassword(std::string_view password);

}  // namespace gatehouse::identity
