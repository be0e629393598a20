// libFuzzer target for the JWT decoder: ParseJws plus full access-token verification against a
// fixed key ring. Any crash, sanitizer report or accepted forgery is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/fake_clock.h"
#include "tokens/access_token.h"
#include "tokens/jws.h"

namespace {

struct Fixture {
  gatehouse::FakeClock clock;
  gatehouse::SeededRandom random{99};
  gatehouse::tokens::KeyRing ring{{}};
  gatehouse::tokens::VerifierOptions options{.issuer = "https://fuzz.test"};
  gatehouse::tokens::VerifyKeys keys;
  Fixture() {
    (void)ring.Rotate(clock.Now(), random).value();
    keys = ring.VerifyKeys();
  }
};

Fixture& GetFixture() {
  static Fixture* fixture = new Fixture();
  return *fixture;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  Fixture& f = GetFixture();
  (void)gatehouse::tokens::ParseJws(token);
  auto verified = gatehouse::tokens::VerifyAccessToken(token, f.keys, f.options, f.clock.Now());
  // The fuzzer cannot produce a valid Ed25519 signature: anything accepted is a forgery.
  if (verified) std::abort();
  return 0;
}
