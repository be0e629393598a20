#pragma once
// The API's JSON shape for users: {id, email, created_at, banned, roles, ver}.

#include <boost/json/object.hpp>

#include "store/records.h"

namespace gatehouse::http {

boost::json::object UserJson(const store::UserRecord& user);

}  // namespace gatehouse::http
