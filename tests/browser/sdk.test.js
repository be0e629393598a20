// The SDK through a real Gatehouse and Debian's Chromium: its answer to a 401 that is not
// `try_refresh_token` (the session ends only when the refresh token no longer works; a read is
// sent again after a refresh that worked, a write is not; the check is not repeated per call),
// and a device clock that is off.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, signUp, startServer } from './harness.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// A signed-up browser, and a page of Gatehouse's origin where `window.sdk` is an SDK instance of
// its own (absolute baseUrl: its own tab channel, no feed), so only the calls under test act.
async function sdkPage(server, email) {
  const context = await browser.newContext();
  const first = await signUp(context, server, email);
  await first.close();
  const page = await context.newPage();
  await page.goto(`${server.url}/sdk/gatehouse.js`);
  await page.evaluate(async () => {
    const { Gatehouse } = await import('/sdk/gatehouse.js');
    window.sdk = new Gatehouse({ baseUrl: location.origin, events: false });
    await window.sdk.start();
  });
  assert.equal(await page.evaluate(() => window.sdk.state.status), 'signedin');
  const counts = new Map();
  context.on('request', (r) => {
    const p = new URL(r.url()).pathname;
    counts.set(p, (counts.get(p) || 0) + 1);
  });
  return { context, page, count: (p) => counts.get(p) || 0 };
}

// Makes the next request to `pathname` answer 401 `code` without reaching the server.
async function refuseOnce(page, pathname, code = 'unauthorised') {
  let left = 1;
  await page.route((url) => url.pathname === pathname, async (route) => {
    if (left-- > 0) {
      await route.fulfill({ status: 401, contentType: 'application/json',
        body: JSON.stringify({ error: code, message: 'refused by the test' }) });
    } else {
      await route.continue();
    }
  });
}

const call = (page, path, init) => page.evaluate(async ([p, i]) => {
  try {
    const res = await window.sdk.fetch(p, i);
    return { status: res.status, state: window.sdk.state.status };
  } catch (err) {
    return { error: err.code, state: window.sdk.state.status };
  }
}, [path, init]);

describe('a 401 that is not try_refresh_token', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { await server?.stop(); });

  test('with a refresh token that no longer works, the session ends', async () => {
    const { context, page, count } = await sdkPage(server, 'dead@example.com');
    const handle = await page.evaluate(() => window.sdk.state.sessionHandle);
    assert.equal((await server.api('DELETE', `/v1/sessions/${handle}`)).status, 200);
    const signedOut = page.evaluate(() => new Promise((resolve) => {
      window.sdk.on('signedout', ({ reason }) => resolve(reason));
    }));
    assert.deepEqual(await call(page, '/v1/me/sessions'), { status: 401, state: 'signedout' });
    assert.equal(await signedOut, 'unauthorised');
    assert.equal(count('/v1/auth/refresh'), 1);
    await context.close();
  });

  test('a refused read is sent again after a refresh that worked; the check is not repeated at once', async () => {
    const { context, page, count } = await sdkPage(server, 'alive@example.com');
    await refuseOnce(page, '/v1/me/sessions');
    assert.deepEqual(await call(page, '/v1/me/sessions'), { status: 200, state: 'signedin' });
    assert.equal(count('/v1/auth/refresh'), 1);
    assert.equal(count('/v1/me/sessions'), 2, 'sent again once');
    // A second unexpected 401 soon after: answered as is, no refresh per call, still signed in.
    await page.unrouteAll();
    await refuseOnce(page, '/v1/me/sessions');
    assert.deepEqual(await call(page, '/v1/me/sessions'), { status: 401, state: 'signedin' });
    assert.equal(count('/v1/auth/refresh'), 1);
    assert.equal(count('/v1/me/sessions'), 3);
    await context.close();
  });

  test('a refused write (a wrong current password) is not sent twice, and the session goes on', async () => {
    const { context, page, count } = await sdkPage(server, 'writer@example.com');
    const wrong = await call(page, '/v1/me/password', { method: 'POST',
      body: { current_password: 'not my password at all', new_password: 'a brand new password 8' } });
    assert.deepEqual(wrong, { status: 401, state: 'signedin' });
    assert.equal(count('/v1/me/password'), 1);
    assert.equal(count('/v1/auth/refresh'), 1, 'the refresh token was checked');
    assert.deepEqual(await call(page, '/v1/me'), { status: 200, state: 'signedin' });
    await context.close();
  });
});

describe('a device clock that is off', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { await server?.stop(); });

  test('an hour ahead, requests do not refresh each time (the token is timed by the server)', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      const real = Date.now;
      Date.now = () => real() + 3600 * 1000;
    });
    const page = await signUp(context, server, 'ahead@example.com');
    const refreshes = [];
    context.on('request', (r) => { if (r.url().endsWith('/v1/auth/refresh')) refreshes.push(r); });
    const states = await page.evaluate(async () => {
      const { gh } = await import('/js/ui.js');
      const out = [];
      for (let i = 0; i < 3; i += 1) {
        await gh.api('/v1/me');
        out.push(gh.state.status);
      }
      return { out, left: gh.state.expiresAt - Date.now() };
    });
    assert.deepEqual(states.out, ['signedin', 'signedin', 'signedin']);
    assert.ok(states.left > 60 * 1000, `the token's life by the page's clock: ${states.left} ms`);
    assert.equal(refreshes.length, 0);
    await context.close();
  });
});
