// The pages and the SDK through a real Gatehouse and Debian's Chromium: sign-up and sign-in,
// protected pages, live role changes, bans and "sign out everywhere" reaching open tabs, the
// console, CSRF from other origins, keyboard-only use. (Many tabs of one browser: tabs.test.js.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIVE_MS, PASSWORD, launch, otherOrigin, signIn, signUp, startServer, userId, visibleWithin } from './harness.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

describe('pages', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { await server?.stop(); });

  test('sign-up, sign-in, a protected page allowed and denied, sign-out', async () => {
    const context = await browser.newContext();
    const page = await signUp(context, server, 'reader@example.com');
    await page.locator('#my-email').getByText('reader@example.com').waitFor();

    await page.goto(`${server.url}/app/reports`);
    await page.locator('#denied').waitFor();
    assert.equal(await page.locator('#report').count(), 0);

    const id = await userId(server, 'reader@example.com');
    assert.equal((await server.api('PUT', '/v1/roles/analyst', { permissions: ['reports:read'] })).status, 200);
    assert.equal((await server.api('PUT', `/v1/users/${id}/roles/analyst`)).status, 200);
    await page.goto(`${server.url}/app/reports`);
    await page.locator('#report').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${server.url}/signin`);
    await page.goto(`${server.url}/app/reports`);
    await page.waitForURL(/\/signin\?next=%2Fapp%2Freports$/);

    await page.getByLabel('Email').fill('reader@example.com');
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#form-message').getByText('do not match').waitFor();

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/app/reports`);  // back where the guard sent it from
    await page.locator('#report').waitFor();
    await context.close();
  });

  test('an admin removing reports:read hides it in the open tab within 1 s, and granting restores it', async () => {
    await server.api('PUT', '/v1/roles/viewer', { permissions: ['reports:read', 'app:use'] });
    const user = await browser.newContext();
    const reports = await signUp(user, server, 'viewer@example.com');
    await server.api('PUT', `/v1/users/${await userId(server, 'viewer@example.com')}/roles/viewer`);
    await reports.goto(`${server.url}/app/reports`);
    await reports.locator('#report').waitFor();
    const home = await user.newPage();
    await home.goto(`${server.url}/app`);
    await home.locator('#reports-part').waitFor();

    const admin = await browser.newContext();
    const consolePage = await signIn(admin, server, 'admin@example.com');
    await consolePage.goto(`${server.url}/admin#roles`);
    const field = consolePage.getByLabel('Permissions of viewer, separated by commas');
    await field.fill('app:use');
    const saved = consolePage.waitForResponse((r) => r.url().endsWith('/v1/roles/viewer') && r.request().method() === 'PUT');
    await consolePage.getByRole('button', { name: 'Save viewer' }).click();
    assert.equal((await saved).status(), 200);
    const start = Date.now();
    await visibleWithin(reports, '#denied', start);
    await visibleWithin(home, '#no-reports', start);
    assert.equal(await home.locator('#reports-part').isVisible(), false);
    assert.equal(reports.url(), `${server.url}/app/reports`, 'no reload, no navigation');

    await field.fill('app:use, reports:read');
    const again = consolePage.waitForResponse((r) => r.url().endsWith('/v1/roles/viewer') && r.request().method() === 'PUT');
    await consolePage.getByRole('button', { name: 'Save viewer' }).click();
    assert.equal((await again).status(), 200);
    const restart = Date.now();
    await visibleWithin(reports, '#report', restart);
    await visibleWithin(home, '#reports-part', restart);
    await user.close();
    await admin.close();
  });

  test('a ban from the console signs the user out of the open tab within 1 s', async () => {
    const user = await browser.newContext();
    const page = await signUp(user, server, 'banned@example.com');
    await page.locator('#sessions-body tr').first().waitFor();

    const admin = await browser.newContext();
    const consolePage = await signIn(admin, server, 'admin@example.com');
    await consolePage.goto(`${server.url}/admin#users`);
    await consolePage.getByLabel('Search by email (prefix)').fill('banned@');
    await consolePage.getByRole('button', { name: 'Search' }).click();
    await consolePage.getByRole('button', { name: 'Open banned@example.com' }).click();
    await consolePage.getByRole('button', { name: 'Ban', exact: true }).click();
    const banned = consolePage.waitForResponse((r) => r.url().endsWith('/ban') && r.request().method() === 'POST');
    await consolePage.locator('#confirm-yes').click();
    assert.equal((await banned).status(), 200);
    const start = Date.now();
    await visibleWithin(page, '#signed-out', start);
    assert.match(await page.locator('#signed-out').innerText(), /suspended/);
    assert.equal(await page.locator('#sessions-body').count(), 0, 'the account data is gone from the page');
    await consolePage.locator('#user-status').getByText('banned').waitFor();
    await user.close();
    await admin.close();
  });

  test('"sign out all other devices" signs the other browser out within 1 s', async () => {
    await browser.newContext().then(async (first) => {
      const laptop = await signUp(first, server, 'two@example.com');
      const phoneContext = await browser.newContext();
      const phone = await signIn(phoneContext, server, 'two@example.com');
      await laptop.reload();
      await laptop.locator('#sessions-body tr').nth(1).waitFor();  // both sessions listed
      const done = laptop.waitForResponse((r) => r.url().endsWith('/v1/me/sessions/revoke-others'));
      await laptop.getByRole('button', { name: 'Sign out all other devices' }).click();
      assert.equal((await done).status(), 200);
      const start = Date.now();
      await visibleWithin(phone, '#signed-out', start);
      await laptop.locator('#sessions-message').getByText('Signed out 1 other session.').waitFor();
      assert.equal(await laptop.locator('#signed-out').count(), 0, 'this device stays signed in');
      await phoneContext.close();
      await first.close();
    });
  });

  test('a wrong current password is refused and the session goes on', async () => {
    const context = await browser.newContext();
    const page = await signUp(context, server, 'typo@example.com');
    const other = await context.newPage();
    await other.goto(`${server.url}/app`);
    await other.locator('#me-h').waitFor();
    await page.getByLabel('Current password').fill('not my password at all');
    await page.getByLabel('New password').fill('a brand new password 8');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.locator('#password-message').getByText('The current password is not right.').waitFor();
    await page.waitForTimeout(300);  // any sign-out would have spread to both tabs by now
    assert.equal(await page.locator('#signed-out').count(), 0);
    assert.equal(await other.locator('#signed-out').count(), 0);
    await page.reload();
    await page.locator('#my-email').getByText('typo@example.com').waitFor();
    await context.close();
  });

  test('an admin editing a role they hold stays signed in to the console', async () => {
    const admin = await browser.newContext();
    const consolePage = await signIn(admin, server, 'admin@example.com');
    await consolePage.goto(`${server.url}/admin#roles`);
    const field = consolePage.getByLabel('Permissions of gatehouse-admin, separated by commas');
    await field.fill('gatehouse:admin, audit:read');
    // The list is read again at once, with the admin's token now outdated (its role changed):
    // the console must refresh and retry, not sign out.
    const reloaded = consolePage.waitForResponse((r) => r.url().endsWith('/v1/roles')
      && r.request().method() === 'GET' && r.status() === 200);
    await consolePage.getByRole('button', { name: 'Save gatehouse-admin' }).click();
    await reloaded;
    await consolePage.locator('#roles-body tr[data-role="gatehouse-admin"] input').waitFor();
    assert.match(await consolePage.locator('#perms-gatehouse-admin').inputValue(), /audit:read/);
    await consolePage.locator('#tab-users').click();
    await consolePage.locator('#users-body tr').first().waitFor();
    assert.equal(await consolePage.locator('#signed-out').count(), 0);
    assert.equal(await consolePage.locator('#roles-message').innerText(), '');
    await admin.close();
  });

  test("the console's live event log goes on after the admin's own claims change", async () => {
    const admin = await browser.newContext();
    const consolePage = await signIn(admin, server, 'admin@example.com');
    await consolePage.goto(`${server.url}/admin#events`);
    await consolePage.locator('#event-status').getByText(/Following|Connecting/).waitFor();
    // The server ends the admin's full feed when the admin's claims change (it checks
    // gatehouse:admin again on the reconnect, which first needs a refresh).
    const role = await server.api('GET', '/v1/roles/gatehouse-admin');
    const permissions = [...role.body.role.permissions, `extra:${Date.now()}`];
    assert.equal((await server.api('PUT', '/v1/roles/gatehouse-admin', { permissions })).status, 200);
    await consolePage.waitForTimeout(1500);
    const made = await server.api('POST', '/v1/sessions', { user_id: 'watched-user' });
    const handle = made.body.session.handle;
    assert.equal((await server.api('DELETE', `/v1/sessions/${handle}`)).status, 200);
    await consolePage.locator('#event-log li').getByText(handle).waitFor({ timeout: 10000 });
    assert.equal(await consolePage.locator('#signed-out').count(), 0);
    // The reconnect resumed after the last event shown: each seq is in the log once.
    const seqs = (await consolePage.locator('#event-log li').allInnerTexts()).map((t) => /^#(\d+)/.exec(t)?.[1]);
    assert.ok(seqs.length >= 2 && seqs.every(Boolean), seqs.join(' '));
    assert.equal(new Set(seqs).size, seqs.length, `each event once: ${seqs.join(' ')}`);
    await admin.close();
  });

  test('an admin who loses gatehouse:admin is shown access denied within 1 s and the feed stops', async () => {
    const made = await server.api('POST', '/v1/users', { email: 'deputy@example.com', password: PASSWORD });
    const id = made.body.user.id;
    assert.equal((await server.api('PUT', `/v1/users/${id}/roles/gatehouse-admin`)).status, 200);
    const context = await browser.newContext();
    const streams = [];
    context.on('request', (r) => { if (r.url().includes('/v1/revocations/stream')) streams.push(r); });
    const consolePage = await signIn(context, server, 'deputy@example.com');
    await consolePage.goto(`${server.url}/admin#events`);
    await consolePage.locator('#event-status').getByText('Following the feed.').waitFor({ timeout: 10000 });
    assert.equal((await server.api('DELETE', `/v1/users/${id}/roles/gatehouse-admin`)).status, 200);
    const start = Date.now();
    await visibleWithin(consolePage, '#denied', start);
    const opened = streams.length;
    await consolePage.waitForTimeout(3000);  // past the console's first retries
    assert.equal(streams.length, opened, 'the stream is not reopened');
    const answer = await consolePage.evaluate(async () => {
      const { gh } = await import('/js/ui.js');
      try { await gh.api('/v1/users'); return 'allowed'; } catch (err) { return `${err.status} ${err.code}`; }
    });
    assert.equal(answer, '403 forbidden');
    assert.equal(await consolePage.locator('#signed-out').count(), 0, 'demoted, not signed out');
    await context.close();
  });

  test('a ban lifted earlier does not sign the user out when a page opens', async () => {
    const made = await server.api('POST', '/v1/users', { email: 'pardoned@example.com', password: PASSWORD });
    assert.equal((await server.api('POST', `/v1/users/${made.body.user.id}/ban`, {})).status, 200);
    assert.equal((await server.api('DELETE', `/v1/users/${made.body.user.id}/ban`)).status, 200);
    const context = await browser.newContext();
    const page = await signIn(context, server, 'pardoned@example.com');
    await page.locator('#my-email').getByText('pardoned@example.com').waitFor();
    await page.waitForTimeout(1000);  // the event stream is open; the old user_banned is not replayed
    assert.equal(await page.locator('#signed-out').count(), 0);
    assert.equal(await page.evaluate(async () => (await import('/js/ui.js')).gh.state.status), 'signedin');
    await context.close();
  });

  test('keyboard only: sign in and reach the account page', async () => {
    await server.api('POST', '/v1/users', { email: 'keys@example.com', password: PASSWORD });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/signin?next=%2Fapp`);
    await page.locator('#email:focus').waitFor();  // the form takes focus on load
    await page.keyboard.type('keys@example.com');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/app`);
    await page.locator('header nav').getByText('My account').waitFor();
    for (let i = 0; i < 15; i += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.textContent) === 'My account') break;
    }
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'My account');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/account`);
    await page.locator('#my-email').getByText('keys@example.com').waitFor();
    await context.close();
  });

  test('a form POST from another origin is refused (CSRF), whether or not the cookie goes along', async () => {
    const victim = await browser.newContext();
    const page = await signUp(victim, server, 'victim@example.com');
    const id = await userId(server, 'victim@example.com');
    const before = (await server.api('GET', `/v1/users/${id}/sessions`)).body.sessions.length;
    const forms = (target) => `<!doctype html><title>prize</title>
      <form id="a" method="POST" action="${target}/v1/auth/signout"><button>a</button></form>
      <form id="b" method="POST" action="${target}/v1/me/sessions/revoke-others" enctype="text/plain">
        <input name='{"x":"' value='"}'><button>b</button></form>
      <form id="c" method="POST" action="${target}/v1/auth/signup" enctype="text/plain">
        <input name='{"email":"csrf@example.com","password":"a long enough secret 9","x":"' value='"}'><button>c</button></form>`;
    const sameSite = await otherOrigin(forms(server.url));  // 127.0.0.1, another port: cookies go
    const port = Number(new URL(sameSite.url).port);
    for (const origin of [sameSite.url, `http://localhost:${port}`]) {  // localhost: another site
      const attacker = await victim.newPage();
      for (const form of ['a', 'b', 'c']) {
        await attacker.goto(origin);
        const answer = attacker.waitForResponse((r) => r.url().startsWith(server.url));
        await attacker.locator(`#${form} button`).click();
        const res = await answer;
        const cookie = (await res.request().allHeaders()).cookie || '';
        assert.equal(cookie.includes('gh_access='), origin === sameSite.url,
          `${origin}: the access cookie ${origin === sameSite.url ? 'should' : 'should not'} go along`);
        assert.equal(res.status(), 403, `${origin} form ${form}: ${await res.text()}`);
        assert.match(await res.text(), /"error":"forbidden"/);
      }
      await attacker.close();
    }
    sameSite.close();
    const after = (await server.api('GET', `/v1/users/${id}/sessions`)).body.sessions.length;
    assert.equal(after, before, 'no session was ended');
    const signup = await server.api('GET', '/v1/users?email=csrf%40example.com');
    assert.equal(signup.body.users.length, 0, 'no account was made (login CSRF)');
    await page.reload();
    await page.locator('#my-email').getByText('victim@example.com').waitFor();
    await victim.close();
  });
});

