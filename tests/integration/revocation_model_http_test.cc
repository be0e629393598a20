// The integration variant of the revocation model test (DESIGN.md item 9, verdict (d)): random
// changes through the real server's HTTP API, restarts on the same data directory included, while
// a verifier in this process builds its revocation state only from the SSE stream
// (/v1/revocations/stream, resumed with Last-Event-ID, resync snapshots loaded). After every step,
// once the stream has reached the log's head, for every token issued so far: the server's `local`
// verify and the stream-fed state give the same verdict. The seed is printed with any failure;
// GATEHOUSE_MODEL_SEED repeats a run.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "crypto/base64url.h"
#include "revocation/event.h"
#include "revocation/revocation_state.h"
#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"
#include "tests/support/sse_client.h"
#include "tests/support/verdict.h"

namespace gatehouse::testing {
namespace {

using std::chrono::seconds;

const std::map<std::string, std::string> kSettings = {{"MAX_SESSIONS_PER_USER", "3"},
                                                      {"REFRESH_GRACE", "1s"}};
constexpr Millis kLifetime = std::chrono::minutes(10) + seconds(5);  // the defaults

struct Token {
  std::string text;
  std::string kid;
  // The server's stateless verdict (signature, expiry, key): it changes only when keys do.
  std::optional<HttpResponse> stateless;
};

class HttpModel {
 public:
  explicit HttpModel(std::uint64_t seed) : seed_(seed), rng_(seed) {
    first_ = std::make_unique<ServerProcess>(kSettings);
    Connect(*first_);
    Call("PUT", "/v1/roles/reader", R"({"permissions":["doc:read"]})");
  }
  ~HttpModel() {
    sse_.reset();
    current_.reset();
  }

  std::string Step() {
    const int op = Pick(100);
    if (op < 22) return Create();
    if (op < 42) return Refresh();
    if (op < 52) return Revoke();
    if (op < 60) return RevokeAll();
    if (op < 66) return Ban();
    if (op < 72) return Unban();
    if (op < 80) return GrantOrRemove();
    if (op < 86) return Payload();
    if (op < 90) return RotateKey();
    if (op < 94) return Restart();
    return "nothing";
  }

  // Brings the stream-fed state up to the log's head, then compares every token's verdicts.
  void Check(const std::string& step, int n) {
    const std::int64_t head =
        Json(Call("GET", "/v1/revocations?after=999999999").body).at("last_seq").as_int64();
    if (position_ < head) {
      const auto records = sse_->WaitForId(head, seconds(20));
      for (std::size_t i = applied_records_; i < records.size(); ++i) Apply(records[i]);
      applied_records_ = records.size();
      ASSERT_GE(position_, head) << "seed " << seed_ << ": the stream never reached " << head;
    }
    for (Token& t : tokens_) {
      const HttpResponse local = Verify(t.text, "local");
      const std::string server = local.status == 200 ? "ok" : Str(Json(local.body), "error");
      const std::string from_stream = StreamVerdict(t);
      ++verdicts_[server];
      if (server != from_stream) {
        ADD_FAILURE() << "seed " << seed_ << ", after step " << n << " (" << step << "): server "
                      << server << ", stream-fed state " << from_stream;
        return;
      }
    }
  }

  const std::map<std::string, int>& verdicts() const { return verdicts_; }
  int resyncs() const { return resyncs_; }
  int restarts() const { return restarts_; }

 private:
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  std::string AnyUser() { return "user-" + std::to_string(Pick(3)); }

  void Connect(const ServerProcess& server) {
    client_ = std::make_unique<HttpClient>(server.port());
    std::vector<std::pair<std::string, std::string>> headers = server.Auth();
    if (position_ > 0) headers.emplace_back("Last-Event-ID", std::to_string(position_));
    sse_ = std::make_unique<SseClient>(server.port(), "/v1/revocations/stream", headers);
    applied_records_ = 0;
    api_ = server.Auth();
  }
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "") {
    return client_->Send(method, target, body, api_);
  }
  HttpResponse Verify(const std::string& token, const std::string& mode) {
    return Call("POST", "/v1/sessions/verify",
                R"({"access_token":")" + token + R"(","mode":")" + mode + "\"}");
  }

  void Apply(const SseClient::Record& r) {
    if (r.event == "resync") {
      const boost::json::value data = Json(r.data);
      ASSERT_TRUE(state_.LoadSnapshot(Dump(data.at("snapshot"))));
      ++resyncs_;
    } else {
      Result<revocation::Event> e = revocation::Event::FromWire(r.data);
      ASSERT_TRUE(e) << r.data;
      ASSERT_EQ(e->seq, position_ + 1) << "a gap in the stream";
      state_.Apply(*e);
    }
    position_ = r.id;
  }

