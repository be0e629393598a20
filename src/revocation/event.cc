#include "revocation/event.h"

#include <boost/json/serialize.hpp>

#include "common/json.h"

namespace gatehouse::revocation {
namespace {

std::string_view StringField(const boost::json::object& o, std::string_view name) {
  const boost::json::value* v = o.if_contains(name);
  return v != nullptr && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

std::int64_t IntField(const boost::json::object& o, std::string_view name) {
  const boost::json::value* v = o.if_contains(name);
  return v != nullptr && v->is_int64() ? v->as_int64() : 0;
}

}  // namespace

std::string Event::PayloadJson() const { return boost::json::serialize(fields); }

std::string Event::WireJson() const {
  boost::json::object wire{{"seq", seq}, {"type", type}, {"at", at_ms}};
  for (const auto& [k, v] : fields) wire[k] = v;
  return boost::json::serialize(wire);
}

Result<Event> Event::FromStored(std::int64_t seq, std::string type, std::int64_t at_ms,
                                std::string_view payload_json) {
  GH_ASSIGN_OR_RETURN(boost::json::value payload, json::ParseStrict(payload_json));
  if (!payload.is_object()) return Internal("event payload is not an object");
  return Event{.seq = seq,
               .type = std::move(type),
               .at_ms = at_ms,
               .fields = std::move(payload.as_object())};
}

void Event::Apply(RevocationState& state) const {
  if (type == "session_revoked") {
    state.RevokeSession(StringField(fields, "session_handle"), FromUnixMillis(at_ms));
  } else if (type == "user_sessions_revoked") {
    std::optional<std::string> except;
    if (const std::string_view e = StringField(fields, "except"); !e.empty()) except = e;
    state.RevokeUserSessions(StringField(fields, "user_id"),
                             FromUnixMillis(IntField(fields, "before")), std::move(except));
  } else if (type == "user_banned") {
    // A ban implies every session revoked: tokens issued before it are refused. (No new ones can
    // be issued while the ban lasts: sign-in, create and refresh all refuse.)
    state.RevokeUserSessions(StringField(fields, "user_id"), FromUnixMillis(at_ms), std::nullopt);
  } else if (type == "claims_changed") {
    state.SetClaimsVersion(StringField(fields, "user_id"), IntField(fields, "ver"),
                           FromUnixMillis(at_ms));
  } else if (type == "key_revoked") {
    state.RevokeKey(StringField(fields, "kid"), FromUnixMillis(at_ms));
  }
}

Event SessionRevoked(std::string_view handle, std::string_view user_id, SystemTime at) {
  return {.type = "session_revoked",
          .at_ms = ToUnixMillis(at),
          .fields = {{"session_handle", handle}, {"user_id", user_id}}};
}

Event UserBanned(std::string_view user_id, SystemTime at) {
  return {.type = "user_banned", .at_ms = ToUnixMillis(at), .fields = {{"user_id", user_id}}};
}

Event UserUnbanned(std::string_view user_id, SystemTime at) {
  return {.type = "user_unbanned", .at_ms = ToUnixMillis(at), .fields = {{"user_id", user_id}}};
}

Event ClaimsChanged(std::string_view user_id, std::int64_t version, SystemTime at) {
  return {.type = "claims_changed",
          .at_ms = ToUnixMillis(at),
          .fields = {{"user_id", user_id}, {"ver", version}}};
}

Event KeyRevoked(std::string_view kid, SystemTime at) {
  return {.type = "key_revoked", .at_ms = ToUnixMillis(at), .fields = {{"kid", kid}}};
}

Event UserSessionsRevoked(std::string_view user_id, SystemTime before,
                          const std::optional<std::string>& except, SystemTime at) {
  Event e{.type = "user_sessions_revoked",
          .at_ms = ToUnixMillis(at),
          .fields = {{"user_id", user_id}, {"before", ToUnixMillis(before)}}};
  if (except) e.fields["except"] = *except;
  return e;
}

}  // namespace gatehouse::revocation
