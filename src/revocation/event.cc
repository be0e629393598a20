#include "revocation/event.h"

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "common/json.h"

namespace gatehouse::revocation {
namespace {

namespace bj = boost::json;

constexpr std::array<std::string_view, 6> kTypeNames = {"session_revoked", "user_sessions_revoked",
                                                        "user_banned",     "user_unbanned",
                                                        "claims_changed",  "key_revoked"};

Error Bad(std::string_view type, std::string_view what) {
  return InvalidArgument("event " + std::string(type) + ": " + std::string(what));
}

Result<std::string> RequiredString(const bj::object& o, std::string_view type,
                                   std::string_view name) {
  const bj::value* v = o.if_contains(name);
  if (v == nullptr || !v->is_string() || v->as_string().empty()) {
    return Bad(type, "'" + std::string(name) + "' must be a non-empty string");
  }
  return std::string(v->as_string());
}

Result<std::int64_t> RequiredInt(const bj::object& o, std::string_view type,
                                 std::string_view name) {
  const bj::value* v = o.if_contains(name);
  if (v == nullptr || !v->is_int64()) {
    return Bad(type, "'" + std::string(name) + "' must be an integer");
  }
  return v->as_int64();
}

Result<std::vector<std::string>> RequiredHandles(const bj::object& o, std::string_view type) {
  const bj::value* v = o.if_contains("sessions");
  if (v == nullptr || !v->is_array()) return Bad(type, "'sessions' must be an array");
  std::vector<std::string> out;
  out.reserve(v->as_array().size());
  for (const bj::value& h : v->as_array()) {
    if (!h.is_string() || h.as_string().empty()) {
      return Bad(type, "'sessions' must hold non-empty strings");
    }
    out.emplace_back(h.as_string());
  }
  return out;
}

bj::object Fields(const Event& e) {
  bj::object o;
  if (e.type != EventType::kKeyRevoked) o["user_id"] = e.user_id;
  switch (e.type) {
    case EventType::kSessionRevoked:
      o["session_handle"] = e.session_handle;
      break;
    case EventType::kUserSessionsRevoked:
      o["before"] = e.before_ms;
      if (e.except) o["except"] = *e.except;
      [[fallthrough]];
    case EventType::kUserBanned: {
      bj::array handles;
      handles.reserve(e.sessions.size());
      for (const std::string& h : e.sessions) handles.emplace_back(h);
      o["sessions"] = std::move(handles);
      break;
    }
    case EventType::kClaimsChanged:
      o["ver"] = e.version;
      break;
    case EventType::kKeyRevoked:
      o["kid"] = e.kid;
      break;
    case EventType::kUserUnbanned:
      break;
  }
  return o;
}

// Reads the type's fields from `o` into `e` (e.type set).
Status ReadFields(const bj::object& o, Event& e) {
  const std::string_view name = e.type_name();
  if (e.type != EventType::kKeyRevoked) {
    GH_ASSIGN_OR_RETURN(e.user_id, RequiredString(o, name, "user_id"));
  }
  if (e.type == EventType::kSessionRevoked) {
    GH_ASSIGN_OR_RETURN(e.session_handle, RequiredString(o, name, "session_handle"));
  }
  if (e.type == EventType::kUserSessionsRevoked) {
    GH_ASSIGN_OR_RETURN(e.before_ms, RequiredInt(o, name, "before"));
    if (o.contains("except")) {
      GH_ASSIGN_OR_RETURN(e.except, RequiredString(o, name, "except"));
    }
  }
  if (e.type == EventType::kUserSessionsRevoked || e.type == EventType::kUserBanned) {
    GH_ASSIGN_OR_RETURN(e.sessions, RequiredHandles(o, name));
  }
  if (e.type == EventType::kClaimsChanged) {
    GH_ASSIGN_OR_RETURN(e.version, RequiredInt(o, name, "ver"));
  }
  if (e.type == EventType::kKeyRevoked) {
    GH_ASSIGN_OR_RETURN(e.kid, RequiredString(o, name, "kid"));
  }
  return OkStatus();
}

Result<bj::object> ParseObject(std::string_view text) {
  GH_ASSIGN_OR_RETURN(bj::value v, json::ParseStrict(text));
  if (!v.is_object()) return InvalidArgument("event is not a JSON object");
  return std::move(v.as_object());
}

// Splits `ended` into events of at most kMaxSessionsPerEvent handles (at least one event).
std::vector<Event> Chunked(const Event& base, const std::vector<std::string>& ended) {
  std::vector<Event> out;
  std::size_t i = 0;
  do {
    Event e = base;
    const std::size_t n = std::min(kMaxSessionsPerEvent, ended.size() - i);
    e.sessions.assign(ended.begin() + static_cast<std::ptrdiff_t>(i),
                      ended.begin() + static_cast<std::ptrdiff_t>(i + n));
    out.push_back(std::move(e));
    i += n;
  } while (i < ended.size());
  return out;
}

}  // namespace

std::string_view EventTypeName(EventType type) {
  return kTypeNames[static_cast<std::size_t>(type)];
}

std::optional<EventType> ParseEventType(std::string_view name) {
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == name) return static_cast<EventType>(i);
  }
  return std::nullopt;
}

