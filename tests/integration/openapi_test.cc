// /openapi.json describes exactly the routes the router serves: a route added without its
// description (or a description left behind by a removed route) fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "app/app.h"
#include "http/handlers/ops.h"
#include "http/handlers/pages.h"
#include "tests/support/json.h"

namespace gatehouse::testing {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

TEST(OpenApi, DescribesEveryRouteAndNothingElse) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("gh-openapi-" + std::to_string(::getpid()));
  Config config;
  config.data_dir = dir.string();
  config.listen = "127.0.0.1:0";
  auto app = app::App::Create(config).value();

  const std::vector<std::string> pages = http::PagePaths();
  std::set<std::string> served;
  for (const auto& route : app->router().routes()) {
    if (route.method == http::Method::kOptions) continue;  // CORS preflight, described once
    if (std::find(pages.begin(), pages.end(), route.pattern) != pages.end()) continue;  // not API
    if (!route.options.native) continue;  // the SuperTokens face: SuperTokens' own spec
    served.insert(Lower(http::MethodName(route.method)) + " " + route.pattern);
  }
  auto doc = Json(std::string(http::OpenApiDocument()));
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(Str(doc, "openapi"), "3.1.0");
  std::set<std::string> described;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      described.insert(std::string(method) + " " + std::string(path));
    }
  }
  EXPECT_EQ(served, described);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gatehouse::testing
