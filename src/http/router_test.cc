#include "http/router.h"

#include <gtest/gtest.h>

namespace gatehouse::http {
namespace {

Handler Named(const std::string& name) {
  return [name](Request&) { return TextResponse(200, name); };
}

Request Make(Method method, std::string target) {
  Request request;
  request.method = method;
  request.target = std::move(target);
  std::map<std::string, std::string> ignored;
  EXPECT_TRUE(ParseTarget(request.target, request.path, ignored));
  return request;
}

std::string Answer(const Router::Match& match, Request& request) {
  if (match.route == nullptr) return "status " + std::to_string(match.status);
  return match.route->handler(request).body;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.Add(Method::kGet, "/", Named("root"));
    router_.Add(Method::kGet, "/v1/users/{id}", Named("get user"));
    router_.Add(Method::kGet, "/v1/users/search", Named("search"));
    router_.Add(Method::kDelete, "/v1/users/{id}", Named("delete user"));
    router_.Add(Method::kPut, "/v1/users/{id}/roles/{role}", Named("grant"));
    router_.Add(Method::kPost, "/v1/sessions/verify", Named("verify"), {.blocking = false});
    router_.Add(Method::kGet, "/v1/sessions/{handle}", Named("get session"), {.blocking = true});
  }
  std::string Find(Method method, std::string target) {
    Request request = Make(method, std::move(target));
    return Answer(router_.Find(request), request);
  }

  Router router_;
};

TEST_F(RouterTest, MatchesLiteralRoutes) {
  EXPECT_EQ(Find(Method::kGet, "/"), "root");
  EXPECT_EQ(Find(Method::kPost, "/v1/sessions/verify?x=1"), "verify");
}

TEST_F(RouterTest, FillsParams) {
  Request request = Make(Method::kPut, "/v1/users/u%2F1/roles/admin");
  Router::Match match = router_.Find(request);
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/v1/users/{id}/roles/{role}");
  EXPECT_EQ(request.route, "/v1/users/{id}/roles/{role}");
  EXPECT_EQ(request.Param("id"), "u/1");  // an escaped slash stays inside its segment
  EXPECT_EQ(request.Param("role"), "admin");
}

TEST_F(RouterTest, LiteralBeatsPlaceholderWhateverTheOrder) {
  EXPECT_EQ(Find(Method::kGet, "/v1/users/search"), "search");
  EXPECT_EQ(Find(Method::kGet, "/v1/users/u1"), "get user");
  Router reversed;
  reversed.Add(Method::kGet, "/v1/users/search", Named("search"));
  reversed.Add(Method::kGet, "/v1/users/{id}", Named("get user"));
  Request request = Make(Method::kGet, "/v1/users/search");
  EXPECT_EQ(Answer(reversed.Find(request), request), "search");
}

TEST_F(RouterTest, PlaceholderServesOtherMethodsOfALiteralPath) {
  EXPECT_EQ(Find(Method::kDelete, "/v1/users/search"), "delete user");
}

TEST_F(RouterTest, UnknownPathIs404) {
  EXPECT_EQ(Find(Method::kGet, "/v1/nope"), "status 404");
  EXPECT_EQ(Find(Method::kGet, "/v1/users"), "status 404");
  EXPECT_EQ(Find(Method::kGet, "/v1/users/"), "status 404");  // placeholders are non-empty
  EXPECT_EQ(Find(Method::kGet, "/v1/users/u1/"), "status 404");
  EXPECT_EQ(Find(Method::kGet, "/v1//u1"), "status 404");
}

TEST_F(RouterTest, KnownPathWithOtherMethodIs405WithAllowed) {
  Request request = Make(Method::kPost, "/v1/users/u1");
  Router::Match match = router_.Find(request);
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.status, 405);
  EXPECT_EQ(match.allowed, (std::vector<Method>{Method::kGet, Method::kDelete}));
  EXPECT_EQ(request.route, "");
}

TEST_F(RouterTest, HeadIsNotGet) {
  Request request = Make(Method::kHead, "/");
  Router::Match match = router_.Find(request);
  EXPECT_EQ(match.status, 405);
  EXPECT_EQ(match.allowed, std::vector<Method>{Method::kGet});
}

TEST_F(RouterTest, KeepsRouteOptions) {
  Request request = Make(Method::kGet, "/v1/sessions/h1");
  Router::Match match = router_.Find(request);
  ASSERT_NE(match.route, nullptr);
  EXPECT_TRUE(match.route->options.blocking);
  EXPECT_EQ(request.Param("handle"), "h1");
}

TEST(RouterWithoutTargetTest, MatchesOnPathOfAHandBuiltRequest) {
  Router router;
  router.Add(Method::kGet, "/v1/users/{id}", Named("get user"));
  Request request;
  request.path = "/v1/users/a b";
  Router::Match match = router.Find(request);
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(request.Param("id"), "a b");
}

}  // namespace
}  // namespace gatehouse::http
