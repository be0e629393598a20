#include "sessions/session_service.h"

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "common/json.h"
#include "crypto/base64url.h"
#include "crypto/hash.h"
#include "revocation/feed/event_log.h"
#include "runtime/log.h"
#include "sessions/json_patch.h"
#include "sessions/rotation.h"
#include "tokens/jws.h"
#include "verify/local_verify.h"

namespace gatehouse::sessions {
namespace {

namespace bj = boost::json;
using store::RefreshState;
using store::RefreshTokenRecord;
using store::SessionRecord;
using store::Tx;

constexpr std::size_t kHandleBytes = 16;
constexpr std::size_t kRefreshTokenBytes = 32;
constexpr std::size_t kMaxUserIdBytes = 256;

Error Unauthorised(std::string message) { return Unauthenticated(std::move(message)); }

Status AppendAudit(Tx& tx, std::string_view type, const SessionRecord& s, std::int64_t now,
                   std::string detail = "{}") {
  return tx.AppendAudit({.at = now,
                         .type = std::string(type),
                         .user_id = s.user_id,
                         .session_handle = s.handle,
                         .actor = "api",
                         .ip = s.ip,
                         .detail = std::move(detail)});
}

// Ends a live session inside `tx`: marks it, appends its event and audit entry.
Status EndSession(Tx& tx, SessionRecord& s, std::string_view reason, std::int64_t now) {
  s.revoked_at = now;
  s.revoke_reason = std::string(reason);
  GH_RETURN_IF_ERROR(tx.UpdateSession(s));
  GH_RETURN_IF_ERROR(revocation::AppendEvent(
      tx, revocation::SessionRevoked(s.handle, s.user_id, FromUnixMillis(now))));
  const std::string_view audit_type =
      reason == "theft" ? std::string_view("token_theft_detected") : "session_revoked";
  return AppendAudit(tx, audit_type, s, now,
                     bj::serialize(bj::object{{"reason", std::string(reason)}}));
}

// Makes `child` the session's committed refresh token and supersedes `committed` (if any).
Status PromoteIn(Tx& tx, SessionRecord& session, RefreshTokenRecord* committed,
                 RefreshTokenRecord& child, std::int64_t now) {
  if (committed != nullptr) {
    committed->state = RefreshState::kSuperseded;
    committed->superseded_at = now;
    GH_RETURN_IF_ERROR(tx.UpdateRefreshToken(*committed));
  }
  child.state = RefreshState::kCommitted;
  GH_RETURN_IF_ERROR(tx.UpdateRefreshToken(child));
  session.refresh_hash = child.hash;
  session.refresh_promoted_at = now;
  return OkStatus();
}

}  // namespace

Status CheckUserId(std::string_view user_id) {
  const bool control = std::any_of(user_id.begin(), user_id.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
  if (user_id.empty() || user_id.size() > kMaxUserIdBytes || control) {
    return InvalidArgument("user_id must be 1 to 256 bytes without control characters");
  }
  return OkStatus();
}

Result<std::int64_t> BumpClaims(Tx& tx, std::string_view user_id, SystemTime at) {
  GH_ASSIGN_OR_RETURN(std::int64_t version, tx.BumpClaimsVersion(user_id));
  GH_RETURN_IF_ERROR(revocation::AppendEvent(tx, revocation::ClaimsChanged(user_id, version, at)));
  return version;
}

namespace {

Result<bj::object> StoredObject(const std::string& text) {
  GH_ASSIGN_OR_RETURN(bj::value v, json::ParseStrict(text));
  if (!v.is_object()) return Internal("stored JSON is not an object");
  return std::move(v.as_object());
}

// The largest access payload, serialised, that a session may carry. Its token then stays well
// inside tokens::kMaxTokenSize (base64url adds a third, and the standard claims, roles and
// signature need room), so no payload accepted here yields a token verify would refuse.
constexpr std::size_t kMaxAccessPayloadBytes = 4 * 1024;

Status CheckAccessPayload(const bj::object& payload) {
  if (bj::serialize(payload).size() > kMaxAccessPayloadBytes) {
    return InvalidArgument(
        "access_payload may hold at most 4 KiB of JSON: it travels in every "
        "access token");
  }
  for (const auto& [name, value] : payload) {
    if (tokens::IsReservedClaim(name)) {
      return InvalidArgument("access_payload may not set the reserved claim '" + std::string(name) +
                             "'");
    }
  }
  return OkStatus();
}

}  // namespace

SessionService::SessionService(Deps deps, SessionPolicy policy)
    : store_(deps.store),
      ring_(std::move(deps.ring)),
      verifier_(deps.verifier),
      revocations_(deps.revocations),
      feed_(deps.feed),
      load_unknown_key_(std::move(deps.load_unknown_key)),
      claims_(deps.claims),
      clock_(deps.clock),
      random_(deps.random),
      issuer_(std::move(deps.issuer)),
      policy_(policy) {}

std::string SessionService::NewSecret(std::size_t bytes) {
  return crypto::Base64UrlEncode(random_.Bytes(bytes));
}

SystemTime SessionService::AccessExpiry(SystemTime now) {
  const auto ttl = policy_.access_token_ttl.count();
  const auto max_jitter =
      static_cast<std::uint64_t>(static_cast<double>(ttl) * policy_.access_token_jitter);
  const auto jitter = max_jitter > 0 ? random_.Uniform(max_jitter + 1) : 0;
  return now + Millis(ttl - static_cast<std::int64_t>(jitter));
}

Result<IssuedSession> SessionService::Issue(const SessionRecord& session, const UserClaims& claims,
                                            std::string refresh_token,
                                            std::string_view parent_refresh_hash,
                                            const TokenLayout& layout) {
  GH_ASSIGN_OR_RETURN(bj::object payload, StoredObject(session.access_payload));
  const SystemTime now = FromUnixMillis(session.last_active_at);
  // No access token outlives its session's absolute lifetime (ASVS 3.3.2).
  SystemTime expires = std::min(AccessExpiry(now), FromUnixMillis(session.absolute_expires_at));
  std::string access;
  if (layout) {
    GH_ASSIGN_OR_RETURN(LaidOutToken laid,
                        layout(TokenRequest{.session = session,
                                            .claims = claims,
                                            .payload = payload,
                                            .issued_at = now,
                                            .expires_at = expires,
                                            .refresh_token = refresh_token,
                                            .parent_refresh_hash = parent_refresh_hash}));
    access = std::move(laid.token);
    expires = laid.expires_at;
  } else {
    const std::shared_ptr<const tokens::KeyRing> ring = ring_();
    const tokens::SigningKey* signer = ring ? ring->Signer() : nullptr;
    if (signer == nullptr) return Unavailable("no active signing key");
    tokens::AccessTokenSpec spec{.user_id = session.user_id,
                                 .session_handle = session.handle,
                                 .version = claims.version,
                                 .roles = claims.roles,
                                 .permissions = claims.permissions,
                                 .custom = std::move(payload),
                                 .issued_at = now,
                                 .expires_at = expires};
    GH_ASSIGN_OR_RETURN(access, tokens::IssueAccessToken(spec, *signer, issuer_));
  }
  if (access.size() > tokens::kMaxTokenSize) {
    // Possible only with very many roles or permissions: never hand out a token verify refuses.
    return InvalidArgument("the access token would exceed " +
                           std::to_string(tokens::kMaxTokenSize) +
                           " bytes (too many roles or permissions for one token)");
  }
  return IssuedSession{.session = session,
                       .roles = claims.roles,
                       .access_token = std::move(access),
                       .access_expires_at_ms = ToUnixSeconds(expires) * 1000,
                       .refresh_token = std::move(refresh_token),
                       .refresh_expires_at_ms = session.expires_at()};
}

Result<IssuedSession> SessionService::Create(const CreateParams& params) {
  GH_RETURN_IF_ERROR(CheckUserId(params.user_id));
  if (!params.layout) {
    GH_RETURN_IF_ERROR(CheckAccessPayload(params.access_payload));
  }
  const std::int64_t now = ToUnixMillis(clock_.Now());
  std::string refresh_token = NewSecret(kRefreshTokenBytes);
  SessionRecord session{.handle = NewSecret(kHandleBytes),
                        .user_id = params.user_id,
                        .created_at = now,
                        .last_active_at = now,
                        .idle_expires_at = now + policy_.refresh_token_ttl.count(),
                        .absolute_expires_at = now + policy_.session_absolute_ttl.count(),
                        .user_agent = params.device.user_agent,
                        .ip = params.device.ip,
                        .session_data = bj::serialize(params.session_data),
                        .access_payload = bj::serialize(params.access_payload),
                        .refresh_hash = crypto::Sha256Bytes(refresh_token),
                        .refresh_promoted_at = now};
  UserClaims claims;
  GH_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(bool banned, tx.IsBanned(session.user_id));
    if (banned) return PermissionDenied("this user is banned");
    if (params.credential) {
      GH_ASSIGN_OR_RETURN(std::optional<store::UserRecord> user, tx.GetUser(session.user_id));
      if (!user || user->password_hash != *params.credential) {
        return Unauthorised("the account's credentials changed; sign in again");
      }
    }
    if (policy_.max_sessions_per_user > 0) {
      GH_ASSIGN_OR_RETURN(std::vector<SessionRecord> live,
                          tx.ListLiveSessions(session.user_id, now));
      std::sort(live.begin(), live.end(),
                [](const auto& a, const auto& b) { return a.last_active_at < b.last_active_at; });
      const std::size_t cap = static_cast<std::size_t>(policy_.max_sessions_per_user);
      for (std::size_t i = 0; live.size() - i >= cap && i < live.size(); ++i) {
        GH_RETURN_IF_ERROR(EndSession(tx, live[i], "limit", now));
      }
    }
    GH_RETURN_IF_ERROR(tx.InsertSession(session));
    GH_RETURN_IF_ERROR(tx.InsertRefreshToken({.hash = session.refresh_hash,
                                              .session_handle = session.handle,
                                              .state = RefreshState::kCommitted,
                                              .created_at = now}));
    if (params.audit) {
      store::AuditRecord entry = *params.audit;
      entry.at = now;
      entry.session_handle = session.handle;
      GH_RETURN_IF_ERROR(tx.AppendAudit(entry));
    }
    GH_ASSIGN_OR_RETURN(claims, claims_.Load(tx, session.user_id));
    return OkStatus();
  }));
  counters_.created.fetch_add(1, std::memory_order_relaxed);
  return Issue(session, claims, std::move(refresh_token), {}, params.layout);
}

