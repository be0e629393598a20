#pragma once
// The API's JSON shapes for sessions (API.md "Sessions").

#include <boost/json/object.hpp>

#include "sessions/session_service.h"
#include "store/records.h"
#include "tokens/access_token.h"

namespace gatehouse::http {

// {handle, user_id, created_at, last_active_at, expires_at, device, session_data, access_payload}
boost::json::object SessionJson(const store::SessionRecord& session);
// {session, access_token: {token, expires_at}, refresh_token: {token, expires_at}}
boost::json::object IssuedSessionJson(const sessions::IssuedSession& issued);
// {user_id, session_handle, roles, claims}
boost::json::object VerifiedJson(const tokens::AccessClaims& claims);

}  // namespace gatehouse::http
