#include "http/router.h"

#include <algorithm>

namespace gatehouse::http {
namespace {

// Splits "/a/b" into {"a", "b"} and "/" into {""}; the leading '/' is assumed.
template <typename Out>
void SplitPath(std::string_view path, Out& out) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (;;) {
    std::size_t slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return;
    path.remove_prefix(slash + 1);
  }
}

}  // namespace

void Router::Add(Method method, std::string pattern, Handler handler, RouteOptions options) {
  std::vector<std::string_view> parts;
  SplitPath(pattern, parts);
  Pattern compiled;
  for (std::string_view part : parts) {
    Segment segment;
    if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
      segment.text = part.substr(1, part.size() - 2);
      segment.placeholder = true;
    } else {
      segment.text = part;
      ++compiled.literal_count;
    }
    compiled.segments.push_back(std::move(segment));
  }
  patterns_.push_back(std::move(compiled));
  routes_.push_back(Route{method, std::move(pattern), std::move(handler), std::move(options)});
}

Router::Match Router::Find(Request& request) const {
  std::string_view raw = request.path;
  bool decode = false;
  if (!request.target.empty()) {
    raw = std::string_view(request.target).substr(0, request.target.find('?'));
    decode = raw.find('%') != std::string_view::npos;
  }
  std::vector<std::string_view> segments;
  SplitPath(raw, segments);
  std::vector<std::string> decoded;  // owns the segments' text when any was escaped
  if (decode) {
    decoded.resize(segments.size());
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (!DecodePathSegment(segments[i], decoded[i])) return Match{.status = 404};
      segments[i] = decoded[i];
    }
  }

  auto matches = [&segments](const Pattern& pattern) {
    if (pattern.segments.size() != segments.size()) return false;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const Segment& s = pattern.segments[i];
      if (s.placeholder ? segments[i].empty() : s.text != segments[i]) return false;
    }
    return true;
  };

  Match match;
  const Pattern* best = nullptr;
  bool path_known = false;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (!matches(patterns_[i])) continue;
    path_known = true;
    if (routes_[i].method != request.method) {
      if (std::find(match.allowed.begin(), match.allowed.end(), routes_[i].method) ==
          match.allowed.end()) {
        match.allowed.push_back(routes_[i].method);
      }
      continue;
    }
    if (best == nullptr || patterns_[i].literal_count > best->literal_count) {
      best = &patterns_[i];
      match.route = &routes_[i];
    }
  }
  if (best == nullptr) {
    match.status = path_known ? 405 : 404;
    return match;
  }
  match.allowed.clear();
  request.route = match.route->pattern;
  request.params.clear();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (best->segments[i].placeholder) {
      request.params.insert_or_assign(best->segments[i].text, std::string(segments[i]));
    }
  }
  return match;
}

}  // namespace gatehouse::http
