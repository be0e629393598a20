#pragma once
// The revocation feed, catch-up form (API.md "Revocation feed"), behind the API key:
//   GET /v1/revocations?after=SEQ&limit=N
//     → {events: [{seq, type, at, ...fields}], last_seq, resync: false}
//     → {resync: true, snapshot: {...}, last_seq} when the events after SEQ are no longer in the
//       log (pruned); the snapshot is the state as of last_seq.
// A verifier applies the events in order (or loads the snapshot, then the events after
// last_seq). Everything comes from the revocation::Feed; this handler never reads the store.

#include "http/handlers/api_auth.h"
#include "http/router.h"
#include "revocation/feed/feed.h"

namespace gatehouse::http {

void AddFeedRoutes(Router& router, revocation::Feed& feed, const ApiAuth& auth);

}  // namespace gatehouse::http