Result<std::shared_ptr<const tokens::AccessClaims>> SessionService::Verify(
    std::string_view access_token, VerifyMode mode) {
  const SystemTime now = clock_.Now();
  Result<std::shared_ptr<const tokens::AccessClaims>> verified =
      verifier_.Verify(access_token, now);
  if (!verified && load_unknown_key_ && load_unknown_key_(access_token)) {
    verified = verifier_.Verify(access_token, now);
  }
  GH_ASSIGN_OR_RETURN(std::shared_ptr<const tokens::AccessClaims> claims, std::move(verified));
  if (mode == VerifyMode::kStateless) return claims;
  if (mode == VerifyMode::kLocal && feed_ != nullptr) {
    GH_RETURN_IF_ERROR(feed_->Heard(now, policy_.feed_staleness_bound));
  }
  GH_RETURN_IF_ERROR(verify::CheckRevocation(revocations_, *claims));
  if (mode == VerifyMode::kStrict) {
    std::optional<SessionRecord> session;
    std::int64_t version = 0;
    GH_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> Status {
      GH_ASSIGN_OR_RETURN(session, tx.GetSession(claims->session_handle));
      GH_ASSIGN_OR_RETURN(version, tx.ClaimsVersion(claims->user_id));
      return OkStatus();
    }));
    if (!session || session->user_id != claims->user_id || !session->live(ToUnixMillis(now))) {
      return Unauthorised("session ended");
    }
    if (claims->version < version) {
      return Unauthenticated("the user's claims changed", reason::kTryRefreshToken);
    }
  }
  return claims;
}

