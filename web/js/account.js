// "My account": who I am, my roles and permissions, my sessions (sign out one or all others),
// and a password change. Live: a role change, or a session ended elsewhere, shows at once.
import { h, $, announce, deviceName, gh, messageFor, showMessage, startPage, tags, when } from './ui.js';

const content = $('#content');

function profileCard(s) {
  return h('section', { class: 'card', 'aria-labelledby': 'profile-h' },
    h('h2', { id: 'profile-h' }, 'Profile'),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Email'), h('dd', { id: 'my-email' }, s.email),
      h('dt', {}, 'User id'), h('dd', {}, s.userId),
      h('dt', {}, 'Roles'), h('dd', { id: 'my-roles' }, tags(s.roles)),
      h('dt', {}, 'Permissions'), h('dd', { id: 'my-permissions' }, tags(s.permissions))));
}

async function endSession(handle, button) {
  button.disabled = true;
  try {
    await gh.endSession(handle);
    announce('That session was signed out.');
    await renderSessions();
  } catch (err) {
    showMessage($('#sessions-message'), messageFor(err));
    button.disabled = false;
  }
}

async function renderSessions() {
  const box = $('#sessions-body');
  if (!box) return;
  let sessions;
  try {
    sessions = await gh.sessions();
  } catch (err) {
    showMessage($('#sessions-message'), messageFor(err));
    return;
  }
  const rows = sessions.map((s) => h('tr', { dataset: { handle: s.handle } },
    h('td', { 'data-label': 'Device', title: s.device?.user_agent || '' }, deviceName(s.device?.user_agent),
      s.current ? [' ', h('span', { class: 'badge' }, 'this device')] : null),
    h('td', { 'data-label': 'IP', class: 'nowrap' }, s.device?.ip || '—'),
    h('td', { 'data-label': 'Signed in' }, when(s.created_at)),
    h('td', { 'data-label': 'Last active' }, when(s.last_active_at)),
    h('td', { class: 'actions' }, s.current ? null : h('button', {
      type: 'button', class: 'secondary',
      'aria-label': `Sign out ${deviceName(s.device?.user_agent)}, signed in ${when(s.created_at)}`,
      onclick: (e) => endSession(s.handle, e.currentTarget) }, 'Sign out'))));
  box.replaceChildren(...rows);
  $('#session-count').textContent = `${sessions.length} active`;
}

function sessionsCard() {
  return h('section', { class: 'card', 'aria-labelledby': 'sessions-h' },
    h('h2', { id: 'sessions-h' }, 'Where you are signed in ', h('span', { id: 'session-count', class: 'muted' })),
    h('div', { id: 'sessions-message', class: 'message' }),
    h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
      h('thead', {}, h('tr', {}, ['Device', 'IP', 'Signed in', 'Last active', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', { id: 'sessions-body' }))),
    h('p', {}, h('button', { type: 'button', id: 'sign-out-others', onclick: signOutOthers },
      'Sign out all other devices')));
}

async function signOutOthers(event) {
  const button = event.currentTarget;
  button.disabled = true;
  try {
    const n = await gh.signOutOthers();
    showMessage($('#sessions-message'), `Signed out ${n} other session${n === 1 ? '' : 's'}.`, 'ok');
    await renderSessions();
  } catch (err) {
    showMessage($('#sessions-message'), messageFor(err));
  } finally {
    button.disabled = false;
  }
}

function passwordCard() {
  const message = h('div', { id: 'password-message', class: 'message' });
  const form = h('form', { id: 'password-form', class: 'narrow-form', novalidate: true },
    h('label', {}, 'Current password', h('input', { id: 'current-password', type: 'password', autocomplete: 'current-password', required: true })),
    h('label', {}, 'New password', h('input', { id: 'new-password', type: 'password', autocomplete: 'new-password', minlength: '8', required: true })),
    message,
    h('button', { type: 'submit' }, 'Change password'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const current = $('#current-password').value;
    const next = $('#new-password').value;
    if (next.length < 8) {
      showMessage(message, 'The new password needs at least 8 characters.');
      return;
    }
    try {
      await gh.changePassword(current, next);
      form.reset();
      showMessage(message, 'Password changed. Your other sessions were signed out.', 'ok');
      await renderSessions();
    } catch (err) {
      showMessage(message, err.code === 'unauthorised' ? 'The current password is not right.' : messageFor(err));
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'password-h' },
    h('h2', { id: 'password-h' }, 'Change password'), form);
}

function render() {
  const s = gh.state;
  if (s.status !== 'signedin') return;
  const profile = $('#profile');
  const card = profileCard(s);
  card.id = 'profile';
  if (profile) {
    profile.replaceWith(card);
    return;
  }
  content.replaceChildren(card, sessionsCard(), passwordCard());
  renderSessions();
}

let shown = '';
gh.session.onChange((s) => {
  const key = JSON.stringify([s.roles, s.permissions]);
  if (s.status !== 'signedin' || !$('#profile') || key === shown) return;
  shown = key;
  render();
  announce('Your roles or permissions changed.');
});
gh.on('sessions', () => renderSessions());
startPage({ needsSession: true }).then((s) => {
  shown = JSON.stringify([s.roles, s.permissions]);
  render();
});
