// The SDK's own HTTP API in an Express app, as a team already running SuperTokens has it, with
// Gatehouse as its core: sign-up and sign-in (/auth/signup, /auth/signin), a route protected by
// verifySession, refresh (/auth/session/refresh) and sign-out (/auth/signout), the tokens in
// headers (st-auth-mode: header), each request sent over HTTP as a browser's SDK sends it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { errorHandler, middleware } from 'supertokens-node/framework/express/index.js';
import EmailPassword from 'supertokens-node/recipe/emailpassword/index.js';
import Session from 'supertokens-node/recipe/session/index.js';
import { verifySession } from 'supertokens-node/recipe/session/framework/express/index.js';
import { startWithSdk } from './harness.js';

let server;
let app;
let appUrl;

before(async () => {
  server = await startWithSdk([EmailPassword.init(), Session.init()]);
  const web = express();
  web.use(middleware());
  web.get('/protected', verifySession({ checkDatabase: true }), (req, res) => {
    res.json({ userId: req.session.getUserId(), handle: req.session.getHandle() });
  });
  web.use(errorHandler());
  await new Promise((resolve) => { app = web.listen(0, '127.0.0.1', resolve); });
  appUrl = `http://127.0.0.1:${app.address().port}`;
});

after(async () => {
  await new Promise((resolve) => app.close(resolve));
  await server.stop();
});

// A request as the browser SDK sends it in header mode; answers {status, body, headers}.
async function call(method, path, { body, token } = {}) {
  const headers = { 'st-auth-mode': 'header', rid: 'anti-csrf' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(appUrl + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

const form = (email, password) => ({ formFields: [{ id: 'email', value: email },
  { id: 'password', value: password }] });

describe('the SDK\'s HTTP API in an Express app', () => {
  test('sign up, call a protected route, refresh, sign out', async () => {
    const up = await call('POST', '/auth/signup', { body: form('zoe@example.com', 'validpass123') });
    assert.equal(up.status, 200);
    assert.equal(up.body.status, 'OK', JSON.stringify(up.body));
    const at = up.headers.get('st-access-token');
    const rt = up.headers.get('st-refresh-token');
    assert.ok(at && rt);
    const front = JSON.parse(Buffer.from(up.headers.get('front-token'), 'base64'));
    assert.equal(front.uid, up.body.user.id);

    let p = await call('GET', '/protected', { token: at });
    assert.equal(p.status, 200);
    assert.equal(p.body.userId, up.body.user.id);

    const refreshed = await call('POST', '/auth/session/refresh', { token: rt });
    assert.equal(refreshed.status, 200);
    const at2 = refreshed.headers.get('st-access-token');
    assert.ok(at2 && at2 !== at);
    p = await call('GET', '/protected', { token: at2 });
    assert.equal(p.status, 200);
    assert.equal(p.body.handle, JSON.parse(Buffer.from(at2.split('.')[1], 'base64url')).sessionHandle);

    const out = await call('POST', '/auth/signout', { token: at2 });
    assert.equal(out.status, 200);
    assert.equal(out.body.status, 'OK');
    // checkDatabase: the signed-out session is refused at once, with either token.
    assert.equal((await call('GET', '/protected', { token: at2 })).status, 401);
    assert.equal((await call('GET', '/protected', { token: at })).status, 401);
  });

  test('sign in: the right password opens a session, a wrong one does not', async () => {
    await call('POST', '/auth/signup', { body: form('yan@example.com', 'validpass123') });
    const wrong = await call('POST', '/auth/signin', { body: form('yan@example.com', 'wrongpass123') });
    assert.equal(wrong.status, 200);
    assert.equal(wrong.body.status, 'WRONG_CREDENTIALS_ERROR');
    assert.equal(wrong.headers.get('st-access-token'), null);
    const right = await call('POST', '/auth/signin', { body: form('yan@example.com', 'validpass123') });
    assert.equal(right.body.status, 'OK');
    const p = await call('GET', '/protected', { token: right.headers.get('st-access-token') });
    assert.equal(p.status, 200);
    // The same email again at sign-up is taken.
    const again = await call('POST', '/auth/signup', { body: form('yan@example.com', 'validpass123') });
    assert.equal(again.body.status, 'FIELD_ERROR');
  });

  test('a refresh token used after its successor was: theft, the session ends', async () => {
    const up = await call('POST', '/auth/signup', { body: form('xia@example.com', 'validpass123') });
    const rt0 = up.headers.get('st-refresh-token');
    const r1 = await call('POST', '/auth/session/refresh', { token: rt0 });
    const r2 = await call('POST', '/auth/session/refresh', { token: r1.headers.get('st-refresh-token') });
    assert.equal(r2.status, 200);
    const theft = await call('POST', '/auth/session/refresh', { token: rt0 });
    assert.equal(theft.status, 401);
    assert.equal((await call('GET', '/protected',
      { token: r2.headers.get('st-access-token') })).status, 401);
  });

  test('a ban through the native API reaches the app\'s next request', async () => {
    const up = await call('POST', '/auth/signup', { body: form('wes@example.com', 'validpass123') });
    const at = up.headers.get('st-access-token');
    assert.equal((await call('GET', '/protected', { token: at })).status, 200);
    assert.equal((await server.api('POST', `/v1/users/${up.body.user.id}/ban`, {})).status, 200);
    assert.equal((await call('GET', '/protected', { token: at })).status, 401);
    const again = await call('POST', '/auth/signin', { body: form('wes@example.com', 'validpass123') });
    assert.equal(again.body.status, 'WRONG_CREDENTIALS_ERROR');
  });
});
