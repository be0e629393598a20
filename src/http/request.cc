#include "http/request.h"

#include <array>

namespace gatehouse::http {
namespace {

constexpr std::array<std::pair<Method, std::string_view>, 7> kMethodNames = {{
    {Method::kGet, "GET"},
    {Method::kHead, "HEAD"},
    {Method::kPost, "POST"},
    {Method::kPut, "PUT"},
    {Method::kPatch, "PATCH"},
    {Method::kDelete, "DELETE"},
    {Method::kOptions, "OPTIONS"},
}};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends the percent-decoded `in` to `out`; '+' becomes a space in query components only.
// False on a truncated or non-hex escape and on any NUL byte, encoded or not.
bool Decode(std::string_view in, bool plus_is_space, std::string& out) {
  out.reserve(out.size() + in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return false;
    out.push_back(c);
  }
  return true;
}

bool ParseQuery(std::string_view query, std::map<std::string, std::string>& out) {
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string name;
    std::string value;
    if (!Decode(pair.substr(0, eq), true, name)) return false;
    if (eq != std::string_view::npos && !Decode(pair.substr(eq + 1), true, value)) return false;
    out.insert_or_assign(std::move(name), std::move(value));
  }
  return true;
}

}  // namespace

std::string_view MethodName(Method method) {
  for (const auto& [m, name] : kMethodNames) {
    if (m == method) return name;
  }
  return "OTHER";
}

Method ParseMethod(std::string_view name) {
  for (const auto& [m, method_name] : kMethodNames) {
    if (method_name == name) return m;
  }
  return Method::kOther;
}

std::optional<std::string_view> Request::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::Query(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string_view> Request::Param(std::string_view name) const {
  auto it = params.find(std::string(name));
  if (it == params.end()) return std::nullopt;
  return it->second;
}

bool DecodePathSegment(std::string_view in, std::string& out) {
  out.clear();
  return Decode(in, false, out);
}

bool ParseTarget(std::string_view target, std::string& path,
                 std::map<std::string, std::string>& query) {
  path.clear();
  query.clear();
  if (target.empty() || target.front() != '/') return false;
  std::size_t question = target.find('?');
  if (!Decode(target.substr(0, question), false, path)) return false;
  if (question == std::string_view::npos) return true;
  return ParseQuery(target.substr(question + 1), query);
}

}  // namespace gatehouse::http
