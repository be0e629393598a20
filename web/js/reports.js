// /app/reports: a route that needs reports:read, guarded live (gh.guard): losing the permission
// while the page is open replaces the report with the refusal, getting it back restores it.
import { h, $, announce, gh, startPage } from './ui.js';

const ROWS = [['North', 1200, 1350], ['South', 980, 1010], ['East', 1430, 1390], ['West', 760, 900]];

function report() {
  return h('section', { id: 'report', class: 'card', 'aria-labelledby': 'report-h' },
    h('h2', { id: 'report-h' }, 'Sales by region'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
      h('thead', {}, h('tr', {}, ['Region', 'Q1', 'Q2'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ROWS.map(([region, q1, q2]) => h('tr', {},
        h('td', { 'data-label': 'Region' }, region),
        h('td', { 'data-label': 'Q1' }, q1),
        h('td', { 'data-label': 'Q2' }, q2)))))));
}

function denied() {
  return h('section', { id: 'denied', class: 'card', role: 'alert' },
    h('h2', {}, 'Access denied'),
    h('p', {}, 'This page needs the permission reports:read. Ask an administrator for it.'),
    h('a', { href: '/app' }, 'Back to the demo app'));
}

let shown = null;
function show(which, build) {
  if (shown === which) return;
  const first = shown === null;
  shown = which;
  $('#content').replaceChildren(build());
  if (!first) announce(which === 'allowed' ? 'You can see the reports again.' : 'You can no longer see the reports.');
}

startPage({ needsSession: true }).then(() => {
  gh.guard({ permission: 'reports:read' }, {
    allowed: () => show('allowed', report),
    denied: () => show('denied', denied),
  });
});
