// Console: roles and their permissions (create, edit, delete). A change reaches every holder's
// open pages at once (claims_changed).
import { h, $, announce, gh, messageFor, showMessage } from '../ui.js';
import { confirmAction } from './confirm.js';

const parse = (text) => text.split(/[\s,]+/).map((p) => p.trim()).filter(Boolean);

async function save(name, permissions, done) {
  try {
    await gh.api(`/v1/roles/${encodeURIComponent(name)}`, { method: 'PUT', body: { permissions } });
    announce(done);
    await loadRoles();
  } catch (err) {
    showMessage($('#roles-message'), messageFor(err));
  }
}

function roleRow(role) {
  const field = h('input', { id: `perms-${role.name}`, value: role.permissions.join(', '),
    'aria-label': `Permissions of ${role.name}, separated by commas` });
  return h('tr', { dataset: { role: role.name } },
    h('td', { 'data-label': 'Role' }, role.name),
    h('td', { 'data-label': 'Permissions' }, field),
    h('td', { class: 'actions' },
      h('button', { type: 'button', 'aria-label': `Save ${role.name}`,
        onclick: () => save(role.name, parse(field.value), `Saved ${role.name}.`) }, 'Save'), ' ',
      h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${role.name}`,
        onclick: async () => {
          if (!await confirmAction(`Delete the role ${role.name}? Its holders lose its permissions at once.`, 'Delete')) return;
          try {
            await gh.api(`/v1/roles/${encodeURIComponent(role.name)}`, { method: 'DELETE' });
            announce(`Deleted ${role.name}.`);
            await loadRoles();
          } catch (err) {
            showMessage($('#roles-message'), messageFor(err));
          }
        } }, 'Delete')));
}

export async function loadRoles() {
  try {
    const { roles } = await gh.api('/v1/roles');
    $('#roles-body').replaceChildren(...roles.map(roleRow));
  } catch (err) {
    showMessage($('#roles-message'), messageFor(err));
  }
}

export function rolesPanel() {
  const name = h('input', { id: 'new-role-name', required: true, autocomplete: 'off' });
  const perms = h('input', { id: 'new-role-permissions', autocomplete: 'off' });
  const form = h('form', { class: 'row', onsubmit: (e) => {
    e.preventDefault();
    if (!name.value.trim()) {
      showMessage($('#roles-message'), 'Give the role a name.');
      return;
    }
    save(name.value.trim(), parse(perms.value), `Created ${name.value.trim()}.`).then(() => form.reset());
  } },
  h('label', {}, 'New role', name),
  h('label', {}, 'Permissions (comma-separated)', perms),
  h('button', { type: 'submit' }, 'Create role'));
  setTimeout(loadRoles);
  return h('div', { class: 'card' },
    h('div', { id: 'roles-message', class: 'message' }),
    h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
      h('thead', {}, h('tr', {}, ['Role', 'Permissions', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', { id: 'roles-body' }))),
    form);
}
