// The emailpassword recipe and the user calls through the real supertokens-node SDK against
// Gatehouse's CDI face: sign-up, sign-in (right and wrong password, unknown email, a banned
// user), the user by id and by email, deletion, and the native rules that still hold.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import supertokens from 'supertokens-node';
import EmailPassword from 'supertokens-node/recipe/emailpassword/index.js';
import Session from 'supertokens-node/recipe/session/index.js';
import { startWithSdk } from './harness.js';

let server;
const PASSWORD = 'validpass123';

before(async () => { server = await startWithSdk([EmailPassword.init(), Session.init()]); });

after(async () => { await server.stop(); });

describe('emailpassword recipe', () => {
  test('sign-up answers the core\'s user; the same email again is taken', async () => {
    const r = await EmailPassword.signUp('public', 'Ann@Example.com ', PASSWORD);
    assert.equal(r.status, 'OK');
    const user = r.user;
    assert.ok(user.id);
    assert.deepEqual(user.emails, ['ann@example.com']);  // trimmed and lower-cased, as the core does
    assert.equal(user.isPrimaryUser, false);
    assert.deepEqual(user.tenantIds, ['public']);
    assert.equal(user.loginMethods.length, 1);
    assert.equal(user.loginMethods[0].recipeId, 'emailpassword');
    assert.equal(user.loginMethods[0].recipeUserId.getAsString(), user.id);
    assert.equal(r.recipeUserId.getAsString(), user.id);
    assert.ok(Math.abs(user.timeJoined - Date.now()) < 60000);
    const again = await EmailPassword.signUp('public', 'ann@example.com', PASSWORD);
    assert.deepEqual(again, { status: 'EMAIL_ALREADY_EXISTS_ERROR' });
  });

  test('sign-in: the right password, a wrong one, an unknown email', async () => {
    const up = await EmailPassword.signUp('public', 'bob@example.com', PASSWORD);
    const r = await EmailPassword.signIn('public', 'bob@example.com', PASSWORD);
    assert.equal(r.status, 'OK');
    assert.equal(r.user.id, up.user.id);
    assert.deepEqual(await EmailPassword.signIn('public', 'bob@example.com', 'wrongpass123'),
      { status: 'WRONG_CREDENTIALS_ERROR' });
    assert.deepEqual(await EmailPassword.signIn('public', 'nobody@example.com', PASSWORD),
      { status: 'WRONG_CREDENTIALS_ERROR' });
    // The native audit saw the sign-in (Gatehouse's record, whoever asked).
    const audit = await server.api('GET', `/v1/audit?user_id=${up.user.id}`);
    assert.equal(audit.status, 200);
    assert.ok(audit.body.entries.some((e) => e.type === 'signin_succeeded'), JSON.stringify(audit.body));
  });

  test('a banned user cannot sign in, even with the right password', async () => {
    const up = await EmailPassword.signUp('public', 'carol@example.com', PASSWORD);
    assert.equal((await server.api('POST', `/v1/users/${up.user.id}/ban`, {})).status, 200);
    assert.deepEqual(await EmailPassword.signIn('public', 'carol@example.com', PASSWORD),
      { status: 'WRONG_CREDENTIALS_ERROR' });
  });

  test('wrong passwords for one account are throttled there, not for everyone else', async () => {
    await EmailPassword.signUp('public', 'dave@example.com', PASSWORD);
    await EmailPassword.signUp('public', 'erin@example.com', PASSWORD);
    let refused = false;
    for (let i = 0; i < 12 && !refused; i++) {
      try {
        await EmailPassword.signIn('public', 'dave@example.com', `wrongpass${i}x`);
      } catch (e) {
        assert.match(String(e.message), /status code: 429/);
        refused = true;
      }
    }
    assert.ok(refused, 'ten wrong passwords for one account are throttled');
    // Every request comes from the application's server: another account still signs in.
    const r = await EmailPassword.signIn('public', 'erin@example.com', PASSWORD);
    assert.equal(r.status, 'OK');
  });

  test('a weak password is refused by the native policy', async () => {
    await assert.rejects(EmailPassword.signUp('public', 'frank@example.com', 'password'),
      /status code: 400/);
  });
});

describe('users', () => {
  test('by id, by email, and deleted', async () => {
    const up = await EmailPassword.signUp('public', 'gina@example.com', PASSWORD);
    const byId = await supertokens.getUser(up.user.id);
    assert.equal(byId.id, up.user.id);
    assert.deepEqual(byId.emails, ['gina@example.com']);
    assert.equal(await supertokens.getUser('no-such-user'), undefined);
    const byEmail = await supertokens.listUsersByAccountInfo('public', { email: 'GINA@example.com' });
    assert.deepEqual(byEmail.map((u) => u.id), [up.user.id]);
    assert.deepEqual(await supertokens.listUsersByAccountInfo('public', { email: 'x@example.com' }), []);
    assert.deepEqual(await supertokens.deleteUser(up.user.id), { status: 'OK' });
    assert.equal(await supertokens.getUser(up.user.id), undefined);
    assert.deepEqual(await EmailPassword.signIn('public', 'gina@example.com', PASSWORD),
      { status: 'WRONG_CREDENTIALS_ERROR' });
    assert.deepEqual(await supertokens.deleteUser(up.user.id), { status: 'OK' });  // gone already
  });
});
