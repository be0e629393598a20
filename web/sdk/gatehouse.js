// Gatehouse browser SDK: one ES module, no dependencies, no build step (docs/browser-sdk.md).
//
//   import { Gatehouse } from '/sdk/gatehouse.js';
//   const gh = new Gatehouse();              // or new Gatehouse({ baseUrl: 'https://auth.example.com' })
//   gh.session.onChange((s) => render(s));   // s.status: 'unknown' | 'signedin' | 'signedout'
//   gh.on('signedout', ({ reason }) => location.assign('/signin'));
//   await gh.start();                        // reads /v1/me, then follows /v1/me/events
//   const res = await gh.fetch('/api/orders', { method: 'POST', body: { id: 7 } });
//
// What it does for the page:
// * every request sends the cookies and, when it changes state, the X-Gatehouse-CSRF header;
// * an access token about to expire, or a `try_refresh_token` answer, refreshes once and the
//   request is retried; refreshes are single-flight across the tabs of this origin (Web Locks,
//   else a BroadcastChannel hand-off), so ten tabs make one refresh;
// * `unauthorised` or `token_theft_detected` (and a ban or revocation from the live feed) end the
//   session in every tab: the `signedout` event;
// * `claims_changed` from the feed refreshes at once, so roles and permissions are current.

const CHANNEL = 'gatehouse';
const LOCK = 'gatehouse-refresh';
const CHECK_MS = 30000;        // an unexpected 401 checks the refresh token at most this often
const LEASE_WAIT_MS = 25000;   // the longest a tab waits for the refresh lease (no Web Locks)
const STREAM_TICK_MS = 2000;   // the stream lease's renewal and check (no Web Locks)
const FEED_EVENTS = ['claims_changed', 'session_revoked', 'user_sessions_revoked', 'user_banned',
  'user_unbanned', 'key_revoked', 'resync'];

// An API answer that was not a success: `code` is the API's stable error code ("rate_limited").
export class GatehouseError extends Error {
  constructor(status, code, message, body = {}) {
    super(message || code);
    this.name = 'GatehouseError';
    this.status = status;
    this.code = code;
    this.body = body;
    this.retryAfter = body.retryAfter;
  }
}

// AbortSignal.timeout where there is one (not in every browser that lacks Web Locks).
function timeout(ms) {
  if (typeof AbortSignal.timeout === 'function') return AbortSignal.timeout(ms);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms);
  return controller.signal;
}

function decodeFront(header) {
  if (!header) return null;
  try {
    const b64 = header.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(b64 + '==='.slice((b64.length + 3) % 4)), (c) => c.charCodeAt(0));
    const front = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof front.user_id !== 'string' || !Array.isArray(front.roles)) return null;
    // exp is by the server's clock; `now` is the server's time when answering. Counted from
    // this page's clock instead, a page whose clock is off neither refreshes on every request
    // (clock ahead) nor waits for try_refresh_token (clock behind).
    if (Number.isFinite(front.now) && Number.isFinite(front.exp)) front.exp += Date.now() - front.now;
    return front;
  } catch {
    return null;
  }
}

function randomId() {
  return globalThis.crypto?.randomUUID?.() || Math.random().toString(36).slice(2);
}

// localStorage that may be disabled or full: reads answer null, writes answer false.
function readStored(key) {
  try { return JSON.parse(localStorage.getItem(key) || 'null'); } catch { return null; }
}
function writeStored(key, value) {
  try { localStorage.setItem(key, JSON.stringify(value)); return true; } catch { return false; }
}
function removeStored(key) {
  try { localStorage.removeItem(key); } catch { /* disabled */ }
}

async function readError(res) {
  let body = {};
  try {
    body = await res.clone().json();
  } catch { /* not JSON: keep the status */ }
  const retry = Number(res.headers.get('Retry-After'));
  if (Number.isFinite(retry) && retry > 0) body.retryAfter = retry;
  return new GatehouseError(res.status, body.error || `http_${res.status}`, body.message, body);
}

const EMPTY = Object.freeze({ status: 'unknown', userId: null, email: null, roles: [],
  permissions: [], expiresAt: 0, sessionHandle: null, user: null });

