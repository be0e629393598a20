#include "http/handlers/pages.h"

#include <memory>

#include "crypto/hash.h"
#include "http/handlers/web_assets.h"

namespace gatehouse::http {
namespace {

constexpr std::string_view kPagesDir = "pages/";

std::string_view ContentType(std::string_view path) {
  const auto ends = [&](std::string_view ext) { return path.ends_with(ext); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  return "application/octet-stream";
}

// "pages/index.html" → "/", "pages/app/index.html" → "/app", "pages/account.html" → "/account",
// "sdk/gatehouse.js" → "/sdk/gatehouse.js".
std::string UrlPath(std::string_view file) {
  if (!file.starts_with(kPagesDir) || !file.ends_with(".html")) return "/" + std::string(file);
  std::string_view page = file.substr(kPagesDir.size());
  page.remove_suffix(std::string_view(".html").size());
  if (page == "index") return "/";
  if (page.ends_with("/index")) page.remove_suffix(std::string_view("/index").size());
  return "/" + std::string(page);
}

struct Served {
  std::string_view body;
  std::string content_type;
  std::string etag;
  bool page = false;
  bool shared = false;  // the SDK: loadable as a module by an app on another origin
};

Response Serve(const Served& file, const Request& request) {
  Response r;
  const auto match = request.Header("if-none-match");
  if (match && *match == file.etag) {
    r.status = 304;
  } else {
    r.body = std::string(file.body);
  }
  r.content_type = file.content_type;
  r.SetHeader("ETag", file.etag);
  r.SetHeader("Cache-Control", "no-cache");  // revalidate: a new binary serves new files at once
  // Public code, fetched without credentials: any origin may import it (a module script is
  // fetched in CORS mode).
  if (file.shared) r.SetHeader("Access-Control-Allow-Origin", "*");
  if (file.page) {
    r.SetHeader("Content-Security-Policy", kPageCsp);
    r.SetHeader("X-Frame-Options", "DENY");
    r.SetHeader("Cross-Origin-Opener-Policy", "same-origin");
  }
  return r;
}

}  // namespace

void AddPageRoutes(Router& router) {
  for (const WebAsset& asset : WebAssets()) {
    auto file = std::make_shared<Served>(
        Served{.body = asset.body,
               .content_type = std::string(ContentType(asset.path)),
               .etag = "\"" + crypto::ToHex(crypto::Sha256Bytes(asset.body)).substr(0, 20) + "\"",
               .page = asset.path.starts_with(kPagesDir),
               .shared = asset.path.starts_with("sdk/")});
    router.Add(Method::kGet, UrlPath(asset.path),
               [file](Request& request) { return Serve(*file, request); });
  }
}

std::vector<std::string> PagePaths() {
  std::vector<std::string> paths;
  for (const WebAsset& asset : WebAssets()) paths.push_back(UrlPath(asset.path));
  return paths;
}

}  // namespace gatehouse::http
