#pragma once
// JsonBody: the strict reader for request bodies. Checks the media type (415 unless
// application/json), parses strictly (400 on malformed JSON, duplicate members, invalid UTF-8,
// nesting bombs), requires an object and refuses members the endpoint does not know, then hands
// out typed fields with errors that name the field.
//
//   GH_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(request, {"user_id", "device"}));
//   GH_ASSIGN_OR_RETURN(std::string user_id, body.RequiredString("user_id"));
//
// Thread-safety: a plain value.

#include <boost/json/object.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "http/request.h"

namespace gatehouse::http {

class JsonBody {
 public:
  // An empty body reads as {} when `empty_ok`.
  static Result<JsonBody> Parse(const Request& request,
                                std::initializer_list<std::string_view> allowed,
                                bool empty_ok = false);

  // Any members allowed (the body is itself a patch object).
  static Result<JsonBody> ParseAnyObject(const Request& request);

  Result<std::string> RequiredString(std::string_view name, std::size_t max_bytes = 4096) const;
  Result<std::optional<std::string>> OptionalString(std::string_view name,
                                                    std::size_t max_bytes = 4096) const;
  Result<std::optional<boost::json::object>> OptionalObject(std::string_view name) const;
  Result<std::optional<bool>> OptionalBool(std::string_view name) const;
  // An integer in [lo, hi].
  Result<std::int64_t> RequiredInt(std::string_view name, std::int64_t lo, std::int64_t hi) const;
  const boost::json::object& object() const { return object_; }

 private:
  explicit JsonBody(boost::json::object object) : object_(std::move(object)) {}
  boost::json::object object_;
};

// True when the Content-Type header says application/json (parameters such as charset allowed).
bool IsJsonContentType(const Request& request);

}  // namespace gatehouse::http
