#include "http/handlers/feed.h"

#include <boost/json/parse.hpp>
#include <limits>

#include "http/handlers/answer.h"
#include "http/handlers/query.h"

namespace gatehouse::http {
namespace {

namespace bj = boost::json;

Result<Response> Revocations(revocation::Feed& feed, Request& req) {
  GH_ASSIGN_OR_RETURN(std::int64_t after,
                      IntQuery(req, "after", 0, 0, std::numeric_limits<std::int64_t>::max()));
  GH_ASSIGN_OR_RETURN(std::int64_t limit, IntQuery(req, "limit", 1000, 1, 10'000));
  GH_ASSIGN_OR_RETURN(revocation::FeedPage page, feed.Read(after, static_cast<int>(limit)));
  if (page.resync) {
    return JsonResponse(200, bj::object{{"resync", true},
                                        {"snapshot", bj::parse(page.resync->json)},
                                        {"last_seq", page.last_seq}});
  }
  // The events in their one wire encoding, spliced in as they are.
  std::string body = "{\"events\":[";
  for (std::size_t i = 0; i < page.events.size(); ++i) {
    if (i > 0) body += ',';
    body += page.events[i].WireJson();
  }
  body += "],\"last_seq\":" + std::to_string(page.last_seq) + ",\"resync\":false}";
  return TextResponse(200, std::move(body), "application/json");
}

}  // namespace

void AddFeedRoutes(Router& router, revocation::Feed& feed, const ApiAuth& auth) {
  router.Add(Method::kGet, "/v1/revocations", auth.Require([&feed](Request& r) {
    return Answer([&] { return Revocations(feed, r); });
  }),
             {.blocking = true});
}

}  // namespace gatehouse::http
