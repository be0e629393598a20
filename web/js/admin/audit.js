// Console: the audit log, newest first, paged on the server, filtered by user.
import { h, $, gh, messageFor, showMessage, when } from '../ui.js';

const PAGE = 50;
let cursors = [''];

function detail(d) {
  const text = d && Object.keys(d).length ? JSON.stringify(d) : '';
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

async function loadPage(index) {
  try {
    const page = await gh.api('/v1/audit', { query: { user_id: $('#audit-user').value.trim(), limit: PAGE, after: cursors[index] } });
    cursors = cursors.slice(0, index + 1);
    if (page.next) cursors.push(page.next);
    $('#audit-body').replaceChildren(...page.entries.map((e) => h('tr', {},
      h('td', { 'data-label': 'When' }, when(e.at)),
      h('td', { 'data-label': 'Event' }, e.type),
      h('td', { 'data-label': 'User' }, e.user_id || '—'),
      h('td', { 'data-label': 'Actor' }, e.actor),
      h('td', { 'data-label': 'IP' }, e.ip || '—'),
      h('td', { 'data-label': 'Detail' }, detail(e.detail)))));
    $('#audit-prev').disabled = index === 0;
    $('#audit-next').disabled = !page.next;
    $('#audit-prev').onclick = () => loadPage(index - 1);
    $('#audit-next').onclick = () => loadPage(index + 1);
    $('#audit-message').textContent = '';
  } catch (err) {
    showMessage($('#audit-message'), messageFor(err));
  }
}

export function auditPanel() {
  setTimeout(() => loadPage(0));
  return h('div', { class: 'card' },
    h('form', { class: 'row', role: 'search', onsubmit: (e) => { e.preventDefault(); cursors = ['']; loadPage(0); } },
      h('label', {}, 'User id', h('input', { id: 'audit-user', autocomplete: 'off' })),
      h('button', { type: 'submit' }, 'Filter')),
    h('div', { id: 'audit-message', class: 'message' }),
    h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
      h('thead', {}, h('tr', {}, ['When', 'Event', 'User', 'Actor', 'IP', 'Detail'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', { id: 'audit-body' }))),
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'secondary', id: 'audit-prev', disabled: true }, 'Newer'),
      h('button', { type: 'button', class: 'secondary', id: 'audit-next', disabled: true }, 'Older')));
}
