#pragma once
// POST /v1/keys/rotate {revoke_previous?: false} → {kid} (API key). With revoke_previous every
// earlier key is revoked at once (the emergency switch): its tokens answer try_refresh_token and
// the refresh signs with the new key. KeyManager writes the keys, a key_revoked event per revoked
// key and the audit entries in one transaction.

#include "http/handlers/api_auth.h"
#include "http/router.h"
#include "keys/key_manager.h"

namespace gatehouse::http {

void AddKeyRoutes(Router& router, keys::KeyManager& keys, const ApiAuth& auth);

}  // namespace gatehouse::http
