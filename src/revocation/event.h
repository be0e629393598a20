#pragma once
// Event: one entry of the revocation feed (API.md "Revocation feed", DESIGN.md item 9): a type,
// a time and the type's fields. Events are self-sufficient: applying the log (from the start,
// from a resync snapshot plus the events after it, or live from the stream) gives any verifier
// the verdicts of the instance that made the changes, whatever the timing. No field is a time
// cut that a token's whole-second `iat` would be compared against: session-ending events name
// the sessions they end, and a ban is a state of the user until `user_unbanned`.
//
//   type                   fields (besides seq, type, at)
//   session_revoked        session_handle, user_id
//   user_sessions_revoked  user_id, sessions [handles ended], before, except?
//   user_banned            user_id, sessions [handles ended]
//   user_unbanned          user_id
//   claims_changed         user_id, ver
//   key_revoked            kid
//
// One encoding: the store keeps the fields object (FieldsJson) beside seq, type and at; the
// feed sends the flat object {seq, type, at, ...fields} (WireJson). Decoding is strict: an
// unknown type or a missing field is an error, never a silently empty event.
//
// Thread-safety: a plain value.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace gatehouse::revocation {

enum class EventType : std::uint8_t {
  kSessionRevoked,
  kUserSessionsRevoked,
  kUserBanned,
  kUserUnbanned,
  kClaimsChanged,
  kKeyRevoked,
};

std::string_view EventTypeName(EventType type);
std::optional<EventType> ParseEventType(std::string_view name);

// A session-ending event names at most this many sessions; a user with more live sessions gets
// several events of the same type in the same transaction, so no single event grows unbounded.
inline constexpr std::size_t kMaxSessionsPerEvent = 500;

struct Event {
  std::int64_t seq = 0;  // 0 until the store assigns it
  EventType type = EventType::kSessionRevoked;
  std::int64_t at_ms = 0;
  std::string user_id;                // every type but key_revoked
  std::string session_handle;         // session_revoked
  std::vector<std::string> sessions;  // user_sessions_revoked, user_banned: the sessions ended
  std::int64_t before_ms = 0;         // user_sessions_revoked: when (informational)
  std::optional<std::string> except;  // user_sessions_revoked: the session kept, if any
  std::int64_t version = 0;           // claims_changed: the user's new `ver`
  std::string kid;                    // key_revoked

  std::string_view type_name() const { return EventTypeName(type); }
  // True when applying this event ends session `handle` of user `user_id`.
  bool EndsSession(std::string_view user_id, std::string_view handle) const;
  // The type's fields alone, for the store's payload column.
  std::string FieldsJson() const;
  // The flat wire object {seq, type, at, ...fields}.
  std::string WireJson() const;

  static Result<Event> FromStored(std::int64_t seq, std::string_view type, std::int64_t at_ms,
                                  std::string_view fields_json);
  static Result<Event> FromWire(std::string_view wire_json);

  bool operator==(const Event&) const = default;
};

Event SessionRevoked(std::string_view handle, std::string_view user_id, SystemTime at);
Event UserUnbanned(std::string_view user_id, SystemTime at);
Event ClaimsChanged(std::string_view user_id, std::int64_t version, SystemTime at);
Event KeyRevoked(std::string_view kid, SystemTime at);
// The events of a revoke-all or a ban that ended `ended`: one, or several of at most
// kMaxSessionsPerEvent sessions each (a ban that ended none is still one event).
std::vector<Event> UserSessionsRevoked(std::string_view user_id,
                                       const std::vector<std::string>& ended,
                                       const std::optional<std::string>& except, SystemTime at);
std::vector<Event> UserBanned(std::string_view user_id, const std::vector<std::string>& ended,
                              SystemTime at);

}  // namespace gatehouse::revocation
