#pragma once
// ApiAuth: who may call the backend API. Today: `Authorization: Bearer <api key>` against the
// configured keys, compared in constant time. (A browser session holding `gatehouse:admin` joins
// with the identity issue.)
//
//   router.Add(Method::kPost, "/v1/sessions", auth.Require(CreateSession), {.blocking = true});
//
// Thread-safety: immutable after construction.

#include <string>
#include <vector>

#include "http/router.h"

namespace gatehouse::http {

class ApiAuth {
 public:
  explicit ApiAuth(std::vector<std::string> api_keys);

  // True when the request carries one of the keys.
  bool Allows(const Request& request) const;
  // Wraps a handler: without a valid key the answer is 401 `unauthorised`.
  Handler Require(Handler handler) const;

 private:
  std::vector<std::string> keys_;
};

// The bearer credential of an Authorization header, if any.
std::optional<std::string_view> BearerToken(const Request& request);

}  // namespace gatehouse::http
