#pragma once
// The API's JSON shape for users: {id, email, created_at, banned, roles, ver}.

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "store/records.h"

namespace gatehouse::http {

boost::json::object UserJson(const store::UserRecord& user,
                             const std::vector<std::string>& roles = {}, std::int64_t ver = 0);

}  // namespace gatehouse::http
