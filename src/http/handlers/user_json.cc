#include "http/handlers/user_json.h"

#include <boost/json/array.hpp>

namespace gatehouse::http {

boost::json::object UserJson(const store::UserRecord& user) {
  return {{"id", user.id},         {"email", user.email},           {"created_at", user.created_at},
          {"banned", user.banned}, {"roles", boost::json::array{}}, {"ver", 0}};
}

}  // namespace gatehouse::http