Result<IssuedSession> SessionService::Refresh(std::string_view refresh_token,
                                              const FaceRefresh& face) {
  if (refresh_token.empty() || refresh_token.size() > 512) {
    return Unauthorised("invalid refresh token");
  }
  const std::string presented_hash = crypto::Sha256Bytes(refresh_token);
  const std::int64_t now = ToUnixMillis(clock_.Now());
  std::string next_token = NewSecret(kRefreshTokenBytes);
  const std::string next_hash = crypto::Sha256Bytes(next_token);

  SessionRecord session;
  UserClaims claims;
  bool theft = false;
  GH_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> Status {
    theft = false;
    GH_ASSIGN_OR_RETURN(std::optional<store::RefreshStart> start,
                        tx.GetRefreshStart(presented_hash));
    if (!start || (face.owns && !face.owns(start->session.user_id))) {
      return Unauthorised("unknown refresh token");
    }
    if (!start->session.live(now)) return Unauthorised("session ended");
    if (start->banned) return Unauthorised("the user is banned");
    RefreshTokenRecord presented = std::move(start->token);
    session = std::move(start->session);
    GH_ASSIGN_OR_RETURN(std::optional<RefreshTokenRecord> committed,
                        tx.GetRefreshToken(session.refresh_hash));

    Rotation rotation = DecideRotation(presented, session, committed ? &*committed : nullptr, now,
                                       policy_.refresh_grace);
    if (rotation == Rotation::kUseCommitted || rotation == Rotation::kSibling) {
      // One more child of the committed token: beyond the cap only a flood makes them.
      GH_ASSIGN_OR_RETURN(int children,
                          tx.CountPendingChildren(session.handle, session.refresh_hash));
      if (children >= policy_.pending_children_cap) rotation = Rotation::kTheft;
    }
    // The committed token's parent: its siblings are children of it, and may still be accepted.
    std::string committed_parent = committed ? committed->parent_hash : "";
    switch (rotation) {
      case Rotation::kTheft:
        theft = true;
        GH_RETURN_IF_ERROR(EndSession(tx, session, "theft", now));
        if (policy_.security.theft == TheftScope::kAllOfUser) {
          // Every session of the user, in the same transaction as the detection.
          return RevokeAllIn(tx, session.user_id, std::nullopt, "theft", now).status();
        }
        return OkStatus();
      case Rotation::kPromote:
        GH_RETURN_IF_ERROR(
            PromoteIn(tx, session, committed ? &*committed : nullptr, presented, now));
        committed_parent = presented.parent_hash;
        break;
      case Rotation::kUseCommitted:
      case Rotation::kSibling:
        break;
    }
    GH_RETURN_IF_ERROR(tx.InsertRefreshToken({.hash = next_hash,
                                              .session_handle = session.handle,
                                              .parent_hash = session.refresh_hash,
                                              .state = RefreshState::kPending,
                                              .created_at = now}));
    // Trimming is the costliest statement of a refresh, so it runs on one refresh in eight
    // (chosen by the new token's random hash): rows per session stay near the bound on average.
    if ((static_cast<unsigned char>(next_hash[0]) & 7) == 0) {
      GH_RETURN_IF_ERROR(tx.TrimRefreshTokens(session.handle, policy_.refresh_tokens_kept,
                                              {session.refresh_hash, committed_parent}));
    }
    session.last_active_at = now;
    session.idle_expires_at = now + policy_.refresh_token_ttl.count();
    GH_RETURN_IF_ERROR(tx.UpdateSession(session));
    GH_RETURN_IF_ERROR(AppendAudit(tx, "refresh", session, now));
    GH_ASSIGN_OR_RETURN(claims, claims_.Load(tx, session.user_id));
    return OkStatus();
  }));

  if (theft) {
    counters_.theft.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("refresh token reuse: session {} of user {} revoked", session.handle,
                 session.user_id);
    Error error = Unauthenticated("refresh token reuse detected; the session was revoked",
                                  reason::kTokenTheftDetected);
    error.WithField("session_handle", session.handle).WithField("user_id", session.user_id);
    return error;
  }
  counters_.refreshed.fetch_add(1, std::memory_order_relaxed);
  return Issue(session, claims, std::move(next_token), presented_hash, face.layout);
}

