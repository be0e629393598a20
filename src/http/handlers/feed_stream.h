#pragma once
// The revocation feed as Server-Sent Events:
//   GET /v1/revocations/stream?after=SEQ (or Last-Event-ID)   API key: every event
//   GET /v1/me/events?after=SEQ (or Last-Event-ID)            browser session: its user's events
// Each event is `id: <seq>` / `event: <type>` / `data: <the event object>`; a comment
// heartbeat every 5 s. The stream first replays the log after SEQ (or sends one `resync` event
// with the snapshot when SEQ was pruned), then follows live events; a `resync` also comes when
// the feed met an event it could not decode. A subscriber that falls too far behind is
// disconnected and resumes with `after=`. Everything comes from the revocation::Feed.

#include "common/clock.h"
#include "http/handlers/api_auth.h"
#include "http/handlers/browser_support.h"
#include "http/router.h"
#include "revocation/feed/feed.h"
#include "sessions/session_service.h"

namespace gatehouse::http {

struct FeedStreamDeps {
  revocation::Feed& feed;
  sessions::SessionService& sessions;
  const BrowserOptions& browser;
  Clock& clock;  // ends an admin's full feed when the admin's access token does
};

void AddFeedStreamRoutes(Router& router, FeedStreamDeps deps, const ApiAuth& auth);

// One event in SSE form.
std::string SseEvent(const revocation::Event& event);

}  // namespace gatehouse::http
