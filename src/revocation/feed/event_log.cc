#include "revocation/feed/event_log.h"

namespace gatehouse::revocation {

Status AppendEvent(store::Tx& tx, const Event& event) {
  return tx
      .AppendEvent({.type = std::string(event.type_name()),
                    .at = event.at_ms,
                    .payload = event.FieldsJson()})
      .status();
}

Status AppendEvents(store::Tx& tx, const std::vector<Event>& events) {
  for (const Event& e : events) GH_RETURN_IF_ERROR(AppendEvent(tx, e));
  return OkStatus();
}

}  // namespace gatehouse::revocation
