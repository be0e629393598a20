// Console: the revocation feed as it happens (GET /v1/revocations/stream), from the last 20.
import { h, $, gh, messageFor, showMessage, when } from '../ui.js';

const KEEP = 200;
let source = null;

// Closes the stream: on sign-out, or when the console is no longer allowed.
export function stopEvents() {
  clearTimeout(retryTimer);
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

let lastSeq = 0;     // the last event shown: a reconnect resumes after it
let retryDelay = 1000;
let retryTimer = 0;

// Opens the stream after the last event shown (at first: the last 20). The server ends it when
// the admin's session ends or their claims change; the browser then reconnects by itself, and
// when that is refused (an outdated token: 401 try_refresh_token) this asks again through the
// SDK, which refreshes; a console no longer allowed (403) stops.
async function follow() {
  clearTimeout(retryTimer);
  const list = $('#event-log');
  if (!list) return;
  try {
    // /v1/me names the feed's head (feed_seq) and, through the SDK, refreshes an outdated token.
    const me = await gh.api('/v1/me');
    if (!list.isConnected) return;  // the console was closed meanwhile (signed out, denied)
    if (!me.permissions.includes('gatehouse:admin')) {
      // The server refuses the stream now (403), which an EventSource cannot tell apart from a
      // dropped connection: stop here instead of retrying.
      $('#event-status').textContent = 'Stopped.';
      showMessage($('#events-message'), messageFor({ code: 'forbidden' }));
      return;
    }
    const start = lastSeq || Math.max(0, me.feed_seq - 20);
    stopEvents();
    source = new EventSource(`/v1/revocations/stream?after=${start}`, { withCredentials: true });
    const add = (m) => {
      let e;
      try { e = JSON.parse(m.data); } catch { return; }
      const seq = Number(m.lastEventId) || e.seq || 0;
      if (seq && seq <= lastSeq && m.type !== 'resync') return;  // a replay after a reconnect
      lastSeq = Math.max(lastSeq, seq);
      list.prepend(line(e.type ? e : { ...e, seq, type: m.type }));
      while (list.children.length > KEEP) list.lastChild.remove();
      $('#event-status').textContent = 'Following the feed.';
      retryDelay = 1000;
    };
    for (const type of TYPES) source.addEventListener(type, add);
    source.onopen = () => { $('#event-status').textContent = 'Following the feed.'; };
    const mine = source;
    source.onerror = () => {
      if (mine.readyState !== EventSource.CLOSED) {
        $('#event-status').textContent = 'Reconnecting…';
        return;
      }
      if (source !== mine) return;
      $('#event-status').textContent = 'Reconnecting…';
      retryTimer = setTimeout(follow, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    };
  } catch (err) {
    $('#event-status').textContent = 'Disconnected.';
    showMessage($('#events-message'), messageFor(err));
    if (err.status !== 401 && err.status !== 403) {
      retryTimer = setTimeout(follow, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    }
  }
}

export function eventsPanel() {
  setTimeout(follow);
  return h('div', { class: 'card' },
    h('div', { id: 'events-message', class: 'message' }),
    h('p', { id: 'event-status', class: 'muted', role: 'status' }, 'Connecting…'),
    h('ul', { id: 'event-log', class: 'log', 'aria-label': 'Feed events, newest first' }));
}
