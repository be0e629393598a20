// Console: the signing keys (the public JWKS) and rotation, with the emergency switch that
// stops every token signed by an earlier key at once (confirmed first).
import { h, $, announce, gh, messageFor, showMessage } from '../ui.js';
import { confirmAction } from './confirm.js';

async function loadKeys() {
  try {
    const res = await fetch('/.well-known/jwks.json');
    const { keys } = await res.json();
    $('#keys-body').replaceChildren(...keys.map((k) => h('tr', {},
      h('td', { 'data-label': 'Key id' }, k.kid), h('td', { 'data-label': 'Algorithm' }, k.alg))));
  } catch (err) {
    showMessage($('#keys-message'), messageFor(err));
  }
}

async function rotate() {
  const emergency = $('#revoke-previous').checked;
  const question = emergency
    ? 'Rotate and revoke every earlier key? Every signed-in user must refresh at once; tokens signed by earlier keys stop working now.'
    : 'Rotate the signing key? New tokens are signed by the new key; current tokens stay valid.';
  if (!await confirmAction(question, emergency ? 'Rotate and revoke' : 'Rotate')) return;
  try {
    const { kid } = await gh.api('/v1/keys/rotate', { method: 'POST', body: { revoke_previous: emergency } });
    showMessage($('#keys-message'), `New signing key ${kid}.`, 'ok');
    announce('Signing key rotated.');
    await loadKeys();
  } catch (err) {
    showMessage($('#keys-message'), messageFor(err));
  }
}

export function keysPanel() {
  setTimeout(loadKeys);
  return h('div', { class: 'card' },
    h('div', { id: 'keys-message', class: 'message' }),
    h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Key id'), h('th', { scope: 'col' }, 'Algorithm'))),
      h('tbody', { id: 'keys-body' }))),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'revoke-previous' }),
      'Emergency: also revoke every earlier key'),
    h('button', { type: 'button', id: 'rotate-button', onclick: rotate }, 'Rotate signing key'));
}
