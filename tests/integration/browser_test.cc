// The browser API against the real server: sign-up, two devices, listing and ending sessions,
// sign-out, cookie attributes, CSRF, CORS, throttling, timing, password changes, admin users.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <map>

#include "common/clock.h"
#include "crypto/base64url.h"
#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"
#include "tests/support/sse_client.h"

namespace gatehouse::testing {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
const std::string kPassword = "correct horse battery";

// One browser: a cookie jar (names scoped by path the way a browser would send them).
class Device {
 public:
  Device(const ServerProcess& server, std::string access, std::string refresh)
      : client_(server.port()), access_(std::move(access)), refresh_(std::move(refresh)) {}

  HttpResponse Send(const std::string& method, const std::string& target,
                    const std::string& body = "", Headers extra = {}, bool csrf = true) {
    Headers h = std::move(extra);
    if (csrf) h.emplace_back("X-Gatehouse-CSRF", "1");
    std::string cookie;
    for (const auto& [name, value] : jar_) {
      if (name == refresh_ && target != "/v1/auth/refresh") continue;  // Path=/v1/auth/refresh
      cookie += (cookie.empty() ? "" : "; ") + name + "=" + value;
    }
    if (!cookie.empty()) h.emplace_back("Cookie", cookie);
    HttpResponse r = client_.Send(method, target, body, h);
    for (const auto& [name, value] : r.headers) {
      if (name != "set-cookie") continue;
      const std::string pair = value.substr(0, value.find(';'));
      const std::string cname = pair.substr(0, pair.find('='));
      const std::string cvalue = pair.substr(pair.find('=') + 1);
      if (value.find("Max-Age=0") != std::string::npos) {
        jar_.erase(cname);
      } else {
        jar_[cname] = cvalue;
      }
      set_cookies.push_back(value);
    }
    return r;
  }
  HttpResponse SignIn(const std::string& email, const std::string& password = kPassword) {
    return Send("POST", "/v1/auth/signin",
                R"({"email":")" + email + R"(","password":")" + password + "\"}");
  }
  std::map<std::string, std::string>& jar() { return jar_; }
  std::vector<std::string> set_cookies;

 private:
  HttpClient client_;
  std::string access_, refresh_;
  std::map<std::string, std::string> jar_;
};

