#pragma once
// Internal: the `unsigned char*` views of string bytes that OpenSSL and libsodium calls take.
//
// Thread-safety: stateless functions.

#include <string>
#include <string_view>

namespace gatehouse::crypto {

// A non-null pointer to the bytes of `s` (C APIs may reject null even for zero lengths).
inline const unsigned char* Uchars(std::string_view s) {
  static constexpr unsigned char kEmpty = 0;
  return s.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}
inline unsigned char* Uchars(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

}  // namespace gatehouse::crypto
