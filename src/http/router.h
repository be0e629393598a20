#pragma once
// Router: maps (method, path) to a handler. Patterns are literal segments and `{name}`
// placeholders ("/v1/sessions/{handle}"); a placeholder matches one non-empty segment and lands in
// Request::params. An unknown path is 404 `not_found`; a known path with another method is 405.
// Segments are split on the raw target and then percent-decoded, so "a%2Fb" is one segment.
// When several routes of the request's method match, the one with the most literal segments
// wins ("/v1/users/search" over "/v1/users/{id}"); on a tie, the one added first. HEAD is not
// GET: a route answers only its own method.
//
// Routes marked `blocking` may touch the store: the server runs them on the worker pool, never on
// an io thread. Others (health, JWKS, local verify) run inline on the io thread.
//
// Ownership: owns the handlers. Thread-safety: build it once, then Match() is safe concurrently.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace gatehouse::http {

using Handler = std::function<Response(Request&)>;

struct RouteOptions {
  bool blocking = false;  // runs on the worker pool
  // When set, decides per request (e.g. verify runs inline unless it asks for `strict`).
  std::function<bool(const Request&)> blocking_if;
  // Part of the native API, so described in docs/openapi.json (the SuperTokens face's routes are
  // described by SuperTokens' own specification instead).
  bool native = true;
};

struct Route {
  Method method;
  std::string pattern;
  Handler handler;
  RouteOptions options;
};

class Router {
 public:
  void Add(Method method, std::string pattern, Handler handler, RouteOptions options = {});

  struct Match {
    const Route* route = nullptr;  // null: see status
    int status = 200;              // 404 or 405 when route is null
    std::vector<Method> allowed;   // for 405's Allow header
  };
  // Fills request.params on success.
  Match Find(Request& request) const;

  const std::vector<Route>& routes() const { return routes_; }

  // Told of every request no route matched, before its 404 or 405 goes back (e.g. to log the
  // calls a face does not serve). Runs on an io thread: it must be cheap and never block.
  using UnmatchedHook = std::function<void(const Request&)>;
  void OnUnmatched(UnmatchedHook hook) { unmatched_ = std::move(hook); }
  void Unmatched(const Request& request) const {
    if (unmatched_) unmatched_(request);
  }

 private:
  struct Segment {
    std::string text;  // the literal, or the placeholder's name
    bool placeholder = false;
  };
  struct Pattern {
    std::vector<Segment> segments;
    int literal_count = 0;
  };

  std::vector<Route> routes_;
  std::vector<Pattern> patterns_;  // parallel to routes_, split once in Add()
  UnmatchedHook unmatched_;
};

}  // namespace gatehouse::http
