// Accounts through the real supertokens-node SDK: password reset, email verification, email and
// password updates, the paged user list and count, the JWT recipe and static signing keys. The
// attacks: a reset or verification token used twice, raced, or taken through another app; a
// reset link that outlives a password change; a page token forged.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import supertokens from 'supertokens-node';
import EmailPassword from 'supertokens-node/recipe/emailpassword/index.js';
import EmailVerification from 'supertokens-node/recipe/emailverification/index.js';
import JWT from 'supertokens-node/recipe/jwt/index.js';
import Session from 'supertokens-node/recipe/session/index.js';
import { startWithSdk } from './harness.js';

let server;
before(async () => {
  server = await startWithSdk([EmailPassword.init(), EmailVerification.init({ mode: 'OPTIONAL' }),
    JWT.init(), Session.init()], { app: 'accounts' });
  await server.cdi('PUT', '/recipe/multitenancy/app/v2', { appId: 'elsewhere' });
});
after(async () => { await server.stop(); });

const signUp = async (email, password = 'first-password-1') => {
  const r = await EmailPassword.signUp('public', email, password);
  assert.equal(r.status, 'OK');
  return r.user;
};
const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url'));
const header = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url'));

describe('accounts', () => {
  test('a reset token works once, a raced second use fails, and the new password signs in', async () => {
    const user = await signUp('reset@example.com');
    const made = await EmailPassword.createResetPasswordToken('public', user.id, 'reset@example.com');
    assert.equal(made.status, 'OK');
    const [a, b] = await Promise.all([
      EmailPassword.consumePasswordResetToken('public', made.token),
      EmailPassword.consumePasswordResetToken('public', made.token)]);
    assert.deepEqual([a.status, b.status].sort(), ['OK', 'RESET_PASSWORD_INVALID_TOKEN_ERROR']);
    const ok = a.status === 'OK' ? a : b;
    assert.equal(ok.userId, user.id);
    assert.equal(ok.email, 'reset@example.com');
    const again = await EmailPassword.consumePasswordResetToken('public', made.token);
    assert.equal(again.status, 'RESET_PASSWORD_INVALID_TOKEN_ERROR');
    const updated = await EmailPassword.updateEmailOrPassword({
      recipeUserId: supertokens.convertToRecipeUserId(user.id), password: 'second-password-2' });
    assert.equal(updated.status, 'OK');
    assert.equal((await EmailPassword.signIn('public', 'reset@example.com', 'first-password-1'))
      .status, 'WRONG_CREDENTIALS_ERROR');
    assert.equal((await EmailPassword.signIn('public', 'reset@example.com', 'second-password-2'))
      .status, 'OK');
    const unknown = await EmailPassword.createResetPasswordToken('public', 'no-such-user', 'x@y.io');
    assert.equal(unknown.status, 'UNKNOWN_USER_ID_ERROR');
  });

  test('a reset link sent before a password change cannot set the password after it', async () => {
    const user = await signUp('stale@example.com');
    const made = await EmailPassword.createResetPasswordToken('public', user.id, 'stale@example.com');
    await EmailPassword.updateEmailOrPassword({
      recipeUserId: supertokens.convertToRecipeUserId(user.id), password: 'changed-meanwhile-3' });
    const late = await EmailPassword.consumePasswordResetToken('public', made.token);
    assert.equal(late.status, 'RESET_PASSWORD_INVALID_TOKEN_ERROR');
  });

  test('another app cannot take a token, which stays for its own app', async () => {
    const user = await signUp('mine@example.com');
    const made = await EmailPassword.createResetPasswordToken('public', user.id, 'mine@example.com');
    const stolen = await server.cdi('POST',
      '/appid-elsewhere/public/recipe/user/password/reset/token/consume', { token: made.token });
    assert.equal(stolen.body.status, 'RESET_PASSWORD_INVALID_TOKEN_ERROR');
    assert.equal((await EmailPassword.consumePasswordResetToken('public', made.token)).status, 'OK');
  });

  test('email verification: a token verifies once; verified shows on the user; unverify', async () => {
    const user = await signUp('verify@example.com');
    const rid = supertokens.convertToRecipeUserId(user.id);
    assert.equal(await EmailVerification.isEmailVerified(rid, 'verify@example.com'), false);
    const made = await EmailVerification.createEmailVerificationToken('public', rid,
      'verify@example.com');
    assert.equal(made.status, 'OK');
    const done = await EmailVerification.verifyEmailUsingToken('public', made.token);
    assert.equal(done.status, 'OK');
    assert.equal(done.user.email, 'verify@example.com');
    assert.equal((await EmailVerification.verifyEmailUsingToken('public', made.token)).status,
      'EMAIL_VERIFICATION_INVALID_TOKEN_ERROR');
    assert.equal(await EmailVerification.isEmailVerified(rid, 'verify@example.com'), true);
    assert.equal((await EmailVerification.createEmailVerificationToken('public', rid,
      'verify@example.com')).status, 'EMAIL_ALREADY_VERIFIED_ERROR');
    const fetched = await supertokens.getUser(user.id);
    assert.equal(fetched.loginMethods[0].verified, true);
    await EmailVerification.unverifyEmail(rid, 'verify@example.com');
    assert.equal(await EmailVerification.isEmailVerified(rid, 'verify@example.com'), false);
    // Revoked tokens no longer verify.
    const second = await EmailVerification.createEmailVerificationToken('public', rid,
      'verify@example.com');
    await EmailVerification.revokeEmailVerificationTokens('public', rid, 'verify@example.com');
    assert.equal((await EmailVerification.verifyEmailUsingToken('public', second.token)).status,
      'EMAIL_VERIFICATION_INVALID_TOKEN_ERROR');
  });

  test('an email update: taken addresses refused; the new one signs in, unverified', async () => {
    const user = await signUp('old@example.com');
    await signUp('taken@example.com');
    const rid = supertokens.convertToRecipeUserId(user.id);
    assert.equal((await EmailPassword.updateEmailOrPassword({ recipeUserId: rid,
      email: 'taken@example.com' })).status, 'EMAIL_ALREADY_EXISTS_ERROR');
    assert.equal((await EmailPassword.updateEmailOrPassword({ recipeUserId: rid,
      email: 'new@example.com' })).status, 'OK');
    assert.equal((await EmailPassword.signIn('public', 'new@example.com', 'first-password-1'))
      .user.id, user.id);
    assert.equal(await EmailVerification.isEmailVerified(rid, 'new@example.com'), false);
    const unknown = await EmailPassword.updateEmailOrPassword({
      recipeUserId: supertokens.convertToRecipeUserId('nobody'), email: 'n@example.com' });
    assert.equal(unknown.status, 'UNKNOWN_USER_ID_ERROR');
  });

  test('the user list pages in join order both ways; the count; a forged page token is 400', async () => {
    const fresh = await server.cdi('PUT', '/recipe/multitenancy/app/v2', { appId: 'listing' });
    assert.equal(fresh.body.createdNew, true);
    const emails = ['a@list.io', 'b@list.io', 'c@list.io', 'd@list.io'];
    for (const email of emails) {
      const r = await server.cdi('POST', '/appid-listing/public/recipe/signup',
        { email, password: 'list-password-1' });
      assert.equal(r.body.status, 'OK');
      await new Promise((resolve) => setTimeout(resolve, 3));  // distinct join times
    }
    const page = (query) => server.cdi('GET', `/appid-listing/public/users?${query}`);
    const first = await page('limit=3');
    assert.deepEqual(first.body.users.map((u) => u.emails[0]), emails.slice(0, 3));
    const rest = await page(`limit=3&paginationToken=${first.body.nextPaginationToken}`);
    assert.deepEqual(rest.body.users.map((u) => u.emails[0]), ['d@list.io']);
    assert.equal(rest.body.nextPaginationToken, undefined);
    const newest = await page('limit=2&timeJoinedOrder=DESC');
    assert.deepEqual(newest.body.users.map((u) => u.emails[0]), ['d@list.io', 'c@list.io']);
    assert.deepEqual((await page('email=b')).body.users.map((u) => u.emails[0]), ['b@list.io']);
    assert.equal((await server.cdi('GET', '/appid-listing/public/users/count')).body.count, 4);
    assert.equal((await page('paginationToken=forged')).status, 400);
    assert.equal((await page('limit=-1')).status, 400);
    // The public app lists and counts none of them (nor any other app's): only its own.
    const everyone = await supertokens.getUsersOldestFirst({ tenantId: 'public', limit: 100 });
    assert.ok(!everyone.users.some((u) => u.emails[0].endsWith('@list.io')));
    const mine = await server.cdi('POST', '/public/recipe/signup',
      { email: 'native@example.com', password: 'native-password-1' });
    assert.equal(mine.body.status, 'OK');
    assert.equal((await server.cdi('GET', '/public/users/count')).body.count, 1);
  });

  test('the JWT recipe signs with the app\'s static or dynamic key, both in its JWKS', async () => {
    const fixed = await JWT.createJWT({ scope: 'read' }, 60);
    assert.equal(fixed.status, 'OK');
    assert.match(header(fixed.jwt).kid, /^s-accounts-\d+$/);
    const c = claims(fixed.jwt);
    assert.equal(c.scope, 'read');
    assert.equal(c.exp - c.iat, 60);
    assert.equal(c.iss, 'http://localhost:3001');
    const dynamic = await JWT.createJWT({ scope: 'write' }, 60, false);
    assert.match(header(dynamic.jwt).kid, /^d-accounts-\d+$/);
    const jwks = await (await fetch(`${server.url}/appid-accounts/.well-known/jwks.json`)).json();
    const kids = jwks.keys.map((k) => k.kid);
    assert.ok(kids.includes(header(fixed.jwt).kid) && kids.includes(header(dynamic.jwt).kid));
    const bad = await server.cdi('POST', '/appid-accounts/recipe/jwt', { payload: {},
      validity: 60, useStaticSigningKey: true, algorithm: 'HS256', jwksDomain: 'x' });
    assert.equal(bad.body.status, 'UNSUPPORTED_ALGORITHM_ERROR');
  });

  test('a session with a static key: signed "s-", verified and refreshed on it', async () => {
    const made = await server.cdi('POST', '/appid-accounts/public/recipe/session', {
      userId: 'static-user', userDataInJWT: {}, userDataInDatabase: {}, enableAntiCsrf: false,
      useDynamicSigningKey: false });
    assert.match(header(made.body.accessToken.token).kid, /^s-accounts-\d+$/);
    const verified = await server.cdi('POST', '/appid-accounts/recipe/session/verify', {
      accessToken: made.body.accessToken.token, enableAntiCsrf: false, doAntiCsrfCheck: false,
      checkDatabase: true });
    assert.equal(verified.body.status, 'OK');
    const refreshed = await server.cdi('POST', '/appid-accounts/recipe/session/refresh', {
      refreshToken: made.body.refreshToken.token, enableAntiCsrf: false,
      useDynamicSigningKey: false });
    assert.match(header(refreshed.body.accessToken.token).kid, /^s-accounts-\d+$/);
  });
});
