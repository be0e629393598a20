// The session recipe's first calls through the real supertokens-node SDK against Gatehouse's
// CDI face: a session created through the SDK carries an access token the SDK verifies itself
// against Gatehouse's JWKS; with checkDatabase a revoked session or a banned user is refused at
// once; session information, handles by user, revoke one and all.
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
const get = (token, options) => Session.getSessionWithoutRequestResponse(token, undefined, options);
const tokenOf = (session) => session.getAllSessionTokensDangerously().accessToken;

describe('session recipe', () => {
  test('a session made through the SDK verifies in the SDK against Gatehouse\'s JWKS', async () => {
    const s = await create('user-1', { plan: 'pro' }, { theme: 'dark' });
    assert.equal(s.getUserId(), 'user-1');
    assert.equal(s.getAccessTokenPayload().plan, 'pro');
    const token = tokenOf(s);
    const [header] = token.split('.');
    const h = JSON.parse(Buffer.from(header, 'base64url'));
    assert.equal(h.alg, 'RS256');
    assert.equal(h.version, '5');
    assert.match(h.kid, /^d-\d+$/);
    const jwks = await (await fetch(`${server.url}/.well-known/jwks.json`)).json();
    assert.ok(jwks.keys.some((k) => k.kid === h.kid && k.alg === 'RS256' && k.kty === 'RSA'));
    const local = await get(token);  // no call to the core: the SDK's own check
    assert.equal(local.getHandle(), s.getHandle());
    assert.equal(local.getAccessTokenPayload().plan, 'pro');
    const checked = await get(token, { checkDatabase: true });
    assert.equal(checked.getHandle(), s.getHandle());
    // The native API sees the same session.
    const native = await server.api('GET', `/v1/sessions/${s.getHandle()}`);
    assert.equal(native.status, 200);
    assert.equal(native.body.session.user_id, 'user-1');
  });

  test('revoked: refused at once with checkDatabase', async () => {
    const s = await create('user-2');
    const token = tokenOf(s);
    assert.equal(await Session.revokeSession(s.getHandle()), true);
    await assert.rejects(get(token, { checkDatabase: true }), (e) => e.type === 'UNAUTHORISED');
    assert.equal(await Session.revokeSession(s.getHandle()), false);
    assert.equal(await Session.getSessionInformation(s.getHandle()), undefined);
  });

  test('a ban through the native API ends the SDK\'s sessions at once', async () => {
    const s = await create('user-3');
    assert.equal((await server.api('POST', '/v1/users/user-3/ban', {})).status, 200);
    await assert.rejects(get(tokenOf(s), { checkDatabase: true }),
      (e) => e.type === 'UNAUTHORISED');
    // ...and no new session is made for the banned user.
    await assert.rejects(create('user-3'));
  });

  test('session information, handles by user, revoke all', async () => {
    const a = await create('user-4', { k: 1 }, { d: 2 });
    const b = await create('user-4');
    const info = await Session.getSessionInformation(a.getHandle());
    assert.equal(info.sessionHandle, a.getHandle());
    assert.equal(info.userId, 'user-4');
    // The payload as stored: the app's claim and the `iss` the SDK adds itself.
    assert.deepEqual(info.customClaimsInAccessTokenPayload,
      { k: 1, iss: 'http://localhost:3001/auth' });
    assert.deepEqual(info.sessionDataInDatabase, { d: 2 });
    assert.ok(info.expiry > Date.now());
    assert.deepEqual((await Session.getAllSessionHandlesForUser('user-4')).sort(),
      [a.getHandle(), b.getHandle()].sort());
    assert.deepEqual((await Session.revokeAllSessionsForUser('user-4')).sort(),
      [a.getHandle(), b.getHandle()].sort());
    assert.deepEqual(await Session.getAllSessionHandlesForUser('user-4'), []);
  });

  test('a forged or damaged token is refused by the SDK and by the face', async () => {
    const s = await create('user-5');
    const token = tokenOf(s);
    const damaged = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
    await assert.rejects(get(damaged), (e) => e.type === 'TRY_REFRESH_TOKEN');
    const res = await fetch(`${server.url}/recipe/session/verify`, {
      method: 'POST',
      headers: { 'api-key': server.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ accessToken: damaged, doAntiCsrfCheck: false, enableAntiCsrf: false,
        checkDatabase: true }),
    });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).status, 'TRY_REFRESH_TOKEN');
  });

  test('a protected claim in the payload is the core\'s 400', async () => {
    const res = await fetch(`${server.url}/public/recipe/session`, {
      method: 'POST',
      headers: { 'api-key': server.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'u', userDataInJWT: { sessionHandle: 'x' },
        userDataInDatabase: {}, enableAntiCsrf: false }),
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /protected field: sessionHandle\n$/);
  });

  test('anti-CSRF via token: the token\'s value passes, another does not', async () => {
    const res = await fetch(`${server.url}/public/recipe/session`, {
      method: 'POST',
      headers: { 'api-key': server.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'u6', userDataInJWT: {}, userDataInDatabase: {},
        enableAntiCsrf: true }),
    });
    const made = await res.json();
    assert.equal(made.status, 'OK');
    assert.equal(typeof made.antiCsrfToken, 'string');
    const verify = async (antiCsrfToken) => (await (await fetch(`${server.url}/recipe/session/verify`, {
      method: 'POST',
      headers: { 'api-key': server.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ accessToken: made.accessToken.token, antiCsrfToken,
        doAntiCsrfCheck: true, enableAntiCsrf: true, checkDatabase: false }),
    })).json()).status;
    assert.equal(await verify(made.antiCsrfToken), 'OK');
    assert.equal(await verify('wrong'), 'TRY_REFRESH_TOKEN');
    assert.equal(await verify(undefined), 'TRY_REFRESH_TOKEN');
  });
});
