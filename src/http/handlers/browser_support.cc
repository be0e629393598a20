#include "http/handlers/browser_support.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace gatehouse::http {

std::optional<Cidr> Cidr::Parse(std::string_view text) {
  Cidr c;
  const std::size_t slash = text.find('/');
  const std::string addr(text.substr(0, slash));
  if (inet_pton(AF_INET, addr.c_str(), c.bytes_) == 1) {
    c.family_ = AF_INET;
    c.prefix_ = 32;
  } else if (inet_pton(AF_INET6, addr.c_str(), c.bytes_) == 1) {
    c.family_ = AF_INET6;
    c.prefix_ = 128;
  } else {
    return std::nullopt;
  }
  if (slash != std::string_view::npos) {
    const std::string_view p = text.substr(slash + 1);
    int prefix = -1;
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
    if (ec != std::errc() || end != p.data() + p.size() || prefix < 0 || prefix > c.prefix_) {
      return std::nullopt;
    }
    c.prefix_ = prefix;
  }
  return c;
}

bool Cidr::Contains(std::string_view ip) const {
  unsigned char bytes[16] = {};
  const std::string s(ip);
  const int family = s.find(':') == std::string::npos ? AF_INET : AF_INET6;
  if (family != family_ || inet_pton(family, s.c_str(), bytes) != 1) return false;
  const int full = prefix_ / 8, rest = prefix_ % 8;
  if (std::memcmp(bytes, bytes_, static_cast<std::size_t>(full)) != 0) return false;
  if (rest == 0) return true;
  const unsigned char mask = static_cast<unsigned char>(0xFF << (8 - rest));
  return (bytes[full] & mask) == (bytes_[full] & mask);
}

std::string BrowserOptions::AccessCookie() const {
  if (!cookie_secure) return "gh_access";
  return cookie_domain.empty() ? "__Host-gh_access" : "__Secure-gh_access";
}

std::string BrowserOptions::RefreshCookie() const {
  return cookie_secure ? "__Secure-gh_refresh" : "gh_refresh";
}

std::string SetCookieValue(const BrowserOptions& o, std::string_view name, std::string_view value,
                           std::string_view path, std::int64_t max_age_s) {
  std::string c = std::string(name) + "=" + std::string(value) + "; Path=" + std::string(path) +
                  "; Max-Age=" + std::to_string(std::max<std::int64_t>(0, max_age_s)) +
                  "; HttpOnly; SameSite=Lax";
  if (o.cookie_secure) c += "; Secure";
  if (!o.cookie_domain.empty()) c += "; Domain=" + o.cookie_domain;
  return c;
}

std::optional<std::string> CookieValue(const Request& request, std::string_view name) {
  std::optional<std::string> found;
  for (const auto& [header, value] : request.headers) {
    if (header != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const std::size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest.remove_prefix(semi == std::string_view::npos ? rest.size() : semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      const std::size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
        // Twice: one of them was planted (cookie tossing from a sibling subdomain), and which
        // one a browser sends first is not ours to guess. Neither is used.
        if (found) return std::nullopt;
        found = std::string(pair.substr(eq + 1));
      }
    }
  }
  return found;
}

bool HasCsrfHeader(const Request& request) {
  const auto v = request.Header(kCsrfHeader);
  return v.has_value() && *v == "1";
}

namespace {

bool IsIpAddress(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return false;
  const std::string s(text);
  unsigned char buf[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, s.c_str(), buf) == 1 || ::inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

}  // namespace

bool IsTrusted(std::string_view ip, const std::vector<Cidr>& trusted) {
  return std::any_of(trusted.begin(), trusted.end(), [&](const Cidr& c) { return c.Contains(ip); });
}

std::string ClientIp(const Request& request, const std::vector<Cidr>& trusted) {
  const auto is_trusted = [&](std::string_view ip) { return IsTrusted(ip, trusted); };
  if (!is_trusted(request.peer_ip)) return request.peer_ip;
  // Every X-Forwarded-For line, in order, is one list: a proxy that appends its own line after
  // the client's forged one must not let the forged one win. From the right, the first hop that
  // is an IP address and not a trusted proxy is the client; anything else is skipped.
  std::vector<std::string_view> hops;
  for (const auto& [name, value] : request.headers) {
    if (name != "x-forwarded-for") continue;
    std::string_view list = value;
    while (true) {
      const std::size_t comma = list.find(',');
      std::string_view hop = list.substr(0, comma);
      while (!hop.empty() && (hop.front() == ' ' || hop.front() == '\t')) hop.remove_prefix(1);
      while (!hop.empty() && (hop.back() == ' ' || hop.back() == '\t')) hop.remove_suffix(1);
      hops.push_back(hop);
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    if (IsIpAddress(*it) && !is_trusted(*it)) return std::string(*it);
  }
  return request.peer_ip;
}

void AddCors(const Request& request, const BrowserOptions& o, Response& response) {
  const auto origin = request.Header("origin");
  if (!origin) return;
  if (std::find(o.cors_origins.begin(), o.cors_origins.end(), *origin) == o.cors_origins.end()) {
    return;
  }
  response.SetHeader("Access-Control-Allow-Origin", std::string(*origin));
  response.SetHeader("Access-Control-Allow-Credentials", "true");
  response.SetHeader("Access-Control-Expose-Headers", "X-Gatehouse-Front");
  response.SetHeader("Vary", "Origin");
}

}  // namespace gatehouse::http
