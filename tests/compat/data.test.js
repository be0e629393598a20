// Session data through the real supertokens-node SDK against Gatehouse's CDI face: the access
// token's payload changed on a live session (regenerate) and by handle (jwt/data), the data in
// the database (session/data), each read back through the SDK, and ended sessions refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import supertokens from 'supertokens-node';
import Session from 'supertokens-node/recipe/session/index.js';
import { startWithSdk } from './harness.js';

let server;
before(async () => { server = await startWithSdk([Session.init()]); });
after(async () => { await server.stop(); });

const create = (user, payload = {}, data = {}) => Session.createNewSessionWithoutRequestResponse(
  'public', supertokens.convertToRecipeUserId(user), payload, data);
const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url'));

describe('session data', () => {
  test('merging into a live session\'s payload gives it a new token that says so', async () => {
    const s = await create('d-1', { a: 1 });
    const before = s.getAllSessionTokensDangerously().accessToken;
    await s.mergeIntoAccessTokenPayload({ b: 2 });
    const after = s.getAllSessionTokensDangerously().accessToken;
    assert.notEqual(after, before);
    const c = claims(after);
    assert.equal(c.a, 1);
    assert.equal(c.b, 2);
    assert.equal(c.exp, claims(before).exp);  // the same expiry and refresh-token hash
    assert.equal(c.refreshTokenHash1, claims(before).refreshTokenHash1);
    const again = await Session.getSessionWithoutRequestResponse(after, undefined,
      { checkDatabase: true });
    assert.equal(again.getAccessTokenPayload().b, 2);
    // Stored: a refresh carries it on.
    const refreshed = await Session.refreshSessionWithoutRequestResponse(
      s.getAllSessionTokensDangerously().refreshToken);
    assert.equal(refreshed.getAccessTokenPayload().b, 2);
  });

  test('by handle: the payload and the data in the database', async () => {
    const s = await create('d-2', { a: 1 }, { theme: 'dark' });
    assert.equal(await Session.mergeIntoAccessTokenPayload(s.getHandle(), { c: 3 }), true);
    let info = await Session.getSessionInformation(s.getHandle());
    assert.equal(info.customClaimsInAccessTokenPayload.c, 3);
    assert.equal(info.customClaimsInAccessTokenPayload.a, 1);
    assert.equal(await Session.updateSessionDataInDatabase(s.getHandle(), { theme: 'light' }), true);
    info = await Session.getSessionInformation(s.getHandle());
    assert.deepEqual(info.sessionDataInDatabase, { theme: 'light' });  // replaced, not merged
    assert.deepEqual(await s.getSessionDataFromDatabase(), { theme: 'light' });
  });

  test('an ended session\'s data cannot change', async () => {
    const s = await create('d-3');
    await Session.revokeSession(s.getHandle());
    assert.equal(await Session.updateSessionDataInDatabase(s.getHandle(), { x: 1 }), false);
    assert.equal(await Session.mergeIntoAccessTokenPayload(s.getHandle(), { x: 1 }), false);
    await assert.rejects(s.mergeIntoAccessTokenPayload({ x: 1 }));
  });

  test('a protected claim cannot be merged in', async () => {
    const s = await create('d-4');
    const res = await fetch(`${server.url}/recipe/jwt/data`, {
      method: 'PUT',
      headers: { 'api-key': server.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ sessionHandle: s.getHandle(), userDataInJWT: { sub: 'someone-else' } }),
    });
    assert.equal(res.status, 400);
    assert.equal((await Session.getSessionInformation(s.getHandle())).userId, 'd-4');
  });
});