Result<std::optional<store::SessionRecord>> SessionService::PromoteChild(
    std::string_view handle, std::string_view child_hash) {
  const std::int64_t now = ToUnixMillis(clock_.Now());
  std::optional<SessionRecord> promoted;
  GH_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> Status {
    promoted.reset();
    GH_ASSIGN_OR_RETURN(std::optional<SessionRecord> session, tx.GetSession(handle));
    if (!session || !session->live(now)) return NotFound("no such live session");
    if (session->refresh_hash == child_hash) {  // promoted already (by a refresh, or a verify)
      promoted = std::move(session);
      return OkStatus();
    }
    GH_ASSIGN_OR_RETURN(std::optional<RefreshTokenRecord> child, tx.GetRefreshToken(child_hash));
    if (!child || child->session_handle != session->handle ||
        child->state != RefreshState::kPending || child->parent_hash != session->refresh_hash) {
      return OkStatus();  // not a pending child of the committed token: nothing to promote
    }
    GH_ASSIGN_OR_RETURN(std::optional<RefreshTokenRecord> committed,
                        tx.GetRefreshToken(session->refresh_hash));
    GH_RETURN_IF_ERROR(PromoteIn(tx, *session, committed ? &*committed : nullptr, *child, now));
    GH_RETURN_IF_ERROR(tx.UpdateSession(*session));
    promoted = std::move(session);
    return OkStatus();
  }));
  return promoted;
}

