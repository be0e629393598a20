#pragma once
// Domain records as the store keeps them: plain values, times in milliseconds since the epoch,
// binary fields as byte strings, JSON documents as text. No backend types.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::store {

// A signing key. The private half is sealed (AES-256-GCM with the master key) and dropped once
// the key is retired; the public half stays until the key is pruned.
struct SigningKeyRecord {
  std::string kid;
  std::string alg;             // "EdDSA" | "ES256" | "RS256"
  std::string public_key;      // crypto::PublicKey::ExportPublic()
  std::string sealed_private;  // empty once retired or revoked
  std::int64_t created_at = 0;
  std::optional<std::int64_t> retired_at;
  bool revoked = false;

  bool operator==(const SigningKeyRecord&) const = default;
};

// A throttle's counts for one key (an account, a client address), where many instances share
// the limit (identity::SigninThrottle on the store).
struct ThrottleRecord {
  std::string key;
  std::string failures;         // failure times (ms), oldest first, comma-separated
  std::int64_t in_flight = 0;   // attempts reserved and not finished
  std::int64_t updated_at = 0;  // the last change (stale in-flight counts expire from it)

  bool operator==(const ThrottleRecord&) const = default;
};

// An account of the email+password identity.
struct UserRecord {
  std::string id;
  std::string email;          // normalised: trimmed, lower case
  std::string password_hash;  // Argon2id PHC string
  std::int64_t created_at = 0;
  bool banned = false;
  std::string ban_reason;

  bool operator==(const UserRecord&) const = default;
};

// A one-time token (a password reset, an email verification): stored only as its SHA-256.
struct OneTimeTokenRecord {
  std::string hash;
  std::string kind;  // e.g. "password_reset", "email_verification"
  std::string user_id;
  std::string email;
  std::int64_t expires_at = 0;  // ms

  bool operator==(const OneTimeTokenRecord&) const = default;
};

// An app of the SuperTokens face (compat/apps.h): its settings as JSON (API keys only as their
// hashes); a removed app keeps its row, so its id is never taken again.
struct FaceAppRecord {
  std::string id;
  std::string config;  // JSON
  bool removed = false;

  bool operator==(const FaceAppRecord&) const = default;
};

// A role: a name and the permissions it grants.
struct RoleRecord {
  std::string name;
  std::vector<std::string> permissions;  // sorted, unique

  bool operator==(const RoleRecord&) const = default;
};

// One signed-in device.
struct SessionRecord {
  std::string handle;
  std::string user_id;
  std::int64_t created_at = 0;
  std::int64_t last_active_at = 0;       // last create or refresh
  std::int64_t idle_expires_at = 0;      // last_active_at + REFRESH_TOKEN_TTL
  std::int64_t absolute_expires_at = 0;  // created_at + SESSION_ABSOLUTE_TTL
  std::string user_agent;
  std::string ip;
  std::string session_data = "{}";       // JSON object
  std::string access_payload = "{}";     // JSON object
  std::string refresh_hash;              // SHA-256 of the committed refresh token
  std::int64_t refresh_promoted_at = 0;  // when refresh_hash became committed
  std::optional<std::int64_t> revoked_at;
  std::string revoke_reason;  // "revoked", "signout", "theft", "user", "limit", ...

  std::int64_t expires_at() const { return std::min(idle_expires_at, absolute_expires_at); }
  bool live(std::int64_t now) const { return !revoked_at && now < expires_at(); }
  bool operator==(const SessionRecord&) const = default;
};

enum class RefreshState : std::uint8_t { kCommitted = 0, kPending = 1, kSuperseded = 2 };

// A refresh token, known only by its SHA-256.
struct RefreshTokenRecord {
  std::string hash;
  std::string session_handle;
  std::string parent_hash;  // the committed token it was issued from; empty for the first
  RefreshState state = RefreshState::kPending;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> superseded_at;

  bool operator==(const RefreshTokenRecord&) const = default;
};

// What a refresh reads first (Tx::GetRefreshStart): the presented token, its session, and
// whether the session's user is banned.
struct RefreshStart {
  RefreshTokenRecord token;
  SessionRecord session;
  bool banned = false;

  bool operator==(const RefreshStart&) const = default;
};

// A user's claims as stored: the claims version (0 when never bumped) and the roles, sorted.
struct ClaimsRecord {
  std::int64_t version = 0;
  std::vector<std::string> roles;

  bool operator==(const ClaimsRecord&) const = default;
};

// An entry of the revocation feed (DESIGN.md item 9): `seq` is assigned by the store, gap-free.
struct EventRecord {
  std::int64_t seq = 0;
  std::string type;  // session_revoked, user_sessions_revoked, claims_changed, ...
  std::int64_t at = 0;
  std::string payload;  // JSON object with the type's fields

  bool operator==(const EventRecord&) const = default;
};

// An audit entry: who did what to whom. Never holds a password or token.
struct AuditRecord {
  std::int64_t seq = 0;  // assigned by the store
  std::int64_t at = 0;
  std::string type;
  std::string user_id;
  std::string session_handle;
  std::string actor;  // "api", "user", "system", ...
  std::string ip;
  std::string detail;  // JSON object

  bool operator==(const AuditRecord&) const = default;
};

}  // namespace gatehouse::store
