#include "compat/email_tokens_recipe.h"

namespace gatehouse::compat {
namespace {

namespace bj = boost::json;
using http::Method;
using http::Response;

constexpr std::chrono::hours kResetTokenLifetime{1};
constexpr std::chrono::hours kVerificationTokenLifetime{24};

// The user (in the app's namespace) and email a body or query names.
struct UserEmail {
  std::string user;
  std::string email;
};

Result<UserEmail> FromBody(const CdiRequest& r) {
  GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
  GH_ASSIGN_OR_RETURN(std::string user, StringField(body, "userId"));
  GH_ASSIGN_OR_RETURN(std::string email, StringField(body, "email", /*trim=*/true));
  GH_ASSIGN_OR_RETURN(std::string scoped, r.app.User(user));
  return UserEmail{std::move(scoped), std::move(email)};
}

identity::AccountTokens::Owns OwnedBy(const App& app) {
  return [&app](std::string_view user) { return app.ExternalUser(user).has_value(); };
}

// {userId, email} of a consumed token, or `invalid` when there was none to consume.
Result<Response> Consumed(const CdiRequest& r, Result<store::OneTimeTokenRecord> taken,
                          std::string_view invalid) {
  if (!taken && taken.error().code() == ErrorCode::kNotFound) return Outcome(invalid);
  if (!taken) return taken.error();
  return Ok({{"userId", r.app.ExternalUser(taken->user_id).value_or(taken->user_id)},
             {"email", taken->email}});
}

}  // namespace

void AddEmailTokensRecipe(http::Router& router, const Gate& gate, identity::UserService& users,
                          identity::AccountTokens& tokens) {
  const CdiRouteOptions tenant{.tenant_scoped = true};
  auto add = [&](Method method, std::string_view path, CdiHandler handler,
                 CdiRouteOptions options = {}) {
    AddRoute(router, gate, method, path, std::move(handler), options);
  };

  add(
      Method::kPost, "/recipe/user/password/reset/token",
      [&users, &tokens](const CdiRequest& r) {
        return Answer([&]() -> Result<Response> {
          GH_ASSIGN_OR_RETURN(UserEmail who, FromBody(r));
          Result<store::UserRecord> user = users.Get(who.user);
          if (!user && user.error().code() == ErrorCode::kNotFound) {
            return Outcome("UNKNOWN_USER_ID_ERROR");
          }
          if (!user) return user.error();
          GH_ASSIGN_OR_RETURN(std::string token, tokens.Issue(identity::kPasswordReset, user->id,
                                                              who.email, kResetTokenLifetime));
          return Ok({{"token", token}});
        });
      },
      tenant);

  add(
      Method::kPost, "/recipe/user/password/reset/token/consume",
      [&tokens](const CdiRequest& r) {
        return Answer([&]() -> Result<Response> {
          GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
          GH_ASSIGN_OR_RETURN(std::string token, StringField(body, "token"));
          return Consumed(r, tokens.Consume(identity::kPasswordReset, token, OwnedBy(r.app)),
                          "RESET_PASSWORD_INVALID_TOKEN_ERROR");
        });
      },
      tenant);

  add(
      Method::kPost, "/recipe/user/email/verify/token",
      [&tokens](const CdiRequest& r) {
        return Answer([&]() -> Result<Response> {
          GH_ASSIGN_OR_RETURN(UserEmail who, FromBody(r));
          GH_ASSIGN_OR_RETURN(bool verified, tokens.IsEmailVerified(who.user, who.email));
          if (verified) return Outcome("EMAIL_ALREADY_VERIFIED_ERROR");
          GH_ASSIGN_OR_RETURN(std::string token,
                              tokens.Issue(identity::kEmailVerification, who.user, who.email,
                                           kVerificationTokenLifetime));
          return Ok({{"token", token}});
        });
      },
      tenant);

  add(
      Method::kPost, "/recipe/user/email/verify",
      [&tokens](const CdiRequest& r) {
        return Answer([&]() -> Result<Response> {
          GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
          GH_ASSIGN_OR_RETURN(std::string token, StringField(body, "token"));
          return Consumed(r, tokens.VerifyEmail(token, OwnedBy(r.app)),
                          "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR");
        });
      },
      tenant);

  add(Method::kGet, "/recipe/user/email/verify", [&tokens](const CdiRequest& r) {
    return Answer([&]() -> Result<Response> {
      GH_ASSIGN_OR_RETURN(std::string user, QueryField(r, "userId"));
      GH_ASSIGN_OR_RETURN(std::string email, QueryField(r, "email", /*trim=*/true));
      GH_ASSIGN_OR_RETURN(std::string scoped, r.app.User(user));
      GH_ASSIGN_OR_RETURN(bool verified, tokens.IsEmailVerified(scoped, email));
      return Ok({{"isVerified", verified}});
    });
  });

  add(
      Method::kPost, "/recipe/user/email/verify/token/remove",
      [&tokens](const CdiRequest& r) {
        return Answer([&]() -> Result<Response> {
          GH_ASSIGN_OR_RETURN(UserEmail who, FromBody(r));
          GH_RETURN_IF_ERROR(tokens.Revoke(who.user, identity::kEmailVerification));
          return Ok();
        });
      },
      tenant);

  add(Method::kPost, "/recipe/user/email/verify/remove", [&tokens](const CdiRequest& r) {
    return Answer([&]() -> Result<Response> {
      GH_ASSIGN_OR_RETURN(UserEmail who, FromBody(r));
      GH_RETURN_IF_ERROR(tokens.SetEmailVerified(who.user, who.email, false));
      return Ok();
    });
  });
}

}  // namespace gatehouse::compat
