// The landing page: where to go from here.
import { h, $, gh, startPage } from './ui.js';

function render() {
  const s = gh.state;
  const links = s.status === 'signedin'
    ? [h('li', {}, h('a', { href: '/account' }, 'My account'), ' — your sessions, roles and password'),
      h('li', {}, h('a', { href: '/app' }, 'Demo app'), ' — pages protected by role and permission'),
      gh.hasPermission('gatehouse:admin')
        ? h('li', {}, h('a', { href: '/admin' }, 'Console'), ' — users, sessions, roles, keys, audit')
        : null]
    : [h('li', {}, h('a', { href: '/signin' }, 'Sign in')),
      h('li', {}, h('a', { href: '/signup' }, 'Create an account'))];
  $('#content').replaceChildren(h('div', { class: 'card' },
    h('p', {}, s.status === 'signedin' ? `Signed in as ${s.email}.` : 'You are not signed in.'),
    h('ul', {}, links)));
}

gh.session.onChange(render);
startPage().then(render);
