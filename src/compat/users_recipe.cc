#include "compat/users_recipe.h"

#include <boost/json/array.hpp>

#include "compat/cdi.h"

namespace gatehouse::compat {
namespace {

namespace bj = boost::json;
using http::Method;
using http::Response;

// The core's USER object for a Gatehouse account of the app.
bj::object UserJson(const App& app, const store::UserRecord& user, std::string_view tenant) {
  const std::string id = app.ExternalUser(user.id).value_or(user.id);
  const std::string email = app.ExternalEmail(user.email).value_or(user.email);
  const bj::array tenants{bj::string(tenant)};
  bj::object method{{"tenantIds", tenants},        {"recipeUserId", id},
                    {"verified", false},           {"timeJoined", user.created_at},
                    {"recipeId", "emailpassword"}, {"email", email}};
  return bj::object{{"id", id},
                    {"isPrimaryUser", false},
                    {"tenantIds", tenants},
                    {"timeJoined", user.created_at},
                    {"emails", bj::array{bj::string(email)}},
                    {"phoneNumbers", bj::array{}},
                    {"thirdParty", bj::array{}},
                    {"webauthn", bj::object{{"credentialIds", bj::array{}}}},
                    {"loginMethods", bj::array{std::move(method)}}};
}

Response SignedIn(const CdiRequest& r, const store::UserRecord& user) {
  const std::string id = r.app.ExternalUser(user.id).value_or(user.id);
  return Ok({{"user", UserJson(r.app, user, r.tenant)}, {"recipeUserId", id}});
}

struct Credentials {
  std::string email;  // in the app's namespace
  std::string password;
};

Result<Credentials> ReadCredentials(const CdiRequest& r) {
  GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
  GH_ASSIGN_OR_RETURN(std::string email, StringField(body, "email", /*trim=*/true));
  GH_ASSIGN_OR_RETURN(std::string password, StringField(body, "password"));
  GH_ASSIGN_OR_RETURN(std::string scoped, r.app.Email(email));
  return Credentials{std::move(scoped), std::move(password)};
}

}  // namespace

void AddUsersRecipe(http::Router& router, const Gate& gate, identity::UserService& users) {
  const CdiRouteOptions tenant{.tenant_scoped = true};
  // The application's server calls; the person's address is not known here.
  const identity::ClientInfo client{};

  AddRoute(
      router, gate, Method::kPost, "/recipe/signup",
      [&users, client](const CdiRequest& r) {
        return Answer([&]() -> Result<Response> {
          GH_ASSIGN_OR_RETURN(Credentials c, ReadCredentials(r));
          Result<store::UserRecord> user =
              users.Register(c.email, c.password, client, r.app.UserIdPrefix());
          if (!user && user.error().code() == ErrorCode::kAlreadyExists) {
            return Outcome("EMAIL_ALREADY_EXISTS_ERROR");
          }
          if (!user) return user.error();
          return SignedIn(r, *user);
        });
      },
      tenant);

  AddRoute(
      router, gate, Method::kPost, "/recipe/signin",
      [&users, client](const CdiRequest& r) {
        return Answer([&]() -> Result<Response> {
          GH_ASSIGN_OR_RETURN(Credentials c, ReadCredentials(r));
          Result<store::UserRecord> user = users.CheckCredentials(c.email, c.password, client);
          if (!user && (user.error().code() == ErrorCode::kUnauthenticated ||
                        user.error().code() == ErrorCode::kPermissionDenied)) {
            return Outcome("WRONG_CREDENTIALS_ERROR");  // wrong password, or banned
          }
          if (!user) return user.error();
          return SignedIn(r, *user);
        });
      },
      tenant);

  AddRoute(router, gate, Method::kGet, "/user/id", [&users](const CdiRequest& r) {
    return Answer([&]() -> Result<Response> {
      GH_ASSIGN_OR_RETURN(std::string external, QueryField(r, "userId"));
      GH_ASSIGN_OR_RETURN(std::string id, r.app.User(external));
      Result<store::UserRecord> user = users.Get(id);
      if (!user && user.error().code() == ErrorCode::kNotFound) {
        return Outcome("UNKNOWN_USER_ID_ERROR");
      }
      if (!user) return user.error();
      return Ok({{"user", UserJson(r.app, *user, r.tenant)}});
    });
  });

  AddRoute(
      router, gate, Method::kGet, "/users/by-accountinfo",
      [&users](const CdiRequest& r) {
        return Answer([&]() -> Result<Response> {
          bj::array found;
          if (auto email = r.http.Query("email"); email && !email->empty()) {
            GH_ASSIGN_OR_RETURN(std::string scoped, r.app.Email(*email));
            GH_ASSIGN_OR_RETURN(identity::UserPage page, users.List(scoped, "", "", 1));
            for (const store::UserRecord& user : page.users) {
              found.push_back(UserJson(r.app, user, r.tenant));
            }
          }
          return Ok({{"users", std::move(found)}});
        });
      },
      tenant);

  AddRoute(router, gate, Method::kPost, "/user/remove", [&users](const CdiRequest& r) {
    return Answer([&]() -> Result<Response> {
      GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
      GH_ASSIGN_OR_RETURN(std::string external, StringField(body, "userId"));
      GH_ASSIGN_OR_RETURN(std::string id, r.app.User(external));
      Status deleted = users.Delete(id);
      if (!deleted && deleted.error().code() != ErrorCode::kNotFound) return deleted.error();
      return Ok();
    });
  });

  // The SDK asks which login factors the tenant allows before it signs anyone up or in: no
  // `firstFactors` means every one.
  AddRoute(
      router, gate, Method::kGet, "/recipe/multitenancy/tenant/v2",
      [](const CdiRequest& r) {
        return Ok({{"tenantId", r.tenant},
                   {"thirdParty", bj::object{{"providers", bj::array{}}}},
                   {"coreConfig", bj::object{}}});
      },
      tenant);
}

}  // namespace gatehouse::compat
