#pragma once
// The browser pages and the SDK, served by `gatehouse serve` itself (web/, built in; see
// web_assets.h). A page web/pages/<p>.html answers at /<p> (index.html at its folder's path:
// /, /app, /admin); every other file at its path under web/ (/sdk/gatehouse.js).
//
// Pages carry a strict Content-Security-Policy (scripts, styles and connections from this origin
// only, no inline script, no framing); every file answers with an ETag and 304 to If-None-Match;
// the SDK (web/sdk/) is importable from any origin.
//
//   AddPageRoutes(router);
//
// Thread-safety: the routes read immutable data.

#include <string>
#include <vector>

#include "http/router.h"

namespace gatehouse::http {

// The header every page carries.
inline constexpr const char* kPageCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

void AddPageRoutes(Router& router);
// The URL paths AddPageRoutes serves (for the OpenAPI check, which describes the API only).
std::vector<std::string> PagePaths();

}  // namespace gatehouse::http
