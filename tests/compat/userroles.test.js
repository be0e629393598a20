// The userroles recipe through the real supertokens-node SDK (its own functions, its own HTTP
// calls to the core), against Gatehouse's CDI face: every one of its ten calls, the outcomes the
// SDK distinguishes, the core's checks (API key, cdi-version), and Gatehouse's immediacy: a role
// granted through the recipe outdates the user's live tokens at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import supertokens from 'supertokens-node';
import Session from 'supertokens-node/recipe/session/index.js';
import UserRoles from 'supertokens-node/recipe/userroles/index.js';
import { startWithSdk } from './harness.js';

let server;

before(async () => { server = await startWithSdk([UserRoles.init(), Session.init()]); });

after(async () => { await server.stop(); });

const sorted = (list) => [...list].sort();

describe('userroles recipe', () => {
  test('roles and permissions: create, add, read, remove, delete', async () => {
    let r = await UserRoles.createNewRoleOrAddPermissions('editor', ['doc:read', 'doc:write']);
    assert.deepEqual(r, { status: 'OK', createdNewRole: true });
    r = await UserRoles.createNewRoleOrAddPermissions('editor', ['doc:delete']);
    assert.deepEqual(r, { status: 'OK', createdNewRole: false });
    r = await UserRoles.getPermissionsForRole('editor');
    assert.equal(r.status, 'OK');
    assert.deepEqual(sorted(r.permissions), ['doc:delete', 'doc:read', 'doc:write']);
    // Names are trimmed, as the core trims them.
    r = await UserRoles.createNewRoleOrAddPermissions('  viewer ', ['doc:read']);
    assert.equal(r.createdNewRole, true);
    assert.deepEqual(sorted((await UserRoles.getAllRoles()).roles), ['editor', 'viewer']);
    r = await UserRoles.getRolesThatHavePermission('doc:read');
    assert.deepEqual(sorted(r.roles), ['editor', 'viewer']);
    assert.deepEqual((await UserRoles.getRolesThatHavePermission('nothing')).roles, []);

    r = await UserRoles.removePermissionsFromRole('editor', ['doc:write']);
    assert.deepEqual(r, { status: 'OK' });
    assert.deepEqual(sorted((await UserRoles.getPermissionsForRole('editor')).permissions),
      ['doc:delete', 'doc:read']);
    assert.deepEqual(await UserRoles.removePermissionsFromRole('ghost', ['x']),
      { status: 'UNKNOWN_ROLE_ERROR' });
    assert.deepEqual(await UserRoles.getPermissionsForRole('ghost'),
      { status: 'UNKNOWN_ROLE_ERROR' });

    assert.deepEqual(await UserRoles.deleteRole('viewer'), { status: 'OK', didRoleExist: true });
    assert.deepEqual(await UserRoles.deleteRole('viewer'), { status: 'OK', didRoleExist: false });
    assert.deepEqual((await UserRoles.getAllRoles()).roles, ['editor']);
  });

  test('a user\'s roles: add, read both ways, remove; unknown roles', async () => {
    await UserRoles.createNewRoleOrAddPermissions('support', ['ticket:read']);
    let r = await UserRoles.addRoleToUser('public', 'user-1', 'support');
    assert.deepEqual(r, { status: 'OK', didUserAlreadyHaveRole: false });
    r = await UserRoles.addRoleToUser('public', 'user-1', 'support');
    assert.deepEqual(r, { status: 'OK', didUserAlreadyHaveRole: true });
    assert.deepEqual(await UserRoles.addRoleToUser('public', 'user-1', 'ghost'),
      { status: 'UNKNOWN_ROLE_ERROR' });
    assert.deepEqual(await UserRoles.getRolesForUser('public', 'user-1'),
      { status: 'OK', roles: ['support'] });
    assert.deepEqual(await UserRoles.getUsersThatHaveRole('public', 'support'),
      { status: 'OK', users: ['user-1'] });
    assert.deepEqual(await UserRoles.getUsersThatHaveRole('public', 'ghost'),
      { status: 'UNKNOWN_ROLE_ERROR' });

    r = await UserRoles.removeUserRole('public', 'user-1', 'support');
    assert.deepEqual(r, { status: 'OK', didUserHaveRole: true });
    r = await UserRoles.removeUserRole('public', 'user-1', 'support');
    assert.deepEqual(r, { status: 'OK', didUserHaveRole: false });
    assert.deepEqual(await UserRoles.removeUserRole('public', 'user-1', 'ghost'),
      { status: 'UNKNOWN_ROLE_ERROR' });
    assert.deepEqual((await UserRoles.getRolesForUser('public', 'user-1')).roles, []);
  });

  test('deleting a role takes it from every holder', async () => {
    await UserRoles.createNewRoleOrAddPermissions('temp', []);
    await UserRoles.addRoleToUser('public', 'user-2', 'temp');
    await UserRoles.deleteRole('temp');
    assert.deepEqual((await UserRoles.getRolesForUser('public', 'user-2')).roles, []);
  });

  test('a grant through the recipe outdates the user\'s live tokens at once', async () => {
    await UserRoles.createNewRoleOrAddPermissions('auditor', ['audit:read']);
    const created = await server.api('POST', '/v1/sessions', { user_id: 'user-3' });
    assert.equal(created.status, 201);
    const token = created.body.access_token.token;
    const verify = () => server.api('POST', '/v1/sessions/verify',
      { access_token: token, mode: 'local' });
    assert.equal((await verify()).status, 200);
    await UserRoles.addRoleToUser('public', 'user-3', 'auditor');
    const outdated = await verify();
    assert.equal(outdated.status, 401);
    assert.equal(outdated.body.error, 'try_refresh_token');
    // The refresh carries the role the recipe granted.
    const refreshed = await server.api('POST', '/v1/sessions/refresh',
      { refresh_token: created.body.refresh_token.token });
    assert.equal(refreshed.status, 200);
    const again = await server.api('POST', '/v1/sessions/verify',
      { access_token: refreshed.body.access_token.token, mode: 'local' });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body.roles, ['auditor']);
  });

  test('a role granted through the recipe reaches a live SDK session at its next checked verify', async () => {
    await UserRoles.createNewRoleOrAddPermissions('reader', ['book:read']);
    await UserRoles.createNewRoleOrAddPermissions('writer', ['book:write']);
    await UserRoles.addRoleToUser('public', 'user-9', 'reader');
    const s = await Session.createNewSessionWithoutRequestResponse(
      'public', supertokens.convertToRecipeUserId('user-9'));
    const token = s.getAllSessionTokensDangerously().accessToken;
    assert.deepEqual(s.getAccessTokenPayload()['st-role'].v, ['reader']);
    await UserRoles.addRoleToUser('public', 'user-9', 'writer');
    const seen = await Session.getSessionWithoutRequestResponse(token, undefined,
      { checkDatabase: true });
    assert.deepEqual([...seen.getAccessTokenPayload()['st-role'].v].sort(), ['reader', 'writer']);
    assert.deepEqual([...seen.getAccessTokenPayload()['st-perm'].v].sort(),
      ['book:read', 'book:write']);
    const next = seen.getAllSessionTokensDangerously();
    assert.equal(next.accessAndFrontTokenUpdated, true);
    // The new token says so too, and the stored payload (a refresh carries it on).
    const claims = JSON.parse(Buffer.from(next.accessToken.split('.')[1], 'base64url'));
    assert.deepEqual([...claims['st-role'].v].sort(), ['reader', 'writer']);
    // (A verified session holds no refresh token: the one the session was made with.)
    const refreshed = await Session.refreshSessionWithoutRequestResponse(
      s.getAllSessionTokensDangerously().refreshToken);
    assert.deepEqual([...refreshed.getAccessTokenPayload()['st-role'].v].sort(),
      ['reader', 'writer']);
    // Removed: gone at the next checked verify.
    await UserRoles.removeUserRole('public', 'user-9', 'writer');
    const again = await Session.getSessionWithoutRequestResponse(
      refreshed.getAllSessionTokensDangerously().accessToken, undefined, { checkDatabase: true });
    assert.deepEqual(again.getAccessTokenPayload()['st-role'].v, ['reader']);
  });

  test('bad input: an empty name is the core\'s 400, a name Gatehouse refuses is 400', async () => {
    await assert.rejects(UserRoles.createNewRoleOrAddPermissions('   ', []),
      /status code: 400 and message: Field name 'role' cannot be an empty String\n/);
    await assert.rejects(UserRoles.createNewRoleOrAddPermissions('a/b', []), /status code: 400/);
    await assert.rejects(UserRoles.createNewRoleOrAddPermissions('x'.repeat(129), []),
      /status code: 400/);
  });
});