export class Gatehouse {
  #base;
  #margin;
  #useEvents;
  #state = EMPTY;
  #listeners = new Map();  // event name → Set of callbacks
  #refreshing = null;      // this tab's refresh in flight
  #channel = null;
  #source = null;          // the EventSource of /v1/me/events, in the tab that holds it
  #following = false;      // following the feed: holding the stream, or relayed by the holder
  #leadership = null;      // {holds(), stop()}: this tab's claim on holding the stream
  #lastSeq = 0;
  #reconnectDelay = 500;
  #reconnectTimer = 0;
  #frontAt = 0;            // when the current access token's front was read
  #checkedAt = 0;          // when an unexpected 401 last made this tab check the refresh token
  #era = 0;                // moves on at every sign-out: older answers are then ignored

  // baseUrl: where Gatehouse answers ('' = this origin). refreshMarginMs: refresh an access
  // token this long before it expires. events: follow /v1/me/events while signed in.
  constructor({ baseUrl = '', refreshMarginMs = 3000, events = true } = {}) {
    this.#base = baseUrl.replace(/\/$/, '');
    this.#margin = refreshMarginMs;
    this.#useEvents = events;
    if (typeof BroadcastChannel !== 'undefined') {
      this.#channel = new BroadcastChannel(`${CHANNEL}:${this.#base}`);
      this.#channel.onmessage = (m) => this.#onTabMessage(m.data);
    }
    this.session = {
      get: () => this.#state,
      onChange: (cb) => this.on('change', cb),
      hasRole: (role) => this.hasRole(role),
      hasPermission: (permission) => this.hasPermission(permission),
    };
  }

