#include "http/handlers/feed.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <charconv>

#include "http/handlers/answer.h"

namespace gatehouse::http {
namespace {

namespace bj = boost::json;

Result<std::int64_t> IntQuery(const Request& req, std::string_view name, std::int64_t fallback,
                              std::int64_t lo, std::int64_t hi) {
  const auto text = req.Query(name);
  if (!text) return fallback;
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size() || n < lo || n > hi) {
    return InvalidArgument("'" + std::string(name) + "' must be an integer from " +
                           std::to_string(lo) + " to " + std::to_string(hi));
  }
  return n;
}

Result<Response> Revocations(store::Store& store, const revocation::RevocationState& state,
                             Request& req) {
  GH_ASSIGN_OR_RETURN(std::int64_t after, IntQuery(req, "after", 0, 0, INT64_MAX));
  GH_ASSIGN_OR_RETURN(std::int64_t limit, IntQuery(req, "limit", 1000, 1, 10'000));
  GH_ASSIGN_OR_RETURN(std::int64_t last, store.LastEventSeq());
  GH_ASSIGN_OR_RETURN(std::int64_t first, store.FirstEventSeq());
  if (after + 1 < first) {
    return JsonResponse(200, bj::object{{"resync", true},
                                        {"snapshot", bj::parse(state.SnapshotJson())},
                                        {"last_seq", last}});
  }
  GH_ASSIGN_OR_RETURN(auto records, store.ReadEvents(after, static_cast<int>(limit)));
  bj::array events;
  for (const auto& r : records) {
    bj::object e{{"seq", r.seq}, {"type", r.type}, {"at", r.at}};
    bj::error_code ec;
    bj::value fields = bj::parse(r.payload, ec);
    if (!ec && fields.is_object()) {
      for (const auto& [k, v] : fields.as_object()) e[k] = v;
    }
    events.push_back(std::move(e));
  }
  return JsonResponse(
      200, bj::object{{"events", std::move(events)}, {"last_seq", last}, {"resync", false}});
}

}  // namespace

void AddFeedRoutes(Router& router, store::Store& store, const revocation::RevocationState& state,
                   const ApiAuth& auth) {
  router.Add(Method::kGet, "/v1/revocations", auth.Require([&store, &state](Request& r) {
    return Answer([&] { return Revocations(store, state, r); });
  }),
             {.blocking = true});
}

}  // namespace gatehouse::http
