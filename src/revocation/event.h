#pragma once
// Event: one entry of the revocation feed (API.md "Revocation feed"): a type, a time and the
// type's fields, serialised as the flat object {seq, type, at, ...fields}.
//
//   Event e = SessionRevoked("h1", "u1", now);
//   e.Apply(state);                      // what a verifier does on receipt
//
// Thread-safety: a plain value.

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "revocation/revocation_state.h"

namespace gatehouse::revocation {

struct Event {
  std::int64_t seq = 0;  // 0 until the store assigns it
  std::string type;
  std::int64_t at_ms = 0;
  boost::json::object fields;

  // The fields alone, for the store's payload column.
  std::string PayloadJson() const;
  // The flat wire object {seq, type, at, ...fields}.
  std::string WireJson() const;
  static Result<Event> FromStored(std::int64_t seq, std::string type, std::int64_t at_ms,
                                  std::string_view payload_json);

  // Applies the event to a verifier's state (events of unknown types are ignored).
  void Apply(RevocationState& state) const;
};

Event SessionRevoked(std::string_view handle, std::string_view user_id, SystemTime at);
Event UserBanned(std::string_view user_id, SystemTime at);
Event UserUnbanned(std::string_view user_id, SystemTime at);
Event ClaimsChanged(std::string_view user_id, std::int64_t version, SystemTime at);
Event KeyRevoked(std::string_view kid, SystemTime at);
Event UserSessionsRevoked(std::string_view user_id, SystemTime before,
                          const std::optional<std::string>& except, SystemTime at);

}  // namespace gatehouse::revocation
