#include "common/json.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>
#include <cmath>
#include <string>
#include <vector>

namespace gatehouse::json {
namespace {

namespace bj = boost::json;

// A basic_parser handler that builds a value with a value_stack, remembering the member names of
// every open object so that a repeated name stops the parse.
class StrictHandler {
 public:
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  // The parse works in this buffer first, so small documents (JWT parts) avoid heap churn.
  alignas(std::max_align_t) unsigned char temp[2048];
  bj::value_stack stack{bj::storage_ptr(), temp, sizeof temp};
  bool duplicate = false;
  bool out_of_range = false;

  bool on_document_begin(bj::error_code&) {
    stack.reset(bj::storage_ptr());
    return true;
  }
  bool on_document_end(bj::error_code&) { return true; }
  bool on_array_begin(bj::error_code&) { return true; }
  bool on_array_end(std::size_t n, bj::error_code&) {
    stack.push_array(n);
    return true;
  }
  bool on_object_begin(bj::error_code&) {
    object_starts_.push_back(keys_.size());
    return true;
  }
  bool on_object_end(std::size_t n, bj::error_code&) {
    keys_.resize(object_starts_.back());
    object_starts_.pop_back();
    stack.push_object(n);
    return true;
  }
  bool on_string_part(bj::string_view s, std::size_t, bj::error_code&) {
    stack.push_chars(s);
    return true;
  }
  bool on_string(bj::string_view s, std::size_t, bj::error_code&) {
    stack.push_string(s);
    return true;
  }
  bool on_key_part(bj::string_view s, std::size_t, bj::error_code&) {
    stack.push_chars(s);
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(bj::string_view s, std::size_t, bj::error_code& ec) {
    key_.append(s.data(), s.size());
    // Objects are small: a linear scan over this object's names beats hashing them.
    for (std::size_t i = object_starts_.back(); i < keys_.size(); ++i) {
      if (keys_[i] == key_) {
        duplicate = true;
        ec = bj::error::syntax;
        return false;
      }
    }
    keys_.push_back(key_);
    key_.clear();
    stack.push_key(s);
    return true;
  }
  bool on_number_part(bj::string_view, bj::error_code&) { return true; }
  bool on_int64(std::int64_t i, bj::string_view, bj::error_code&) {
    stack.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, bj::string_view, bj::error_code&) {
    stack.push_uint64(u);
    return true;
  }
  bool on_double(double d, bj::string_view, bj::error_code& ec) {
    if (!std::isfinite(d)) {  // 1e309: no JSON text could carry it back out
      out_of_range = true;
      ec = bj::error::syntax;
      return false;
    }
    stack.push_double(d);
    return true;
  }
  bool on_bool(bool b, bj::error_code&) {
    stack.push_bool(b);
    return true;
  }
  bool on_null(bj::error_code&) {
    stack.push_null();
    return true;
  }
  bool on_comment_part(bj::string_view, bj::error_code&) { return true; }
  bool on_comment(bj::string_view, bj::error_code&) { return true; }

 private:
  std::vector<std::string> keys_;           // names of every open object, innermost last
  std::vector<std::size_t> object_starts_;  // where each open object's names begin in keys_
  std::string key_;
};

}  // namespace

Result<bj::value> ParseStrict(std::string_view text, std::size_t max_depth) {
  bj::parse_options options;
  options.max_depth = max_depth;
  bj::basic_parser<StrictHandler> parser(options);
  bj::error_code ec;
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (parser.handler().duplicate) {
    return InvalidArgument("JSON has a duplicate object member");
  }
  if (parser.handler().out_of_range) {
    return InvalidArgument("JSON has a number too large for a double");
  }
  if (ec == bj::error::too_deep) {
    return InvalidArgument("JSON is nested too deeply");
  }
  if (ec || used != text.size() || !parser.done()) {
    return InvalidArgument("malformed JSON");
  }
  return parser.handler().stack.release();
}

}  // namespace gatehouse::json
