// Times the console in Chromium against a running Gatehouse (for scripts/console_bench.py, not a
// test), measured inside the page so the driver's own round trips do not count: a load from the
// navigation's start until the tab's first row is in the DOM; an action from the click until the
// table it changes has changed. Prints {name: [ms, ...]} as JSON.
// Usage: node console_timing.js <url> <admin email> <password> <repeats> <seeded users>
import { launch } from './harness.js';

const [url, email, password, repeatsText, usersText] = process.argv.slice(2);
const repeats = Number(repeatsText) || 3;
const someone = (i) => `seed-user-${Math.floor(Number(usersText) / 2) + i}`;
const times = {};
const record = (name, ms) => (times[name] ||= []).push(ms);

const browser = await launch();
const context = await browser.newContext();
// Before any page script: note when each watched selector first matches (ms since navigation).
await context.addInitScript(() => {
  window.__seen = {};
  const watched = ['#users-body tr', '#audit-body tr', '#roles-body tr'];
  new MutationObserver(() => {
    for (const s of watched) if (!window.__seen[s] && document.querySelector(s)) window.__seen[s] = performance.now();
  }).observe(document, { childList: true, subtree: true });
});
const page = await context.newPage();
await page.goto(`${url}/signin`);
await page.getByLabel('Email').fill(email);
await page.getByLabel('Password').fill(password);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL(`${url}/account`);

// A full load of the console on one tab, from another page.
async function opens(tab, row) {
  await page.goto(`${url}/account`);
  await page.goto(`${url}/admin#${tab}`);
  await page.locator(row).first().waitFor();
  record(`console loads on #${tab}`, await page.evaluate((s) => window.__seen[s], row));
}

// Clicks `button` in the page and waits until `watch`'s content changes: the ms in between.
async function action(name, button, watch) {
  record(name, await page.evaluate(([b, w]) => new Promise((resolve) => {
    const target = document.querySelector(w);
    const t0 = performance.now();
    new MutationObserver((_, observer) => {
      observer.disconnect();
      resolve(performance.now() - t0);
    }).observe(target, { childList: true, subtree: true, characterData: true });
    document.querySelector(b).click();
  }), [button, watch]));
}

for (let i = 0; i < repeats; i += 1) {
  await opens('users', '#users-body tr');
  await action('next page of users', '#users-next', '#users-body');
  await page.getByLabel('Search by email (prefix)').fill(someone(i));
  await action('search users by email prefix', '#panel-users form button[type="submit"]', '#users-body');
  await page.locator('#users-body tr td').getByText(`${someone(i)}@example.com`, { exact: true }).waitFor();
  const open = `#users-body tr:first-child button`;
  await action('open a user (roles, ban, sessions)', open, '#user-detail');
  await opens('audit', '#audit-body tr');
  await action('older audit entries', '#audit-next', '#audit-body');
  await opens('roles', '#roles-body tr');
}
await browser.close();
process.stdout.write(JSON.stringify(times));
