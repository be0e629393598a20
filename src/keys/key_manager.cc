#include "keys/key_manager.h"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "crypto/aes_gcm.h"
#include "revocation/feed/event_log.h"
#include "runtime/log.h"

namespace gatehouse::keys {
namespace {

// Binds a sealed private key to its kid, so a sealed blob cannot be moved to another key row.
std::string SealAad(const std::string& kid) { return "gatehouse signing key " + kid; }

// The kids of the keys that sign now: a rotation retires every one of them.
std::vector<std::string> ActiveKids(const tokens::KeyRing& ring) {
  std::vector<std::string> out;
  for (const tokens::SigningKey& key : ring.keys()) {
    if (key.active()) out.push_back(key.kid);
  }
  return out;
}

}  // namespace

KeyManager::KeyManager(store::Store& store, std::string master_key,
                       tokens::KeyRing::Options options, Clock& clock, RandomSource& random)
    : store_(store),
      master_key_(std::move(master_key)),
      options_(options),
      clock_(clock),
      random_(random),
      ring_(std::make_shared<const tokens::KeyRing>(options)),
      verify_keys_(std::make_shared<const tokens::VerifyKeys>()) {}

Result<store::SigningKeyRecord> KeyManager::ToRecord(const tokens::SigningKey& key) {
  store::SigningKeyRecord record{.kid = key.kid,
                                 .alg = std::string(crypto::AlgName(key.alg)),
                                 .public_key = key.public_key.ExportPublic(),
                                 .created_at = ToUnixMillis(key.created_at),
                                 .revoked = key.revoked};
  if (key.retired_at) record.retired_at = ToUnixMillis(*key.retired_at);
  if (key.private_key != nullptr) {
    GH_ASSIGN_OR_RETURN(record.sealed_private,
                        crypto::AesGcmSeal(master_key_, key.private_key->ExportPrivate(),
                                           SealAad(key.kid), random_));
  }
  return record;
}

Result<tokens::SigningKey> KeyManager::FromRecord(const store::SigningKeyRecord& record) const {
  GH_ASSIGN_OR_RETURN(crypto::SignatureAlg alg, crypto::ParseAlg(record.alg));
  GH_ASSIGN_OR_RETURN(crypto::PublicKey public_key,
                      crypto::PublicKey::Import(alg, record.public_key));
  tokens::SigningKey key{.kid = record.kid,
                         .alg = alg,
                         .private_key = nullptr,
                         .public_key = std::move(public_key),
                         .created_at = FromUnixMillis(record.created_at),
                         .revoked = record.revoked};
  if (record.retired_at) key.retired_at = FromUnixMillis(*record.retired_at);
  if (!record.sealed_private.empty() && !key.retired_at && !key.revoked) {
    Result<std::string> secret =
        crypto::AesGcmOpen(master_key_, record.sealed_private, SealAad(record.kid));
    if (!secret) {
      return FailedPrecondition("cannot unseal signing key " + record.kid + ": wrong master key?");
    }
    GH_ASSIGN_OR_RETURN(crypto::PrivateKey private_key, crypto::PrivateKey::Import(alg, *secret));
    key.private_key = std::make_shared<const crypto::PrivateKey>(std::move(private_key));
  }
  return key;
}

Status KeyManager::Load() {
  GH_RETURN_IF_ERROR(Reload());
  return RotateIfDue();
}

Status KeyManager::Reload() {
  MutexLock lock(write_mu_);
  return ReloadLocked();
}

Status KeyManager::ReloadLocked() {
  GH_ASSIGN_OR_RETURN(std::vector<store::SigningKeyRecord> records, store_.ListSigningKeys());
  std::erase_if(records, [this](const store::SigningKeyRecord& r) {
    return !tokens::KeyRing::Owns(options_.kid_prefix, r.kid);  // another family's key
  });
  const std::shared_ptr<const tokens::KeyRing> held = Ring();
  // Unchanged when every key has the same kid, retirement and revocation (a write reseals
  // private keys, so the records themselves differ).
  bool same = records.size() == held->keys().size();
  for (std::size_t i = 0; same && i < records.size(); ++i) {
    const tokens::SigningKey& key = held->keys()[i];
    same = key.kid == records[i].kid && key.revoked == records[i].revoked &&
           (key.retired_at ? std::optional(ToUnixMillis(*key.retired_at)) : std::nullopt) ==
               records[i].retired_at;
  }
  if (same) return OkStatus();
  tokens::KeyRing ring(options_);
  for (const auto& record : records) {
    GH_ASSIGN_OR_RETURN(tokens::SigningKey key, FromRecord(record));
    ring.Add(std::move(key));
  }
  // Keys that verified and no longer do (revoked or dropped elsewhere): cached tokens go.
  const SystemTime now = clock_.Now();
  std::vector<std::string> lost;
  for (const tokens::SigningKey& key : held->keys()) {
    const tokens::SigningKey* after = ring.Find(key.kid);
    if (held->CanVerify(key, now) && (after == nullptr || !ring.CanVerify(*after, now))) {
      lost.push_back(key.kid);
    }
  }
  Publish(std::move(ring));
  if (!lost.empty() && listener_) listener_(lost);
  return OkStatus();
}

bool KeyManager::LoadUnknownKid(std::string_view kid) {
  if (Ring()->Find(kid) != nullptr) return true;
  const std::int64_t now = ToUnixMillis(clock_.Now());
  std::int64_t last = unknown_kid_reload_ms_.load();
  if (now - last < 1000 || !unknown_kid_reload_ms_.compare_exchange_strong(last, now)) {
    return false;  // reloaded within the second (or another verify is reloading now)
  }
  if (Status s = Reload(); !s) spdlog::warn("signing keys: reload failed: {}", s.error().message());
  return Ring()->Find(kid) != nullptr;
}

std::shared_ptr<const tokens::KeyRing> KeyManager::SigningRing() {
  if (reload_requested_.exchange(false)) {
    if (Status s = Reload(); !s) {
      reload_requested_.store(true);  // try again at the next signature
      spdlog::warn("signing keys: reload failed: {}", s.error().message());
    }
  }
  return Ring();
}

Status KeyManager::RotateIfDue() {
  MutexLock lock(write_mu_);
  GH_RETURN_IF_ERROR(ReloadLocked());
  tokens::KeyRing ring = *Ring();
  const SystemTime now = clock_.Now();
  Change change{.actor = "schedule"};
  if (ring.NeedsRotation(now)) {
    change.changed = ActiveKids(ring);  // all retire (two instances may have rotated at once)
    GH_ASSIGN_OR_RETURN(tokens::SigningKey fresh, ring.Rotate(now, random_));
    change.changed.push_back(fresh.kid);
    change.rotated_to = fresh.kid;
  }
  change.dropped = ring.Prune(now);
  if (change.changed.empty() && change.dropped.empty()) return OkStatus();
  GH_RETURN_IF_ERROR(Commit(std::move(ring), change));
  if (!change.rotated_to.empty())
    spdlog::info("signing key rotated: new kid {}", change.rotated_to);
  return OkStatus();
}

Result<std::string> KeyManager::Rotate(bool revoke_previous) {
  MutexLock lock(write_mu_);
  GH_RETURN_IF_ERROR(ReloadLocked());
  tokens::KeyRing ring = *Ring();
  Change change{.actor = "api", .changed = ActiveKids(ring)};
  GH_ASSIGN_OR_RETURN(tokens::SigningKey fresh, ring.Rotate(clock_.Now(), random_));
  change.changed.push_back(fresh.kid);
  change.rotated_to = fresh.kid;
  if (revoke_previous) {
    change.revoked = ring.RevokeAllButActive();
    change.changed.insert(change.changed.end(), change.revoked.begin(), change.revoked.end());
  }
  GH_RETURN_IF_ERROR(Commit(std::move(ring), change));
  spdlog::info("signing key rotated on request: new kid {}, {} revoked", fresh.kid,
               change.revoked.size());
  return fresh.kid;
}

Status KeyManager::Commit(tokens::KeyRing ring, const Change& change) {
  std::vector<store::SigningKeyRecord> records;
  for (const tokens::SigningKey& key : ring.keys()) {
    if (std::find(change.changed.begin(), change.changed.end(), key.kid) == change.changed.end()) {
      continue;
    }
    GH_ASSIGN_OR_RETURN(store::SigningKeyRecord record, ToRecord(key));
    records.push_back(std::move(record));
  }
  const SystemTime now = clock_.Now();
  const std::int64_t now_ms = ToUnixMillis(now);
  auto audit = [&](store::Tx& tx, const char* type, const std::string& kid) {
    return tx.AppendAudit({.at = now_ms,
                           .type = type,
                           .actor = change.actor,
                           .detail = boost::json::serialize(boost::json::object{{"kid", kid}})});
  };
  GH_RETURN_IF_ERROR(store_.Write([&](store::Tx& tx) -> Status {
    for (const auto& record : records) GH_RETURN_IF_ERROR(tx.PutSigningKey(record));
    for (const auto& kid : change.dropped) GH_RETURN_IF_ERROR(tx.DeleteSigningKey(kid));
    if (!change.rotated_to.empty()) GH_RETURN_IF_ERROR(audit(tx, "key_rotated", change.rotated_to));
    for (const auto& kid : change.revoked) {
      GH_RETURN_IF_ERROR(revocation::AppendEvent(tx, revocation::KeyRevoked(kid, now)));
      GH_RETURN_IF_ERROR(audit(tx, "key_revoked", kid));
    }
    return OkStatus();
  }));
  Publish(std::move(ring));
  if (listener_) listener_(change.revoked);
  return OkStatus();
}

void KeyManager::Publish(tokens::KeyRing ring) {
  auto keys = std::make_shared<const tokens::VerifyKeys>(ring.VerifyKeys());
  auto published = std::make_shared<const tokens::KeyRing>(std::move(ring));
  MutexLock snapshot(snapshot_mu_);
  ring_ = std::move(published);
  verify_keys_ = std::move(keys);
}

std::shared_ptr<const tokens::KeyRing> KeyManager::Ring() const {
  MutexLock lock(snapshot_mu_);
  return ring_;
}

std::shared_ptr<const tokens::VerifyKeys> KeyManager::VerifyKeys() const {
  MutexLock lock(snapshot_mu_);
  return verify_keys_;
}

void KeyManager::SetListener(Listener listener) {
  MutexLock lock(write_mu_);
  listener_ = std::move(listener);
}

}  // namespace gatehouse::keys
