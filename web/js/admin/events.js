// Console: the revocation feed as it happens (GET /v1/revocations/stream), from the last 20.
import { h, $, gh, messageFor, showMessage, when } from '../ui.js';

const KEEP = 200;
let source = null;

// Closes the stream: on sign-out, or when the console is no longer allowed.
export function stopEvents() {
  source?.close();
  source = null;
}
gh.on('signedout', stopEvents);
const TYPES = ['session_revoked', 'user_sessions_revoked', 'claims_changed', 'user_banned',
  'user_unbanned', 'key_revoked', 'resync'];

function line(e) {
  const { seq, type, at, ...fields } = e;
  return h('li', {}, `#${seq ?? '—'} ${at ? when(at) : ''} ${type} ${JSON.stringify(fields)}`);
}

async function follow() {
  const list = $('#event-log');
  try {
    // Asking after the end gives the head without events (and never a resync snapshot).
    const head = await gh.api('/v1/revocations', { query: { after: Number.MAX_SAFE_INTEGER, limit: 1 } });
    const start = Math.max(0, head.last_seq - 20);
    stopEvents();
    source = new EventSource(`/v1/revocations/stream?after=${start}`, { withCredentials: true });
    const add = (m) => {
      let e;
      try { e = JSON.parse(m.data); } catch { return; }
      list.prepend(line(e.type ? e : { ...e, seq: Number(m.lastEventId), type: m.type }));
      while (list.children.length > KEEP) list.lastChild.remove();
      $('#event-status').textContent = 'Following the feed.';
    };
    for (const type of TYPES) source.addEventListener(type, add);
    const mine = source;
    source.onerror = () => {
      // Refused (401/403: the session ended or lost gatehouse:admin): the browser gives up.
      $('#event-status').textContent = mine.readyState === EventSource.CLOSED
        ? 'Disconnected. Reload the page to follow the feed again.' : 'Reconnecting…';
    };
  } catch (err) {
    showMessage($('#events-message'), messageFor(err));
  }
}

export function eventsPanel() {
  setTimeout(follow);
  return h('div', { class: 'card' },
    h('div', { id: 'events-message', class: 'message' }),
    h('p', { id: 'event-status', class: 'muted', role: 'status' }, 'Connecting…'),
    h('ul', { id: 'event-log', class: 'log', 'aria-label': 'Feed events, newest first' }));
}