  get state() { return this.#state; }
  hasRole(role) { return this.#state.status === 'signedin' && this.#state.roles.includes(role); }
  hasPermission(permission) {
    return this.#state.status === 'signedin' && this.#state.permissions.includes(permission);
  }
  // rule: { role?, permission?, test?(state) }: all given parts must hold.
  allows(rule = {}) {
    if (this.#state.status !== 'signedin') return false;
    if (rule.role && !this.hasRole(rule.role)) return false;
    if (rule.permission && !this.hasPermission(rule.permission)) return false;
    return rule.test ? Boolean(rule.test(this.#state)) : true;
  }

  // Events: 'change' (state), 'signedout' ({reason}), 'event' (a feed event object),
  // 'sessions' (one of this user's sessions ended). Returns a function that unsubscribes.
  on(name, cb) {
    if (!this.#listeners.has(name)) this.#listeners.set(name, new Set());
    this.#listeners.get(name).add(cb);
    return () => this.#listeners.get(name).delete(cb);
  }

  // Route guard: calls allowed(state) or denied(state) now and again on every change, or
  // signedOut(state) when there is no session. Returns a function that stops it.
  guard(rule, { allowed, denied, signedOut } = {}) {
    const run = () => {
      const s = this.#state;
      if (s.status === 'unknown') return;
      if (s.status !== 'signedin') signedOut?.(s);
      else if (this.allows(rule)) allowed?.(s);
      else denied?.(s);
    };
    run();
    return this.on('change', run);
  }

  // Shows `element` only while `rule` holds (and the user is signed in), live.
  showWhen(element, rule) {
    const run = () => { element.hidden = !this.allows(rule); };
    run();
    return this.on('change', run);
  }

  // Learns whether this browser is signed in (GET /v1/me), then follows the live feed.
  async start() {
    await this.reload();
    return this.#state;
  }

  // Reads /v1/me again: user, current roles and permissions, this session.
  async reload() {
    const era = this.#era;
    try {
      const me = await this.api('/v1/me');
      if (era !== this.#era) return;  // signed out meanwhile: this answer is from before
      // The state just read is current as of feed_seq: a first stream starts there, not at the
      // start of the retained log (an old ban, long lifted, must not sign anyone out). A stream
      // that is followed already resumes where it was (reopened after a refresh, or by the tab
      // that took it over), so no event is lost to the page; what it replays is harmless (an
      // ended session stays ended).
      if (!this.#lastSeq) this.#lastSeq = me.feed_seq || 0;
      this.#setState({ status: 'signedin', userId: me.user.id, email: me.user.email,
        roles: me.roles, permissions: me.permissions, sessionHandle: me.session.handle,
        user: me.user });
      this.#openEvents();
    } catch (err) {
      if (era !== this.#era) return;
      if (err.status === 401) this.#signedOut(err.code, { broadcast: false });
      else throw err;
    }
  }

  // fetch() for the application's own API and Gatehouse's: credentials, CSRF header, JSON
  // bodies (a plain object is sent as JSON), refresh-and-retry once on `try_refresh_token`.
  async fetch(path, init = {}) {
    const method = (init.method || 'GET').toUpperCase();
    const headers = new Headers(init.headers || {});
    let { body } = init;
    if (body !== undefined && body !== null && Object.getPrototypeOf(body) === Object.prototype) {
      body = JSON.stringify(body);
      headers.set('Content-Type', 'application/json');
    }
    if (method !== 'GET' && method !== 'HEAD') headers.set('X-Gatehouse-CSRF', '1');
    const url = /^https?:/.test(path) ? path : this.#base + path;
    const send = () => globalThis.fetch(url, { ...init, method, headers, body, credentials: 'include' });
    const signing = /\/v1\/auth\/(signin|signup|refresh)$/.test(url);

    if (!signing && this.#expiring()) await this.refresh().catch(() => false);
    const sentAt = Date.now();
    let res = await send();
    // try_refresh_token: refresh (or take another tab's) and retry; if the token taken from
    // another tab is outdated too, refresh for real once more.
    for (let attempt = 0; res.status === 401 && !signing && attempt < 2; attempt += 1) {
      const err = await readError(res);
      if (err.code !== 'try_refresh_token') {
        // unauthorised is also a wrong current password, a key the server no longer knows, or
        // the app's own API refusing: the session is over only if the refresh token no longer
        // works (refresh signs out then). Asked at most once per CHECK_MS, so an endpoint that
        // keeps answering 401 does not cost a refresh per call; a read is sent again after a
        // refresh that worked, a write is not (it may have been a wrong password).
        if (this.#state.status === 'signedin' && this.#ours(url) && Date.now() - this.#checkedAt > CHECK_MS) {
          this.#checkedAt = Date.now();
          const fresh = await this.refresh({ force: true }).catch(() => false);
          if (fresh && (method === 'GET' || method === 'HEAD')) res = await send();
        }
        break;
      }
      if (!await this.refresh({ after: sentAt, force: attempt > 0 })) break;
      res = await send();
    }
    if (this.#ours(url)) this.#takeFront(res);
    return res;
  }

  // fetch() that answers the parsed JSON body, or throws a GatehouseError.
  async api(path, { method = 'GET', body, query } = {}) {
    let target = path;
    if (query) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
      if ([...q].length) target += `?${q}`;
    }
    const res = await this.fetch(target, { method, body });
    if (!res.ok) throw await readError(res);
    return res.json();
  }

  async signIn(email, password) { return this.#enter('/v1/auth/signin', email, password); }
  async signUp(email, password) { return this.#enter('/v1/auth/signup', email, password); }

  async signOut() {
    try {
      await this.fetch('/v1/auth/signout', { method: 'POST' });
    } finally {
      this.#signedOut('signed_out');
    }
  }

  // Ends every other session of this user (other devices and browsers); answers how many.
  async signOutOthers() {
    return (await this.api('/v1/me/sessions/revoke-others', { method: 'POST' })).revoked;
  }
  async sessions() { return (await this.api('/v1/me/sessions')).sessions; }
  async endSession(handle) {
    return this.api(`/v1/me/sessions/${encodeURIComponent(handle)}`, { method: 'DELETE' });
  }
  async changePassword(currentPassword, newPassword) {
    return this.api('/v1/me/password', { method: 'POST',
      body: { current_password: currentPassword, new_password: newPassword } });
  }

  // Rotates the refresh token: one request for all tabs. Another tab's refresh is taken as this
  // one when it finished after `after` (ms), or, without `seq`, gave a token newer than the one
  // this tab knows; with `seq` (a claims_changed event) only one made after that event counts.
  // Answers true when a fresh access token is in the cookie jar; false when signed out.
  // `force`: always ask the server.
  refresh({ after = Date.now(), seq = 0, force = false } = {}) {
    if (this.#refreshing) return this.#refreshing;
    const known = this.#state.expiresAt;  // 0 on a page that has not seen a token yet
    this.#refreshing = this.#exclusive(async () => {
      const shared = force ? null : this.#readShared();
      const newer = seq ? shared?.seq >= seq
        : shared?.at > after || (known > 0 && shared?.front.exp > known);
      if (newer && shared.front.exp > Date.now()) {
        this.#adopt(shared.front);
        return true;
      }
      // Bounded: every tab's requests wait on this lock.
      const res = await globalThis.fetch(`${this.#base}/v1/auth/refresh`, {
        method: 'POST', credentials: 'include', headers: { 'X-Gatehouse-CSRF': '1' },
        signal: timeout(15000) });
      if (res.ok) {
        this.#takeFront(res, { seq: Math.max(seq, this.#lastSeq) });
        return true;
      }
      const err = await readError(res);
      if (res.status === 401) {
        this.#signedOut(err.code);
        return false;
      }
      throw err;  // 429 or 503: the session is not over, only this attempt
    }).finally(() => { this.#refreshing = null; });
    return this.#refreshing;
  }

  // Stops following the feed and listening to other tabs.
  close() {
    this.#closeEvents();
    this.#channel?.close();
  }

  // --- internals ---

  async #enter(path, email, password) {
    const res = await this.fetch(path, { method: 'POST', body: { email, password } });
    if (!res.ok) throw await readError(res);
    const { user } = await res.json();
    await this.reload();
    return user;
  }

  // True for Gatehouse's URLs (with no baseUrl: this origin's).
  #ours(url) {
    const target = new URL(url, location.href);
    return target.origin === new URL(this.#base || location.origin, location.href).origin;
  }

  // True when the access token ends within the margin: refreshMarginMs, or a quarter of the
  // token's life when that is shorter (a 4 s token is not refreshed on every request).
  #expiring() {
    const s = this.#state;
    if (s.status !== 'signedin' || !s.expiresAt) return false;
    const margin = Math.min(this.#margin, Math.max(0, (s.expiresAt - this.#frontAt) / 4));
    return s.expiresAt - margin <= Date.now();
  }

  #setState(patch) {
    const next = { ...this.#state, ...patch };
    const same = JSON.stringify(next) === JSON.stringify(this.#state);
    this.#state = Object.freeze(next);
    if (!same) this.#emit('change', this.#state);
  }

  #emit(name, value) {
    for (const cb of [...(this.#listeners.get(name) || [])]) {
      try { cb(value); } catch (e) { console.error(e); }
    }
  }

  // Reads X-Gatehouse-Front off an answer (sign-in, refresh, /v1/me): id, roles in the token, exp.
  #takeFront(res, { seq = 0 } = {}) {
    const front = decodeFront(res.headers.get('X-Gatehouse-Front'));
    if (!front) return;
    this.#adopt(front);
    if (/\/v1\/auth\/(refresh|signin|signup)$/.test(new URL(res.url, location.href).pathname)) {
      this.#writeShared({ front, at: Date.now(), seq });
      this.#channel?.postMessage({ type: 'refreshed', front });
    }
  }

  #adopt(front) {
    this.#frontAt = Date.now();
    if (this.#state.status === 'signedin' && this.#state.userId !== front.user_id) {
      // Another tab signed in as someone else: these cookies are theirs now. Read who.
      this.#era += 1;
      this.#lastSeq = 0;
      this.#closeEvents();
      this.#setState({ ...EMPTY, status: 'unknown', expiresAt: front.exp });
      this.reload().catch(() => {});
      return;
    }
    const patch = { expiresAt: front.exp };
    if (this.#state.status === 'signedin') patch.roles = front.roles;
    this.#setState(patch);
  }

  #signedOut(reason, { broadcast = true } = {}) {
    const was = this.#state.status;
    this.#era += 1;
    this.#lastSeq = 0;
    this.#closeEvents();
    this.#setState({ ...EMPTY, status: 'signedout' });
    removeStored(this.#sharedKey());
    if (broadcast) this.#channel?.postMessage({ type: 'signedout', reason });
    if (was !== 'signedout') this.#emit('signedout', { reason });
  }

  #onTabMessage(msg) {
    if (msg?.type === 'feed' && this.#following && !this.#source && msg.userId === this.#state.userId) {
      this.#onFeed(msg.event, { data: msg.data, lastEventId: msg.id });
    }
    if (msg?.type === 'refreshed' && msg.front) this.#adopt(msg.front);
    if (msg?.type === 'signedout' && this.#state.status === 'signedin') {
      this.#signedOut(msg.reason, { broadcast: false });
    }
  }

  #sharedKey() { return `gatehouse.front:${this.#base}`; }
  #readShared() { return readStored(this.#sharedKey()); }
  #writeShared(value) { writeStored(this.#sharedKey(), value); }

  // Runs fn while holding the refresh lock shared by this origin's tabs.
  async #exclusive(fn) {
    if (globalThis.navigator?.locks?.request) return navigator.locks.request(LOCK, fn);
    // No Web Locks: a lease in localStorage. A tab writes its claim, waits a moment, and holds
    // the lease only if its claim is still the one there (a tab that wrote at the same time has
    // overwritten it, or will see its own overwritten); the others wait for the holder's
    // 'refreshed' message, or for the lease to expire (20 s, longer than the refresh's own 15 s
    // timeout: only a tab that died holding it lets it lapse). The wait is bounded by the clock,
    // not by a count of rounds (a hidden tab's timers run late); a tab that cannot take the
    // lease in LEASE_WAIT_MS does not refresh without it: the refresh fails as `unavailable`.
    const key = `${this.#sharedKey()}:lease`;
    const id = randomId();
    const pause = (ms) => new Promise((resolve) => {
      const done = () => { this.#channel?.removeEventListener('message', done); resolve(); };
      this.#channel?.addEventListener('message', done);
      setTimeout(done, ms);
    });
    const deadline = Date.now() + LEASE_WAIT_MS;
    for (;;) {
      const lease = readStored(key);
      if (!lease || lease.id === id || lease.until <= Date.now()) {
        if (!writeStored(key, { id, until: Date.now() + 20000 })) break;  // storage disabled
        await new Promise((resolve) => { setTimeout(resolve, 40); });
        if (readStored(key)?.id === id) break;
      } else {
        await pause(100);
      }
      if (Date.now() > deadline) {
        throw new GatehouseError(503, 'unavailable', 'another tab holds the refresh lease');
      }
    }
    try { return await fn(); } finally {
      if (readStored(key)?.id === id) removeStored(key);
    }
  }

  // Follows /v1/me/events. One tab of the origin holds the stream and relays its events to the
  // others over the BroadcastChannel, so many tabs cost one connection (browsers allow six per
  // host) and one of the server's five streams per user; when that tab goes, the next takes over
  // and resumes after the last event it was relayed (a replayed event is dropped by its seq).
  #openEvents() {
    if (!this.#useEvents || this.#following || typeof EventSource === 'undefined') return;
    this.#following = true;
    if (!this.#channel) this.#connect();  // nothing to relay over: every tab follows alone
    else if (globalThis.navigator?.locks?.request) this.#leadByLock();
    else this.#leadByLease();
  }

  // Holding the stream is holding a Web Lock: the browser hands it on when the tab closes.
  #leadByLock() {
    const abort = new AbortController();
    let release = null;
    const mine = {
      holds: () => release !== null,
      stop: () => { abort.abort(); release?.(); },
    };
    this.#leadership = mine;
    navigator.locks.request(`${LOCK}-events:${this.#base}`, { signal: abort.signal },
      () => new Promise((done) => {
        release = done;
        if (this.#leadership !== mine) done();
        else this.#connect();
      })).catch(() => { /* aborted: this tab stopped following */ });
  }

  // No Web Locks: a lease in localStorage that the holder renews every STREAM_TICK_MS (three
  // ticks long) and the others check as often, taking it (write, wait, verify: one winner) once
  // it lapsed or was given up. A holder that finds the lease taken (its timers were held back
  // while hidden) closes its stream and follows the relay.
  #leadByLease() {
    const key = `${this.#sharedKey()}:stream`;
    const id = randomId();
    let held = false;
    let timer = 0;
    const giveUp = () => { if (readStored(key)?.id === id) removeStored(key); };
    const mine = {
      holds: () => held,
      stop: () => {
        clearInterval(timer);
        removeEventListener('pagehide', giveUp);
        if (held) giveUp();
        held = false;
      },
    };
    const tick = async () => {
      const lease = readStored(key);
      if (lease && lease.id !== id && lease.until > Date.now()) {
        if (held) { held = false; this.#source?.close(); this.#source = null; }
        return;
      }
      if (!writeStored(key, { id, until: Date.now() + 3 * STREAM_TICK_MS })) return;
      if (!held) {
        await new Promise((resolve) => { setTimeout(resolve, 50); });
        if (this.#leadership !== mine || readStored(key)?.id !== id) return;
        held = true;
      }
      if (!this.#source && !this.#reconnectTimer) this.#connect();
    };
    this.#leadership = mine;
    addEventListener('pagehide', giveUp);
    timer = setInterval(tick, STREAM_TICK_MS);
    tick();
  }

  #connect() {
    const url = new URL(`${this.#base}/v1/me/events`, location.href);
    if (this.#lastSeq) url.searchParams.set('after', String(this.#lastSeq));
    const source = new EventSource(url, { withCredentials: true });
    this.#source = source;
    source.onopen = () => { this.#reconnectDelay = 500; };
    for (const type of FEED_EVENTS) {
      source.addEventListener(type, (m) => {
        this.#channel?.postMessage({ type: 'feed', event: type, data: m.data, id: m.lastEventId,
          userId: this.#state.userId });
        this.#onFeed(type, m);
      });
    }
    source.onerror = () => {
      // The browser retries by itself (sending Last-Event-ID) unless the answer was not a
      // stream (401: the access token expired while disconnected): then refresh and reopen.
      if (source.readyState !== EventSource.CLOSED || this.#source !== source) return;
      this.#source = null;
      this.#reconnectLater();
    };
  }

  // Reads /v1/me (refreshing as needed) and reopens the stream; on failure (a proxy's 502 during
  // a deploy) tries again, backing off to 30 s with jitter, until signed out.
  #reconnectLater() {
    clearTimeout(this.#reconnectTimer);
    const delay = this.#reconnectDelay * (0.5 + Math.random());
    this.#reconnectDelay = Math.min(this.#reconnectDelay * 2, 30000);
    this.#reconnectTimer = setTimeout(async () => {
      this.#reconnectTimer = 0;
      if (this.#state.status === 'signedout') return;
      try {
        await this.reload();
        // The tab that holds the stream (or follows alone) opens it again.
        const holder = this.#leadership ? this.#leadership.holds() : true;
        if (this.#state.status === 'signedin' && this.#following && !this.#source && holder) this.#connect();
      } catch {
        this.#reconnectLater();
      }
    }, delay);
  }

  #closeEvents() {
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = 0;
    this.#source?.close();
    this.#source = null;
    this.#following = false;
    const leadership = this.#leadership;
    this.#leadership = null;
    leadership?.stop();
  }

  #onFeed(type, message) {
    const seq = Number(message.lastEventId) || 0;
    if (seq && seq <= this.#lastSeq && type !== 'resync') return;  // seen (a replay, a takeover)
    if (seq) this.#lastSeq = Math.max(this.#lastSeq, seq);
    let event = { type };
    try { event = JSON.parse(message.data); } catch { /* resync carries only a position */ }
    this.#emit('event', event);
    const mine = this.#state.sessionHandle;
    switch (type) {
      case 'claims_changed':
        this.refresh({ seq }).then((ok) => ok && this.reload()).catch(() => {});
        break;
      case 'user_banned':
        this.#signedOut('user_banned');
        break;
      case 'session_revoked':
        if (event.session_handle === mine) this.#signedOut('session_revoked');
        else this.#emit('sessions', event);
        break;
      case 'user_sessions_revoked':
        if (event.except === mine) this.#emit('sessions', event);
        else this.reload().catch(() => {});  // the server knows whether this session was one
        break;
      case 'resync':
      case 'key_revoked':
        // A resync reaches every follower of the feed at once (the server met an event it could
        // not decode, or the position was pruned): spread the reloads over 2 s. (key_revoked
        // names no user, so /v1/me/events does not carry it; a token signed by a revoked key
        // answers try_refresh_token on its next use.)
        setTimeout(() => this.reload().catch(() => {}), Math.random() * 2000);
        break;
      default:
        break;
    }
  }
}
