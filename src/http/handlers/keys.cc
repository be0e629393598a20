#include "http/handlers/keys.h"

#include <boost/json/object.hpp>

#include "http/handlers/answer.h"
#include "http/handlers/json_body.h"

namespace gatehouse::http {
namespace {

Result<Response> Rotate(keys::KeyManager& keys, Request& req) {
  GH_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(req, {"revoke_previous"}, /*empty_ok=*/true));
  GH_ASSIGN_OR_RETURN(std::optional<bool> revoke, body.OptionalBool("revoke_previous"));
  GH_ASSIGN_OR_RETURN(std::string kid, keys.Rotate(revoke.value_or(false)));
  return JsonResponse(200, boost::json::object{{"kid", kid}});
}

}  // namespace

void AddKeyRoutes(Router& router, keys::KeyManager& keys, const ApiAuth& auth) {
  router.Add(Method::kPost, "/v1/keys/rotate",
             auth.Require([&keys](Request& r) { return Answer([&] { return Rotate(keys, r); }); }),
             {.blocking = true});
}

}  // namespace gatehouse::http
