#include "compat/jwt_recipe.h"

#include "http/response.h"
#include "tokens/jws.h"

namespace gatehouse::compat {
namespace {

namespace bj = boost::json;
using http::Method;
using http::Response;

// The JWT's validity: whole seconds, from one to a hundred years (the SDK's default).
Result<std::int64_t> Validity(const http::JsonBody& body) {
  const bj::value* v = body.object().if_contains("validity");
  constexpr std::int64_t kMax = 100LL * 365 * 24 * 3600;
  if (v != nullptr && v->is_int64() && v->as_int64() >= 1 && v->as_int64() <= kMax) {
    return v->as_int64();
  }
  if (v != nullptr && v->is_uint64() && v->as_uint64() >= 1 && v->as_uint64() <= kMax) {
    return static_cast<std::int64_t>(v->as_uint64());
  }
  return InvalidArgument("Field name 'validity' is invalid in JSON input");
}

}  // namespace

void AddJwtRecipe(http::Router& router, const Gate& gate, Clock& clock) {
  AddRoute(router, gate, Method::kPost, "/recipe/jwt", [&clock](const CdiRequest& r) {
    return Answer([&]() -> Result<Response> {
      GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
      GH_ASSIGN_OR_RETURN(std::string algorithm, StringField(body, "algorithm"));
      GH_ASSIGN_OR_RETURN(std::string domain, StringField(body, "jwksDomain"));
      GH_ASSIGN_OR_RETURN(std::int64_t validity, Validity(body));
      const bj::value* payload = body.object().if_contains("payload");
      if (payload == nullptr || !payload->is_object()) {
        return InvalidArgument("Field name 'payload' is invalid in JSON input");
      }
      if (algorithm != "RS256") return Outcome("UNSUPPORTED_ALGORITHM_ERROR");
      const bj::value* fixed = body.object().if_contains("useStaticSigningKey");
      const bool static_key = fixed == nullptr || !fixed->is_bool() || fixed->as_bool();
      const SystemTime now = clock.Now();
      GH_ASSIGN_OR_RETURN(auto ring, r.app.SigningRing(static_key, now));
      const tokens::SigningKey& key = *ring->Signer();
      bj::object claims = payload->as_object();
      claims["iss"] = domain;
      claims["iat"] = ToUnixSeconds(now);
      claims["exp"] = ToUnixSeconds(now) + validity;
      const bj::object header{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", key.kid}};
      GH_ASSIGN_OR_RETURN(std::string jwt, tokens::SignJws(header, claims, *key.private_key));
      return Ok({{"jwt", std::move(jwt)}});
    });
  });

  AddRoute(router, gate, Method::kGet, "/.well-known/jwks.json",
           [&clock](const CdiRequest& r) {
             return Answer([&]() -> Result<Response> {
               const SystemTime now = clock.Now();
               GH_ASSIGN_OR_RETURN(auto dynamic, r.app.SigningRing(/*static_key=*/false, now));
               GH_ASSIGN_OR_RETURN(auto fixed, r.app.SigningRing(/*static_key=*/true, now));
               Response response = http::TextResponse(
                   200, tokens::JwksJson({dynamic.get(), fixed.get()}, now), "application/json");
               // The core's: verifiers may keep the set a minute (dynamic keys overlap longer).
               response.headers.emplace_back("Cache-Control", "max-age=60, must-revalidate");
               return response;
             });
           },
           {.needs_key = false, .prefixed_only = true});
}

}  // namespace gatehouse::compat
