#include "identity/account_tokens.h"

#include "crypto/base64url.h"
#include "crypto/hash.h"

namespace gatehouse::identity {

AccountTokens::AccountTokens(Deps deps)
    : store_(deps.store), clock_(deps.clock), random_(deps.random) {}

Result<std::string> AccountTokens::Issue(std::string_view kind, std::string_view user_id,
                                         std::string_view email, std::chrono::milliseconds ttl) {
  std::string token = crypto::Base64UrlEncode(random_.Bytes(32));
  const std::int64_t now = ToUnixMillis(clock_.Now());
  GH_RETURN_IF_ERROR(store_.Write([&](store::Tx& tx) -> Status {
    GH_RETURN_IF_ERROR(tx.PruneOneTimeTokens(now));  // expired ones go as new ones come
    return tx.PutOneTimeToken({.hash = crypto::Sha256Bytes(token),
                               .kind = std::string(kind),
                               .user_id = std::string(user_id),
                               .email = std::string(email),
                               .expires_at = now + ttl.count()});
  }));
  return token;
}

Result<store::OneTimeTokenRecord> AccountTokens::Take(std::string_view kind, std::string_view token,
                                                      const Owns& owns, const AndThen& then) {
  if (token.empty() || token.size() > 512) return NotFound("unknown token");
  const std::int64_t now = ToUnixMillis(clock_.Now());
  std::optional<store::OneTimeTokenRecord> taken;
  // A token shown as another kind, or expired, is taken all the same (the write commits): a
  // token is for one use, whatever it is shown as.
  Status written = store_.Write([&](store::Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(taken, tx.TakeOneTimeToken(crypto::Sha256Bytes(token)));
    // Another namespace's token: rolled back, so it stays for its owner.
    if (taken && owns && !owns(taken->user_id)) return NotFound("unknown token");
    if (!taken || taken->kind != kind || taken->expires_at <= now) {
      taken.reset();
      return OkStatus();
    }
    GH_RETURN_IF_ERROR(tx.DeleteOneTimeTokens(taken->user_id, kind));
    return then ? then(tx, *taken) : OkStatus();
  });
  if (!written) return written.error();
  if (!taken) return NotFound("unknown token");
  return std::move(*taken);
}

Result<store::OneTimeTokenRecord> AccountTokens::Consume(std::string_view kind,
                                                         std::string_view token, const Owns& owns) {
  return Take(kind, token, owns, nullptr);
}

Status AccountTokens::Revoke(std::string_view user_id, std::string_view kind) {
  return store_.Write([&](store::Tx& tx) { return tx.DeleteOneTimeTokens(user_id, kind); });
}

Result<store::OneTimeTokenRecord> AccountTokens::VerifyEmail(std::string_view token,
                                                             const Owns& owns) {
  return Take(kEmailVerification, token, owns,
              [](store::Tx& tx, const store::OneTimeTokenRecord& t) {
                return tx.SetEmailVerified(t.user_id, t.email, true);
              });
}

Status AccountTokens::SetEmailVerified(std::string_view user_id, std::string_view email,
                                       bool verified) {
  return store_.Write([&](store::Tx& tx) -> Status {
    if (verified) GH_RETURN_IF_ERROR(tx.DeleteOneTimeTokens(user_id, kEmailVerification));
    return tx.SetEmailVerified(user_id, email, verified);
  });
}

Result<bool> AccountTokens::IsEmailVerified(std::string_view user_id, std::string_view email) {
  GH_ASSIGN_OR_RETURN(std::vector<bool> verified,
                      AreEmailsVerified({{std::string(user_id), std::string(email)}}));
  return verified.front();
}

Result<std::vector<bool>> AccountTokens::AreEmailsVerified(const std::vector<UserEmail>& pairs) {
  std::vector<bool> verified;
  GH_RETURN_IF_ERROR(store_.Read([&](store::Tx& tx) -> Status {
    verified.clear();
    for (const auto& [user_id, email] : pairs) {
      GH_ASSIGN_OR_RETURN(bool one, tx.IsEmailVerified(user_id, email));
      verified.push_back(one);
    }
    return OkStatus();
  }));
  return verified;
}

}  // namespace gatehouse::identity
