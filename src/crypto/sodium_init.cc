#include "crypto/sodium_init.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace gatehouse::crypto {

void EnsureSodiumInitialized() {
  // A function-local static: C++ guarantees one initialisation even under concurrent first calls.
  static const bool initialized = [] {
    if (sodium_init() < 0) {
      std::fputs("gatehouse: libsodium initialisation failed\n", stderr);
      std::abort();
    }
    return true;
  }();
  (void)initialized;
}

}  // namespace gatehouse::crypto
