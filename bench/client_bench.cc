// client_bench: the C++ client library against a running release server, each figure beside its
// ceiling in the same run, rounds interleaved (these machines drift ±30 % between minutes).
//   1. verify of a never-seen token vs the raw Ed25519 check of the same kind of token;
//   2. a repeated token (cache hit plus the revocation check), one thread;
//   3. round robin over 10^3 distinct live tokens vs over all of `tokens file` (10^6), both
//      verified once before (signature cached);
//   4. revoke on the server (another process) → refused by the library: from the DELETE's
//      return until Verify stops answering kValid, p50/p99 over `revocations`.
// Usage: client_bench <port> <api key> <issuer> <tokens file> <revocations>
// Prints one JSON object (scripts/client_bench.py formats it).
#include <gatehouse/client.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tokens/jws.h"
#include "tokens/verify_keys.h"

namespace {

using gatehouse::client::Outcome;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Verifies tokens[from, from + n) (wrapping); answers verifies per second. Aborts on a verdict
// that is not kValid: a benchmark of refusals would measure the wrong thing.
double VerifyRate(const gatehouse::client::Verifier& v, const std::vector<std::string>& tokens,
                  std::size_t from, std::size_t n) {
  const auto start = Clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    if (v.Verify(tokens[(from + i) % tokens.size()]).outcome != Outcome::kValid) {
      std::fprintf(stderr, "client_bench: a benchmark token was not valid\n");
      std::exit(1);
    }
  }
  return static_cast<double>(n) / Seconds(start);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr,
                 "usage: client_bench <port> <api key> <issuer> <tokens file> <revocations>\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const std::string key = argv[2];
  const int revocations = std::atoi(argv[5]);
  std::vector<std::string> tokens;
  {
    std::ifstream in(argv[4]);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) tokens.push_back(line);
    }
  }
  if (tokens.size() < 100'000) {
    std::fprintf(stderr, "client_bench: need at least 100000 tokens\n");
    return 2;
  }
  auto verifier = gatehouse::client::Verifier::Start(
      {.server_url = "http://127.0.0.1:" + std::to_string(port),
       .api_key = key,
       .issuer = argv[3],
       .cache_entries = std::max<std::size_t>(tokens.size() + 10'000, 1 << 20)});
  if (!verifier->WaitReady(std::chrono::seconds(10))) {
    std::fprintf(stderr, "client_bench: the library did not get ready\n");
    return 1;
  }
  gatehouse::testing::HttpClient http(port);
  const std::vector<std::pair<std::string, std::string>> auth{{"Authorization", "Bearer " + key}};
  const auto keys =
      gatehouse::tokens::VerifyKeys::FromJwks(http.Send("GET", "/.well-known/jwks.json").body)
          .value();

  // 1. New tokens: the last 60,000 of the file (never verified yet) against raw Ed25519 checks of
  //    the first ones, in alternating chunks.
  constexpr std::size_t kChunk = 2'000, kChunks = 30;
  std::vector<double> fresh, raw;
  std::size_t next_fresh = tokens.size() - kChunk * kChunks;
  for (std::size_t c = 0; c < kChunks; ++c) {
    const auto start = Clock::now();
    for (std::size_t i = 0; i < kChunk; ++i) {
      auto jws = gatehouse::tokens::ParseJws(tokens[c * kChunk + i]).value();
      if (!keys.Find(jws.kid)->public_key->Verify(jws.signing_input, jws.signature)) return 1;
    }
    raw.push_back(kChunk / Seconds(start));
    fresh.push_back(VerifyRate(*verifier, tokens, next_fresh, kChunk));
    next_fresh += kChunk;
  }

  // 2. One token again and again.
  std::vector<double> repeated;
  const std::vector<std::string> one{tokens[0]};
  for (int r = 0; r < 5; ++r) repeated.push_back(VerifyRate(*verifier, one, 0, 2'000'000));

  // 3. Live sets: every token verified once (cached), then rounds of 10^3 and of the whole set.
  VerifyRate(*verifier, tokens, 0, tokens.size());
  const std::vector<std::string> small(tokens.begin(), tokens.begin() + 1000);
  std::vector<double> at_small, at_large;
  std::size_t large_at = 0;
  for (int r = 0; r < 5; ++r) {
    at_small.push_back(VerifyRate(*verifier, small, 0, 500'000));
    at_large.push_back(VerifyRate(*verifier, tokens, large_at, 500'000));
    large_at += 500'000;
  }

  // 4. Propagation to this process.
  std::vector<double> lags_ms;
  for (int i = 0; i < revocations; ++i) {
    const auto made = gatehouse::testing::Json(
        http.Send("POST", "/v1/sessions", R"({"user_id":"prop-)" + std::to_string(i) + "\"}", auth)
            .body);
    const std::string token = gatehouse::testing::Str(made.at("access_token"), "token");
    const std::string handle = gatehouse::testing::Str(made.at("session"), "handle");
    while (verifier->Verify(token).outcome != Outcome::kValid) {
    }
    if (http.Send("DELETE", "/v1/sessions/" + handle, "", auth).status != 200) return 1;
    const auto returned = Clock::now();
    while (verifier->Verify(token).outcome == Outcome::kValid) {
      if (Seconds(returned) > 5) return 1;
    }
    lags_ms.push_back(Seconds(returned) * 1000);
  }
  std::sort(lags_ms.begin(), lags_ms.end());
  auto pct = [&](double p) {
    return lags_ms[std::min(lags_ms.size() - 1, std::size_t(p * lags_ms.size()))];
  };

  std::printf(
      "{\"tokens\":%zu,\"new_token\":%.0f,\"raw_ed25519\":%.0f,\"repeated\":%.0f,"
      "\"live_small\":%.0f,\"live_large\":%.0f,\"revocations\":%d,\"lag_p50_ms\":%.3f,"
      "\"lag_p99_ms\":%.3f,\"lag_max_ms\":%.3f}\n",
      tokens.size(), Median(fresh), Median(raw), Median(repeated), Median(at_small),
      Median(at_large), revocations, pct(0.5), pct(0.99), lags_ms.back());
  return 0;
}
