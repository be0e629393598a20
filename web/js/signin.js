// Sign-in and sign-up (one form; data-mode says which).
import { $, gh, messageFor, nextPath, showMessage, startPage } from './ui.js';

const form = $('#auth-form');
const message = $('#form-message');
const signUp = form.dataset.mode === 'signup';
// Disabled in the HTML until this script runs: no submit can send the form by itself.
form.querySelector('button[type="submit"]').disabled = false;

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const email = $('#email').value.trim();
  const password = $('#password').value;
  if (!email || !password) {
    showMessage(message, 'Enter your email and a password.');
    (email ? $('#password') : $('#email')).focus();
    return;
  }
  if (signUp && password.length < 8) {
    showMessage(message, 'The password needs at least 8 characters.');
    $('#password').focus();
    return;
  }
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    await (signUp ? gh.signUp(email, password) : gh.signIn(email, password));
    location.assign(nextPath());
  } catch (err) {
    showMessage(message, messageFor(err));
    $('#password').focus();
  } finally {
    button.disabled = false;
  }
});

startPage().then((s) => {
  if (s.status === 'signedin') {
    showMessage(message, `You are already signed in as ${s.email}. Signing in again replaces this session on this browser.`, 'ok');
  }
  $('#email').focus();
});
