// Console: users, searched and paged on the server; one user's roles, ban and sessions.
import { h, $, announce, deviceName, gh, messageFor, showMessage, tags, when } from '../ui.js';
import { confirmAction } from './confirm.js';

const PAGE = 25;
let cursors = [''];  // the cursor of each page seen, for "Previous"

function userRow(u) {
  return h('tr', {},
    h('td', { 'data-label': 'Email' }, u.email),
    h('td', { 'data-label': 'Roles' }, tags(u.roles)),
    h('td', { 'data-label': 'Created', class: 'wide-only' }, when(u.created_at)),
    h('td', { 'data-label': 'Status' }, u.banned ? h('span', { class: 'badge bad' }, 'banned') : 'active'),
    h('td', { class: 'actions' }, h('button', {
      type: 'button', class: 'secondary', 'aria-label': `Open ${u.email}`,
      onclick: () => openUser(u.id) }, 'Open')));
}

async function loadPage(index) {
  const message = $('#users-message');
  const query = $('#user-search').value.trim();
  try {
    const page = await gh.api('/v1/users', { query: { q: query, limit: PAGE, cursor: cursors[index] } });
    cursors = cursors.slice(0, index + 1);
    if (page.next) cursors.push(page.next);
    $('#users-body').replaceChildren(...page.users.map(userRow));
    $('#users-count').textContent = page.users.length === 0 ? 'No users match.'
      : `Page ${index + 1} · ${page.users.length} user${page.users.length === 1 ? '' : 's'}`;
    $('#users-prev').disabled = index === 0;
    $('#users-next').disabled = !page.next;
    $('#users-next').onclick = () => loadPage(index + 1);
    $('#users-prev').onclick = () => loadPage(index - 1);
    message.textContent = '';
  } catch (err) {
    showMessage(message, messageFor(err));
  }
}

async function act(fn, done) {
  const message = $('#user-message');
  try {
    await fn();
    if (done) announce(done);
  } catch (err) {
    showMessage(message, messageFor(err));
  }
}

async function openUser(id) {
  const box = $('#user-detail');
  let user, sessions, roles;
  try {
    [{ user }, { sessions }, { roles }] = await Promise.all([
      gh.api(`/v1/users/${encodeURIComponent(id)}`),
      gh.api(`/v1/users/${encodeURIComponent(id)}/sessions`),
      gh.api('/v1/roles')]);
  } catch (err) {
    showMessage($('#users-message'), messageFor(err));
    return;
  }
  const path = `/v1/users/${encodeURIComponent(id)}`;
  const reopen = () => openUser(id);
  const grantable = roles.map((r) => r.name).filter((n) => !user.roles.includes(n));
  const select = h('select', { id: 'grant-role' }, grantable.map((n) => h('option', { value: n }, n)));
  const sessionRows = sessions.map((s) => h('tr', {},
    h('td', { 'data-label': 'Device', title: s.device?.user_agent || '' }, deviceName(s.device?.user_agent)),
    h('td', { 'data-label': 'IP', class: 'nowrap' }, s.device?.ip || '—'),
    h('td', { 'data-label': 'Signed in' }, when(s.created_at)),
    h('td', { 'data-label': 'Last active' }, when(s.last_active_at)),
    h('td', { class: 'actions' }, h('button', {
      type: 'button', class: 'secondary', 'aria-label': `Revoke session from ${when(s.created_at)}`,
      onclick: () => act(() => gh.api(`/v1/sessions/${encodeURIComponent(s.handle)}`, { method: 'DELETE' }), 'Session revoked.').then(reopen) },
    'Revoke'))));
  box.replaceChildren(h('div', { class: 'card', 'aria-labelledby': 'user-h' },
    h('h2', { id: 'user-h', tabindex: '-1' }, user.email),
    h('div', { id: 'user-message', class: 'message' }),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Id'), h('dd', {}, user.id),
      h('dt', {}, 'Created'), h('dd', {}, when(user.created_at)),
      h('dt', {}, 'Status'), h('dd', { id: 'user-status' }, user.banned ? 'banned' : 'active')),
    h('h3', {}, 'Roles'),
    h('ul', { class: 'tags', id: 'user-roles' }, user.roles.map((r) => h('li', {}, r, ' ',
      h('button', { type: 'button', class: 'secondary', 'aria-label': `Remove role ${r}`,
        onclick: () => act(() => gh.api(`${path}/roles/${encodeURIComponent(r)}`, { method: 'DELETE' }), `Removed ${r}.`).then(reopen) }, '×')))),
    grantable.length === 0 ? null : h('div', { class: 'row' },
      h('label', {}, 'Grant a role', select),
      h('button', { type: 'button', id: 'grant-button',
        onclick: () => act(() => gh.api(`${path}/roles/${encodeURIComponent(select.value)}`, { method: 'PUT' }), 'Role granted.').then(reopen) }, 'Grant')),
    h('h3', {}, 'Account'),
    user.banned
      ? h('button', { type: 'button', id: 'unban-button',
        onclick: () => act(() => gh.api(`${path}/ban`, { method: 'DELETE' }), 'Unbanned.').then(reopen) }, 'Unban')
      : h('button', { type: 'button', class: 'danger', id: 'ban-button',
        onclick: async () => {
          if (await confirmAction(`Ban ${user.email}? Every session ends at once.`, 'Ban')) {
            await act(() => gh.api(`${path}/ban`, { method: 'POST', body: {} }), 'Banned.');
            reopen();
          }
        } }, 'Ban'),
    h('h3', {}, `Sessions (${sessions.length})`),
    h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
      h('thead', {}, h('tr', {}, ['Device', 'IP', 'Signed in', 'Last active', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', { id: 'user-sessions' }, sessionRows))),
    sessions.length === 0 ? null : h('button', { type: 'button', class: 'secondary',
      onclick: () => act(() => gh.api(`${path}/sessions`, { method: 'DELETE' }), 'All sessions revoked.').then(reopen) },
    'Revoke all sessions')));
  $('#user-h').focus();
}

export function usersPanel() {
  const form = h('form', { class: 'row', role: 'search', onsubmit: (e) => { e.preventDefault(); cursors = ['']; loadPage(0); } },
    h('label', {}, 'Search by email (prefix)', h('input', { id: 'user-search', type: 'search', autocomplete: 'off' })),
    h('button', { type: 'submit' }, 'Search'));
  setTimeout(() => loadPage(0));
  return [h('div', { class: 'card' },
    form,
    h('div', { id: 'users-message', class: 'message' }),
    h('p', { id: 'users-count', class: 'muted', 'aria-live': 'polite' }),
    h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
      h('thead', {}, h('tr', {}, ['Email', 'Roles', 'Created', 'Status', ''].map((t) => h('th', { scope: 'col', class: t === 'Created' ? 'wide-only' : null }, t)))),
      h('tbody', { id: 'users-body' }))),
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'secondary', id: 'users-prev', disabled: true }, 'Previous page'),
      h('button', { type: 'button', class: 'secondary', id: 'users-next', disabled: true }, 'Next page'))),
  h('div', { id: 'user-detail' })];
}
