// The demo app's home: parts shown or hidden live by permission and role (gh.showWhen).
import { h, $, gh, startPage, tags } from './ui.js';

const REPORTS = { permission: 'reports:read' };

function render() {
  const s = gh.state;
  if (s.status !== 'signedin') return;
  const reports = h('section', { id: 'reports-part', class: 'card', 'aria-labelledby': 'reports-h' },
    h('h2', { id: 'reports-h' }, 'Reports'),
    h('p', {}, 'Quarterly numbers for your team.'),
    h('a', { href: '/app/reports' }, 'Open the reports'));
  const noReports = h('section', { id: 'no-reports', class: 'card' },
    h('h2', {}, 'Reports'),
    h('p', { class: 'muted' }, 'You need the permission reports:read to see reports.'));
  const editor = h('section', { id: 'editor-part', class: 'card' },
    h('h2', {}, 'Editor tools'), h('p', {}, 'Shown to holders of the role "editor".'));
  const me = h('section', { class: 'card', 'aria-labelledby': 'me-h' },
    h('h2', { id: 'me-h' }, `Hello, ${s.email}`),
    h('p', {}, 'Your roles: '), h('div', { id: 'app-roles' }, tags(s.roles)),
    h('p', {}, 'Your permissions: '), h('div', { id: 'app-permissions' }, tags(s.permissions)));
  $('#content').replaceChildren(h('div', { class: 'grid' }, me, reports, noReports, editor));
  gh.showWhen(reports, REPORTS);
  gh.showWhen(noReports, { test: () => !gh.hasPermission(REPORTS.permission) });
  gh.showWhen(editor, { role: 'editor' });
}

gh.session.onChange((s) => {
  if (s.status !== 'signedin') return;
  const roles = $('#app-roles');
  const perms = $('#app-permissions');
  if (roles) roles.replaceChildren(tags(s.roles));
  if (perms) perms.replaceChildren(tags(s.permissions));
});
startPage({ needsSession: true }).then(render);