Result<SessionService::SignedOut> SessionService::SignOut(std::string_view access_token) {
  GH_ASSIGN_OR_RETURN(std::shared_ptr<const tokens::AccessClaims> claims,
                      verifier_.VerifyAnyTime(access_token, clock_.Now()));
  Result<bool> ended = Revoke(claims->session_handle, "signout");
  if (!ended && ended.error().code() != ErrorCode::kNotFound) return ended.error();
  return SignedOut{.claims = std::move(claims), .ended = ended && *ended};
}

Result<SessionRecord> SessionService::Get(std::string_view handle) {
  std::optional<SessionRecord> session;
  GH_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(session, tx.GetSession(handle));
    return OkStatus();
  }));
  // An ended session (revoked or expired) is not there, as for PATCH and every other route.
  if (!session || !session->live(ToUnixMillis(clock_.Now()))) return NotFound("no such session");
  return std::move(*session);
}

Result<bool> SessionService::Revoke(std::string_view handle, std::string_view reason) {
  const std::int64_t now = ToUnixMillis(clock_.Now());
  bool ended = false;
  GH_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> Status {
    ended = false;
    GH_ASSIGN_OR_RETURN(std::optional<SessionRecord> session, tx.GetSession(handle));
    if (!session) return NotFound("no such session");
    if (session->revoked_at) return OkStatus();  // its session_revoked event is in the log
    // An expired session may still have an access token within the clock leeway: it is
    // revoked too (and its event written), though the call reports it as already ended.
    ended = session->live(now);
    return EndSession(tx, *session, reason, now);
  }));
  if (ended) counters_.revoked.fetch_add(1, std::memory_order_relaxed);
  return ended;
}

