// Every page at desktop width and at 360 px, written to build/screenshots/ to be looked at;
// checked for what a screenshot would show as broken: a page wider than the phone (sideways
// scrolling), a Content-Security-Policy violation (the page's own script or style refused), or
// a script error.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, screenshot, signIn, signUp, startServer, userId } from './harness.js';

const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 360, height: 740 } };

let browser;
let server;
before(async () => {
  browser = await launch();
  server = await startServer();
  await server.api('PUT', '/v1/roles/analyst', { permissions: ['reports:read'] });
  for (let i = 0; i < 30; i += 1) {
    await server.api('POST', '/v1/users', { email: `person${String(i).padStart(2, '0')}@example.com`, password: 'a long enough secret 7' });
  }
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function check(page, name, size) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= SIZES[size].width, `${name} at ${size} is ${wide}px wide`);
  await screenshot(page, `${name}-${size}`);
}

for (const size of Object.keys(SIZES)) {
  test(`every page at ${size}`, async () => {
    const problems = [];
    const watch = (page) => {
      page.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(m.text()); });
      page.on('pageerror', (e) => problems.push(String(e)));
    };
    const anon = await browser.newContext({ viewport: SIZES[size] });
    anon.on('page', watch);
    const page = await anon.newPage();
    for (const [name, path] of [['home-signed-out', '/'], ['signin', '/signin'], ['signup', '/signup']]) {
      await page.goto(server.url + path);
      await page.locator('header nav').waitFor();
      await check(page, name, size);
    }
    await page.getByLabel('Email').fill('nobody@example.com');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#form-message').waitFor();
    await check(page, 'signup-error', size);

    const email = `shots-${size}@example.com`;
    const user = await browser.newContext({ viewport: SIZES[size] });
    user.on('page', watch);
    const account = await signUp(user, server, email);
    await account.locator('#sessions-body tr').first().waitFor();
    await check(account, 'account', size);
    await account.goto(`${server.url}/app/reports`);
    await account.locator('#denied').waitFor();
    await check(account, 'reports-denied', size);
    await server.api('PUT', `/v1/users/${await userId(server, email)}/roles/analyst`);
    await account.locator('#report').waitFor();
    await check(account, 'reports', size);
    await account.goto(`${server.url}/app`);
    await account.locator('#reports-part').waitFor();
    await check(account, 'app', size);
    await account.goto(`${server.url}/`);
    await account.locator('#content a').first().waitFor();
    await check(account, 'home', size);

    const admin = await browser.newContext({ viewport: SIZES[size] });
    admin.on('page', watch);
    const consolePage = await signIn(admin, server, 'admin@example.com');
    await consolePage.goto(`${server.url}/admin`);
    await consolePage.locator('#users-body tr').first().waitFor();
    await check(consolePage, 'console-users', size);
    await consolePage.getByLabel('Search by email (prefix)').fill(email);
    await consolePage.getByRole('button', { name: 'Search' }).click();
    await consolePage.getByRole('button', { name: `Open ${email}` }).click();
    await consolePage.locator('#user-sessions tr').first().waitFor();
    await check(consolePage, 'console-user', size);
    for (const tab of ['roles', 'keys', 'audit', 'events']) {
      await consolePage.locator(`#tab-${tab}`).click();
      await consolePage.locator(`#panel-${tab}`).waitFor();
      if (tab === 'audit') await consolePage.locator('#audit-body tr').first().waitFor();
      if (tab === 'events') await consolePage.locator('#event-log li').first().waitFor();
      await check(consolePage, `console-${tab}`, size);
    }
    await consolePage.locator('#tab-keys').click();
    await consolePage.locator('#revoke-previous').check();
    await consolePage.getByRole('button', { name: 'Rotate signing key' }).click();
    await consolePage.locator('dialog[open]').waitFor();
    await check(consolePage, 'console-keys-confirm', size);
    await consolePage.locator('#confirm-no').click();

    for (const c of [anon, user, admin]) await c.close();
    assert.deepEqual(problems, []);
  });
}
