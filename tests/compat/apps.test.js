// The face's apps (PUT /recipe/multitenancy/app/v2), as the SDK's own test harness makes them:
// each app is a namespace of its own — users, emails, roles, sessions, signing keys, settings —
// and nothing of one app can be read, refreshed or ended through another. The SDK here is
// pointed at the app "shop"; "other" is driven by direct CDI calls.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import supertokens from 'supertokens-node';
import Session from 'supertokens-node/recipe/session/index.js';
import { cdi, startWithSdk } from './harness.js';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { serve } from '../support/serve.js';

let server;
before(async () => {
  server = await startWithSdk([Session.init()], { app: 'shop' });
  const other = await server.cdi('PUT', '/recipe/multitenancy/app/v2', { appId: 'other' });
  assert.deepEqual(other.body, { status: 'OK', createdNew: true });
});
after(async () => { await server.stop(); });

const header = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url'));
const session = (app, userId) => server.cdi('POST', `/appid-${app}/public/recipe/session`,
  { userId, userDataInJWT: {}, userDataInDatabase: { app }, enableAntiCsrf: false });
const verify = (app, accessToken) => server.cdi('POST', `/appid-${app}/recipe/session/verify`,
  { accessToken, enableAntiCsrf: false, doAntiCsrfCheck: false, checkDatabase: true });