describe('the core\'s checks', () => {
  test('the handshake lists 5.4; another cdi-version is refused', async () => {
    let res = await fetch(`${server.url}/apiversion`, { headers: { 'api-key': server.apiKey } });
    assert.equal(res.status, 200);
    assert.ok((await res.json()).versions.includes('5.4'));
    res = await fetch(`${server.url}/recipe/roles`,
      { headers: { 'api-key': server.apiKey, 'cdi-version': '2.7' } });
    assert.equal(res.status, 400);
    assert.equal(await res.text(), 'cdi-version 2.7 not supported\n');
    res = await fetch(`${server.url}/hello`);
    assert.equal(await res.text(), 'Hello');
  });

  test('the API key: every form the core takes, and the exact 401 for a wrong one', async () => {
    for (const headers of [{ 'api-key': server.apiKey }, { Authorization: `Bearer ${server.apiKey}` },
      { Authorization: server.apiKey }]) {
      const res = await fetch(`${server.url}/recipe/roles`, { headers });
      assert.equal(res.status, 200, JSON.stringify(headers));
    }
    for (const headers of [{}, { 'api-key': 'wrong' }, { 'api-key': server.apiKey.slice(0, -1) },
      { Authorization: 'Bearer ' }]) {
      const res = await fetch(`${server.url}/recipe/roles`, { headers });
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(await res.text(), 'Invalid API key\n');
    }
    // A request as the SDK sends it (cdi-version, rid), with a wrong key.
    const res = await fetch(`${server.url}/public/recipe/user/roles?userId=u`,
      { headers: { 'api-key': 'wrong', 'cdi-version': '5.4', rid: 'userroles' } });
    assert.equal(res.status, 401);
    assert.equal(await res.text(), 'Invalid API key\n');
  });

  test('path prefixes: the public app and tenant are served, others are refused as the core does', async () => {
    const headers = { 'api-key': server.apiKey };
    for (const prefix of ['', '/appid-public', '/appid-public/public', '/public']) {
      const res = await fetch(`${server.url}${prefix}/recipe/user/roles?userId=u`, { headers });
      assert.equal(res.status, 200, prefix);
    }
    for (const prefix of ['/appid-other', '/other', '/appid-public/other']) {
      const res = await fetch(`${server.url}${prefix}/recipe/user/roles?userId=u`, { headers });
      assert.equal(res.status, 400, prefix);
      assert.match(await res.text(), /^AppId or tenantId not found => .*\n$/, prefix);
    }
    const twoPrefixes = await fetch(`${server.url}/a/b/recipe/user/roles?userId=u`, { headers });
    assert.equal(twoPrefixes.status, 404);
    // App-wide calls take no tenant.
    const res = await fetch(`${server.url}/public/recipe/roles`, { headers });
    assert.equal(res.status, 404);
  });
});
