#include "http/handlers/user_json.h"

#include <boost/json/array.hpp>

namespace gatehouse::http {

boost::json::object UserJson(const store::UserRecord& user, const std::vector<std::string>& roles,
                             std::int64_t ver) {
  boost::json::array role_list;
  for (const auto& r : roles) role_list.emplace_back(r);
  return {{"id", user.id},         {"email", user.email},           {"created_at", user.created_at},
          {"banned", user.banned}, {"roles", std::move(role_list)}, {"ver", ver}};
}

}  // namespace gatehouse::http
