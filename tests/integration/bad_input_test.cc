// Bad input, table-driven: malformed, truncated, oversized and wrongly-typed bodies and tokens
// sent to every session endpoint. Each gets the right status and a JSON error with a stable
// code, and the server keeps serving.
#include <gtest/gtest.h>

#include <tuple>

#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"

namespace gatehouse::testing {
namespace {

struct Case {
  std::string name;
  std::string method;
  std::string target;
  std::string body;
  int status;
  std::string error;
  std::string content_type = "application/json";
};

class BadInput : public ::testing::Test {
 protected:
  BadInput() : client_(server_.port()) {
    HttpResponse r =
        client_.Send("POST", "/v1/sessions", R"({"user_id":"victim"})", server_.Auth());
    session_ = Json(r.body);
  }
  std::string Handle() { return Str(session_.at("session"), "handle"); }

  void Run(const std::vector<Case>& cases) {
    for (const Case& c : cases) {
      auto headers = server_.Auth();
      headers.emplace_back("Content-Type", c.content_type);
      HttpResponse r = client_.Send(c.method, c.target, c.body, headers);
      EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body.substr(0, 200);
      auto body = Json(r.body);
      EXPECT_EQ(Str(body, "error"), c.error) << c.name;
      EXPECT_FALSE(Str(body, "message").empty()) << c.name;
      EXPECT_EQ(r.Header("content-type").value_or(""), "application/json") << c.name;
      HttpClient probe(server_.port());
      ASSERT_EQ(probe.Send("GET", "/healthz").status, 200) << "server died after " << c.name;
    }
  }

  ServerProcess server_;
  HttpClient client_;
  boost::json::value session_;
};

std::vector<Case> BodyCases(const std::string& method, const std::string& target) {
  const std::string big(70 * 1024, 'a');
  return {
      {"malformed", method, target, "{\"user_id\":", 400, "bad_request"},
      {"not json", method, target, "user_id=x", 400, "bad_request"},
      {"truncated", method, target, R"({"user_id":"u","acc)", 400, "bad_request"},
      {"array", method, target, "[1,2]", 400, "bad_request"},
      {"string", method, target, "\"x\"", 400, "bad_request"},
      {"duplicate members", method, target, R"({"a":1,"a":2})", 400, "bad_request"},
      {"invalid utf-8", method, target, "{\"user_id\":\"\xff\xfe\"}", 400, "bad_request"},
      {"nesting bomb", method, target, std::string(5000, '[') + std::string(5000, ']'), 400,
       "bad_request"},
      {"oversized", method, target, "{\"user_id\":\"" + big + "\"}", 413, "payload_too_large"},
      {"text/plain", method, target, "{}", 415, "unsupported_media_type", "text/plain"},
      {"form", method, target, "a=b", 415, "unsupported_media_type",
       "application/x-www-form-urlencoded"},
      {"unknown field", method, target, R"({"nonsense":1})", 400, "bad_request"},
  };
}

TEST_F(BadInput, CreateSession) {
  auto cases = BodyCases("POST", "/v1/sessions");
  const std::string t = "/v1/sessions";
  cases.push_back({"missing user_id", "POST", t, "{}", 400, "bad_request"});
  cases.push_back({"user_id number", "POST", t, R"({"user_id":5})", 400, "bad_request"});
  cases.push_back({"user_id empty", "POST", t, R"({"user_id":""})", 400, "bad_request"});
  cases.push_back({"user_id 257 bytes", "POST", t,
                   R"({"user_id":")" + std::string(257, 'u') + "\"}", 400, "bad_request"});
  cases.push_back(
      {"payload array", "POST", t, R"({"user_id":"u","access_payload":[]})", 400, "bad_request"});
  cases.push_back({"reserved claim", "POST", t,
                   R"({"user_id":"u","access_payload":{"roles":["admin"]}})", 400, "bad_request"});
  cases.push_back(
      {"device number", "POST", t, R"({"user_id":"u","device":{"ip":7}})", 400, "bad_request"});
  cases.push_back(
      {"device extra", "POST", t, R"({"user_id":"u","device":{"os":"x"}})", 400, "bad_request"});
  Run(cases);
}

TEST_F(BadInput, VerifyBodiesAndTokens) {
  auto cases = BodyCases("POST", "/v1/sessions/verify");
  const std::string t = "/v1/sessions/verify";
  const std::string at = Str(session_.at("access_token"), "token");
  cases.push_back({"no token", "POST", t, "{}", 400, "bad_request"});
  cases.push_back({"token number", "POST", t, R"({"access_token":1})", 400, "bad_request"});
  cases.push_back(
      {"bad mode", "POST", t, R"({"access_token":"x","mode":"lax"})", 400, "bad_request"});
  cases.push_back(
      {"mode number", "POST", t, R"({"access_token":"x","mode":1})", 400, "bad_request"});
  for (const std::string& token :
       {std::string("garbage"), std::string("a.b.c"), std::string("a.b.c.d.e"), at + "x",
        at.substr(0, at.size() / 2), std::string(9000, 'a'), at.substr(0, at.rfind('.')) + ".",
        std::string("eyJhbGciOiJub25lIn0.e30.")}) {
    for (const char* mode : {"stateless", "local", "strict"}) {
      cases.push_back({"token " + token.substr(0, 12) + " " + mode, "POST", t,
                       R"({"access_token":")" + token + R"(","mode":")" + mode + "\"}", 401,
                       "unauthorised"});
    }
  }
  Run(cases);
}

