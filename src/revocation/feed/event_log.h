#pragma once
// Writing feed events: the one way a change puts its events into its own transaction, so that
// they commit (or roll back) with the rows they describe and reach every state through the Feed.
//
//   GH_RETURN_IF_ERROR(revocation::AppendEvent(tx, revocation::KeyRevoked(kid, now)));
//
// Thread-safety: as the transaction.

#include <vector>

#include "common/result.h"
#include "revocation/event.h"
#include "store/store.h"

namespace gatehouse::revocation {

// Appends `event` (its seq is assigned by the store).
Status AppendEvent(store::Tx& tx, const Event& event);
Status AppendEvents(store::Tx& tx, const std::vector<Event>& events);

}  // namespace gatehouse::revocation
