#include "http/handlers/keys.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "http/handlers/answer.h"
#include "http/handlers/json_body.h"

namespace gatehouse::http {
namespace {

namespace bj = boost::json;

struct KeyDeps {
  keys::KeyManager& keys;
  store::Store& store;
  Clock& clock;
};

Result<Response> Rotate(KeyDeps& d, Request& req) {
  GH_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(req, {"revoke_previous"}, /*empty_ok=*/true));
  GH_ASSIGN_OR_RETURN(std::optional<bool> revoke, body.OptionalBool("revoke_previous"));
  std::vector<std::string> before;
  for (const auto& key : d.keys.Ring()->keys()) {
    if (!key.revoked) before.push_back(key.kid);
  }
  GH_ASSIGN_OR_RETURN(std::string kid, d.keys.Rotate(revoke.value_or(false)));
  const std::int64_t now = ToUnixMillis(d.clock.Now());
  GH_RETURN_IF_ERROR(d.store.Write([&](store::Tx& tx) -> Status {
    GH_RETURN_IF_ERROR(tx.AppendAudit({.at = now,
                                       .type = "key_rotated",
                                       .actor = "api",
                                       .detail = bj::serialize(bj::object{{"kid", kid}})}));
    if (!revoke.value_or(false)) return OkStatus();
    for (const auto& old : before) {
      const std::string payload = bj::serialize(bj::object{{"kid", old}});
      GH_RETURN_IF_ERROR(
          tx.AppendEvent({.type = "key_revoked", .at = now, .payload = payload}).status());
      GH_RETURN_IF_ERROR(
          tx.AppendAudit({.at = now, .type = "key_revoked", .actor = "api", .detail = payload}));
    }
    return OkStatus();
  }));
  return JsonResponse(200, bj::object{{"kid", kid}});
}

}  // namespace

void AddKeyRoutes(Router& router, keys::KeyManager& keys, store::Store& store, Clock& clock,
                  const ApiAuth& auth) {
  auto d = std::make_shared<KeyDeps>(KeyDeps{keys, store, clock});
  router.Add(Method::kPost, "/v1/keys/rotate",
             auth.Require([d](Request& r) { return Answer([&] { return Rotate(*d, r); }); }),
             {.blocking = true});
}

}  // namespace gatehouse::http
