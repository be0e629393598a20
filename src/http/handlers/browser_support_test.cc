#include "http/handlers/browser_support.h"

#include <gtest/gtest.h>

namespace gatehouse::http {
namespace {

TEST(Cidr, ParsesAndMatches) {
  auto v4 = Cidr::Parse("10.1.0.0/16");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->Contains("10.1.200.3"));
  EXPECT_FALSE(v4->Contains("10.2.0.1"));
  EXPECT_FALSE(v4->Contains("::1"));
  auto one = Cidr::Parse("192.0.2.7");
  EXPECT_TRUE(one->Contains("192.0.2.7"));
  EXPECT_FALSE(one->Contains("192.0.2.8"));
  auto v6 = Cidr::Parse("2001:db8::/32");
  EXPECT_TRUE(v6->Contains("2001:db8:1::5"));
  EXPECT_FALSE(v6->Contains("2001:db9::1"));
  for (const char* bad : {"", "10.0.0.0/33", "nonsense", "10.0.0.0/x", "::1/129"}) {
    EXPECT_FALSE(Cidr::Parse(bad)) << bad;
  }
}

TEST(ClientIp, BelievesForwardedForOnlyFromTrustedProxies) {
  const std::vector<Cidr> trusted = {*Cidr::Parse("10.0.0.0/8")};
  Request direct;
  direct.peer_ip = "203.0.113.5";
  direct.headers = {{"x-forwarded-for", "1.2.3.4"}};
  EXPECT_EQ(ClientIp(direct, trusted), "203.0.113.5");  // a client cannot spoof its address

  Request proxied;
  proxied.peer_ip = "10.0.0.2";
  proxied.headers = {{"x-forwarded-for", "6.6.6.6, 198.51.100.9, 10.0.0.7"}};
  EXPECT_EQ(ClientIp(proxied, trusted), "198.51.100.9");  // right-most untrusted hop
  proxied.headers.clear();
  EXPECT_EQ(ClientIp(proxied, trusted), "10.0.0.2");
  // Several lines are one list, in order; hops that are not addresses are skipped.
  proxied.headers = {{"x-forwarded-for", "192.0.2.1"},
                     {"x-forwarded-for", "198.51.100.9 , <script>, 10.0.0.7"}};
  EXPECT_EQ(ClientIp(proxied, trusted), "198.51.100.9");
  proxied.headers = {{"x-forwarded-for", "2001:db8::1"}, {"x-forwarded-for", "unknown"}};
  EXPECT_EQ(ClientIp(proxied, trusted), "2001:db8::1");
}

TEST(Cookies, NamesAttributesAndParsing) {
  BrowserOptions secure;
  EXPECT_EQ(secure.AccessCookie(), "__Host-gh_access");
  EXPECT_EQ(secure.RefreshCookie(), "__Secure-gh_refresh");
  BrowserOptions domain{.cookie_domain = "example.com"};
  EXPECT_EQ(domain.AccessCookie(), "__Secure-gh_access");
  BrowserOptions plain{.cookie_secure = false};
  EXPECT_EQ(plain.AccessCookie(), "gh_access");
  EXPECT_EQ(SetCookieValue(plain, "gh_refresh", "v", kRefreshPath, 60),
            "gh_refresh=v; Path=/v1/auth/refresh; Max-Age=60; HttpOnly; SameSite=Lax");
  EXPECT_EQ(SetCookieValue(domain, "n", "", "/", -5),
            "n=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure; Domain=example.com");
  Request r;
  r.headers = {{"cookie", "a=1; gh_access=tok; b=2"}};
  EXPECT_EQ(CookieValue(r, "gh_access").value_or(""), "tok");
  EXPECT_FALSE(CookieValue(r, "gh").has_value());
}

TEST(Csrf, HeaderMustBeExactlyOne) {
  Request r;
  EXPECT_FALSE(HasCsrfHeader(r));
  r.headers = {{"x-gatehouse-csrf", "0"}};
  EXPECT_FALSE(HasCsrfHeader(r));
  r.headers = {{"x-gatehouse-csrf", "1"}};
  EXPECT_TRUE(HasCsrfHeader(r));
}

}  // namespace
}  // namespace gatehouse::http
