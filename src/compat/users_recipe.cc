#include "compat/users_recipe.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <charconv>

#include "compat/cdi.h"
#include "crypto/base64url.h"
#include "identity/credentials.h"

namespace gatehouse::compat {
namespace {

namespace bj = boost::json;
using http::Method;
using http::Response;

// The core's USER object for a Gatehouse account of the app (`verified`: its email).
bj::object UserJson(const App& app, const store::UserRecord& user, std::string_view tenant,
                    bool verified) {
  const std::string id = app.ExternalUser(user.id).value_or(user.id);
  const std::string email = app.ExternalEmail(user.email).value_or(user.email);
  const bj::array tenants{bj::string(tenant)};
  bj::object method{{"tenantIds", tenants},        {"recipeUserId", id},
                    {"verified", verified},        {"timeJoined", user.created_at},
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

struct Ctx {
  identity::UserService& users;
  identity::AccountTokens& tokens;
  // The client of the face is the application's server; the person's address is not known.
  identity::ClientInfo client;
};

// UserJson of each, their emails' verification read in one go.
Result<bj::array> UsersOf(const Ctx& c, const CdiRequest& r,
                          const std::vector<store::UserRecord>& users) {
  std::vector<identity::AccountTokens::UserEmail> pairs;
  for (const store::UserRecord& user : users) {
    pairs.emplace_back(user.id, r.app.ExternalEmail(user.email).value_or(user.email));
  }
  GH_ASSIGN_OR_RETURN(std::vector<bool> verified, c.tokens.AreEmailsVerified(pairs));
  bj::array out;
  for (std::size_t i = 0; i < users.size(); ++i) {
    out.push_back(UserJson(r.app, users[i], r.tenant, verified[i]));
  }
  return out;
}

Result<bj::object> UserOf(const Ctx& c, const CdiRequest& r, const store::UserRecord& user) {
  GH_ASSIGN_OR_RETURN(bj::array one, UsersOf(c, r, {user}));
  return std::move(one.front().as_object());
}

Result<Response> SignedIn(const Ctx& c, const CdiRequest& r, const store::UserRecord& user) {
  const std::string id = r.app.ExternalUser(user.id).value_or(user.id);
  GH_ASSIGN_OR_RETURN(bj::object json, UserOf(c, r, user));
  return Ok({{"user", std::move(json)}, {"recipeUserId", id}});
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

// The page of GET /users: the app's users in join order, `limit` of them from after the
// pagination token, those whose email starts with `email` when it is set.
struct PageQuery {
  int limit = 100;
  bool newest_first = false;
  std::optional<store::Tx::UserCursor> after;
  std::string email;  // lower case
};

std::string CursorToken(const store::UserRecord& user) {
  return crypto::Base64UrlEncode(std::to_string(user.created_at) + ":" + user.id);
}

Result<PageQuery> ReadPageQuery(const CdiRequest& r) {
  PageQuery q;
  if (auto limit = r.http.Query("limit")) {
    int value = 0;
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (ec != std::errc() || end != limit->data() + limit->size() || value < 1) {
      return InvalidArgument("limit must a positive integer with min value 1");
    }
    if (value > 1000) return InvalidArgument("max limit allowed is 1000");
    q.limit = value;
  }
  if (auto order = r.http.Query("timeJoinedOrder")) {
    if (*order != "ASC" && *order != "DESC") {
      return InvalidArgument("timeJoinedOrder can be either ASC OR DESC");
    }
    q.newest_first = *order == "DESC";
  }
  if (auto token = r.http.Query("paginationToken")) {
    const Result<std::string> text = crypto::Base64UrlDecode(*token);
    const std::size_t colon = text ? text->find(':') : std::string::npos;
    std::int64_t at = 0;
    if (colon != std::string::npos) {
      auto [end, ec] = std::from_chars(text->data(), text->data() + colon, at);
      if (ec != std::errc() || end != text->data() + colon) at = -1;
    }
    if (colon == std::string::npos || at < 0) return InvalidArgument("invalid pagination token");
    q.after = store::Tx::UserCursor{at, text->substr(colon + 1)};
  }
  if (auto email = r.http.Query("email")) q.email = identity::NormaliseEmailPrefix(*email);
  return q;
}

Response ListUsers(const Ctx& c, const CdiRequest& r) {
  return Answer([&]() -> Result<Response> {
    GH_ASSIGN_OR_RETURN(PageQuery q, ReadPageQuery(r));
    // Reads the namespace in join order until the page is full: another app's users (the public
    // app's range holds them) and, with a search, other emails are passed over.
    std::vector<store::UserRecord> page;
    bool more = false;
    std::optional<store::Tx::UserCursor> cursor = q.after;
    const int batch = std::max(q.limit + 1, 100);
    while (!more) {
      GH_ASSIGN_OR_RETURN(std::vector<store::UserRecord> users,
                          c.users.ListByAge(r.app.UserIdPrefix(), q.newest_first, cursor, batch));
      for (store::UserRecord& user : users) {
        cursor = store::Tx::UserCursor{user.created_at, user.id};
        const std::optional<std::string> email = r.app.ExternalEmail(user.email);
        if (!r.app.ExternalUser(user.id) || !email || !email->starts_with(q.email)) continue;
        if (static_cast<int>(page.size()) == q.limit) {
          more = true;
          break;
        }
        page.push_back(std::move(user));
      }
      if (static_cast<int>(users.size()) < batch) break;
    }
    GH_ASSIGN_OR_RETURN(bj::array out, UsersOf(c, r, page));
    bj::object members{{"users", std::move(out)}};
    if (more) members["nextPaginationToken"] = CursorToken(page.back());
    return Ok(std::move(members));
  });
}

Response CountUsers(const Ctx& c, const CdiRequest& r) {
  return Answer([&]() -> Result<Response> {
    std::int64_t count = 0;
    if (r.app.is_public()) {
      // Every user but other apps' ones: those are all in the "appid-" range, so only that range
      // is read (for the few native ids there that are no app's), never the native users.
      GH_ASSIGN_OR_RETURN(count, c.users.Count(""));
      std::optional<store::Tx::UserCursor> cursor;
      while (true) {
        GH_ASSIGN_OR_RETURN(std::vector<store::UserRecord> users,
                            c.users.ListByAge("appid-", false, cursor, 1000));
        for (const store::UserRecord& user : users) {
          if (!r.app.ExternalUser(user.id)) --count;
          cursor = store::Tx::UserCursor{user.created_at, user.id};
        }
        if (users.size() < 1000) break;
      }
    } else {
      GH_ASSIGN_OR_RETURN(count, c.users.Count(r.app.UserIdPrefix()));
    }
    return Ok({{"count", count}});
  });
}

// PUT /recipe/user {recipeUserId, email?, password?}: the password is checked against the policy
// before anything changes; a new password ends sessions as any password set does.
Response UpdateUser(const Ctx& c, const CdiRequest& r) {
  return Answer([&]() -> Result<Response> {
    GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
    GH_ASSIGN_OR_RETURN(std::string external, StringField(body, "recipeUserId"));
    GH_ASSIGN_OR_RETURN(std::string id, r.app.User(external));
    const bj::value* email = body.object().if_contains("email");
    const bj::value* password = body.object().if_contains("password");
    if (password != nullptr && password->is_string()) {
      if (Status policy = identity::CheckPasswordPolicy(password->as_string()); !policy) {
        return Ok({{"status", "PASSWORD_POLICY_VIOLATED_ERROR"},
                   {"failureReason", policy.error().message()}});
      }
    }
    Result<store::UserRecord> user = c.users.Get(id);
    if (!user && user.error().code() == ErrorCode::kNotFound) {
      return Outcome("UNKNOWN_USER_ID_ERROR");
    }
    if (!user) return user.error();
    if (email != nullptr && email->is_string()) {
      GH_ASSIGN_OR_RETURN(std::string scoped, r.app.Email(email->as_string()));
      Status changed = c.users.UpdateEmail(id, scoped);
      if (!changed && changed.error().code() == ErrorCode::kAlreadyExists) {
        return Outcome("EMAIL_ALREADY_EXISTS_ERROR");
      }
      if (!changed) return changed.error();
    }
    if (password != nullptr && password->is_string()) {
      GH_RETURN_IF_ERROR(c.users.SetPassword(id, password->as_string(), std::nullopt).status());
    }
    return Ok();
  });
}

Response SignUp(const Ctx& c, const CdiRequest& r) {
  return Answer([&]() -> Result<Response> {
    GH_ASSIGN_OR_RETURN(Credentials cred, ReadCredentials(r));
    Result<store::UserRecord> user =
        c.users.Register(cred.email, cred.password, c.client, r.app.UserIdPrefix());
    if (!user && user.error().code() == ErrorCode::kAlreadyExists) {
      return Outcome("EMAIL_ALREADY_EXISTS_ERROR");
    }
    if (!user) return user.error();
    return SignedIn(c, r, *user);
  });
}

Response SignIn(const Ctx& c, const CdiRequest& r) {
  return Answer([&]() -> Result<Response> {
    GH_ASSIGN_OR_RETURN(Credentials cred, ReadCredentials(r));
    Result<store::UserRecord> user = c.users.CheckCredentials(cred.email, cred.password, c.client);
    if (!user && (user.error().code() == ErrorCode::kUnauthenticated ||
                  user.error().code() == ErrorCode::kPermissionDenied)) {
      return Outcome("WRONG_CREDENTIALS_ERROR");  // wrong password, or banned
    }
    if (!user) return user.error();
    return SignedIn(c, r, *user);
  });
}

Response UserById(const Ctx& c, const CdiRequest& r) {
  return Answer([&]() -> Result<Response> {
    GH_ASSIGN_OR_RETURN(std::string external, QueryField(r, "userId"));
    GH_ASSIGN_OR_RETURN(std::string id, r.app.User(external));
    Result<store::UserRecord> user = c.users.Get(id);
    if (!user && user.error().code() == ErrorCode::kNotFound) {
      return Outcome("UNKNOWN_USER_ID_ERROR");
    }
    if (!user) return user.error();
    GH_ASSIGN_OR_RETURN(bj::object json, UserOf(c, r, *user));
    return Ok({{"user", std::move(json)}});
  });
}

Response UsersByAccountInfo(const Ctx& c, const CdiRequest& r) {
  return Answer([&]() -> Result<Response> {
    bj::array found;
    if (auto email = r.http.Query("email"); email && !email->empty()) {
      GH_ASSIGN_OR_RETURN(std::string scoped, r.app.Email(*email));
      GH_ASSIGN_OR_RETURN(identity::UserPage page, c.users.List(scoped, "", "", 1));
      GH_ASSIGN_OR_RETURN(found, UsersOf(c, r, page.users));
    }
    return Ok({{"users", std::move(found)}});
  });
}

Response RemoveUser(const Ctx& c, const CdiRequest& r) {
  return Answer([&]() -> Result<Response> {
    GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
    GH_ASSIGN_OR_RETURN(std::string external, StringField(body, "userId"));
    GH_ASSIGN_OR_RETURN(std::string id, r.app.User(external));
    Status deleted = c.users.Delete(id);
    if (!deleted && deleted.error().code() != ErrorCode::kNotFound) return deleted.error();
    return Ok();
  });
}

// The SDK asks which login factors the tenant allows before it signs anyone up or in: no
// `firstFactors` means every one.
Response Tenant(const Ctx&, const CdiRequest& r) {
  return Ok({{"tenantId", r.tenant},
             {"thirdParty", bj::object{{"providers", bj::array{}}}},
             {"coreConfig", bj::object{}}});
}

}  // namespace

void AddUsersRecipe(http::Router& router, const Gate& gate, identity::UserService& users,
                    identity::AccountTokens& tokens) {
  const auto ctx = std::make_shared<Ctx>(Ctx{users, tokens, {}});
  const CdiRouteOptions tenant{.tenant_scoped = true};
  auto add = [&](Method m, std::string_view path, Response (*fn)(const Ctx&, const CdiRequest&),
                 CdiRouteOptions options = {}) {
    AddRoute(
        router, gate, m, path, [ctx, fn](const CdiRequest& r) { return fn(*ctx, r); }, options);
  };
  add(Method::kPost, "/recipe/signup", SignUp, tenant);
  add(Method::kPost, "/recipe/signin", SignIn, tenant);
  add(Method::kGet, "/user/id", UserById);
  add(Method::kGet, "/users/by-accountinfo", UsersByAccountInfo, tenant);
  add(Method::kGet, "/users", ListUsers, tenant);
  add(Method::kGet, "/users/count", CountUsers, tenant);
  add(Method::kPut, "/recipe/user", UpdateUser);
  add(Method::kPost, "/user/remove", RemoveUser);
  add(Method::kGet, "/recipe/multitenancy/tenant/v2", Tenant, tenant);
}

}  // namespace gatehouse::compat
