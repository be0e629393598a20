#include "http/handlers/feed_stream.h"

#include <algorithm>
#include <limits>

#include "http/handlers/answer.h"
#include "http/handlers/query.h"

namespace gatehouse::http {
namespace {

// `resync` in SSE form: the position to resume after, and for the full feed the snapshot.
std::string SseResync(const revocation::Snapshot& snapshot) {
  std::string data = "{\"last_seq\":" + std::to_string(snapshot.seq);
  if (!snapshot.json.empty()) data += ",\"snapshot\":" + snapshot.json;
  return "id: " + std::to_string(snapshot.seq) + "\nevent: resync\ndata: " + data + "}\n\n";
}

// Who a stream is for: /v1/me/events carries only `user`'s events and ends with its session; the
// full feed opened by an admin's browser session (not an API key) ends with that session too,
// when the admin's claims change or the key of the admin's token is revoked, and when that token
// expires (`ends_at_ms`, checked at least at every heartbeat): each reconnect is authorised again.
struct StreamOwner {
  std::string user;
  std::string handle;
  bool own_events_only = true;
  std::int64_t ends_at_ms = 0;  // 0: no end of its own
  std::string kid;
  bool Ends(const revocation::Event& e) const {
    if (e.EndsSession(user, handle)) return true;
    if (own_events_only) return false;
    return (e.type == revocation::EventType::kClaimsChanged && e.user_id == user) ||
           (e.type == revocation::EventType::kKeyRevoked && e.kid == kid);
  }
};

// Follows a subscription from a known position, skipping what the opening already covered.
class SseStream final : public ResponseStream {
 public:
  // `owner`: the stream ends right after delivering the event that ends its owner's session.
  SseStream(revocation::Feed& feed, revocation::Opening opening, std::optional<StreamOwner> owner,
            Clock& clock)
      : feed_(feed),
        sub_(std::move(opening.live)),
        last_sent_(opening.position),
        session_(std::move(owner)),
        clock_(clock) {}
  void SetWaker(std::function<void()> wake) override { sub_->SetWaker(std::move(wake)); }
  // The full feed (another instance, the client library) hears from the server every second,
  // well inside a verifier's staleness bound (5 s by default); a browser's own stream every 5 s.
  std::chrono::milliseconds heartbeat() const override {
    return session_ && session_->own_events_only ? std::chrono::seconds(5)
                                                 : std::chrono::seconds(1);
  }
  std::optional<std::string> Next() override {
    if (sub_->Overflowed() || ended_) return std::nullopt;
    if (session_ && session_->ends_at_ms > 0 &&
        ToUnixMillis(clock_.Now()) >= session_->ends_at_ms) {
      return std::nullopt;
    }
    std::string out;
    if (sub_->TakeResync()) {
      revocation::Snapshot snapshot = feed_.TakeSnapshot();
      if (session_ && session_->own_events_only) snapshot.json.clear();  // no one else's state
      last_sent_ = snapshot.seq;
      out += SseResync(snapshot);
    }
    for (const auto& e : sub_->Take()) {
      if (e.seq <= last_sent_) continue;
      last_sent_ = e.seq;
      out += SseEvent(e);
      if (session_ && session_->Ends(e)) {
        ended_ = true;  // this event is the last one: the next call ends the stream
        break;
      }
    }
    return out;
  }

 private:
  revocation::Feed& feed_;
  std::shared_ptr<revocation::Subscription> sub_;
  std::int64_t last_sent_;  // only touched by the connection's coroutine
  const std::optional<StreamOwner> session_;
  Clock& clock_;
  bool ended_ = false;
};

// The later of `?after` and Last-Event-ID: a browser reconnecting an EventSource sends the
// URL it first opened (its `after` now stale) and the id of the last event it received.
Result<std::int64_t> After(const Request& req) {
  std::int64_t after = 0;
  for (std::optional<std::string_view> text : {req.Query("after"), req.Header("last-event-id")}) {
    if (!text) continue;
    const auto n = ParseInteger(*text, 0, std::numeric_limits<std::int64_t>::max());
    if (!n) return InvalidArgument("'after' (or Last-Event-ID) must be a sequence number");
    after = std::max(after, *n);
  }
  return after;
}

// Replays the log after `after` (or a resync snapshot), then streams live events. `owner`: see
// StreamOwner; unset for the API-key stream.
Result<Response> Open(revocation::Feed& feed, const Request& req, std::optional<StreamOwner> owner,
                      Clock& clock) {
  GH_ASSIGN_OR_RETURN(std::int64_t after, After(req));
  const bool own_events = owner && owner->own_events_only;
  GH_ASSIGN_OR_RETURN(revocation::Opening opening,
                      feed.Follow(after, own_events ? owner->user : "", owner ? owner->user : ""));
  std::string body = "retry: 1000\n\n";
  if (opening.resync) {
    body += SseResync(*opening.resync);
  } else {
    for (const revocation::Event& e : opening.backlog) body += SseEvent(e);
  }
  Response r = TextResponse(200, std::move(body), "text/event-stream");
  r.stream = std::make_shared<SseStream>(feed, std::move(opening), std::move(owner), clock);
  return r;
}

}  // namespace

std::string SseEvent(const revocation::Event& event) {
  return "id: " + std::to_string(event.seq) + "\nevent: " + std::string(event.type_name()) +
         "\ndata: " + event.WireJson() + "\n\n";
}

void AddFeedStreamRoutes(Router& router, FeedStreamDeps deps, const ApiAuth& auth) {
  auto d = std::make_shared<FeedStreamDeps>(deps);
  router.Add(Method::kGet, "/v1/revocations/stream", auth.Require([d](Request& req) {
    return Answer([&] {
      std::optional<StreamOwner> owner;
      if (req.principal) {
        owner = StreamOwner{.user = req.principal->user_id,
                            .handle = req.principal->session_handle,
                            .own_events_only = false,
                            .ends_at_ms = req.principal->token_expires_at_ms,
                            .kid = req.principal->kid};
      }
      return Open(d->feed, req, std::move(owner), d->clock);
    });
  }),
             {.blocking = true});
  router.Add(Method::kGet, "/v1/me/events",
             [d](Request& req) {
               Response r = Answer([&]() -> Result<Response> {
                 std::optional<std::string> token = CookieValue(req, d->browser.AccessCookie());
                 if (!token) {
                   if (auto bearer = BearerToken(req)) token = std::string(*bearer);
                 }
                 if (!token) return Unauthenticated("sign in first");
                 GH_ASSIGN_OR_RETURN(auto claims,
                                     d->sessions.Verify(*token, sessions::VerifyMode::kLocal));
                 return Open(d->feed, req,
                             StreamOwner{.user = std::string(claims->user_id),
                                         .handle = std::string(claims->session_handle)},
                             d->clock);
               });
               AddCors(req, d->browser, r);  // an EventSource from an allowed origin
               return r;
             },
             {.blocking = true});
}

}  // namespace gatehouse::http