describe('an app on another origin', () => {
  let server;
  let app;
  before(async () => {
    // The app's page imports the SDK from Gatehouse and talks to it with baseUrl.
    app = await otherOrigin(() => `<!doctype html><title>app</title><script type="module">
      import { Gatehouse } from '${server.url}/sdk/gatehouse.js';
      window.gh = new Gatehouse({ baseUrl: '${server.url}' });
      window.signedOut = [];
      gh.on('signedout', (e) => window.signedOut.push(e.reason));
      window.ready = gh.start();
    </script>`);
    server = await startServer({ env: { GATEHOUSE_CORS_ORIGINS: app.url } });
  });
  after(async () => {
    app?.close();
    await server?.stop();
  });

  test('signs up, reads its sessions and hears a ban live, through CORS with credentials', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(app.url);
    await page.waitForFunction(() => 'ready' in window);
    assert.equal(await page.evaluate(async () => { await window.ready; return gh.state.status; }), 'signedout');
    const user = await page.evaluate(() => gh.signUp('far@example.com', 'a long enough secret 7'));
    assert.equal(user.email, 'far@example.com');
    assert.equal(await page.evaluate(() => gh.state.status), 'signedin');
    assert.ok(await page.evaluate(() => gh.state.expiresAt > Date.now()), 'X-Gatehouse-Front was readable');
    const sessions = await page.evaluate(() => gh.sessions());
    assert.equal(sessions.length, 1);
    await page.waitForTimeout(300);  // the event stream is open
    await page.evaluate(() => { window.signedOut.length = 0; });  // start() found no session
    assert.equal((await server.api('POST', `/v1/users/${user.id}/ban`, {})).status, 200);
    const start = Date.now();
    await page.waitForFunction(() => gh.state.status === 'signedout', null, { timeout: LIVE_MS });
    assert.ok(Date.now() - start <= LIVE_MS);
    assert.deepEqual(await page.evaluate(() => window.signedOut), ['user_banned']);

    // The same page from an origin Gatehouse does not list: the browser keeps the answers from it.
    const stranger = await context.newPage();
    await stranger.goto(app.url.replace('127.0.0.1', 'localhost'));
    await stranger.waitForFunction(() => 'ready' in window);
    const outcome = await stranger.evaluate(async () => {
      await window.ready.catch(() => {});
      return gh.api('/v1/me').then(() => 'read', (e) => (e.code ? `answer ${e.code}` : 'blocked'));
    });
    assert.equal(outcome, 'blocked');
    await context.close();
  });
});
