#include "compat/cdi.h"

#include <algorithm>

#include "crypto/hash.h"
#include "http/response.h"

namespace gatehouse::compat {
namespace {

namespace bj = boost::json;
using http::Response;

std::string_view Trimmed(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// The API key as the core reads it: the api-key header, else the Authorization header with or
// without its Bearer scheme.
std::optional<std::string_view> PresentedKey(const http::Request& request) {
  if (auto key = request.Header("api-key")) return key;
  if (auto bearer = http::BearerToken(request)) return bearer;
  return request.Header("authorization");
}

Response PlainText(int status, std::string_view text) {
  return http::TextResponse(status, std::string(text) + "\n");
}

// True when the request may use `app`: one of its own keys if it has any, else one of the
// server's, or none at all on an open face.
bool KeyAdmits(const Gate& gate, const App& app, const http::Request& request) {
  const AppConfig config = app.config();
  if (config.api_key_hashes.empty() && gate.open) return true;
  const auto key = PresentedKey(request);
  if (!key) return false;
  if (config.api_key_hashes.empty()) return gate.auth.AllowsKey(*key);
  return config.OwnKeyAdmits(*key);
}

// Checks and answers one request; `first` and `second` are the segments before the CDI path.

Response Serve(const Gate& gate, const CdiHandler& handler, CdiRouteOptions options,
               http::Request& request, std::string_view first, std::string_view second) {
  std::string_view app_id = "public";
  std::string_view tenant = "public";
  // `/appid-<app>` first if there; then the tenant, where the route takes one.
  if (first.starts_with("appid-")) {
    app_id = first.substr(6);
    first = second;
    second = {};
  } else if (options.prefixed_only) {
    return PlainText(404, "Not found");
  }
  if (!second.empty()) return PlainText(404, "Not found");  // two prefixes, no app among them
  if (!first.empty()) {
    if (!options.tenant_scoped) return PlainText(404, "Not found");
    tenant = first;
  }
  const std::shared_ptr<App> app = gate.apps.Find(app_id);
  if (app == nullptr || tenant != "public") {
    // The core's answer for an app or tenant it does not have.
    return PlainText(400,
                     "AppId or tenantId not found => Tenant with the following "
                     "connectionURIDomain, appId and tenantId combination not found: (, " +
                         std::string(app_id) + ", " + std::string(tenant) + ")");
  }
  if (auto version = request.Header("cdi-version");
      version && std::find(std::begin(kCdiVersions), std::end(kCdiVersions), *version) ==
                     std::end(kCdiVersions)) {
    return PlainText(400, "cdi-version " + std::string(*version) + " not supported");
  }
  if (options.needs_key && !KeyAdmits(gate, *app, request)) {
    return PlainText(401, "Invalid API key");
  }
  Response response =
      handler(CdiRequest{.http = request, .app = *app, .tenant = std::string(tenant)});
  const bool cache_set = std::any_of(response.headers.begin(), response.headers.end(),
                                     [](const auto& h) { return h.first == "Cache-Control"; });
  if (!cache_set) response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace

void AddRoute(http::Router& router, const Gate& gate, http::Method method, std::string_view path,
              CdiHandler handler, CdiRouteOptions options) {
  const http::RouteOptions blocking{.blocking = true, .native = false};
  const std::string base(path);
  auto shared = std::make_shared<CdiHandler>(std::move(handler));
  if (!options.prefixed_only) {
    router.Add(
        method, base,
        [gate, shared, options](http::Request& r) {
          return Serve(gate, *shared, options, r, {}, {});
        },
        blocking);
  }
  router.Add(
      method, "/{cdi_first}" + base,
      [gate, shared, options](http::Request& r) {
        return Serve(gate, *shared, options, r, *r.Param("cdi_first"), {});
      },
      blocking);
  router.Add(
      method, "/{cdi_first}/{cdi_second}" + base,
      [gate, shared, options](http::Request& r) {
        return Serve(gate, *shared, options, r, *r.Param("cdi_first"), *r.Param("cdi_second"));
      },
      blocking);
}

Response Ok(bj::object members) {
  bj::object body;
  body["status"] = "OK";
  for (auto& [key, value] : members) body[key] = std::move(value);
  return http::JsonResponse(200, body);
}

Response Outcome(std::string_view status) {
  return http::JsonResponse(200, bj::object{{"status", status}});
}

Response BadInput(std::string_view message) { return PlainText(400, message); }

Response Failure(const Error& error) {
  if (error.code() == ErrorCode::kInvalidArgument) return BadInput(error.message());
  return http::ErrorResponse(error);
}

Result<http::JsonBody> Body(const CdiRequest& request) {
  Result<http::JsonBody> body = http::JsonBody::ParseAnyObject(request.http);
  if (!body) return InvalidArgument("Invalid Json Input");
  return body;
}

Result<std::string> StringField(const http::JsonBody& body, std::string_view name, bool trim) {
  const bj::value* v = body.object().if_contains(name);
  if (v == nullptr || !v->is_string()) {
    return InvalidArgument("Field name '" + std::string(name) + "' is invalid in JSON input");
  }
  std::string_view text = v->as_string();
  if (trim) text = Trimmed(text);
  if (trim && text.empty()) {
    return InvalidArgument("Field name '" + std::string(name) + "' cannot be an empty String");
  }
  return std::string(text);
}

Result<std::string> QueryField(const CdiRequest& request, std::string_view name, bool trim) {
  auto value = request.http.Query(name);
  if (!value) {
    return InvalidArgument("Field name '" + std::string(name) + "' is missing in GET request");
  }
  std::string_view text = trim ? Trimmed(*value) : *value;
  if (trim && text.empty()) {
    return InvalidArgument("Field name '" + std::string(name) + "' cannot be an empty String");
  }
  return std::string(text);
}

}  // namespace gatehouse::compat
