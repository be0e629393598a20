// The browser suites' real parts: a Gatehouse process on a free port with its own data
// directory, the first admin made by `gatehouse users create --admin`, Debian's Chromium driven
// by playwright-core, and a second origin (another port) for cross-site attacks.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { BIN, serve } from '../support/serve.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export { BIN };
export const SCREENSHOTS = path.join(root, 'build/screenshots');
export const PASSWORD = 'a long enough secret 7';
export const LIVE_MS = 1000;  // the bound for a change to reach an open tab

// Resolves with the ms from `start` until `selector` is visible in `page`; fails once LIVE_MS
// have passed since `start` (one deadline for every page checked against the same start).
export async function visibleWithin(page, selector, start) {
  const left = Math.max(1, LIVE_MS - (Date.now() - start));
  await page.locator(selector).first().waitFor({ state: 'visible', timeout: left });
  return Date.now() - start;
}

// Makes Web Locks absent from every page of `context` (browsers without them; the SDK's
// localStorage leases then stand in).
export async function withoutWebLocks(context) {
  await context.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined });
  });
}

// `gatehouse users create` against a data directory (before the server holds its file).
export function createUser(dataDir, email, { admin = false, password = PASSWORD } = {}) {
  const args = ['users', 'create', '--email', email, '--data-dir', dataDir];
  if (admin) args.push('--admin');
  const run = spawnSync(BIN, args, { input: `${password}\n`, encoding: 'utf8', timeout: 60000 });
  if (run.status !== 0) throw new Error(`users create failed: ${run.stderr}${run.stdout}`);
  return run.stdout;
}

// Starts `gatehouse serve` on 127.0.0.1:0; resolves once it prints its address.
export async function startServer({ env = {}, admin = 'admin@example.com' } = {}) {
  // The API.md defaults (Secure, __Host- cookies: Chromium keeps them from http://127.0.0.1).
  return serve({ env, prefix: 'gh-browser-',
    prepare: (dataDir) => { if (admin) createUser(dataDir, admin, { admin: true }); } });
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

// A browser session in `context` through the sign-up or the sign-in page; answers the page,
// which the SDK has taken to /account.
async function enter(context, server, path, button, email, password) {
  const page = await context.newPage();
  await page.goto(server.url + path);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: button }).click();
  await page.waitForURL(`${server.url}/account`);
  return page;
}

export const signUp = (context, server, email, password = PASSWORD) =>
  enter(context, server, '/signup', 'Create account', email, password);
export const signIn = (context, server, email, password = PASSWORD) =>
  enter(context, server, '/signin', 'Sign in', email, password);

export async function userId(server, email) {
  const { body } = await server.api('GET', `/v1/users?email=${encodeURIComponent(email)}`);
  return body.users[0].id;
}

// A plain HTTP server on another port of 127.0.0.1: another origin, the same site (cookies for
// 127.0.0.1 go along); as http://localhost:<port>, another site. `html`: the page, or a function
// that makes it per request.
export async function otherOrigin(html) {
  const srv = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(typeof html === 'function' ? html() : html);
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${srv.address().port}`, close: () => srv.close() };
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
