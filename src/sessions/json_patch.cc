#include "sessions/json_patch.h"

namespace gatehouse::sessions {

boost::json::object MergePatch(const boost::json::object& base, const boost::json::object& patch) {
  boost::json::object out = base;
  for (const auto& [key, value] : patch) {
    if (value.is_null()) {
      out.erase(key);
    } else {
      out[key] = value;
    }
  }
  return out;
}

}  // namespace gatehouse::sessions
