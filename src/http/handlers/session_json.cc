#include "http/handlers/session_json.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace gatehouse::http {
namespace {

boost::json::value StoredJson(const std::string& text) {
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  return ec ? boost::json::value(boost::json::object{}) : v;
}

}  // namespace

boost::json::object SessionJson(const store::SessionRecord& s) {
  return {{"handle", s.handle},
          {"user_id", s.user_id},
          {"created_at", s.created_at},
          {"last_active_at", s.last_active_at},
          {"expires_at", s.expires_at()},
          {"device", {{"user_agent", s.user_agent}, {"ip", s.ip}}},
          {"session_data", StoredJson(s.session_data)},
          {"access_payload", StoredJson(s.access_payload)}};
}

boost::json::object IssuedSessionJson(const sessions::IssuedSession& issued) {
  return {{"session", SessionJson(issued.session)},
          {"access_token",
           {{"token", issued.access_token}, {"expires_at", issued.access_expires_at_ms}}},
          {"refresh_token",
           {{"token", issued.refresh_token}, {"expires_at", issued.refresh_expires_at_ms}}}};
}

std::string VerifiedBody(const tokens::AccessClaims& claims) {
  boost::json::array roles;
  for (const auto& role : claims.roles) roles.emplace_back(role);
  std::string body = R"({"user_id":)";
  body += boost::json::serialize(boost::json::string_view(claims.user_id));
  body += R"(,"session_handle":)";
  body += boost::json::serialize(boost::json::string_view(claims.session_handle));
  body += R"(,"roles":)";
  body += boost::json::serialize(roles);
  body += R"(,"claims":)";
  body += claims.AllJson();
  body += '}';
  return body;
}

}  // namespace gatehouse::http