  // Signature and expiry from the server's stateless verify; the rest from the stream's state.
  std::string StreamVerdict(Token& t) {
    if (!t.stateless) t.stateless = Verify(t.text, "stateless");
    const HttpResponse& stateless = *t.stateless;
    if (stateless.status != 200) return Str(Json(stateless.body), "error");
    const boost::json::value claims = Json(stateless.body).at("claims");
    return VerdictCode(state_.Check({.user_id = Str(claims, "sub"),
                                     .session_handle = Str(claims, "sid"),
                                     .version = claims.at("ver").as_int64(),
                                     .key_id = t.kid}));
  }

  void Track(const HttpResponse& r) {
    if (r.status != 200 && r.status != 201) return;
    const boost::json::value v = Json(r.body);
    const std::string token = Str(v.at("access_token"), "token");
    const std::string header = token.substr(0, token.find('.'));
    Result<std::string> decoded = crypto::Base64UrlDecode(header);
    ASSERT_TRUE(decoded);
    tokens_.push_back({token, Str(Json(*decoded), "kid")});
    refresh_.push_back(Str(v.at("refresh_token"), "token"));
    handles_.push_back(Str(v.at("session"), "handle"));
  }

  std::string Create() {
    Track(Call("POST", "/v1/sessions", R"({"user_id":")" + AnyUser() + "\"}"));
    return "create";
  }
  std::string Refresh() {
    if (refresh_.empty()) return "refresh (none)";
    const int n = static_cast<int>(refresh_.size());
    int i = n - 1 - Pick(std::min(n, 3));
    if (Pick(4) == 0) i = Pick(n);  // a replay of an old token: theft
    Track(Call("POST", "/v1/sessions/refresh",
               R"({"refresh_token":")" + refresh_[static_cast<std::size_t>(i)] + "\"}"));
    return "refresh";
  }
  std::string Revoke() {
    if (handles_.empty()) return "revoke (none)";
    Call("DELETE", "/v1/sessions/" +
                       handles_[static_cast<std::size_t>(Pick(static_cast<int>(handles_.size())))]);
    return "revoke";
  }
  std::string RevokeAll() {
    std::string target = "/v1/users/" + AnyUser() + "/sessions";
    if (Pick(2) == 0 && !handles_.empty()) target += "?except=" + handles_.back();
    Call("DELETE", target);
    return "revoke-all";
  }
  std::string Ban() {
    Call("POST", "/v1/users/" + AnyUser() + "/ban", "{}");
    return "ban";
  }
  std::string Unban() {
    Call("DELETE", "/v1/users/" + AnyUser() + "/ban");
    return "unban";
  }
  std::string GrantOrRemove() {
    Call(Pick(2) == 0 ? "PUT" : "DELETE", "/v1/users/" + AnyUser() + "/roles/reader");
    return "role";
  }
  std::string Payload() {
    Call("PATCH", "/v1/users/" + AnyUser() + "/access-payload",
         R"({"plan":)" + std::to_string(Pick(3)) + "}");
    return "payload";
  }
  std::string RotateKey() {
    Call("POST", "/v1/keys/rotate", Pick(2) == 0 ? R"({"revoke_previous":true})" : "{}");
    for (Token& t : tokens_) t.stateless.reset();
    return "key";
  }
  std::string Restart() {
    sse_.reset();
    client_.reset();
    if (current_) current_->Stop();
    first_->Stop();
    current_ = std::make_unique<ServerProcess>(kSettings, first_->data_dir());
    Connect(*current_);
    ++restarts_;
    return "restart";
  }

  const std::uint64_t seed_;
  std::mt19937_64 rng_;
  std::unique_ptr<ServerProcess> first_;    // owns the data directory
  std::unique_ptr<ServerProcess> current_;  // a restarted server on it
  std::unique_ptr<HttpClient> client_;
  std::unique_ptr<SseClient> sse_;
  std::vector<std::pair<std::string, std::string>> api_;
  revocation::RevocationState state_{kLifetime};
  std::int64_t position_ = 0;
  std::size_t applied_records_ = 0;
  std::vector<Token> tokens_;
  std::vector<std::string> refresh_, handles_;
  std::map<std::string, int> verdicts_;
  int resyncs_ = 0;
  int restarts_ = 0;
};

TEST(RevocationModelHttp, StreamFedStateAgreesWithTheServer) {
  const char* env = std::getenv("GATEHOUSE_MODEL_SEED");
  const std::uint64_t seed = env != nullptr ? std::strtoull(env, nullptr, 10) : 77;
  SCOPED_TRACE("seed " + std::to_string(seed));
  HttpModel model(seed);
  for (int i = 0; i < 300 && !::testing::Test::HasFailure(); ++i) {
    const std::string step = model.Step();
    model.Check(step, i);
  }
  for (const char* verdict : {"ok", "unauthorised", "try_refresh_token"}) {
    EXPECT_GT(model.verdicts().count(verdict) ? model.verdicts().at(verdict) : 0, 10) << verdict;
  }
  EXPECT_GT(model.restarts(), 0);
}

}  // namespace
}  // namespace gatehouse::testing
