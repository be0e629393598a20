#include "compat/roles_recipe.h"

#include <algorithm>
#include <boost/json/array.hpp>

#include "compat/cdi.h"

namespace gatehouse::compat {
namespace {

namespace bj = boost::json;
using http::Method;
using http::Response;

bj::array Strings(const std::vector<std::string>& values) {
  bj::array out;
  for (const std::string& v : values) out.emplace_back(v);
  return out;
}

// The app's own names among `internal` (user ids or role names), as its callers know them.
bj::array Externals(const App& app, const std::vector<std::string>& internal) {
  bj::array out;
  for (const std::string& name : internal) {
    if (auto external = app.ExternalRole(name)) out.emplace_back(*external);
  }
  return out;
}

// A role (or user) field of the body or query, in the app's namespace.
Result<std::string> RoleField(const CdiRequest& r, const http::JsonBody& body) {
  GH_ASSIGN_OR_RETURN(std::string role, StringField(body, "role", /*trim=*/true));
  return r.app.Role(role);
}
Result<std::string> UserField(const CdiRequest& r, const http::JsonBody& body) {
  GH_ASSIGN_OR_RETURN(std::string user, StringField(body, "userId"));
  return r.app.User(user);
}

// An optional array of strings, each trimmed (nullopt when the member is absent or null).
Result<std::optional<std::vector<std::string>>> OptionalNames(const http::JsonBody& body,
                                                              std::string_view name) {
  const bj::value* v = body.object().if_contains(name);
  if (v == nullptr || v->is_null()) return std::optional<std::vector<std::string>>();
  if (!v->is_array()) {
    return InvalidArgument("Field name '" + std::string(name) + "' is invalid in JSON input");
  }
  std::vector<std::string> out;
  for (const bj::value& item : v->as_array()) {
    if (!item.is_string()) {
      return InvalidArgument("Field name '" + std::string(name) + "' is invalid in JSON input");
    }
    std::string_view text = item.as_string();
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    if (text.empty()) {
      return InvalidArgument("Field name '" + std::string(name) +
                             "' cannot contain an empty "
                             "String");
    }
    out.emplace_back(text);
  }
  return std::optional(std::move(out));
}

bool IsNotFound(const Error& e) { return e.code() == ErrorCode::kNotFound; }

}  // namespace

void AddRolesRecipe(http::Router& router, const Gate& gate, authz::AuthzService& authz) {
  const CdiRouteOptions tenant{.tenant_scoped = true};
  auto add = [&](Method method, std::string_view path, CdiHandler handler,
                 CdiRouteOptions options = {}) {
    AddRoute(router, gate, method, path, std::move(handler), options);
  };

  add(Method::kPut, "/recipe/role", [&authz](const CdiRequest& r) {
    return Answer([&]() -> Result<Response> {
      GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
      GH_ASSIGN_OR_RETURN(std::string role, RoleField(r, body));
      GH_ASSIGN_OR_RETURN(auto permissions, OptionalNames(body, "permissions"));
      GH_ASSIGN_OR_RETURN(
          bool created,
          authz.AddPermissions(role, permissions.value_or(std::vector<std::string>{})));
      return Ok({{"createdNewRole", created}});
    });
  });

  add(Method::kPost, "/recipe/role/remove", [&authz](const CdiRequest& r) {
    return Answer([&]() -> Result<Response> {
      GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
      GH_ASSIGN_OR_RETURN(std::string role, RoleField(r, body));
      Status deleted = authz.DeleteRole(role);
      if (!deleted && !IsNotFound(deleted.error())) return deleted.error();
      return Ok({{"didRoleExist", deleted.ok()}});
    });
  });

  add(
      Method::kPut, "/recipe/user/role",
      [&authz](const CdiRequest& r) {
        return Answer([&]() -> Result<Response> {
          GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
          GH_ASSIGN_OR_RETURN(std::string user, UserField(r, body));
          GH_ASSIGN_OR_RETURN(std::string role, RoleField(r, body));
          Result<bool> added = authz.Grant(user, role);
          if (!added && IsNotFound(added.error())) return Outcome("UNKNOWN_ROLE_ERROR");
          if (!added) return added.error();
          return Ok({{"didUserAlreadyHaveRole", !*added}});
        });
      },
      tenant);

  add(
      Method::kPost, "/recipe/user/role/remove",
      [&authz](const CdiRequest& r) {
        return Answer([&]() -> Result<Response> {
          GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
          GH_ASSIGN_OR_RETURN(std::string user, UserField(r, body));
          GH_ASSIGN_OR_RETURN(std::string role, RoleField(r, body));
          Result<store::RoleRecord> known = authz.GetRole(role);
          if (!known && IsNotFound(known.error())) return Outcome("UNKNOWN_ROLE_ERROR");
          if (!known) return known.error();
          GH_ASSIGN_OR_RETURN(bool removed, authz.Remove(user, role));
          return Ok({{"didUserHaveRole", removed}});
        });
      },
      tenant);

  add(
      Method::kGet, "/recipe/user/roles",
      [&authz](const CdiRequest& r) {
        return Answer([&]() -> Result<Response> {
          GH_ASSIGN_OR_RETURN(std::string external, QueryField(r, "userId"));
          GH_ASSIGN_OR_RETURN(std::string user, r.app.User(external));
          GH_ASSIGN_OR_RETURN(std::vector<std::string> roles, authz.UserRoles(user));
          return Ok({{"roles", Externals(r.app, roles)}});
        });
      },
      tenant);

  add(
      Method::kGet, "/recipe/role/users",
      [&authz](const CdiRequest& r) {
        return Answer([&]() -> Result<Response> {
          GH_ASSIGN_OR_RETURN(std::string external, QueryField(r, "role", /*trim=*/true));
          GH_ASSIGN_OR_RETURN(std::string role, r.app.Role(external));
          Result<std::vector<std::string>> users = authz.RoleUsers(role);
          if (!users && IsNotFound(users.error())) return Outcome("UNKNOWN_ROLE_ERROR");
          if (!users) return users.error();
          return Ok({{"users", Externals(r.app, *users)}});
        });
      },
      tenant);

  add(Method::kGet, "/recipe/role/permissions", [&authz](const CdiRequest& r) {
    return Answer([&]() -> Result<Response> {
      GH_ASSIGN_OR_RETURN(std::string external, QueryField(r, "role", /*trim=*/true));
      GH_ASSIGN_OR_RETURN(std::string role, r.app.Role(external));
      Result<store::RoleRecord> found = authz.GetRole(role);
      if (!found && IsNotFound(found.error())) return Outcome("UNKNOWN_ROLE_ERROR");
      if (!found) return found.error();
      return Ok({{"permissions", Strings(found->permissions)}});
    });
  });

  add(Method::kPost, "/recipe/role/permissions/remove", [&authz](const CdiRequest& r) {
    return Answer([&]() -> Result<Response> {
      GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
      GH_ASSIGN_OR_RETURN(std::string role, RoleField(r, body));
      GH_ASSIGN_OR_RETURN(auto permissions, OptionalNames(body, "permissions"));
      Status removed = authz.RemovePermissions(role, std::move(permissions));
      if (!removed && IsNotFound(removed.error())) return Outcome("UNKNOWN_ROLE_ERROR");
      if (!removed) return removed.error();
      return Ok();
    });
  });

  add(Method::kGet, "/recipe/permission/roles", [&authz](const CdiRequest& r) {
    return Answer([&]() -> Result<Response> {
      GH_ASSIGN_OR_RETURN(std::string permission, QueryField(r, "permission", /*trim=*/true));
      GH_ASSIGN_OR_RETURN(std::vector<store::RoleRecord> roles, authz.ListRoles());
      std::vector<std::string> holding;
      for (const store::RoleRecord& role : roles) {
        const auto& p = role.permissions;
        if (std::find(p.begin(), p.end(), permission) != p.end()) holding.push_back(role.name);
      }
      return Ok({{"roles", Externals(r.app, holding)}});
    });
  });

  add(Method::kGet, "/recipe/roles", [&authz](const CdiRequest& r) {
    return Answer([&]() -> Result<Response> {
      GH_ASSIGN_OR_RETURN(std::vector<store::RoleRecord> roles, authz.ListRoles());
      std::vector<std::string> names;
      for (const store::RoleRecord& role : roles) names.push_back(role.name);
      return Ok({{"roles", Externals(r.app, names)}});
    });
  });
}

}  // namespace gatehouse::compat