std::string Event::FieldsJson() const { return bj::serialize(Fields(*this)); }

bool Event::EndsSession(std::string_view user, std::string_view handle) const {
  switch (type) {
    case EventType::kSessionRevoked:
      return session_handle == handle;
    case EventType::kUserBanned:
      return user_id == user;  // a ban ends every session of the user
    case EventType::kUserSessionsRevoked:
      return std::find(sessions.begin(), sessions.end(), handle) != sessions.end();
    default:
      return false;
  }
}

std::string Event::WireJson() const {
  bj::object wire{{"seq", seq}, {"type", type_name()}, {"at", at_ms}};
  for (auto& [k, v] : Fields(*this)) wire[k] = std::move(v);
  return bj::serialize(wire);
}

Result<Event> Event::FromStored(std::int64_t seq, std::string_view type, std::int64_t at_ms,
                                std::string_view fields_json) {
  const std::optional<EventType> parsed = ParseEventType(type);
  if (!parsed) return InvalidArgument("unknown event type '" + std::string(type) + "'");
  GH_ASSIGN_OR_RETURN(bj::object fields, ParseObject(fields_json));
  Event e{.seq = seq, .type = *parsed, .at_ms = at_ms};
  GH_RETURN_IF_ERROR(ReadFields(fields, e));
  return e;
}

Result<Event> Event::FromWire(std::string_view wire_json) {
  GH_ASSIGN_OR_RETURN(bj::object wire, ParseObject(wire_json));
  const bj::value* type = wire.if_contains("type");
  if (type == nullptr || !type->is_string()) return InvalidArgument("event without a type");
  const std::optional<EventType> parsed = ParseEventType(type->as_string());
  if (!parsed) return InvalidArgument("unknown event type");
  Event e{.type = *parsed};
  GH_ASSIGN_OR_RETURN(e.seq, RequiredInt(wire, e.type_name(), "seq"));
  GH_ASSIGN_OR_RETURN(e.at_ms, RequiredInt(wire, e.type_name(), "at"));
  GH_RETURN_IF_ERROR(ReadFields(wire, e));
  return e;
}

Event SessionRevoked(std::string_view handle, std::string_view user_id, SystemTime at) {
  return {.type = EventType::kSessionRevoked,
          .at_ms = ToUnixMillis(at),
          .user_id = std::string(user_id),
          .session_handle = std::string(handle)};
}

Event UserUnbanned(std::string_view user_id, SystemTime at) {
  return {
      .type = EventType::kUserUnbanned, .at_ms = ToUnixMillis(at), .user_id = std::string(user_id)};
}

Event ClaimsChanged(std::string_view user_id, std::int64_t version, SystemTime at) {
  return {.type = EventType::kClaimsChanged,
          .at_ms = ToUnixMillis(at),
          .user_id = std::string(user_id),
          .version = version};
}

Event KeyRevoked(std::string_view kid, SystemTime at) {
  return {.type = EventType::kKeyRevoked, .at_ms = ToUnixMillis(at), .kid = std::string(kid)};
}

std::vector<Event> UserSessionsRevoked(std::string_view user_id,
                                       const std::vector<std::string>& ended,
                                       const std::optional<std::string>& except, SystemTime at) {
  return Chunked({.type = EventType::kUserSessionsRevoked,
                  .at_ms = ToUnixMillis(at),
                  .user_id = std::string(user_id),
                  .before_ms = ToUnixMillis(at),
                  .except = except},
                 ended);
}

std::vector<Event> UserBanned(std::string_view user_id, const std::vector<std::string>& ended,
                              SystemTime at) {
  return Chunked(
      {.type = EventType::kUserBanned, .at_ms = ToUnixMillis(at), .user_id = std::string(user_id)},
      ended);
}

}  // namespace gatehouse::revocation
