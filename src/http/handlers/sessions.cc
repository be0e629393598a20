#include "http/handlers/sessions.h"

#include <boost/json/array.hpp>

#include "http/handlers/answer.h"
#include "http/handlers/json_body.h"
#include "http/handlers/session_json.h"

namespace gatehouse::http {
namespace {

namespace bj = boost::json;
using sessions::SessionService;
using sessions::VerifyMode;

Result<VerifyMode> ParseMode(const std::optional<std::string>& mode) {
  if (!mode || *mode == "local") return VerifyMode::kLocal;
  if (*mode == "stateless") return VerifyMode::kStateless;
  if (*mode == "strict") return VerifyMode::kStrict;
  return InvalidArgument("'mode' must be stateless, local or strict");
}

Result<Response> Create(SessionService& svc, Request& req) {
  GH_ASSIGN_OR_RETURN(
      JsonBody body, JsonBody::Parse(req, {"user_id", "access_payload", "session_data", "device"}));
  sessions::CreateParams params;
  GH_ASSIGN_OR_RETURN(params.user_id, body.RequiredString("user_id", 256));
  GH_ASSIGN_OR_RETURN(auto payload, body.OptionalObject("access_payload"));
  GH_ASSIGN_OR_RETURN(auto data, body.OptionalObject("session_data"));
  GH_ASSIGN_OR_RETURN(auto device, body.OptionalObject("device"));
  if (payload) params.access_payload = std::move(*payload);
  if (data) params.session_data = std::move(*data);
  if (device) {
    for (const auto& [key, value] : *device) {
      if ((key != "user_agent" && key != "ip") || !value.is_string() ||
          value.as_string().size() > 512) {
        return InvalidArgument("'device' takes user_agent and ip, strings of at most 512 bytes");
      }
    }
    if (auto ua = device->if_contains("user_agent")) params.device.user_agent = ua->as_string();
    if (auto ip = device->if_contains("ip")) params.device.ip = ip->as_string();
  }
  GH_ASSIGN_OR_RETURN(sessions::IssuedSession issued, svc.Create(params));
  return JsonResponse(201, IssuedSessionJson(issued));
}

Result<Response> Verify(SessionService& svc, Request& req) {
  GH_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(req, {"access_token", "mode"}));
  GH_ASSIGN_OR_RETURN(std::string token, body.RequiredString("access_token", 16 * 1024));
  GH_ASSIGN_OR_RETURN(auto mode_name, body.OptionalString("mode"));
  GH_ASSIGN_OR_RETURN(VerifyMode mode, ParseMode(mode_name));
  GH_ASSIGN_OR_RETURN(auto claims, svc.Verify(token, mode));
  return TextResponse(200, VerifiedBody(*claims), "application/json");
}

Result<Response> Refresh(SessionService& svc, Request& req) {
  GH_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(req, {"refresh_token"}));
  GH_ASSIGN_OR_RETURN(std::string token, body.RequiredString("refresh_token", 1024));
  GH_ASSIGN_OR_RETURN(sessions::IssuedSession issued, svc.Refresh(token));
  return JsonResponse(200, IssuedSessionJson(issued));
}

Result<Response> Get(SessionService& svc, Request& req) {
  GH_ASSIGN_OR_RETURN(store::SessionRecord session, svc.Get(*req.Param("handle")));
  return JsonResponse(200, bj::object{{"session", SessionJson(session)}});
}

Result<Response> Revoke(SessionService& svc, Request& req) {
  GH_ASSIGN_OR_RETURN(bool revoked, svc.Revoke(*req.Param("handle")));
  return JsonResponse(200, bj::object{{"revoked", revoked}});
}

Result<Response> Update(SessionService& svc, Request& req) {
  GH_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(req, {"session_data", "access_payload"}));
  sessions::SessionPatch patch;
  GH_ASSIGN_OR_RETURN(patch.session_data, body.OptionalObject("session_data"));
  GH_ASSIGN_OR_RETURN(patch.access_payload, body.OptionalObject("access_payload"));
  GH_ASSIGN_OR_RETURN(store::SessionRecord session, svc.Update(*req.Param("handle"), patch));
  return JsonResponse(200, bj::object{{"session", SessionJson(session)}});
}

Result<Response> ListUserSessions(SessionService& svc, Request& req) {
  GH_ASSIGN_OR_RETURN(auto sessions, svc.ListLive(*req.Param("id")));
  bj::array out;
  for (const auto& s : sessions) out.push_back(SessionJson(s));
  return JsonResponse(200, bj::object{{"sessions", std::move(out)}});
}

Result<Response> RevokeUserSessions(SessionService& svc, Request& req) {
  std::optional<std::string> except;
  if (auto e = req.Query("except"); e && !e->empty()) except = std::string(*e);
  GH_ASSIGN_OR_RETURN(int revoked, svc.RevokeAll(*req.Param("id"), except));
  return JsonResponse(200, bj::object{{"revoked", revoked}});
}

Result<Response> PatchAccessPayload(SessionService& svc, Request& req) {
  GH_ASSIGN_OR_RETURN(JsonBody body, JsonBody::ParseAnyObject(req));
  GH_ASSIGN_OR_RETURN(int updated, svc.PatchUserAccessPayload(*req.Param("id"), body.object()));
  return JsonResponse(200, bj::object{{"updated", updated}});
}

// Verify runs inline on the io thread unless it may ask for `strict`, which reads the store.
// Decided without parsing the body (the handler parses it once): a JSON string equal to strict is
// written "strict" unless it holds an escape, so a body with neither goes inline, and any other
// (rare: tokens are base64url, a plain verify has no backslash) goes to the pool, which is always
// allowed.
bool VerifyNeedsStore(const Request& req) {
  return req.body.find("\"strict\"") != std::string::npos ||
         req.body.find('\\') != std::string::npos;
}

}  // namespace

void AddSessionRoutes(Router& router, SessionService& svc, const ApiAuth& auth) {
  const RouteOptions store{.blocking = true};
  auto route = [&](Method m, const char* pattern, Result<Response> (*fn)(SessionService&, Request&),
                   RouteOptions options) {
    Handler h = [&svc, fn](Request& req) { return Answer([&] { return fn(svc, req); }); };
    // Verify may run on an io thread, where reading the store for a session is not allowed.
    router.Add(m, pattern,
               options.blocking ? auth.Require(std::move(h)) : auth.RequireKey(std::move(h)),
               options);
  };
  route(Method::kPost, "/v1/sessions", Create, store);
  route(Method::kPost, "/v1/sessions/verify", Verify, {.blocking_if = VerifyNeedsStore});
  route(Method::kPost, "/v1/sessions/refresh", Refresh, store);
  route(Method::kGet, "/v1/sessions/{handle}", Get, store);
  route(Method::kDelete, "/v1/sessions/{handle}", Revoke, store);
  route(Method::kPatch, "/v1/sessions/{handle}", Update, store);
  route(Method::kGet, "/v1/users/{id}/sessions", ListUserSessions, store);
  route(Method::kDelete, "/v1/users/{id}/sessions", RevokeUserSessions, store);
  route(Method::kPatch, "/v1/users/{id}/access-payload", PatchAccessPayload, store);
}

}  // namespace gatehouse::http
