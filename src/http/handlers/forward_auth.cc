#include "http/handlers/forward_auth.h"

#include <boost/json/object.hpp>

#include "http/handlers/api_auth.h"

namespace gatehouse::http {

void AddForwardAuthRoute(Router& router, sessions::SessionService& sessions,
                         const BrowserOptions& options) {
  router.Add(Method::kGet, "/v1/auth/check", [&sessions, &options](Request& req) {
    std::optional<std::string> token = CookieValue(req, options.AccessCookie());
    if (!token) {
      if (auto bearer = BearerToken(req)) token = std::string(*bearer);
    }
    if (!token) return ErrorResponse(Unauthenticated("sign in first"));
    auto claims = sessions.Verify(*token, sessions::VerifyMode::kLocal);
    if (!claims) return ErrorResponse(claims.error());
    std::string roles;
    for (std::string_view role : (*claims)->roles) {
      if (!roles.empty()) roles += ',';
      roles += role;
    }
    Response r = JsonResponse(200, boost::json::object{{"user_id", (*claims)->user_id}});
    r.SetHeader("X-Gatehouse-User", std::string((*claims)->user_id));
    r.SetHeader("X-Gatehouse-Session", std::string((*claims)->session_handle));
    r.SetHeader("X-Gatehouse-Roles", roles);
    r.SetHeader("Cache-Control", "no-store");
    return r;
  });
}

}  // namespace gatehouse::http
