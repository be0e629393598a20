// libFuzzer target: the strict JSON parser every request body goes through. A value it accepts
// must serialise and parse again to the same value. Doubles are compared to 1e-14 relative:
// Boost.JSON 1.81 converts long decimals without correct rounding, so "3333...336" (43 digits)
// and its shortest serialisation can come back one ulp apart (the first finding of this target;
// an ulp, not a lost value).
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>

#include "common/json.h"
#include "parsers_fuzz.h"

namespace {

namespace bj = boost::json;

bool Same(const bj::value& a, const bj::value& b) {
  if (a.is_double() || b.is_double()) {
    if (!a.is_number() || !b.is_number()) return false;
    const double x = a.to_number<double>();
    const double y = b.to_number<double>();
    return x == y || std::fabs(x - y) <= 1e-14 * std::fmax(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return a == b;  // int64/uint64 of equal value compare equal
  if (a.is_array()) {
    const auto& x = a.as_array();
    const auto& y = b.as_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!Same(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const auto& x = a.as_object();
    const auto& y = b.as_object();
    if (x.size() != y.size()) return false;
    for (const auto& member : x) {
      const bj::value* other = y.if_contains(member.key());
      if (other == nullptr || !Same(member.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = gatehouse::json::ParseStrict(gatehouse::fuzz::Text(data, size));
  if (!parsed) return 0;
  auto again = gatehouse::json::ParseStrict(bj::serialize(*parsed));
  gatehouse::fuzz::Require(again && Same(*again, *parsed), "ParseStrict round trip");
  return 0;
}
