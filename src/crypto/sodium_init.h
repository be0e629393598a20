#pragma once
// Internal: libsodium initialisation, done once per process before the first libsodium call.
//
// Thread-safety: safe to call from any thread, any number of times.

namespace gatehouse::crypto {

// Initialises libsodium on the first call; aborts the process if it cannot be initialised.
void EnsureSodiumInitialized();

}  // namespace gatehouse::crypto
