#pragma once
// KeyManager: the signing-key ring of a running server, kept in the store.
//
// Loads the keys (unsealing active private keys with the master key), rotates on schedule
// (RotateIfDue, called by a background timer and at start), rotates on demand with the emergency
// option of revoking every earlier key, prunes keys whose tokens have all expired, and persists
// every change before publishing it. Readers take an immutable snapshot with Ring().
//
// Ownership: borrows the store, clock and random source (all must outlive it).
// Thread-safety: all methods are safe to call concurrently; changes are serialised.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/random.h"
#include "store/store.h"
#include "tokens/key_ring.h"

namespace gatehouse::keys {

class KeyManager {
 public:
  // Called after a change is persisted, with the kids that were revoked by it (maybe none).
  using Listener = std::function<void(const std::vector<std::string>& revoked_kids)>;

  KeyManager(store::Store& store, std::string master_key, tokens::KeyRing::Options options,
             Clock& clock, RandomSource& random);

  // Reads every key from the store and rotates when due. Call once before serving.
  Status Load();
  // Rotates when the active key is older than the interval; prunes expired keys.
  Status RotateIfDue();
  // Rotates now; with revoke_previous, every earlier key is revoked. Returns the new kid.
  Result<std::string> Rotate(bool revoke_previous);

  std::shared_ptr<const tokens::KeyRing> Ring() const;
  void SetListener(Listener listener);

 private:
  // Persists `ring` (only the keys listed in `changed`), deletes `dropped`, then publishes it.
  Status Commit(tokens::KeyRing ring, const std::vector<std::string>& changed,
                const std::vector<std::string>& dropped, const std::vector<std::string>& revoked)
      REQUIRES(write_mu_);
  Result<store::SigningKeyRecord> ToRecord(const tokens::SigningKey& key);
  Result<tokens::SigningKey> FromRecord(const store::SigningKeyRecord& record) const;

  store::Store& store_;
  const std::string master_key_;
  const tokens::KeyRing::Options options_;
  Clock& clock_;
  RandomSource& random_;

  Mutex write_mu_;  // serialises changes
  mutable Mutex snapshot_mu_;
  std::shared_ptr<const tokens::KeyRing> ring_ GUARDED_BY(snapshot_mu_);
  Listener listener_ GUARDED_BY(write_mu_);
};

}  // namespace gatehouse::keys