TEST_F(BadInput, RefreshBodiesAndTokens) {
  auto cases = BodyCases("POST", "/v1/sessions/refresh");
  const std::string t = "/v1/sessions/refresh";
  cases.push_back({"no token", "POST", t, "{}", 400, "bad_request"});
  cases.push_back({"token object", "POST", t, R"({"refresh_token":{}})", 400, "bad_request"});
  cases.push_back({"empty token", "POST", t, R"({"refresh_token":""})", 401, "unauthorised"});
  cases.push_back({"unknown token", "POST", t, R"({"refresh_token":"nope"})", 401, "unauthorised"});
  cases.push_back({"access token as refresh", "POST", t,
                   R"({"refresh_token":")" + Str(session_.at("access_token"), "token") + "\"}", 401,
                   "unauthorised"});
  Run(cases);
}

TEST_F(BadInput, PatchSession) {
  const std::string t = "/v1/sessions/" + Handle();
  auto cases = BodyCases("PATCH", t);
  cases.push_back({"data string", "PATCH", t, R"({"session_data":"x"})", 400, "bad_request"});
  cases.push_back(
      {"payload reserved", "PATCH", t, R"({"access_payload":{"iat":1}})", 400, "bad_request"});
  cases.push_back({"unknown session", "PATCH", "/v1/sessions/nope", R"({"session_data":{}})", 404,
                   "not_found"});
  Run(cases);
  // Nothing above changed the session.
  HttpResponse got = client_.Send("GET", t, "", server_.Auth());
  EXPECT_EQ(Dump(Json(got.body).at("session").at("session_data")), "{}");
}

TEST_F(BadInput, PatchUserAccessPayload) {
  const std::string t = "/v1/users/victim/access-payload";
  std::vector<Case> cases = BodyCases("PATCH", t);
  cases.erase(cases.end() - 1);  // any member is allowed here: the body is the patch
  cases.push_back({"reserved", "PATCH", t, R"({"sub":"root"})", 400, "bad_request"});
  Run(cases);
}

TEST_F(BadInput, RoutesMethodsAndRawGarbage) {
  Run({{"unknown route", "GET", "/v1/nothing", "", 404, "not_found"},
       {"unknown nested", "GET", "/v1/sessions/a/b", "", 404, "not_found"},
       {"wrong method", "PUT", "/v1/sessions", "{}", 405, "method_not_allowed"},
       {"wrong method 2", "POST", "/healthz", "{}", 405, "method_not_allowed"},
       {"bad escape", "GET", "/v1/sessions/%zz", "", 400, "bad_request"}});
  // Every complete request, however malformed, gets a JSON error: the connection closes without
  // an answer only when a client stalls past the read timeout (server_test covers that).
  const std::vector<std::tuple<std::string, int, std::string>> raw_inputs = {
      {"GARBAGE\r\n\r\n", 400, "bad_request"},
      {"GET / HTTP/9.9\r\n\r\n", 400, "bad_request"},
      {"POST /v1/sessions HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400, "bad_request"},
      {"GET /healthz HTTP/1.1\r\nX: " + std::string(10000, 'h') + "\r\n\r\n", 431,
       "request_header_fields_too_large"}};
  for (const auto& [raw, status, error] : raw_inputs) {
    HttpClient raw_client(server_.port());
    HttpResponse r = raw_client.SendRaw(raw);
    EXPECT_EQ(r.status, status) << raw.substr(0, 40);
    EXPECT_EQ(Str(Json(r.body), "error"), error) << raw.substr(0, 40);
  }
  HttpClient probe(server_.port());
  EXPECT_EQ(probe.Send("GET", "/healthz").status, 200);
}

}  // namespace
}  // namespace gatehouse::testing
