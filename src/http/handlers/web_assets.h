#pragma once
// WebAssets: the files under web/ (the browser SDK, the pages, their scripts and styles), built
// into the binary by cmake/EmbedWeb.cmake. `path` is relative to web/ ("sdk/gatehouse.js").
//
// Thread-safety: immutable static data.

#include <span>
#include <string_view>

namespace gatehouse::http {

struct WebAsset {
  std::string_view path;
  std::string_view body;
};

std::span<const WebAsset> WebAssets();

}  // namespace gatehouse::http
