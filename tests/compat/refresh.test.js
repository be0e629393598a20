// Refresh through the real supertokens-node SDK against Gatehouse's CDI face: rotation with
// promotion (the native rule, which is SuperTokens' own), two tabs refreshing with one token,
// theft — a superseded token used again ends the session at once — and the anti-CSRF check.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import supertokens from 'supertokens-node';
import Session from 'supertokens-node/recipe/session/index.js';
import { startWithSdk } from './harness.js';

let server;
before(async () => { server = await startWithSdk([Session.init()]); });
after(async () => { await server.stop(); });

const create = (user) => Session.createNewSessionWithoutRequestResponse(
  'public', supertokens.convertToRecipeUserId(user), { app: 1 }, {});
const tokens = (session) => session.getAllSessionTokensDangerously();
const refresh = (refreshToken) => Session.refreshSessionWithoutRequestResponse(refreshToken);
const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url'));
const check = (jwt) => Session.getSessionWithoutRequestResponse(jwt, undefined,
  { checkDatabase: true });

describe('refresh', () => {
  test('a refresh rotates; the next one promotes; the tokens name their refresh tokens', async () => {
    const s = await create('r-1');
    const rt0 = tokens(s).refreshToken;
    const first = await refresh(rt0);
    assert.equal(first.getHandle(), s.getHandle());
    const t1 = tokens(first);
    assert.notEqual(t1.refreshToken, rt0);
    const c1 = claims(t1.accessToken);
    assert.equal(c1.refreshTokenHash1.length, 64);
    assert.equal(c1.parentRefreshTokenHash1, claims(tokens(s).accessToken).refreshTokenHash1);
    assert.equal(c1.app, 1);  // the stored payload carries over
    assert.equal((await check(t1.accessToken)).getHandle(), s.getHandle());
    // The child is used: promoted, and its own child issued.
    const second = await refresh(t1.refreshToken);
    const t2 = tokens(second);
    assert.equal(claims(t2.accessToken).parentRefreshTokenHash1, c1.refreshTokenHash1);
    assert.equal((await check(t2.accessToken)).getHandle(), s.getHandle());
  });

  test('verifying a refreshed token promotes its refresh token and drops the parent', async () => {
    const s = await create('r-6');
    const rt0 = tokens(s).refreshToken;
    const refreshed = tokens(await refresh(rt0));
    assert.ok(claims(refreshed.accessToken).parentRefreshTokenHash1);
    // The SDK asks the core (the token names a parent) and takes the new token it answers.
    const seen = await Session.getSessionWithoutRequestResponse(refreshed.accessToken);
    const after = seen.getAllSessionTokensDangerously();
    assert.equal(after.accessAndFrontTokenUpdated, true);
    const c = claims(after.accessToken);
    assert.equal(c.parentRefreshTokenHash1, null);
    assert.equal(c.refreshTokenHash1, claims(refreshed.accessToken).refreshTokenHash1);
    // A token without a parent: the SDK verifies it alone from now on.
    assert.equal((await Session.getSessionWithoutRequestResponse(after.accessToken))
      .getAllSessionTokensDangerously().accessAndFrontTokenUpdated, false);
    // The promoted token is the committed one: the old parent is superseded, its reuse theft.
    await assert.rejects(refresh(rt0), (e) => e.type === 'TOKEN_THEFT_DETECTED');
  });

  test('promotion by verify and by refresh agree: the child refreshes after either', async () => {
    const s = await create('r-7');
    const child = tokens(await refresh(tokens(s).refreshToken));
    await Session.getSessionWithoutRequestResponse(child.accessToken);  // promotes
    const next = await refresh(child.refreshToken);  // the committed token: a new child
    assert.equal(next.getHandle(), s.getHandle());
  });

  test('two tabs refreshing with the same token both succeed', async () => {
    const s = await create('r-2');
    const rt = tokens(s).refreshToken;
    const [a, b] = await Promise.all([refresh(rt), refresh(rt)]);
    assert.equal(a.getHandle(), s.getHandle());
    assert.equal(b.getHandle(), s.getHandle());
    assert.equal((await check(tokens(a).accessToken)).getHandle(), s.getHandle());
  });

  test('a superseded token used again is theft: the session ends at once', async () => {
    const s = await create('r-3');
    const rt0 = tokens(s).refreshToken;
    const t1 = tokens(await refresh(rt0));
    const t2 = tokens(await refresh(t1.refreshToken));  // promotes t1: rt0 is superseded
    await assert.rejects(refresh(rt0), (e) => e.type === 'TOKEN_THEFT_DETECTED' &&
      e.payload.sessionHandle === s.getHandle() && e.payload.userId === 'r-3');
    await assert.rejects(check(t2.accessToken), (e) => e.type === 'UNAUTHORISED');
    await assert.rejects(refresh(t2.refreshToken), (e) => e.type === 'UNAUTHORISED');
    const native = await server.api('GET', `/v1/sessions/${s.getHandle()}`);
    assert.equal(native.status, 404);  // ended for the native API too
  });

  test('unknown and revoked refresh tokens are UNAUTHORISED', async () => {
    await assert.rejects(refresh('not-a-token'), (e) => e.type === 'UNAUTHORISED');
    const s = await create('r-4');
    await Session.revokeSession(s.getHandle());
    await assert.rejects(refresh(tokens(s).refreshToken), (e) => e.type === 'UNAUTHORISED');
  });

  test('anti-CSRF via token: a refresh must bring the token that came with its refresh token', async () => {
    const call = async (path, body) => (await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'api-key': server.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })).json();
    const made = await call('/public/recipe/session',
      { userId: 'r-5', userDataInJWT: {}, userDataInDatabase: {}, enableAntiCsrf: true });
    const rt = made.refreshToken.token;
    assert.equal((await call('/recipe/session/refresh',
      { refreshToken: rt, antiCsrfToken: 'wrong', enableAntiCsrf: true })).status, 'UNAUTHORISED');
    const ok = await call('/recipe/session/refresh',
      { refreshToken: rt, antiCsrfToken: made.antiCsrfToken, enableAntiCsrf: true });
    assert.equal(ok.status, 'OK');
    assert.notEqual(ok.antiCsrfToken, made.antiCsrfToken);  // a new one with the new token
    assert.equal(claims(ok.accessToken.token).antiCsrfToken, ok.antiCsrfToken);
  });
});
