#include "http/handlers/users.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <charconv>

#include "http/handlers/answer.h"
#include "http/handlers/json_body.h"
#include "http/handlers/user_json.h"

namespace gatehouse::http {
namespace {

namespace bj = boost::json;
using Deps = UserRouteDeps;

Result<bj::object> FullUserJson(Deps& d, const store::UserRecord& user) {
  GH_ASSIGN_OR_RETURN(auto roles, d.authz.UserRoles(user.id));
  GH_ASSIGN_OR_RETURN(std::int64_t ver, d.authz.ClaimsVersion(user.id));
  return UserJson(user, roles, ver);
}

Result<int> LimitParam(const Request& req, int fallback, int max) {
  const auto text = req.Query("limit");
  if (!text) return fallback;
  int n = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size() || n < 1 || n > max) {
    return InvalidArgument("'limit' must be an integer from 1 to " + std::to_string(max));
  }
  return n;
}

Result<Response> CreateUser(Deps& d, Request& req) {
  GH_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(req, {"email", "password"}));
  GH_ASSIGN_OR_RETURN(std::string email, body.RequiredString("email", 1024));
  GH_ASSIGN_OR_RETURN(std::string password, body.RequiredString("password", 1024));
  GH_ASSIGN_OR_RETURN(store::UserRecord user, d.users.Create(email, password));
  return JsonResponse(201, bj::object{{"user", UserJson(user)}});
}

Result<Response> ListUsers(Deps& d, Request& req) {
  GH_ASSIGN_OR_RETURN(int limit, LimitParam(req, 50, 1000));
  GH_ASSIGN_OR_RETURN(identity::UserPage page,
                      d.users.List(req.Query("email").value_or(""), req.Query("q").value_or(""),
                                   req.Query("cursor").value_or(""), limit));
  bj::array out;
  for (const auto& u : page.users) {
    GH_ASSIGN_OR_RETURN(bj::object json, FullUserJson(d, u));
    out.push_back(std::move(json));
  }
  bj::object body{{"users", std::move(out)}};
  body["next"] = page.next_cursor.empty() ? bj::value(nullptr) : bj::value(page.next_cursor);
  return JsonResponse(200, body);
}

Result<Response> GetUser(Deps& d, Request& req) {
  GH_ASSIGN_OR_RETURN(store::UserRecord user, d.users.Get(*req.Param("id")));
  GH_ASSIGN_OR_RETURN(bj::object json, FullUserJson(d, user));
  return JsonResponse(200, bj::object{{"user", std::move(json)}});
}

Result<Response> DeleteUser(Deps& d, Request& req) {
  GH_RETURN_IF_ERROR(d.users.Delete(*req.Param("id")));
  return JsonResponse(200, bj::object{{"deleted", true}});
}

Result<Response> SetPassword(Deps& d, Request& req) {
  GH_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(req, {"password", "keep_session"}));
  GH_ASSIGN_OR_RETURN(std::string password, body.RequiredString("password", 1024));
  GH_ASSIGN_OR_RETURN(std::optional<std::string> keep, body.OptionalString("keep_session"));
  GH_ASSIGN_OR_RETURN(int revoked, d.users.SetPassword(*req.Param("id"), password, keep));
  return JsonResponse(200, bj::object{{"revoked", revoked}});
}

Result<Response> Ban(Deps& d, Request& req) {
  GH_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(req, {"reason"}, /*empty_ok=*/true));
  GH_ASSIGN_OR_RETURN(std::optional<std::string> reason, body.OptionalString("reason", 1024));
  GH_ASSIGN_OR_RETURN(int revoked, d.sessions.Ban(*req.Param("id"), reason.value_or("")));
  return JsonResponse(200, bj::object{{"banned", true}, {"revoked", revoked}});
}

Result<Response> Unban(Deps& d, Request& req) {
  GH_ASSIGN_OR_RETURN(bool lifted, d.sessions.Unban(*req.Param("id")));
  return JsonResponse(200, bj::object{{"unbanned", lifted}});
}

Result<Response> ListAudit(Deps& d, Request& req) {
  GH_ASSIGN_OR_RETURN(int limit, LimitParam(req, 100, 1000));
  std::int64_t before = 0;
  if (const auto after = req.Query("after")) {
    const auto [end, ec] = std::from_chars(after->data(), after->data() + after->size(), before);
    if (ec != std::errc() || end != after->data() + after->size() || before < 0) {
      return InvalidArgument("'after' must be a cursor from a previous page");
    }
  }
  GH_ASSIGN_OR_RETURN(auto entries,
                      d.store.ListAudit(req.Query("user_id").value_or(""), before, limit));
  bj::array out;
  for (const auto& e : entries) {
    bj::object entry{
        {"seq", e.seq}, {"at", e.at}, {"type", e.type}, {"user_id", e.user_id}, {"actor", e.actor}};
    if (!e.session_handle.empty()) entry["session_handle"] = e.session_handle;
    if (!e.ip.empty()) entry["ip"] = e.ip;
    bj::error_code ec;
    bj::value detail = bj::parse(e.detail, ec);
    entry["detail"] = ec ? bj::value(bj::object{}) : detail;
    out.push_back(std::move(entry));
  }
  bj::object body{{"entries", out}};
  body["next"] = static_cast<int>(entries.size()) == limit && !entries.empty()
                     ? bj::value(std::to_string(entries.back().seq))
                     : bj::value(nullptr);
  return JsonResponse(200, body);
}

}  // namespace

void AddUserRoutes(Router& router, UserRouteDeps deps, const ApiAuth& auth) {
  auto d = std::make_shared<Deps>(deps);
  auto route = [&](Method m, const char* pattern, Result<Response> (*fn)(Deps&, Request&)) {
    router.Add(m, pattern,
               auth.Require([d, fn](Request& r) { return Answer([&] { return fn(*d, r); }); }),
               {.blocking = true});
  };
  route(Method::kPost, "/v1/users", CreateUser);
  route(Method::kGet, "/v1/users", ListUsers);
  route(Method::kGet, "/v1/users/{id}", GetUser);
  route(Method::kDelete, "/v1/users/{id}", DeleteUser);
  route(Method::kPost, "/v1/users/{id}/password", SetPassword);
  route(Method::kPost, "/v1/users/{id}/ban", Ban);
  route(Method::kDelete, "/v1/users/{id}/ban", Unban);
  route(Method::kGet, "/v1/audit", ListAudit);
}

}  // namespace gatehouse::http
