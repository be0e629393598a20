#include "http/handlers/feed_stream.h"

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

// Follows a subscription from a known position, skipping what the opening already covered.
class SseStream final : public ResponseStream {
 public:
  // `session`: for /v1/me/events, the stream's own session (user, handle): the stream ends
  // right after delivering the event that ends it.
  SseStream(revocation::Feed& feed, revocation::Opening opening,
            std::optional<std::pair<std::string, std::string>> session)
      : feed_(feed),
        sub_(std::move(opening.live)),
        last_sent_(opening.position),
        session_(std::move(session)) {}
  void SetWaker(std::function<void()> wake) override { sub_->SetWaker(std::move(wake)); }
  std::optional<std::string> Next() override {
    if (sub_->Overflowed() || ended_) return std::nullopt;
    std::string out;
    if (sub_->TakeResync()) {
      revocation::Snapshot snapshot = feed_.TakeSnapshot();
      if (session_) snapshot.json.clear();  // a user's stream carries no one else's state
      last_sent_ = snapshot.seq;
      out += SseResync(snapshot);
    }
    for (const auto& e : sub_->Take()) {
      if (e.seq <= last_sent_) continue;
      last_sent_ = e.seq;
      out += SseEvent(e);
      if (session_ && e.EndsSession(session_->first, session_->second)) {
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
  const std::optional<std::pair<std::string, std::string>> session_;
  bool ended_ = false;
};

Result<std::int64_t> After(const Request& req) {
  std::optional<std::string_view> text = req.Query("after");
  if (!text) text = req.Header("last-event-id");
  if (!text) return std::int64_t{0};
  if (auto n = ParseInteger(*text, 0, std::numeric_limits<std::int64_t>::max())) return *n;
  return InvalidArgument("'after' (or Last-Event-ID) must be a sequence number");
}

// Replays the log after `after` (or a resync snapshot), then streams live events. `session`:
// the user and session of a /v1/me/events stream; unset for the API-key stream.
Result<Response> Open(revocation::Feed& feed, const Request& req,
                      std::optional<std::pair<std::string, std::string>> session) {
  GH_ASSIGN_OR_RETURN(std::int64_t after, After(req));
  GH_ASSIGN_OR_RETURN(revocation::Opening opening,
                      feed.Follow(after, session ? session->first : ""));
  std::string body = "retry: 1000\n\n";
  if (opening.resync) {
    body += SseResync(*opening.resync);
  } else {
    for (const revocation::Event& e : opening.backlog) body += SseEvent(e);
  }
  Response r = TextResponse(200, std::move(body), "text/event-stream");
  r.stream = std::make_shared<SseStream>(feed, std::move(opening), std::move(session));
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
    return Answer([&] { return Open(d->feed, req, std::nullopt); });
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
                 return Open(d->feed, req, std::pair(claims->user_id, claims->session_handle));
               });
               AddCors(req, d->browser, r);  // an EventSource from an allowed origin
               return r;
             },
             {.blocking = true});
}

}  // namespace gatehouse::http
