// A modal confirmation (<dialog>): resolves true only when the person confirms.
import { h } from '../ui.js';

export function confirmAction(text, confirmLabel = 'Confirm') {
  return new Promise((resolve) => {
    const dialog = h('dialog', { 'aria-labelledby': 'confirm-text' },
      h('p', { id: 'confirm-text' }, text),
      h('div', { class: 'row' },
        h('button', { type: 'button', class: 'danger', id: 'confirm-yes', onclick: () => dialog.close('yes') }, confirmLabel),
        h('button', { type: 'button', class: 'secondary', id: 'confirm-no', onclick: () => dialog.close('no') }, 'Cancel')));
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'yes');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector('#confirm-no').focus();
  });
}
