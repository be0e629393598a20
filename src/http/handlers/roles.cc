#include "http/handlers/roles.h"

#include <boost/json/array.hpp>

#include "http/handlers/answer.h"
#include "http/handlers/json_body.h"

namespace gatehouse::http {
namespace {

namespace bj = boost::json;
using authz::AuthzService;

bj::array Strings(const std::vector<std::string>& items) {
  bj::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

bj::object RoleJson(const store::RoleRecord& role) {
  return {{"name", role.name}, {"permissions", Strings(role.permissions)}};
}

Result<Response> PutRole(AuthzService& authz, Request& req) {
  GH_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(req, {"permissions"}));
  const bj::value* list = body.object().if_contains("permissions");
  if (list == nullptr || !list->is_array()) {
    return InvalidArgument("'permissions' must be an array of strings");
  }
  std::vector<std::string> permissions;
  for (const bj::value& p : list->as_array()) {
    if (!p.is_string()) return InvalidArgument("'permissions' must be an array of strings");
    permissions.emplace_back(p.as_string());
  }
  GH_ASSIGN_OR_RETURN(store::RoleRecord role,
                      authz.PutRole(*req.Param("role"), std::move(permissions)));
  return JsonResponse(200, bj::object{{"role", RoleJson(role)}});
}

Result<Response> ListRoles(AuthzService& authz, Request&) {
  GH_ASSIGN_OR_RETURN(auto roles, authz.ListRoles());
  bj::array out;
  for (const auto& r : roles) out.push_back(RoleJson(r));
  return JsonResponse(200, bj::object{{"roles", std::move(out)}});
}

Result<Response> GetRole(AuthzService& authz, Request& req) {
  GH_ASSIGN_OR_RETURN(store::RoleRecord role, authz.GetRole(*req.Param("role")));
  return JsonResponse(200, bj::object{{"role", RoleJson(role)}});
}

Result<Response> DeleteRole(AuthzService& authz, Request& req) {
  GH_RETURN_IF_ERROR(authz.DeleteRole(*req.Param("role")));
  return JsonResponse(200, bj::object{{"deleted", true}});
}

Result<Response> RoleUsers(AuthzService& authz, Request& req) {
  GH_ASSIGN_OR_RETURN(auto users, authz.RoleUsers(*req.Param("role")));
  return JsonResponse(200, bj::object{{"users", Strings(users)}});
}

Result<Response> Grant(AuthzService& authz, Request& req) {
  GH_ASSIGN_OR_RETURN(bool granted, authz.Grant(*req.Param("id"), *req.Param("role")));
  return JsonResponse(200, bj::object{{"granted", granted}});
}

Result<Response> Remove(AuthzService& authz, Request& req) {
  GH_ASSIGN_OR_RETURN(bool removed, authz.Remove(*req.Param("id"), *req.Param("role")));
  return JsonResponse(200, bj::object{{"removed", removed}});
}

Result<Response> UserRoles(AuthzService& authz, Request& req) {
  GH_ASSIGN_OR_RETURN(auto roles, authz.UserRoles(*req.Param("id")));
  return JsonResponse(200, bj::object{{"roles", Strings(roles)}});
}

Result<Response> UserPermissions(AuthzService& authz, Request& req) {
  GH_ASSIGN_OR_RETURN(auto permissions, authz.UserPermissions(*req.Param("id")));
  return JsonResponse(200, bj::object{{"permissions", Strings(permissions)}});
}

Result<Response> Check(AuthzService& authz, Request& req) {
  GH_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(req, {"user_id", "permission"}));
  GH_ASSIGN_OR_RETURN(std::string user_id, body.RequiredString("user_id", 256));
  GH_ASSIGN_OR_RETURN(std::string permission, body.RequiredString("permission", 256));
  GH_ASSIGN_OR_RETURN(bool allowed, authz.Check(user_id, permission));
  return JsonResponse(200, bj::object{{"allowed", allowed}});
}

}  // namespace

void AddRoleRoutes(Router& router, AuthzService& authz, const ApiAuth& auth) {
  auto route = [&](Method m, const char* pattern, Result<Response> (*fn)(AuthzService&, Request&)) {
    router.Add(m, pattern, auth.Require([&authz, fn](Request& r) {
      return Answer([&] { return fn(authz, r); });
    }),
               {.blocking = true});
  };
  route(Method::kPut, "/v1/roles/{role}", PutRole);
  route(Method::kGet, "/v1/roles", ListRoles);
  route(Method::kGet, "/v1/roles/{role}", GetRole);
  route(Method::kDelete, "/v1/roles/{role}", DeleteRole);
  route(Method::kGet, "/v1/roles/{role}/users", RoleUsers);
  route(Method::kPut, "/v1/users/{id}/roles/{role}", Grant);
  route(Method::kDelete, "/v1/users/{id}/roles/{role}", Remove);
  route(Method::kGet, "/v1/users/{id}/roles", UserRoles);
  route(Method::kGet, "/v1/users/{id}/permissions", UserPermissions);
  route(Method::kPost, "/v1/authz/check", Check);
}

}  // namespace gatehouse::http
