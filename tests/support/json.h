#pragma once
// JSON helpers for integration tests.

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

namespace gatehouse::testing {

inline boost::json::value Json(const std::string& text) {
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  return ec ? boost::json::value(nullptr) : v;
}

inline std::string Str(const boost::json::value& v, const char* key) {
  if (!v.is_object()) return "";
  const auto* m = v.as_object().if_contains(key);
  return m != nullptr && m->is_string() ? std::string(m->as_string()) : "";
}

inline std::string Dump(const boost::json::value& v) { return boost::json::serialize(v); }

}  // namespace gatehouse::testing
