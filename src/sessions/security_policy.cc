#include "sessions/security_policy.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace gatehouse::sessions {
namespace {

std::string_view Name(EndSessions e) {
  switch (e) {
    case EndSessions::kNone:
      return "none";
    case EndSessions::kOthers:
      return "others";
    case EndSessions::kAll:
      return "all";
  }
  return "all";
}

boost::json::object Row(std::string_view event, std::string_view sessions, std::string_view tokens,
                        std::string_view setting = "") {
  boost::json::object row{{"event", event}, {"sessions", sessions}, {"access_tokens", tokens}};
  if (!setting.empty()) row["setting"] = setting;
  return row;
}

}  // namespace

Result<EndSessions> ParseEndSessions(std::string_view text) {
  if (text == "none") return EndSessions::kNone;
  if (text == "others") return EndSessions::kOthers;
  if (text == "all") return EndSessions::kAll;
  return InvalidArgument("expected none, others or all, got '" + std::string(text) + "'");
}

Result<TheftScope> ParseTheftScope(std::string_view text) {
  if (text == "session") return TheftScope::kSession;
  if (text == "user") return TheftScope::kAllOfUser;
  return InvalidArgument("expected session or user, got '" + std::string(text) + "'");
}

std::string SecurityPolicy::TableJson() const {
  const bool current_stays = own_password_change != EndSessions::kAll;
  boost::json::array rows{
      Row("password_changed_by_user", Name(own_password_change),
          current_stays ? "the current one stays; ended sessions' are rejected"
                        : "rejected (unauthorised)",
          "PASSWORD_CHANGE_ENDS"),
      Row("password_set_by_admin", Name(admin_password_set),
          admin_password_set == EndSessions::kNone ? "kept"
                                                   : "rejected (unauthorised), but keep_session",
          "ADMIN_PASSWORD_ENDS"),
      Row("user_banned", "all; sign-in and refresh refused until unbanned", "rejected at once"),
      Row("user_deleted", "all", "rejected at once"),
      Row("claims_changed", "kept", "try_refresh_token; the refresh carries the new claims"),
      Row("signing_key_revoked", "kept", "tokens it signed get try_refresh_token"),
      Row("token_theft_detected",
          theft == TheftScope::kSession ? "that session" : "all of the user's", "rejected at once",
          "THEFT_ENDS"),
  };
  return boost::json::serialize(boost::json::object{{"events", std::move(rows)}});
}

}  // namespace gatehouse::sessions
