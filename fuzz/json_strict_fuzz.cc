// libFuzzer target: the strict JSON parser every request body goes through. A value it accepts
// must serialise and parse again to the same value.
#include <boost/json/serialize.hpp>

#include "common/json.h"
#include "parsers_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = gatehouse::json::ParseStrict(gatehouse::fuzz::Text(data, size));
  if (!parsed) return 0;
  auto again = gatehouse::json::ParseStrict(boost::json::serialize(*parsed));
  gatehouse::fuzz::Require(again && *again == *parsed, "ParseStrict round trip");
  return 0;
}
