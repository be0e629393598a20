#include "http/handlers/feed_stream.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "http/handlers/answer.h"

namespace gatehouse::http {
namespace {

// Follows a subscription, skipping what the replay already sent.
class SseStream final : public ResponseStream {
 public:
  SseStream(std::shared_ptr<revocation::Subscription> sub, std::int64_t last_sent)
      : sub_(std::move(sub)), last_sent_(last_sent) {}
  void SetWaker(std::function<void()> wake) override { sub_->SetWaker(std::move(wake)); }
  std::optional<std::string> Next() override {
    if (sub_->Overflowed()) return std::nullopt;
    std::string out;
    for (const auto& e : sub_->Take()) {
      if (e.seq <= last_sent_) continue;
      last_sent_ = e.seq;
      out += SseEvent(e);
    }
    return out;
  }

 private:
  std::shared_ptr<revocation::Subscription> sub_;
  std::int64_t last_sent_;  // only touched on the connection's strand
};

Result<std::int64_t> After(const Request& req) {
  std::optional<std::string_view> text = req.Query("after");
  if (!text) text = req.Header("last-event-id");
  if (!text) return std::int64_t{0};
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size() || n < 0) {
    return InvalidArgument("'after' (or Last-Event-ID) must be a sequence number");
  }
  return n;
}

bool ForUser(const revocation::Event& e, const std::string& user) {
  if (user.empty()) return true;
  const auto* u = e.fields.if_contains("user_id");
  return u != nullptr && u->is_string() && u->as_string() == user;
}

// Subscribes, replays the log after `after` (or a resync snapshot), and returns the stream.
Result<Response> Open(FeedStreamDeps& d, const Request& req, const std::string& user) {
  GH_ASSIGN_OR_RETURN(std::int64_t after, After(req));
  auto sub = d.bus.Subscribe(user);  // first, so nothing published meanwhile is missed
  GH_ASSIGN_OR_RETURN(std::int64_t first, d.store.FirstEventSeq());
  std::string body = "retry: 1000\n\n";
  std::int64_t last_sent = after;
  if (after + 1 < first) {
    GH_ASSIGN_OR_RETURN(std::int64_t last, d.store.LastEventSeq());
    boost::json::object resync{{"last_seq", last}};
    if (user.empty()) resync["snapshot"] = boost::json::parse(d.state.SnapshotJson());
    body += "id: " + std::to_string(last) +
            "\nevent: resync\ndata: " + boost::json::serialize(resync) + "\n\n";
    last_sent = last;
  } else {
    while (true) {
      GH_ASSIGN_OR_RETURN(auto page, d.store.ReadEvents(last_sent, 1000));
      if (page.empty()) break;
      for (const auto& r : page) {
        last_sent = r.seq;
        GH_ASSIGN_OR_RETURN(revocation::Event e,
                            revocation::Event::FromStored(r.seq, r.type, r.at, r.payload));
        if (ForUser(e, user)) body += SseEvent(e);
      }
    }
  }
  Response r = TextResponse(200, std::move(body), "text/event-stream");
  r.stream = std::make_shared<SseStream>(std::move(sub), last_sent);
  return r;
}

}  // namespace

std::string SseEvent(const revocation::Event& event) {
  return "id: " + std::to_string(event.seq) + "\nevent: " + event.type +
         "\ndata: " + event.WireJson() + "\n\n";
}

void AddFeedStreamRoutes(Router& router, FeedStreamDeps deps, const ApiAuth& auth) {
  auto d = std::make_shared<FeedStreamDeps>(deps);
  router.Add(Method::kGet, "/v1/revocations/stream",
             auth.Require([d](Request& req) { return Answer([&] { return Open(*d, req, ""); }); }),
             {.blocking = true});
  router.Add(Method::kGet, "/v1/me/events",
             [d](Request& req) {
               return Answer([&]() -> Result<Response> {
                 std::optional<std::string> token = CookieValue(req, d->browser.AccessCookie());
                 if (!token) {
                   if (auto bearer = BearerToken(req)) token = std::string(*bearer);
                 }
                 if (!token) return Unauthenticated("sign in first");
                 GH_ASSIGN_OR_RETURN(auto claims,
                                     d->sessions.Verify(*token, sessions::VerifyMode::kLocal));
                 return Open(*d, req, claims->user_id);
               });
             },
             {.blocking = true});
}

}  // namespace gatehouse::http