Result<SessionRecord> SessionService::Update(std::string_view handle, const SessionPatch& patch) {
  const SystemTime now_time = clock_.Now();
  const std::int64_t now = ToUnixMillis(now_time);
  SessionRecord updated;
  GH_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(std::optional<SessionRecord> session, tx.GetSession(handle));
    if (!session || !session->live(now)) return NotFound("no such live session");
    if (patch.session_data) {
      GH_ASSIGN_OR_RETURN(bj::object data, StoredObject(session->session_data));
      session->session_data = bj::serialize(patch.replace ? *patch.session_data
                                                          : MergePatch(data, *patch.session_data));
    }
    if (patch.access_payload) {
      GH_ASSIGN_OR_RETURN(bj::object payload, StoredObject(session->access_payload));
      const bj::object merged =
          patch.replace ? *patch.access_payload : MergePatch(payload, *patch.access_payload);
      if (!patch.face_claims) {
        GH_RETURN_IF_ERROR(CheckAccessPayload(merged));
      }
      session->access_payload = bj::serialize(merged);
      GH_RETURN_IF_ERROR(BumpClaims(tx, session->user_id, now_time).status());
    }
    updated = *session;
    return tx.UpdateSession(*session);
  }));
  return updated;
}

Result<std::vector<SessionRecord>> SessionService::ListLive(std::string_view user_id) {
  std::vector<SessionRecord> sessions;
  const std::int64_t now = ToUnixMillis(clock_.Now());
  GH_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(sessions, tx.ListLiveSessions(user_id, now));
    return OkStatus();
  }));
  return sessions;
}

Result<SessionService::EndedSessions> SessionService::EndUserSessions(
    Tx& tx, std::string_view user_id, const std::optional<std::string>& except,
    std::string_view reason, std::int64_t now) {
  EndedSessions ended;
  // Sessions that expired within the clock leeway may still have an accepted token: end them
  // too. A verifier needs to hear only of sessions that may have an unexpired token (issued at
  // their last activity); twice a token's lifetime leaves room for clocks that disagree.
  const std::int64_t leeway = policy_.clock_leeway.count();
  const std::int64_t active_after = now - 2 * policy_.MaxAccessTokenLifetime().count();
  GH_ASSIGN_OR_RETURN(std::vector<SessionRecord> sessions,
                      tx.ListLiveSessions(user_id, now - leeway));
  for (SessionRecord& s : sessions) {
    if (except && s.handle == *except) continue;
    if (s.live(now)) ++ended.live;
    s.revoked_at = now;
    s.revoke_reason = std::string(reason);
    GH_RETURN_IF_ERROR(tx.UpdateSession(s));
    if (s.last_active_at >= active_after) ended.named.push_back(s.handle);
  }
  return ended;
}

Result<SessionService::EndedSessions> SessionService::RevokeAllIn(
    Tx& tx, std::string_view user_id, const std::optional<std::string>& except,
    std::string_view reason, std::int64_t now) {
  GH_ASSIGN_OR_RETURN(EndedSessions ended, EndUserSessions(tx, user_id, except, reason, now));
  GH_RETURN_IF_ERROR(revocation::AppendEvents(
      tx, revocation::UserSessionsRevoked(user_id, ended.named, except, FromUnixMillis(now))));
  GH_RETURN_IF_ERROR(tx.AppendAudit(
      {.at = now,
       .type = "user_sessions_revoked",
       .user_id = std::string(user_id),
       .actor = "api",
       .detail =
           bj::serialize(bj::object{{"revoked", ended.live}, {"reason", std::string(reason)}})}));
  return ended;
}

