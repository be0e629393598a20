#pragma once
// JSON merge patch for session data and access payloads (RFC 7386, one level as the API needs):
// a member of the patch replaces the base's, a null member deletes it.

#include <boost/json/object.hpp>

namespace gatehouse::sessions {

boost::json::object MergePatch(const boost::json::object& base, const boost::json::object& patch);

}  // namespace gatehouse::sessions
