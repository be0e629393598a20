#pragma once
// The revocation feed, catch-up form (API.md "Revocation feed"), behind the API key:
//   GET /v1/revocations?after=SEQ&limit=N
//     → {events: [{seq, type, at, ...fields}], last_seq, resync: false}
//     → {resync: true, snapshot: {...}, last_seq} when events after SEQ were already pruned.
// A verifier applies the events in order (or the snapshot, then events after last_seq).

#include "http/handlers/api_auth.h"
#include "http/router.h"
#include "revocation/revocation_state.h"
#include "store/store.h"

namespace gatehouse::http {

void AddFeedRoutes(Router& router, store::Store& store, const revocation::RevocationState& state,
                   const ApiAuth& auth);

}  // namespace gatehouse::http