describe('apps', () => {
  test('an app is made with the server\'s key, made again as not new; without the key 401', async () => {
    const put = (key) => server.cdi('PUT', '/recipe/multitenancy/app/v2', { appId: 'made' }, key);
    assert.equal((await put(null)).status, 401);
    assert.deepEqual((await put()).body, { status: 'OK', createdNew: true });
    assert.deepEqual((await put()).body, { status: 'OK', createdNew: false });
    const bad = await server.cdi('PUT', '/recipe/multitenancy/app/v2', { appId: 'No Caps!' });
    assert.equal(bad.status, 400);
    assert.equal((await server.cdi('GET', '/appid-unknown/recipe/roles')).status, 400);
  });

  test('the same email, user id and role name in two apps never meet', async () => {
    const signup = (app, password) => server.cdi('POST', `/appid-${app}/public/recipe/signup`,
      { email: 'same@example.com', password });
    const a = await signup('shop', 'shop-password-1');
    const b = await signup('other', 'other-password-1');
    assert.equal(a.body.status, 'OK');
    assert.equal(b.body.status, 'OK');
    assert.notEqual(a.body.user.id, b.body.user.id);
    assert.equal(a.body.user.emails[0], 'same@example.com');
    const signin = (app, password) => server.cdi('POST', `/appid-${app}/public/recipe/signin`,
      { email: 'same@example.com', password });
    assert.equal((await signin('shop', 'other-password-1')).body.status, 'WRONG_CREDENTIALS_ERROR');
    assert.equal((await signin('shop', 'shop-password-1')).body.user.id, a.body.user.id);
    const byId = await server.cdi('GET', `/appid-other/user/id?userId=${a.body.user.id}`);
    assert.equal(byId.body.status, 'UNKNOWN_USER_ID_ERROR');

    for (const [app, permission] of [['shop', 'ship'], ['other', 'refund']]) {
      const r = await server.cdi('PUT', `/appid-${app}/recipe/role`,
        { role: 'admin', permissions: [permission] });
      assert.deepEqual(r.body, { status: 'OK', createdNewRole: true });
    }
    const perms = await server.cdi('GET', '/appid-shop/recipe/role/permissions?role=admin');
    assert.deepEqual(perms.body.permissions, ['ship']);
    await server.cdi('PUT', '/appid-shop/public/recipe/user/role', { userId: 'u', role: 'admin' });
    assert.deepEqual((await server.cdi('GET', '/appid-other/public/recipe/user/roles?userId=u')).body,
      { status: 'OK', roles: [] });
    assert.deepEqual((await server.cdi('GET', '/appid-shop/public/recipe/role/users?role=admin')).body,
      { status: 'OK', users: ['u'] });
    assert.deepEqual((await server.cdi('GET', '/appid-other/recipe/permission/roles?permission=ship'))
      .body.roles, []);
    // The public app (the native namespace) lists neither app's roles.
    const publicRoles = await server.cdi('GET', '/recipe/roles');
    assert.ok(!publicRoles.body.roles.some((r) => r.includes('admin')), publicRoles.body.roles);

    const s1 = await session('shop', 'same-user');
    const s2 = await session('other', 'same-user');
    const handles = await server.cdi('GET', '/appid-shop/public/recipe/session/user?userId=same-user');
    assert.deepEqual(handles.body.sessionHandles, [s1.body.session.handle]);
    const ended = await server.cdi('POST', '/appid-other/public/recipe/session/remove',
      { userId: 'same-user' });
    assert.deepEqual(ended.body.sessionHandlesRevoked, [s2.body.session.handle]);
    assert.equal((await verify('shop', s1.body.accessToken.token)).body.status, 'OK');
  });

  test('a token, refresh token or handle of one app is unknown to another', async () => {
    const s = (await session('shop', 'owner')).body;
    const handle = s.session.handle;
    assert.notEqual((await verify('other', s.accessToken.token)).body.status, 'OK');
    const refreshed = await server.cdi('POST', '/appid-other/recipe/session/refresh',
      { refreshToken: s.refreshToken.token, enableAntiCsrf: false });
    assert.equal(refreshed.body.status, 'UNAUTHORISED');
    const removed = await server.cdi('POST', '/appid-other/recipe/session/remove',
      { sessionHandles: [handle] });
    assert.deepEqual(removed.body.sessionHandlesRevoked, []);
    assert.equal((await server.cdi('GET', `/appid-other/recipe/session?sessionHandle=${handle}`))
      .body.status, 'UNAUTHORISED');
    const data = await server.cdi('PUT', '/appid-other/recipe/session/data',
      { sessionHandle: handle, userDataInDatabase: { stolen: true } });
    assert.equal(data.body.status, 'UNAUTHORISED');
    // In its own app all of it still works: nothing was rotated, ended or written.
    const mine = await server.cdi('GET', `/appid-shop/recipe/session?sessionHandle=${handle}`);
    assert.deepEqual(mine.body.userDataInDatabase, { app: 'shop' });
    assert.equal(mine.body.userId, 'owner');
    const own = await server.cdi('POST', '/appid-shop/recipe/session/refresh',
      { refreshToken: s.refreshToken.token, enableAntiCsrf: false });
    assert.equal(own.body.status, 'OK');
  });

  test('the SDK pointed at an app verifies against the app\'s own keys', async () => {
    const s = await Session.createNewSessionWithoutRequestResponse('public',
      supertokens.convertToRecipeUserId('sdk-user'), { plan: 'pro' }, {});
    const token = s.getAllSessionTokensDangerously().accessToken;
    const { kid } = header(token);
    assert.match(kid, /^d-shop-\d+$/);
    const jwks = async (p) => (await (await fetch(server.url + p)).json()).keys.map((k) => k.kid);
    assert.ok((await jwks('/appid-shop/.well-known/jwks.json')).includes(kid));
    assert.ok(!(await jwks('/.well-known/jwks.json')).includes(kid));
    assert.ok(!(await jwks('/appid-other/.well-known/jwks.json')).includes(kid));
    const local = await Session.getSessionWithoutRequestResponse(token);
    assert.equal(local.getUserId(), 'sdk-user');
    // The native API addresses the app's user by its namespaced id: a ban reaches the app at once.
    const banned = await server.api('POST', `/v1/users/${encodeURIComponent('appid-shop:sdk-user')}/ban`,
      { reason: 'abuse' });
    assert.equal(banned.status, 200, JSON.stringify(banned.body));
    await assert.rejects(Session.getSessionWithoutRequestResponse(token, undefined,
      { checkDatabase: true }), (e) => e.type === 'UNAUTHORISED');
  });

  test('an app with api_keys of its own opens only to them', async () => {
    const key = 'shop-own-api-key-0123456789';
    const made = await server.cdi('PUT', '/recipe/multitenancy/app/v2',
      { appId: 'keyed', coreConfig: { api_keys: key } });
    assert.equal(made.body.createdNew, true);
    assert.equal((await server.cdi('GET', '/appid-keyed/recipe/roles')).status, 401);
    assert.equal((await server.cdi('GET', '/appid-keyed/recipe/roles', undefined, key)).status, 200);
    assert.equal((await server.cdi('GET', '/appid-shop/recipe/roles', undefined, key)).status, 401);
    const short = await server.cdi('PUT', '/recipe/multitenancy/app/v2',
      { appId: 'short-key', coreConfig: { api_keys: 'short' } });
    assert.equal(short.status, 400);
  });

  test('an app\'s access_token_validity and key interval (0.001 h: a new key every 3.6 s)', async () => {
    const made = await server.cdi('PUT', '/recipe/multitenancy/app/v2', { appId: 'fast', coreConfig: {
      access_token_validity: 2, access_token_dynamic_signing_key_update_interval: '0.001' } });
    assert.equal(made.body.createdNew, true);
    const first = (await session('fast', 'f')).body;
    const claims = JSON.parse(Buffer.from(first.accessToken.token.split('.')[1], 'base64url'));
    assert.equal(claims.exp - claims.iat, 2);
    assert.equal(first.accessToken.expiry, claims.exp * 1000);
    await new Promise((resolve) => setTimeout(resolve, 3700));
    const second = (await session('fast', 'f')).body;
    const [k1, k2] = [first, second].map((s) => header(s.accessToken.token).kid);
    assert.notEqual(k1, k2);
    const kids = (await (await fetch(`${server.url}/appid-fast/.well-known/jwks.json`)).json())
      .keys.map((k) => k.kid);
    assert.ok(kids.includes(k1) && kids.includes(k2), kids);
    assert.equal((await verify('fast', second.accessToken.token)).body.status, 'OK');
  });

  test('the public app refuses another app\'s name forms; a removed app is gone', async () => {
    const role = await server.cdi('PUT', '/recipe/role', { role: 'appid-shop:admin' });
    assert.equal(role.status, 400);
    const user = await server.cdi('PUT', '/public/recipe/user/role',
      { userId: 'appid-shop:u', role: 'x' });
    assert.equal(user.status, 400);
    await server.cdi('PUT', '/recipe/multitenancy/app/v2', { appId: 'gone' });
    assert.deepEqual((await server.cdi('POST', '/recipe/multitenancy/app/remove', { appId: 'gone' }))
      .body, { status: 'OK', didExist: true });
    assert.equal((await server.cdi('GET', '/appid-gone/recipe/roles')).status, 400);
    const again = await server.cdi('PUT', '/recipe/multitenancy/app/v2', { appId: 'gone' });
    assert.equal(again.status, 400);
  });

  test('a CDI call this face does not serve is 404 and logged, a flood of them once a second', async () => {
    const res = await server.cdi('GET', '/recipe/accountlinking/user/primary/check?recipeUserId=u');
    assert.equal(res.status, 404);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(server.output(), /no route for GET \/recipe\/accountlinking\/user\/primary\/check/);
    const before = server.output().split('no route for').length;
    await Promise.all(Array.from({ length: 50 }, () => server.cdi('POST', '/public/recipe/signinup', {})));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(server.output().split('no route for').length - before <= 2, server.output());
  });

  test('apps outlive a restart: settings, users and keys where they were, api_keys as hashes', async () => {
    const first = await serve({ prefix: 'gh-compat-restart-' });
    const call = (s, method, path, body, key = s.apiKey) => cdi(s.url, method, path, body, key);
    const key = 'restart-app-own-key-0123456789';
    let second;
    try {
      await call(first, 'PUT', '/recipe/multitenancy/app/v2', { appId: 'kept',
        coreConfig: { access_token_validity: 7, api_keys: key } });
      const up = await call(first, 'POST', '/appid-kept/public/recipe/signup',
        { email: 'kept@example.com', password: 'kept-password-1' }, key);
      assert.equal(up.body.status, 'OK');
      const s = await call(first, 'POST', '/appid-kept/public/recipe/session',
        { userId: up.body.user.id, userDataInJWT: {}, userDataInDatabase: {} }, key);
      await first.stop({ keep: true });
      second = await serve({ dataDir: first.dataDir });
      // No PUT: the app, its own key, its validity and its signing key came back.
      assert.equal((await call(second, 'GET', '/appid-kept/recipe/roles')).status, 401);
      const again = await call(second, 'POST', '/appid-kept/public/recipe/signin',
        { email: 'kept@example.com', password: 'kept-password-1' }, key);
      assert.equal(again.body.user.id, up.body.user.id);
      const v = await call(second, 'POST', '/appid-kept/recipe/session/verify', {
        accessToken: s.body.accessToken.token, enableAntiCsrf: false, doAntiCsrfCheck: false,
        checkDatabase: true }, key);
      assert.equal(v.body.status, 'OK');
      const made = await call(second, 'POST', '/appid-kept/public/recipe/session',
        { userId: 'u2', userDataInJWT: {}, userDataInDatabase: {} }, key);
      const c = JSON.parse(Buffer.from(made.body.accessToken.token.split('.')[1], 'base64url'));
      assert.equal(c.exp - c.iat, 7);
      // The key itself is nowhere in the database files; its hash is.
      const files = ['gatehouse.db', 'gatehouse.db-wal'].map((f) => `${second.dataDir}/${f}`)
        .filter((f) => existsSync(f));
      const db = Buffer.concat(files.map((f) => readFileSync(f)));
      assert.equal(db.indexOf(key), -1);
      assert.notEqual(db.indexOf(createHash('sha256').update(key).digest('hex')), -1);
    } finally {
      if (second) await second.stop(); else await first.stop();
    }
  });

  test('CDI_OPEN: the face answers without a key, an app\'s own keys still hold, native never', async () => {
    const open = await serve({ prefix: 'gh-compat-open-', env: { GATEHOUSE_CDI_OPEN: 'true' } });
    try {
      const call = (method, path, body, key = null) => cdi(open.url, method, path, body, key);
      assert.equal((await call('PUT', '/recipe/multitenancy/app/v2', { appId: 'a' })).body.createdNew,
        true);
      assert.equal((await call('GET', '/appid-a/recipe/roles')).status, 200);
      await call('PUT', '/recipe/multitenancy/app/v2',
        { appId: 'b', coreConfig: { api_keys: 'b-app-own-key-0123456789' } });
      assert.equal((await call('GET', '/appid-b/recipe/roles')).status, 401);
      assert.equal((await fetch(`${open.url}/v1/users`)).status, 401);
    } finally {
      await open.stop();
    }
  });
});