Result<int> SessionService::RevokeAll(std::string_view user_id,
                                      const std::optional<std::string>& except,
                                      std::string_view reason,
                                      const std::function<Status(Tx&)>& with) {
  const SystemTime now_time = clock_.Now();
  const std::int64_t now = ToUnixMillis(now_time);
  EndedSessions ended;
  GH_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> Status {
    if (with) GH_RETURN_IF_ERROR(with(tx));
    GH_ASSIGN_OR_RETURN(ended, RevokeAllIn(tx, user_id, except, reason, now));
    return OkStatus();
  }));
  counters_.revoked.fetch_add(static_cast<std::uint64_t>(ended.live), std::memory_order_relaxed);
  return ended.live;
}

Result<int> SessionService::Ban(std::string_view user_id, std::string_view reason) {
  const SystemTime now_time = clock_.Now();
  const std::int64_t now = ToUnixMillis(now_time);
  GH_RETURN_IF_ERROR(CheckUserId(user_id));
  EndedSessions ended;
  GH_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> Status {
    GH_RETURN_IF_ERROR(tx.PutBan(user_id, reason, now));
    GH_ASSIGN_OR_RETURN(ended, EndUserSessions(tx, user_id, std::nullopt, "banned", now));
    GH_RETURN_IF_ERROR(
        revocation::AppendEvents(tx, revocation::UserBanned(user_id, ended.named, now_time)));
    return tx.AppendAudit({.at = now,
                           .type = "user_banned",
                           .user_id = std::string(user_id),
                           .actor = "api",
                           .detail = bj::serialize(bj::object{{"reason", std::string(reason)},
                                                              {"revoked", ended.live}})});
  }));
  counters_.revoked.fetch_add(static_cast<std::uint64_t>(ended.live), std::memory_order_relaxed);
  return ended.live;
}

Result<bool> SessionService::Unban(std::string_view user_id) {
  const SystemTime now_time = clock_.Now();
  bool lifted = false;
  GH_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(lifted, tx.DeleteBan(user_id));
    if (!lifted) return OkStatus();
    GH_RETURN_IF_ERROR(revocation::AppendEvent(tx, revocation::UserUnbanned(user_id, now_time)));
    return tx.AppendAudit({.at = ToUnixMillis(now_time),
                           .type = "user_unbanned",
                           .user_id = std::string(user_id),
                           .actor = "api",
                           .detail = "{}"});
  }));
  return lifted;
}

Result<int> SessionService::PatchUserAccessPayload(std::string_view user_id,
                                                   const bj::object& patch) {
  const SystemTime now_time = clock_.Now();
  const std::int64_t now = ToUnixMillis(now_time);
  int changed = 0;
  GH_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> Status {
    changed = 0;
    GH_ASSIGN_OR_RETURN(std::vector<SessionRecord> live, tx.ListLiveSessions(user_id, now));
    for (SessionRecord& s : live) {
      GH_ASSIGN_OR_RETURN(bj::object payload, StoredObject(s.access_payload));
      const bj::object merged = MergePatch(payload, patch);
      GH_RETURN_IF_ERROR(CheckAccessPayload(merged));
      s.access_payload = bj::serialize(merged);
      GH_RETURN_IF_ERROR(tx.UpdateSession(s));
      ++changed;
    }
    return BumpClaims(tx, user_id, now_time).status();
  }));
  return changed;
}

Result<int> SessionService::CollectGarbage(int batch) {
  const SystemTime now = clock_.Now();
  verifier_.cache().EvictExpired(now);
  // A dead session's row stays until none of its tokens can be accepted any more, so that a
  // revocation can still name it.
  const std::int64_t horizon = ToUnixMillis(now) - policy_.MaxAccessTokenLifetime().count();
  return store_.DeleteDeadSessions(horizon, horizon, batch);
}

}  // namespace gatehouse::sessions
