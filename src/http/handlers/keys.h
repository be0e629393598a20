#pragma once
// POST /v1/keys/rotate {revoke_previous?: false} → {kid} (API key). With revoke_previous every
// earlier key is revoked at once (the emergency switch): its tokens answer try_refresh_token and
// the refresh signs with the new key. Each revoked key gets a key_revoked event.

#include "common/clock.h"
#include "http/handlers/api_auth.h"
#include "http/router.h"
#include "keys/key_manager.h"
#include "store/store.h"

namespace gatehouse::http {

void AddKeyRoutes(Router& router, keys::KeyManager& keys, store::Store& store, Clock& clock,
                  const ApiAuth& auth);

}  // namespace gatehouse::http
