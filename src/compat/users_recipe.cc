#include "compat/users_recipe.h"

#include <boost/json/array.hpp>

#include "compat/cdi.h"

namespace gatehouse::compat {
namespace {

namespace bj = boost::json;
using http::Method;
using http::Response;

// The core's USER object for a Gatehouse account.
bj::object UserJson(const store::UserRecord& user, std::string_view tenant) {
  const bj::array tenants{bj::string(tenant)};
  bj::object method{{"tenantIds", tenants},        {"recipeUserId", user.id},
                    {"verified", false},           {"timeJoined", user.created_at},
                    {"recipeId", "emailpassword"}, {"email", user.email}};
  return bj::object{{"id", user.id},
                    {"isPrimaryUser", false},
                    {"tenantIds", tenants},
                    {"timeJoined", user.created_at},
                    {"emails", bj::array{bj::string(user.email)}},
                    {"phoneNumbers", bj::array{}},
                    {"thirdParty", bj::array{}},
                    {"webauthn", bj::object{{"credentialIds", bj::array{}}}},
                    {"loginMethods", bj::array{std::move(method)}}};
}

Response SignedIn(const store::UserRecord& user, std::string_view tenant) {
  return Ok({{"user", UserJson(user, tenant)}, {"recipeUserId", user.id}});
}

struct Credentials {
  std::string email;
  std::string password;
};

Result<Credentials> ReadCredentials(const CdiRequest& r) {
  GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
  GH_ASSIGN_OR_RETURN(std::string email, StringField(body, "email", /*trim=*/true));
  GH_ASSIGN_OR_RETURN(std::string password, StringField(body, "password"));
  return Credentials{std::move(email), std::move(password)};
}

}  // namespace

void AddUsersRecipe(http::Router& router, const http::ApiAuth& auth, identity::UserService& users) {
  const CdiRouteOptions tenant{.tenant_scoped = true};
  // The application's server calls; the person's address is not known here.
  const identity::ClientInfo client{};

  AddRoute(
      router, auth, Method::kPost, "/recipe/signup",
      [&users, client](const CdiRequest& r) {
        return Answer([&]() -> Result<Response> {
          GH_ASSIGN_OR_RETURN(Credentials c, ReadCredentials(r));
          Result<store::UserRecord> user = users.Register(c.email, c.password, client);
          if (!user && user.error().code() == ErrorCode::kAlreadyExists) {
            return Outcome("EMAIL_ALREADY_EXISTS_ERROR");
          }
          if (!user) return user.error();
          return SignedIn(*user, r.tenant);
        });
      },
      tenant);

  AddRoute(
      router, auth, Method::kPost, "/recipe/signin",
      [&users, client](const CdiRequest& r) {
        return Answer([&]() -> Result<Response> {
          GH_ASSIGN_OR_RETURN(Credentials c, ReadCredentials(r));
          Result<store::UserRecord> user = users.CheckCredentials(c.email, c.password, client);
          if (!user && (user.error().code() == ErrorCode::kUnauthenticated ||
                        user.error().code() == ErrorCode::kPermissionDenied)) {
            return Outcome("WRONG_CREDENTIALS_ERROR");  // wrong password, or banned
          }
          if (!user) return user.error();
          return SignedIn(*user, r.tenant);
        });
      },
      tenant);

  AddRoute(router, auth, Method::kGet, "/user/id", [&users](const CdiRequest& r) {
    return Answer([&]() -> Result<Response> {
      GH_ASSIGN_OR_RETURN(std::string id, QueryField(r, "userId"));
      Result<store::UserRecord> user = users.Get(id);
      if (!user && user.error().code() == ErrorCode::kNotFound) {
        return Outcome("UNKNOWN_USER_ID_ERROR");
      }
      if (!user) return user.error();
      return Ok({{"user", UserJson(*user, r.tenant)}});
    });
  });

  AddRoute(
      router, auth, Method::kGet, "/users/by-accountinfo",
      [&users](const CdiRequest& r) {
        return Answer([&]() -> Result<Response> {
          bj::array found;
          if (auto email = r.http.Query("email"); email && !email->empty()) {
            GH_ASSIGN_OR_RETURN(identity::UserPage page, users.List(*email, "", "", 1));
            for (const store::UserRecord& user : page.users) {
              found.push_back(UserJson(user, r.tenant));
            }
          }
          return Ok({{"users", std::move(found)}});
        });
      },
      tenant);

  AddRoute(router, auth, Method::kPost, "/user/remove", [&users](const CdiRequest& r) {
    return Answer([&]() -> Result<Response> {
      GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
      GH_ASSIGN_OR_RETURN(std::string id, StringField(body, "userId"));
      Status deleted = users.Delete(id);
      if (!deleted && deleted.error().code() != ErrorCode::kNotFound) return deleted.error();
      return Ok();
    });
  });

  // The SDK asks which login factors the tenant allows before it signs anyone up or in: no
  // `firstFactors` means every one.
  AddRoute(
      router, auth, Method::kGet, "/recipe/multitenancy/tenant/v2",
      [](const CdiRequest& r) {
        return Ok({{"tenantId", r.tenant},
                   {"thirdParty", bj::object{{"providers", bj::array{}}}},
                   {"coreConfig", bj::object{}}});
      },
      tenant);
}

}  // namespace gatehouse::compat
