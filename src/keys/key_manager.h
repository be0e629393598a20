#pragma once
// KeyManager: the signing-key ring of a running server, kept in the store.
//
// Loads the keys (unsealing active private keys with the master key), rotates on schedule
// (RotateIfDue, called by a background timer and at start), rotates on demand with the emergency
// option of revoking every earlier key, prunes keys whose tokens have all expired, and persists
// every change before publishing it. A change is one store transaction together with its audit
// entries and, for each revoked key, its `key_revoked` feed event. Readers take an immutable
// snapshot with Ring().
//
// Several managers may share one store, each for a family of keys (KeyRing::Options::kid_prefix:
// the native ring, the SuperTokens face's "d-" keys): each reads, rotates, revokes and prunes
// only its own.
//
// Ownership: borrows the store, clock and random source (all must outlive it).
// Thread-safety: all methods are safe to call concurrently; changes are serialised.

#include <atomic>
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
  // Reads the keys from the store again and publishes them when another instance changed them
  // (a rotation, a revocation, a prune); the listener hears of keys that stopped verifying.
  // Rotations and revocations reload first too, so they start from the database's keys.
  Status Reload();
  // For a token whose kid the ring lacks (another instance's key, made moments ago): reloads,
  // at most once a second; true when the kid is in the ring afterwards.
  bool LoadUnknownKid(std::string_view kid);
  // The next SigningRing() reloads first (the feed applied a key_revoked event: whichever
  // instance made it, no token may be signed with that key any more).
  void RequestReload() { reload_requested_.store(true); }
  // Ring(), after a requested reload: what signing reads.
  std::shared_ptr<const tokens::KeyRing> SigningRing();
  // Rotates when the active key is older than the interval; prunes expired keys.
  Status RotateIfDue();
  // Rotates now; with revoke_previous, every earlier key is revoked. Returns the new kid.
  Result<std::string> Rotate(bool revoke_previous);

  std::shared_ptr<const tokens::KeyRing> Ring() const;
  // The ring's public halves, made once per change: what access-token verification reads.
  std::shared_ptr<const tokens::VerifyKeys> VerifyKeys() const;
  void SetListener(Listener listener);

 private:
  // What one change did: the new active kid (if rotated), the keys to write, drop and revoke.
  struct Change {
    std::string actor;  // "schedule" or "api", for the audit
    std::string rotated_to;
    std::vector<std::string> changed, dropped, revoked;
  };
  // Persists `ring` (only the keys listed in `change.changed`), deletes the dropped ones and
  // appends the audit entries and events, in one transaction; then publishes the ring.
  Status Commit(tokens::KeyRing ring, const Change& change) REQUIRES(write_mu_);
  Result<store::SigningKeyRecord> ToRecord(const tokens::SigningKey& key);
  Result<tokens::SigningKey> FromRecord(const store::SigningKeyRecord& record) const;
  void Publish(tokens::KeyRing ring);
  Status ReloadLocked() REQUIRES(write_mu_);

  store::Store& store_;
  const std::string master_key_;
  const tokens::KeyRing::Options options_;
  Clock& clock_;
  RandomSource& random_;

  Mutex write_mu_;  // serialises changes
  mutable Mutex snapshot_mu_;
  std::shared_ptr<const tokens::KeyRing> ring_ GUARDED_BY(snapshot_mu_);
  std::shared_ptr<const tokens::VerifyKeys> verify_keys_ GUARDED_BY(snapshot_mu_);
  Listener listener_ GUARDED_BY(write_mu_);
  std::atomic<bool> reload_requested_{false};
  std::atomic<std::int64_t> unknown_kid_reload_ms_{0};  // the last reload for an unknown kid
};

}  // namespace gatehouse::keys