class BrowserApi : public ::testing::Test {
 protected:
  explicit BrowserApi(std::map<std::string, std::string> settings = {{"COOKIE_SECURE", "false"}})
      : server_(std::move(settings)) {}
  Device NewDevice() {
    const bool secure = server_settings_secure_;
    return Device(server_, secure ? "__Host-gh_access" : "gh_access",
                  secure ? "__Secure-gh_refresh" : "gh_refresh");
  }
  std::string SignUp(Device& d, const std::string& email) {
    HttpResponse r = d.Send("POST", "/v1/auth/signup",
                            R"({"email":")" + email + R"(","password":")" + kPassword + "\"}",
                            {{"User-Agent", "DeviceA/1.0"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return Str(Json(r.body).at("user"), "id");
  }
  HttpClient Admin() { return HttpClient(server_.port()); }
  // Grants user `id` (signed in on `d`) the role "admin" holding gatehouse:admin, and refreshes
  // `d` so its token carries the grant.
  void MakeAdmin(Device& d, const std::string& id) {
    HttpClient admin = Admin();
    ASSERT_EQ(admin
                  .Send("PUT", "/v1/roles/admin", R"({"permissions":["gatehouse:admin"]})",
                        server_.Auth())
                  .status,
              200);
    ASSERT_EQ(admin.Send("PUT", "/v1/users/" + id + "/roles/admin", "", server_.Auth()).status,
              200);
    ASSERT_EQ(d.Send("POST", "/v1/auth/refresh", "{}").status, 200);
  }

  ServerProcess server_;
  bool server_settings_secure_ = false;
};

TEST_F(BrowserApi, TwoDevicesListEndEachOtherAndSignOut) {
  Device a = NewDevice(), b = NewDevice();
  const std::string user_id = SignUp(a, "two@example.com");
  ASSERT_EQ(b.SignIn("two@example.com").status, 200);
  for (Device* d : {&a, &b}) {
    HttpResponse list = d->Send("GET", "/v1/me/sessions");
    ASSERT_EQ(list.status, 200) << list.body;
    auto sessions = Json(list.body).at("sessions").as_array();
    ASSERT_EQ(sessions.size(), 2u);
    EXPECT_EQ(std::count_if(sessions.begin(), sessions.end(),
                            [](const auto& s) { return s.at("current").as_bool(); }),
              1);
    EXPECT_FALSE(Str(sessions[0].at("device"), "ip").empty());
  }
  HttpResponse me_a = a.Send("GET", "/v1/me");
  ASSERT_EQ(me_a.status, 200);
  EXPECT_EQ(Str(Json(me_a.body).at("user"), "email"), "two@example.com");
  EXPECT_EQ(Str(Json(me_a.body).at("session").at("device"), "user_agent"), "DeviceA/1.0");
  const std::string b_handle = Str(Json(b.Send("GET", "/v1/me").body).at("session"), "handle");

  // A ends B's session; B is signed out at once.
  HttpResponse end = a.Send("DELETE", "/v1/me/sessions/" + b_handle);
  ASSERT_EQ(end.status, 200) << end.body;
  EXPECT_EQ(b.Send("GET", "/v1/me").status, 401);
  // Someone else's handle is not found.
  Device c = NewDevice();
  SignUp(c, "other@example.com");
  const std::string c_handle = Str(Json(c.Send("GET", "/v1/me").body).at("session"), "handle");
  EXPECT_EQ(a.Send("DELETE", "/v1/me/sessions/" + c_handle).status, 404);
  EXPECT_EQ(c.Send("GET", "/v1/me").status, 200);

  // revoke-others.
  ASSERT_EQ(b.SignIn("two@example.com").status, 200);
  HttpResponse others = a.Send("POST", "/v1/me/sessions/revoke-others", "{}");
  ASSERT_EQ(others.status, 200);
  EXPECT_EQ(Json(others.body).at("revoked").as_int64(), 1);
  EXPECT_EQ(b.Send("GET", "/v1/me").status, 401);
  EXPECT_EQ(a.Send("GET", "/v1/me").status, 200);

  // Sign-out clears the cookies and ends the session.
  const auto old_jar = a.jar();
  HttpResponse out = a.Send("POST", "/v1/auth/signout", "{}");
  ASSERT_EQ(out.status, 200);
  EXPECT_EQ(out.Header("clear-site-data").value_or(""), "\"cookies\"");
  EXPECT_TRUE(a.jar().empty());
  a.jar() = old_jar;  // a stolen copy of the cookies no longer works either
  EXPECT_EQ(a.Send("GET", "/v1/me").status, 401);
  EXPECT_EQ(a.Send("POST", "/v1/auth/refresh", "{}").status, 401);
  (void)user_id;
}

TEST_F(BrowserApi, RefreshRotatesTheCookie) {
  Device a = NewDevice();
  SignUp(a, "rot@example.com");
  const std::string before = a.jar().at("gh_refresh");
  HttpResponse r = a.Send("POST", "/v1/auth/refresh", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(a.jar().at("gh_refresh"), before);
  EXPECT_TRUE(r.Header("x-gatehouse-front").has_value());
  EXPECT_EQ(r.Header("cache-control").value_or(""), "no-store");
  EXPECT_EQ(a.Send("GET", "/v1/me").status, 200);
}

// X-Gatehouse-Front carries the user, the roles the new token holds and its expiry; /v1/me
// the current roles and permissions (the browser SDK shows and hides parts by them).
TEST_F(BrowserApi, FrontHeaderAndMeCarryRolesAndPermissions) {
  Device a = NewDevice();
  const std::string id = SignUp(a, "front@example.com");
  HttpClient admin = Admin();
  ASSERT_EQ(
      admin.Send("PUT", "/v1/roles/reporter", R"({"permissions":["reports:read"]})", server_.Auth())
          .status,
      200);
  ASSERT_EQ(admin.Send("PUT", "/v1/users/" + id + "/roles/reporter", "", server_.Auth()).status,
            200);
  HttpResponse r = a.Send("POST", "/v1/auth/refresh", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto decoded = crypto::Base64UrlDecode(r.Header("x-gatehouse-front").value_or(""));
  ASSERT_TRUE(decoded);
  const boost::json::value front = Json(*decoded);
  EXPECT_EQ(Str(front, "user_id"), id);
  EXPECT_EQ(Dump(front.at("roles")), R"(["reporter"])");
  EXPECT_EQ(front.at("exp").as_int64(), Json(r.body).at("expires_at").as_int64());
  // The server's time when answering: the SDK counts the token's life by it, not by the page's
  // clock (which may be off).
  const std::int64_t local_now = ToUnixMillis(std::chrono::system_clock::now());
  EXPECT_NEAR(static_cast<double>(front.at("now").as_int64()), static_cast<double>(local_now),
              5000.0);
  EXPECT_LT(front.at("now").as_int64(), front.at("exp").as_int64());
  const HttpResponse me_response = a.Send("GET", "/v1/me");
  const boost::json::value me = Json(me_response.body);
  // /v1/me carries the front of the token it was called with, so a page opened later knows
  // when that token ends without a refresh.
  const auto me_front =
      crypto::Base64UrlDecode(me_response.Header("x-gatehouse-front").value_or(""));
  ASSERT_TRUE(me_front);
  boost::json::value me_front_json = Json(*me_front);
  EXPECT_GE(me_front_json.at("now").as_int64(), front.at("now").as_int64());
  me_front_json.as_object().erase("now");
  boost::json::value refresh_front = front;
  refresh_front.as_object().erase("now");
  EXPECT_EQ(Dump(me_front_json), Dump(refresh_front));
  EXPECT_EQ(Dump(me.at("roles")), R"(["reporter"])");
  EXPECT_EQ(Dump(me.at("permissions")), R"(["reports:read"])");
  // The feed's head when answering: the page follows /v1/me/events from there (the grant's
  // claims_changed is the last event so far).
  const HttpResponse head = admin.Send("GET", "/v1/revocations?limit=1000", "", server_.Auth());
  EXPECT_EQ(me.at("feed_seq").as_int64(), Json(head.body).at("last_seq").as_int64());
  EXPECT_GE(me.at("feed_seq").as_int64(), 1);
  EXPECT_EQ(me.at("user").at("ver").as_int64(), 1);
}

class SecureCookies : public BrowserApi {
 protected:
  SecureCookies() : BrowserApi({}) { server_settings_secure_ = true; }
};

TEST_F(SecureCookies, CookieAttributesExactly) {
  Device a = NewDevice();
  SignUp(a, "cookie@example.com");
  ASSERT_EQ(a.set_cookies.size(), 2u);
  std::string access, refresh;
  for (const auto& c : a.set_cookies) (c.starts_with("__Host-") ? access : refresh) = c;
  const auto value = [](const std::string& c) {
    return c.substr(c.find('=') + 1, c.find(';') - c.find('=') - 1);
  };
  EXPECT_EQ(access, "__Host-gh_access=" + value(access) + "; Path=/; Max-Age=" +
                        access.substr(access.find("Max-Age=") + 8,
                                      access.find(';', access.find("Max-Age=")) -
                                          access.find("Max-Age=") - 8) +
                        "; HttpOnly; SameSite=Lax; Secure");
  EXPECT_TRUE(refresh.starts_with("__Secure-gh_refresh="));
  EXPECT_NE(refresh.find("; Path=/v1/auth/refresh;"), std::string::npos);
  EXPECT_NE(refresh.find("; HttpOnly; SameSite=Lax; Secure"), std::string::npos);
  EXPECT_EQ(access.find("Domain="), std::string::npos);
  // A plain gh_access cookie (without the prefix) is not accepted.
  HttpClient raw(server_.port());
  HttpResponse me = raw.Send("GET", "/v1/me", "", {{"Cookie", "gh_access=" + value(access)}});
  EXPECT_EQ(me.status, 401);
}

TEST_F(BrowserApi, CsrfHeaderAndJsonBodiesAreRequired) {
  Device a = NewDevice();
  SignUp(a, "csrf@example.com");
  // A cookie-authenticated POST without the header.
  EXPECT_EQ(a.Send("POST", "/v1/me/sessions/revoke-others", "{}", {}, /*csrf=*/false).status, 403);
  // Cross-site form posts: text/plain bodies without the custom header.
  const std::string form = R"({"email":"csrf@example.com","password":")" + kPassword + "\"}";
  EXPECT_EQ(a.Send("POST", "/v1/auth/signin", form, {{"Content-Type", "text/plain"}}, false).status,
            403);
  EXPECT_EQ(a.Send("POST", "/v1/auth/signin", form, {{"Content-Type", "text/plain"}}, true).status,
            415);
  HttpResponse change =
      a.Send("POST", "/v1/me/password",
             R"({"current_password":")" + kPassword + R"(","new_password":"pwned by csrf!!"})",
             {{"Content-Type", "text/plain"}}, false);
  EXPECT_EQ(change.status, 403);
  Device b = NewDevice();
  EXPECT_EQ(b.SignIn("csrf@example.com").status, 200);  // the password did not change
  EXPECT_EQ(b.Send("GET", "/v1/me").status, 200);
}

class CorsApi : public BrowserApi {
 protected:
  CorsApi()
      : BrowserApi({{"COOKIE_SECURE", "false"}, {"CORS_ORIGINS", "https://app.example.com"}}) {}
};

TEST_F(CorsApi, OnlyConfiguredOriginsAreGranted) {
  HttpClient c(server_.port());
  HttpResponse good =
      c.Send("OPTIONS", "/v1/auth/signin", "",
             {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(good.Header("access-control-allow-origin").value_or(""), "https://app.example.com");
  EXPECT_EQ(good.Header("access-control-allow-credentials").value_or(""), "true");
  HttpResponse evil = c.Send("OPTIONS", "/v1/auth/signin", "", {{"Origin", "https://evil.test"}});
  EXPECT_FALSE(evil.Header("access-control-allow-origin").has_value());
  HttpResponse get = c.Send("GET", "/v1/me", "", {{"Origin", "https://evil.test"}});
  EXPECT_FALSE(get.Header("access-control-allow-origin").has_value());
  // The SDK on the allowed origin reads X-Gatehouse-Front and follows /v1/me/events.
  HttpResponse me = c.Send("GET", "/v1/me", "", {{"Origin", "https://app.example.com"}});
  EXPECT_EQ(me.Header("access-control-expose-headers").value_or(""), "X-Gatehouse-Front");
  Device d = NewDevice();
  SignUp(d, "cors-events@example.com");
  SseClient events(
      server_.port(), "/v1/me/events",
      {{"Origin", "https://app.example.com"}, {"Cookie", "gh_access=" + d.jar().at("gh_access")}});
  events.WaitForEvents(1, std::chrono::milliseconds(500));  // the head arrives at once
  EXPECT_EQ(events.status(), 200);
  EXPECT_NE(events.text().find("Access-Control-Allow-Origin: https://app.example.com"),
            std::string::npos)
      << events.text();
}

// The pages: every one under a strict CSP (no inline script or style, no framing), scripts and
// styles from this origin, an ETag that answers 304; unknown paths stay JSON 404s.
TEST_F(BrowserApi, PagesCarryAStrictCspAndRevalidate) {
  HttpClient c(server_.port());
  for (const std::string path :
       {"/", "/signin", "/signup", "/account", "/app", "/app/reports", "/admin"}) {
    const HttpResponse r = c.Send("GET", path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.Header("content-type").value_or(""), "text/html; charset=utf-8") << path;
    const std::string csp = r.Header("content-security-policy").value_or("");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << path;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << path;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << path;
    const std::string external_script = "<script type=\"module\" src=\"/js/";
    std::size_t scripts = 0, external = 0;
    for (auto at = r.body.find("<script"); at != std::string::npos;
         at = r.body.find("<script", at + 1)) {
      ++scripts;
      external += r.body.compare(at, external_script.size(), external_script) == 0;
    }
    EXPECT_EQ(scripts, external) << path << ": an inline script";
    EXPECT_EQ(r.body.find(" style="), std::string::npos) << path << ": an inline style";
    EXPECT_NE(r.body.find("<script type=\"module\" src=\"/js/"), std::string::npos) << path;
  }
  const HttpResponse sdk = c.Send("GET", "/sdk/gatehouse.js");
  ASSERT_EQ(sdk.status, 200);
  EXPECT_EQ(sdk.Header("content-type").value_or(""), "text/javascript; charset=utf-8");
  EXPECT_NE(sdk.body.find("export class Gatehouse"), std::string::npos);
  const std::string etag = sdk.Header("etag").value_or("");
  ASSERT_FALSE(etag.empty());
  const HttpResponse again = c.Send("GET", "/sdk/gatehouse.js", "", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(c.Send("GET", "/sdk/gatehouse.js", "", {{"If-None-Match", "\"other\""}}).status, 200);
  const HttpResponse missing = c.Send("GET", "/sdk/nothing.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("\"error\":\"not_found\""), std::string::npos);
  EXPECT_EQ(c.Send("POST", "/account", "{}").status, 405);  // pages answer GET only
}

TEST_F(BrowserApi, ParallelWrongPasswordsAreThrottled) {
  Device a = NewDevice();
  SignUp(a, "victim@example.com");
  std::vector<std::future<int>> tries;
  for (int i = 0; i < 50; ++i) {
    tries.push_back(std::async(std::launch::async, [this] {
      Device d = NewDevice();
      HttpResponse r = d.SignIn("victim@example.com", "wrong password " + std::string(3, 'x'));
      if (r.status == 429) {
        EXPECT_TRUE(r.Header("retry-after").has_value());
      }
      return r.status;
    }));
  }
  int checked = 0, throttled = 0;
  for (auto& t : tries) {
    const int status = t.get();
    if (status == 401) ++checked;
    if (status == 429) ++throttled;
  }
  EXPECT_LE(checked, 10);  // SIGNIN_MAX_FAILURES: at most 10 reached the password check
  EXPECT_EQ(checked + throttled, 50);
  Device d = NewDevice();
  HttpResponse right = d.SignIn("victim@example.com");
  EXPECT_EQ(right.status, 429);  // the correct password too, until the window passes
  HttpClient admin = Admin();
  auto audit = Json(admin.Send("GET", "/v1/audit?limit=1000", "", server_.Auth()).body);
  int failed = 0;
  for (const auto& e : audit.at("entries").as_array()) failed += Str(e, "type") == "signin_failed";
  EXPECT_LE(failed, 10);
}

// Guessing refresh tokens: refused tokens count per client address (REFRESH_MAX_FAILURES), then
// /v1/auth/refresh answers 429 from that address only, and says so in the audit.
class RefreshGuessing : public BrowserApi {
 protected:
  RefreshGuessing()
      : BrowserApi({{"COOKIE_SECURE", "false"},
                    {"REFRESH_MAX_FAILURES", "5"},
                    {"TRUSTED_PROXIES", "127.0.0.0/8"}}) {}
};

TEST_F(RefreshGuessing, RefusedTokensFromOneAddressAreThrottled) {
  Device victim = NewDevice();
  SignUp(victim, "guessed@example.com");
  Device attacker = NewDevice();
  const Headers from_attacker = {{"X-Forwarded-For", "198.51.100.7"}};
  for (int i = 0; i < 5; ++i) {
    HttpResponse r =
        attacker.Send("POST", "/v1/auth/refresh",
                      R"({"refresh_token":"guess-)" + std::to_string(i) + "\"}", from_attacker);
    EXPECT_EQ(r.status, 401) << i;
  }
  HttpResponse blocked =
      attacker.Send("POST", "/v1/auth/refresh", R"({"refresh_token":"guess-6"})", from_attacker);
  EXPECT_EQ(blocked.status, 429);
  EXPECT_EQ(Str(Json(blocked.body), "error"), "rate_limited");
  EXPECT_TRUE(blocked.Header("retry-after").has_value());
  // A real token is never refused by the guessing throttle, not even from the throttled
  // address (hardening issue item 11: one NAT, many users); the victim's address is not touched.
  const std::string real = victim.jar().at("gh_refresh");
  HttpResponse valid = attacker.Send("POST", "/v1/auth/refresh",
                                     R"({"refresh_token":")" + real + "\"}", from_attacker);
  EXPECT_EQ(valid.status, 200) << valid.body;
  EXPECT_EQ(victim.Send("POST", "/v1/auth/refresh", "{}").status, 200);
  HttpClient admin = Admin();
  auto audit = Json(admin.Send("GET", "/v1/audit?limit=100", "", server_.Auth()).body);
  int throttled = 0;
  for (const auto& e : audit.at("entries").as_array()) {
    if (Str(e, "type") == "refresh_throttled") {
      ++throttled;
      EXPECT_EQ(Str(e, "ip"), "198.51.100.7");
    }
  }
  EXPECT_EQ(throttled, 1);  // guess-6; the real token was not throttled
}

class TimingApi : public BrowserApi {
 protected:
  TimingApi() : BrowserApi({{"COOKIE_SECURE", "false"}, {"SIGNIN_MAX_FAILURES", "1000"}}) {}
};

TEST_F(TimingApi, UnknownEmailCostsAsMuchAsAWrongPassword) {
  Device a = NewDevice();
  SignUp(a, "known@example.com");
  // The two kinds of attempt alternate, so both see the same machine load.
  std::vector<double> known_ms, unknown_ms;
  Device d = NewDevice();
  for (int i = 0; i < 30; ++i) {
    for (const bool known_email : {true, false}) {
      const auto start = std::chrono::steady_clock::now();
      HttpResponse r = d.SignIn(known_email ? "known@example.com" : "unknown@example.com",
                                "definitely wrong pw");
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      (known_email ? known_ms : unknown_ms).push_back(ms);
      EXPECT_EQ(r.status, 401);
    }
  }
  std::sort(known_ms.begin(), known_ms.end());
  std::sort(unknown_ms.begin(), unknown_ms.end());
  const double known = known_ms[15];
  const double unknown = unknown_ms[15];
  EXPECT_NEAR(unknown / known, 1.0, 0.2) << "known " << known << " ms, unknown " << unknown;
}

TEST_F(BrowserApi, PasswordChangeEndsOtherSessionsAtOnce) {
  Device a = NewDevice(), b = NewDevice();
  SignUp(a, "change@example.com");
  ASSERT_EQ(b.SignIn("change@example.com").status, 200);
  const std::string b_access = b.jar().at("gh_access");
  const std::string b_refresh = b.jar().at("gh_refresh");
  HttpResponse wrong = a.Send("POST", "/v1/me/password",
                              R"({"current_password":"not it at all","new_password":"x"})");
  EXPECT_EQ(wrong.status, 401);
  HttpResponse weak =
      a.Send("POST", "/v1/me/password",
             R"({"current_password":")" + kPassword + R"(","new_password":"password"})");
  EXPECT_EQ(weak.status, 400);
  HttpResponse ok = a.Send(
      "POST", "/v1/me/password",
      R"({"current_password":")" + kPassword + R"(","new_password":"a brand new passphrase"})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  HttpClient admin = Admin();
  HttpResponse v =
      admin.Send("POST", "/v1/sessions/verify",
                 R"({"access_token":")" + b_access + R"(","mode":"local"})", server_.Auth());
  EXPECT_EQ(v.status, 401);
  EXPECT_EQ(b.Send("POST", "/v1/auth/refresh", "{}").status, 401);
  EXPECT_EQ(a.Send("GET", "/v1/me").status, 200);  // the current session stays
  Device c = NewDevice();
  EXPECT_EQ(c.SignIn("change@example.com").status, 401);
  EXPECT_EQ(c.SignIn("change@example.com", "a brand new passphrase").status, 200);
  (void)b_refresh;
}

TEST_F(BrowserApi, AdminManagesUsers) {
  HttpClient admin = Admin();
  HttpResponse created = admin.Send(
      "POST", "/v1/users", R"({"email":"Admin.Made@Example.com","password":"made by an admin"})",
      server_.Auth());
  ASSERT_EQ(created.status, 201) << created.body;
  auto user = Json(created.body).at("user");
  const std::string id = Str(user, "id");
  EXPECT_EQ(Str(user, "email"), "admin.made@example.com");
  EXPECT_FALSE(user.at("banned").as_bool());
  EXPECT_EQ(admin
                .Send("POST", "/v1/users",
                      R"({"email":"admin.made@example.com","password":"made by an admin"})",
                      server_.Auth())
                .status,
            409);
  EXPECT_EQ(
      Str(Json(admin.Send("GET", "/v1/users/" + id, "", server_.Auth()).body).at("user"), "id"),
      id);
  auto found =
      Json(admin.Send("GET", "/v1/users?email=ADMIN.MADE%40example.com", "", server_.Auth()).body);
  ASSERT_EQ(found.at("users").as_array().size(), 1u);

  Device d1 = NewDevice(), d2 = NewDevice();
  ASSERT_EQ(d1.SignIn("admin.made@example.com", "made by an admin").status, 200);
  ASSERT_EQ(d2.SignIn("admin.made@example.com", "made by an admin").status, 200);
  HttpResponse reset = admin.Send("POST", "/v1/users/" + id + "/password",
                                  R"({"password":"reset by the admin"})", server_.Auth());
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(Json(reset.body).at("revoked").as_int64(), 2);
  EXPECT_EQ(d1.Send("GET", "/v1/me").status, 401);
  EXPECT_EQ(d2.Send("GET", "/v1/me").status, 401);

  ASSERT_EQ(d1.SignIn("admin.made@example.com", "reset by the admin").status, 200);
  EXPECT_EQ(admin.Send("DELETE", "/v1/users/" + id, "", server_.Auth()).status, 200);
  EXPECT_EQ(d1.Send("GET", "/v1/me").status, 401);
  EXPECT_EQ(admin.Send("GET", "/v1/users/" + id, "", server_.Auth()).status, 404);
  EXPECT_EQ(admin.Send("GET", "/v1/users", "", {}).status, 401);
}

TEST_F(BrowserApi, BanEndsEverythingAtOnceUntilLifted) {
  Device a = NewDevice(), b = NewDevice();
  const std::string id = SignUp(a, "banned@example.com");
  ASSERT_EQ(b.SignIn("banned@example.com").status, 200);
  const std::string a_access = a.jar().at("gh_access");
  HttpClient admin = Admin();
  HttpResponse ban =
      admin.Send("POST", "/v1/users/" + id + "/ban", R"({"reason":"spam"})", server_.Auth());
  ASSERT_EQ(ban.status, 200) << ban.body;
  EXPECT_EQ(Json(ban.body).at("revoked").as_int64(), 2);
  for (const char* mode : {"local", "strict"}) {
    HttpResponse v = admin.Send("POST", "/v1/sessions/verify",
                                R"({"access_token":")" + a_access + R"(","mode":")" + mode + "\"}",
                                server_.Auth());
    EXPECT_EQ(v.status, 401) << mode;
    EXPECT_EQ(Str(Json(v.body), "error"), "unauthorised");
  }
  EXPECT_EQ(a.Send("GET", "/v1/me").status, 401);
  EXPECT_EQ(b.Send("POST", "/v1/auth/refresh", "{}").status, 401);
  Device c = NewDevice();
  EXPECT_EQ(c.SignIn("banned@example.com", "not the password!").status, 401);
  HttpResponse right = c.SignIn("banned@example.com");
  EXPECT_EQ(right.status, 423);
  EXPECT_EQ(Str(Json(right.body), "error"), "user_banned");
  EXPECT_TRUE(Json(admin.Send("GET", "/v1/users/" + id, "", server_.Auth()).body)
                  .at("user")
                  .at("banned")
                  .as_bool());
  EXPECT_EQ(
      admin.Send("POST", "/v1/sessions", R"({"user_id":")" + id + "\"}", server_.Auth()).status,
      403);

  ASSERT_EQ(admin.Send("DELETE", "/v1/users/" + id + "/ban", "", server_.Auth()).status, 200);
  EXPECT_EQ(c.SignIn("banned@example.com").status, 200);
  EXPECT_EQ(c.Send("GET", "/v1/me").status, 200);
  EXPECT_EQ(b.Send("POST", "/v1/auth/refresh", "{}").status, 401);  // old sessions stay dead
}

TEST_F(BrowserApi, AdminBrowserSessionsReachTheBackendApi) {
  Device boss = NewDevice(), plain = NewDevice();
  const std::string boss_id = SignUp(boss, "boss@example.com");
  SignUp(plain, "plain@example.com");
  HttpClient admin = Admin();
  // The grant bumps ver: the boss's cookie token must refresh first (MakeAdmin does), then it is
  // an admin.
  MakeAdmin(boss, boss_id);
  EXPECT_EQ(boss.Send("GET", "/v1/users?limit=10").status, 200);
  EXPECT_EQ(plain.Send("GET", "/v1/users?limit=10").status, 403);
  EXPECT_EQ(HttpClient(server_.port()).Send("GET", "/v1/users").status, 401);
  EXPECT_EQ(boss.Send("POST", "/v1/sessions", R"({"user_id":"x"})", {}, /*csrf=*/false).status,
            403);
  EXPECT_EQ(boss.Send("POST", "/v1/sessions", R"({"user_id":"x"})").status, 201);
  // Routes that run on an io thread take the API key only.
  EXPECT_EQ(boss.Send("POST", "/v1/sessions/verify", R"({"access_token":"x"})").status, 401);
  // The admin edits a role they hold: their token is outdated, and the backend API says so
  // (try_refresh_token: refresh and retry), not "no session" (which would sign the console out).
  ASSERT_EQ(
      boss.Send("PUT", "/v1/roles/admin", R"({"permissions":["gatehouse:admin","x:y"]})").status,
      200);
  const HttpResponse outdated = boss.Send("GET", "/v1/users?limit=10");
  EXPECT_EQ(outdated.status, 401);
  EXPECT_NE(outdated.body.find("\"error\":\"try_refresh_token\""), std::string::npos)
      << outdated.body;
  ASSERT_EQ(boss.Send("POST", "/v1/auth/refresh", "{}").status, 200);
  EXPECT_EQ(boss.Send("GET", "/v1/users?limit=10").status, 200);

  // The console's full feed, opened with the admin's session, ends when that session does: a
  // revoked (or banned, or demoted) admin does not go on reading everyone's events.
  SseClient feed(server_.port(), "/v1/revocations/stream",
                 {{"Cookie", "gh_access=" + boss.jar().at("gh_access")}});
  feed.WaitForEvents(1, std::chrono::milliseconds(500));
  ASSERT_EQ(feed.status(), 200) << feed.text();
  const std::string handle = Str(Json(boss.Send("GET", "/v1/me").body).at("session"), "handle");
  HttpResponse someone = admin.Send("POST", "/v1/sessions", R"({"user_id":"y"})", server_.Auth());
  ASSERT_EQ(admin
                .Send("DELETE", "/v1/sessions/" + Str(Json(someone.body).at("session"), "handle"),
                      "", server_.Auth())
                .status,
            200);
  ASSERT_EQ(admin.Send("DELETE", "/v1/sessions/" + handle, "", server_.Auth()).status, 200);
  const auto records = feed.WaitForId(1'000'000, std::chrono::seconds(3));  // until it ends
  EXPECT_TRUE(feed.ended()) << feed.text();
  ASSERT_GE(records.size(), 2u);
  EXPECT_NE(records[records.size() - 2].data.find("\"user_id\":\"y\""), std::string::npos)
      << "other users' events flowed before";
  EXPECT_NE(records.back().data.find(handle), std::string::npos) << "the last event ended it";
}

// An admin's browser session holds at most five full feeds at once (each costs the server every
// event), beside its own /v1/me/events; an API key's full feed is not capped.
TEST_F(BrowserApi, AnAdminsFullFeedsAreCapped) {
  Device boss = NewDevice();
  MakeAdmin(boss, SignUp(boss, "many-consoles@example.com"));
  const std::vector<std::pair<std::string, std::string>> cookie{
      {"Cookie", "gh_access=" + boss.jar().at("gh_access")}};
  auto open = [&](const std::string& path, std::vector<std::pair<std::string, std::string>> h) {
    auto sse = std::make_unique<SseClient>(server_.port(), path, std::move(h));
    sse->WaitForEvents(1, std::chrono::milliseconds(300));  // reads the status line
    return sse;
  };
  std::vector<std::unique_ptr<SseClient>> held;
  for (int i = 0; i < 5; ++i) {
    held.push_back(open("/v1/revocations/stream", cookie));
    ASSERT_EQ(held.back()->status(), 200) << i;
  }
  const auto refused = open("/v1/revocations/stream", cookie);
  EXPECT_EQ(refused->status(), 429) << refused->text();
  held.push_back(open("/v1/me/events", cookie));
  EXPECT_EQ(held.back()->status(), 200) << "the admin's own stream is counted apart";
  held.push_back(open("/v1/revocations/stream", server_.Auth()));
  EXPECT_EQ(held.back()->status(), 200) << "an API key's feed is not capped";
}

class ShortTokens : public BrowserApi {
 protected:
  ShortTokens() : BrowserApi({{"COOKIE_SECURE", "false"}, {"ACCESS_TOKEN_TTL", "2s"}}) {}
};

// The console's full feed, opened with an admin's session, ends once that session's access token
// expires (no event says so): the reconnect must show a current token, so an admin whose session
// lapsed does not go on reading every user's events.
TEST_F(ShortTokens, AnAdminsFullFeedEndsWhenTheAdminsTokenExpires) {
  Device boss = NewDevice();
  const std::string id = SignUp(boss, "lapsed@example.com");
  MakeAdmin(boss, id);
  const std::string token = boss.jar().at("gh_access");
  // The token's own end (whole seconds: up to a second sooner than issue + 2 s).
  const std::size_t dot = token.find('.');
  const auto payload =
      crypto::Base64UrlDecode(token.substr(dot + 1, token.find('.', dot + 1) - dot - 1));
  ASSERT_TRUE(payload);
  const std::int64_t exp_ms = Json(*payload).at("exp").as_int64() * 1000;
  SseClient feed(server_.port(), "/v1/revocations/stream", {{"Cookie", "gh_access=" + token}});
  feed.WaitForEvents(1, std::chrono::milliseconds(300));
  ASSERT_EQ(feed.status(), 200) << feed.text();
  EXPECT_FALSE(feed.ended());
  feed.WaitForId(1'000'000, std::chrono::seconds(10));  // until it ends (checked every heartbeat)
  EXPECT_TRUE(feed.ended()) << feed.text();
  EXPECT_GE(ToUnixMillis(std::chrono::system_clock::now()), exp_ms) << "ended before the token did";
}

TEST_F(BrowserApi, AuditHasNoSecrets) {
  Device a = NewDevice();
  SignUp(a, "audit@example.com");
  a.SignIn("audit@example.com", "wrong password here");
  HttpClient admin = Admin();
  HttpResponse r = admin.Send("GET", "/v1/audit?limit=100", "", server_.Auth());
  ASSERT_EQ(r.status, 200);
  std::vector<std::string> types;
  const auto body = Json(r.body);
  for (const auto& e : body.at("entries").as_array()) types.push_back(Str(e, "type"));
  for (const char* t : {"signup", "signin_failed"}) {
    EXPECT_NE(std::find(types.begin(), types.end(), t), types.end()) << t;
  }
  EXPECT_EQ(r.body.find(kPassword), std::string::npos);
  EXPECT_EQ(r.body.find("wrong password here"), std::string::npos);
  EXPECT_EQ(r.body.find(a.jar().at("gh_access")), std::string::npos);
}

TEST_F(BrowserApi, BadInputOnEveryNewEndpoint) {
  Device a = NewDevice();
  SignUp(a, "bad@example.com");
  const std::string big(10 * 1024 * 1024, 'x');
  struct Case {
    std::string method, target, body;
    int status;
  };
  const std::vector<Case> cases = {
      {"POST", "/v1/auth/signup", R"({"email":"x","password":"long enough pw"})", 400},
      {"POST", "/v1/auth/signup", R"({"email":"n@example.com","password":"short"})", 400},
      {"POST", "/v1/auth/signup",
       "{\"email\":\"\xff@example.com\",\"password\":\"long enough pw\"}", 400},
      {"POST", "/v1/auth/signup",
       "{\"email\":\"u@example.com\",\"password\":\"long \xc0\xaf pw!!\"}", 400},
      {"POST", "/v1/auth/signup", R"({"email":"n@example.com","password":"password1"})", 400},
      {"POST", "/v1/auth/signup", R"({"email":5,"password":"long enough pw"})", 400},
      {"POST", "/v1/auth/signup", R"({"email":"n@example.com"})", 400},
      {"POST", "/v1/auth/signup", "{\"email\":\"" + big + "\"}", 413},
      {"POST", "/v1/auth/signup", std::string(5000, '[') + std::string(5000, ']'), 400},
      {"POST", "/v1/auth/signin", "{\"email\":", 400},
      {"POST", "/v1/auth/signin", R"({"email":"bad@example.com","password":null})", 400},
      {"POST", "/v1/me/password", R"({"current_password":1,"new_password":2})", 400},
      {"POST", "/v1/me/password", "[]", 400},
      {"DELETE", "/v1/me/sessions/%zz", "", 400},
  };
  HttpClient admin = Admin();
  for (const Case& c : cases) {
    HttpResponse r = a.Send(c.method, c.target, c.body);
    EXPECT_EQ(r.status, c.status) << c.target << " " << c.body.substr(0, 60);
    EXPECT_FALSE(Str(Json(r.body), "error").empty()) << c.target;
    ASSERT_EQ(HttpClient(server_.port()).Send("GET", "/healthz").status, 200);
  }
  Device fresh = NewDevice();  // no refresh cookie: the body is read
  EXPECT_EQ(fresh.Send("POST", "/v1/auth/refresh", R"({"refresh_token":7})").status, 400);
  // No user was half-created by any of them.
  auto users = Json(admin.Send("GET", "/v1/users?limit=100", "", server_.Auth()).body);
  EXPECT_EQ(users.at("users").as_array().size(), 1u);
  EXPECT_EQ(
      admin.Send("POST", "/v1/users", R"({"email":"x@y.z","password":1})", server_.Auth()).status,
      400);
  // The email-prefix search takes any bytes as a literal prefix: no pattern, no crash, no match.
  const std::vector<std::string> prefixes = {"%FF%FE", "%25", "_", "%00", std::string(8000, 'a'),
                                             "zz%40"};
  for (const std::string& q : prefixes) {
    HttpResponse r = admin.Send("GET", "/v1/users?q=" + q, "", server_.Auth());
    EXPECT_TRUE(r.status == 200 || r.status == 400) << q.substr(0, 20) << " " << r.status;
    if (r.status == 200) {
      EXPECT_TRUE(Json(r.body).at("users").as_array().empty()) << q.substr(0, 20);
    } else {
      EXPECT_EQ(Str(Json(r.body), "error"), "bad_request") << q.substr(0, 20);
    }
  }
  EXPECT_EQ(Json(admin.Send("GET", "/v1/users?q=BAD", "", server_.Auth()).body)
                .at("users")
                .as_array()
                .size(),
            1u);  // any case finds bad@example.com
}

}  // namespace
}  // namespace gatehouse::testing
