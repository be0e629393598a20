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
// {user_id, session_handle, roles, claims}, serialised (the hot path of verify: the claims are
// embedded as the text serialised once when the token was first verified).
std::string VerifiedBody(const tokens::AccessClaims& claims);

}  // namespace gatehouse::http
