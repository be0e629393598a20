// The admin console (needs gatehouse:admin): tabs for users, roles, keys, audit and the live
// event log. Every list is paged on the server.
import { h, $, gh, startPage } from '../ui.js';
import { usersPanel } from './users.js';
import { rolesPanel } from './roles.js';
import { keysPanel } from './keys.js';
import { auditPanel } from './audit.js';
import { eventsPanel, stopEvents } from './events.js';

const TABS = [
  ['users', 'Users', usersPanel],
  ['roles', 'Roles', rolesPanel],
  ['keys', 'Keys', keysPanel],
  ['audit', 'Audit log', auditPanel],
  ['events', 'Live events', eventsPanel],
];

let built = false;

// Shows one tab; a panel is made (and asks the server for its data) the first time it shows.
function select(name, { focus = false } = {}) {
  for (const [tab, , make] of TABS) {
    const button = $(`#tab-${tab}`);
    const panel = $(`#panel-${tab}`);
    const on = tab === name;
    button.setAttribute('aria-selected', String(on));
    button.tabIndex = on ? 0 : -1;
    panel.hidden = !on;
    if (on && !panel.hasChildNodes()) panel.append(...[make()].flat());
    if (on && focus) button.focus();
  }
  history.replaceState(null, '', `#${name}`);
}

function onTabKey(event) {
  const names = TABS.map(([n]) => n);
  const at = names.indexOf(event.currentTarget.dataset.tab);
  const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: names.length - 1 }[event.key];
  if (to === undefined) return;
  event.preventDefault();
  select(names[(to + names.length) % names.length], { focus: true });
}

function build() {
  const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Console sections' },
    TABS.map(([name, label]) => h('button', {
      type: 'button', role: 'tab', id: `tab-${name}`, 'aria-controls': `panel-${name}`,
      dataset: { tab: name }, onclick: () => select(name), onkeydown: onTabKey }, label)));
  const panels = TABS.map(([name]) => h('section', {
    id: `panel-${name}`, role: 'tabpanel', 'aria-labelledby': `tab-${name}`, tabindex: '0', hidden: true }));
  $('#content').replaceChildren(tablist, ...panels);
  const wanted = location.hash.slice(1);
  select(TABS.some(([n]) => n === wanted) ? wanted : 'users');
  built = true;
}

function denied() {
  built = false;
  stopEvents();
  $('#content').replaceChildren(h('section', { class: 'card', role: 'alert', id: 'denied' },
    h('h2', {}, 'Access denied'),
    h('p', {}, 'The console needs the permission gatehouse:admin.')));
}

// Back, forward and links to #audit etc. switch tabs without a reload.
window.addEventListener('hashchange', () => {
  const wanted = location.hash.slice(1);
  if (built && TABS.some(([n]) => n === wanted)) select(wanted);
});

startPage({ needsSession: true }).then(() => {
  gh.guard({ permission: 'gatehouse:admin' }, {
    allowed: () => { if (!built) build(); },
    denied,
  });
});
