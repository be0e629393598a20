// What every page shares: one Gatehouse client, the header, element building, messages for
// every API error code, and the live region that announces changes to screen readers.
import { Gatehouse } from '/sdk/gatehouse.js';

// Pages that only sign in (data-events="off") do not follow the live feed: they are left at once.
export const gh = new Gatehouse({ events: document.body?.dataset.events !== 'off' });

// h('button', { type: 'button', onclick }, 'Save') → an element; children may be strings,
// nodes, arrays or null. Never builds HTML from strings, so data cannot become markup.
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);

const MESSAGES = {
  bad_request: 'Some of what was sent is not valid. Check the fields and try again.',
  unauthorised: 'You are not signed in, or that email and password do not match.',
  try_refresh_token: 'Your sign-in needs renewing. Try again.',
  token_theft_detected: 'This session was ended because its sign-in was used from two places. Sign in again.',
  forbidden: 'You do not have permission to do that.',
  not_found: 'That no longer exists.',
  conflict: 'That already exists (for example, an account with this email).',
  payload_too_large: 'That is too large to send.',
  unsupported_media_type: 'The request was not sent as JSON.',
  user_banned: 'This account has been suspended.',
  rate_limited: 'Too many attempts.',
  unavailable: 'Gatehouse cannot save changes right now.',
  internal: 'Something went wrong on the server.',
};

// A sentence for an error from the SDK (or anything thrown).
export function messageFor(err) {
  if (!err || !err.code) return 'The server could not be reached. Check your connection.';
  let text = MESSAGES[err.code] || err.message || `Error ${err.status}`;
  if (err.code === 'bad_request' && err.message) text = `${text} (${err.message})`;
  if (err.retryAfter) text += ` Try again in ${err.retryAfter} s.`;
  else if (err.code === 'rate_limited' || err.code === 'unavailable') text += ' Try again shortly.';
  return text;
}

export function showMessage(el, text, kind = 'error') {
  el.className = `message ${kind}`;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  el.textContent = text;
}

// Says `text` through the page's polite live region (#live).
export function announce(text) {
  const live = document.getElementById('live');
  if (!live) return;
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 50);
}

export function when(ms) {
  if (!ms) return '—';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

// "Chrome on Linux" from a User-Agent (the whole string stays in the element's title).
export function deviceName(userAgent) {
  if (!userAgent) return 'Unknown device';
  const browser = [['Edg/', 'Edge'], ['OPR/', 'Opera'], ['Firefox/', 'Firefox'], ['Chrome/', 'Chrome'],
    ['Safari/', 'Safari'], ['curl/', 'curl']].find(([mark]) => userAgent.includes(mark))?.[1];
  const os = [['Android', 'Android'], ['iPhone', 'iOS'], ['iPad', 'iPadOS'], ['Windows', 'Windows'],
    ['Mac OS X', 'macOS'], ['Linux', 'Linux']].find(([mark]) => userAgent.includes(mark))?.[1];
  if (!browser && !os) return userAgent.slice(0, 60);
  return [browser || 'A browser', os ? `on ${os}` : ''].join(' ').trim();
}

export function tags(list, empty = 'none') {
  if (!list || list.length === 0) return h('span', { class: 'muted' }, empty);
  return h('ul', { class: 'tags' }, list.map((t) => h('li', {}, t)));
}

// A same-origin path from ?next=, else `fallback` (never an absolute URL: no open redirect).
export function nextPath(fallback = '/account') {
  const next = new URLSearchParams(location.search).get('next') || '';
  return /^\/(?![/\\])[^\s]*$/.test(next) ? next : fallback;
}

export function signInUrl() {
  return `/signin?next=${encodeURIComponent(location.pathname + location.search)}`;
}

// Fills the page's <header class="top"> from the session, live.
function renderHeader() {
  const header = $('header.top');
  if (!header) return;
  const s = gh.state;
  const here = location.pathname;
  const link = (href, text) => h('a', { href, 'aria-current': here === href ? 'page' : null }, text);
  const items = [link('/app', 'Demo app'), link('/app/reports', 'Reports')];
  if (s.status === 'signedin') {
    items.push(link('/account', 'My account'));
    if (gh.hasPermission('gatehouse:admin')) items.push(link('/admin', 'Console'));
    items.push(h('span', { class: 'who' }, s.email || s.userId));
    items.push(h('button', { type: 'button', class: 'secondary', onclick: onSignOut }, 'Sign out'));
  } else if (s.status === 'signedout') {
    items.push(link('/signin', 'Sign in'), link('/signup', 'Create account'));
  }
  header.replaceChildren(h('div', { class: 'bar' },
    h('a', { class: 'brand', href: '/' }, 'Gatehouse'),
    h('nav', { 'aria-label': 'Main' }, items)));
}

async function onSignOut() {
  await gh.signOut().catch(() => {});
  location.assign('/signin');
}

// Starts the session for a page: header, live updates. A page that needs a session sends a
// visitor without one to sign-in, and when its session ends while open (ban, revoke, sign-out
// elsewhere) hides #content and shows #signed-out at once.
export async function startPage({ needsSession = false } = {}) {
  let started = false;
  gh.session.onChange(renderHeader);
  renderHeader();
  gh.on('signedout', ({ reason }) => {
    if (!needsSession) return;
    if (!started) {
      location.replace(signInUrl());
      return;
    }
    const content = document.getElementById('content');
    if (content) {
      content.hidden = true;
      content.replaceChildren();
    }
    const notice = h('section', { id: 'signed-out', class: 'card narrow', tabindex: '-1', role: 'alert' },
      h('h2', {}, 'You are signed out'),
      h('p', {}, reason === 'user_banned' ? 'This account has been suspended.' : 'Your session has ended.'),
      h('a', { href: signInUrl() }, 'Sign in again'));
    document.getElementById('signed-out')?.remove();
    $('main').prepend(notice);
    notice.focus();
    announce('You have been signed out.');
  });
  try {
    await gh.start();
  } catch (err) {
    const box = $('#page-error');
    if (box) showMessage(box, messageFor(err));
  }
  started = true;
  return gh.state;
}
