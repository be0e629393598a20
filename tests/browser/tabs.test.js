// Many tabs of one browser through a real Gatehouse and Debian's Chromium: one event stream for
// all of them, handed on when its tab closes; one refresh when their access token has expired.
// Each with Web Locks and without them (the SDK's localStorage leases).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIVE_MS, launch, signUp, startServer, userId, visibleWithin, withoutWebLocks } from './harness.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// A context whose every request to `suffix` is recorded (with the page that made it).
async function recordingContext(suffix, { webLocks = true } = {}) {
  const context = await browser.newContext();
  if (!webLocks) await withoutWebLocks(context);
  const requests = [];
  context.on('request', (r) => { if (r.url().includes(suffix)) requests.push(r); });
  return { context, requests };
}

// Signs `email` up in the first tab and opens `count - 1` more at `path`, all loaded.
async function openTabs(context, server, email, count, path = '/app') {
  const tabs = [await signUp(context, server, email)];
  for (let i = 1; i < count; i += 1) {
    const tab = await context.newPage();
    await tab.goto(server.url + path);
    tabs.push(tab);
  }
  for (const tab of tabs) await tab.locator('#me-h, #my-email').first().waitFor();
  return tabs;
}

// Starts recording the feed events the SDK hands to the page (gh.on('event')).
async function recordEvents(tab) {
  await tab.evaluate(async () => {
    const { gh } = await import('/js/ui.js');
    window.feedEvents = [];
    gh.on('event', (e) => window.feedEvents.push(e));
  });
}

// Grants `user` a new role with reports:read: one claims_changed event. Answers its seq.
async function grantReports(server, user, role) {
  assert.equal((await server.api('PUT', `/v1/roles/${role}`, { permissions: ['reports:read'] })).status, 200);
  assert.equal((await server.api('PUT', `/v1/users/${user}/roles/${role}`)).status, 200);
  const events = (await server.api('GET', `/v1/revocations?after=0&limit=1000`)).body.events;
  return events.filter((e) => e.type === 'claims_changed' && e.user_id === user).at(-1).seq;
}

describe('one event stream for many tabs', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { await server?.stop(); });

  test('seven tabs follow one event stream, and a ban reaches every one within 1 s', async () => {
    const { context, requests: streams } = await recordingContext('/v1/me/events');
    const tabs = await openTabs(context, server, 'many@example.com', 7);
    await tabs[0].waitForTimeout(500);
    // One stream for the browser, not one per tab (past the server's five per user, and the
    // browser's six connections per host).
    assert.equal(streams.length, 1, `event streams opened: ${streams.map((r) => r.url()).join(' ')}`);
    const id = await userId(server, 'many@example.com');
    // A change that ends nothing (a role granted) reaches every tab through the relay.
    await grantReports(server, id, 'seven');
    const granted = Date.now();
    for (const tab of tabs.slice(1)) await visibleWithin(tab, '#reports-part', granted);
    await tabs[0].locator('#my-permissions').getByText('reports:read').waitFor({ timeout: LIVE_MS });
    assert.equal(streams.length, 1, 'still one stream');
    assert.equal((await server.api('POST', `/v1/users/${id}/ban`, {})).status, 200);
    const start = Date.now();
    for (const tab of tabs) await visibleWithin(tab, '#signed-out', start);
    await context.close();
  });

  // The tab holding the stream closes; an event happens before another tab has taken over.
  async function takeover(email, { webLocks }) {
    const { context, requests: streams } = await recordingContext('/v1/me/events', { webLocks });
    const tabs = await openTabs(context, server, email, 5);
    assert.equal(await tabs[0].evaluate(() => typeof navigator.locks), webLocks ? 'object' : 'undefined');
    await tabs[0].waitForTimeout(webLocks ? 500 : 2500);  // past a lease tick: the holder is settled
    assert.equal(streams.length, 1, `event streams opened: ${streams.map((r) => r.url()).join(' ')}`);
    const holder = streams[0].frame().page();
    const rest = tabs.filter((t) => t !== holder);
    assert.equal(rest.length, 4);
    for (const tab of rest) await recordEvents(tab);

    await holder.close();
    const seq = await grantReports(server, await userId(server, email), `handover-${webLocks}`);
    for (const tab of rest) {
      await tab.waitForFunction((s) => window.feedEvents.some((e) => e.seq === s), seq, { timeout: 10000 });
    }
    await rest[0].waitForTimeout(2500);  // a lease tick later: no second taker, no late copy
    // One tab took the stream over. (Its first request may be refused: a tab that takes over
    // after the grant has a token the grant made outdated; it refreshes and opens it again.)
    const takers = new Set(streams.slice(1).map((r) => r.frame().page()));
    assert.equal(takers.size, 1, `tabs that opened a stream after the handover: ${takers.size}`);
    assert.ok(streams.length <= 3, `stream requests after the handover: ${streams.length - 1}`);
    for (const r of streams.slice(1)) {
      assert.ok(Number(new URL(r.url()).searchParams.get('after')) > 0, 'the new stream resumes');
    }
    for (const tab of rest) {
      const seen = await tab.evaluate((s) => window.feedEvents.filter((e) => e.seq === s).length, seq);
      assert.equal(seen, 1, 'the event reaches each tab exactly once');
      assert.equal(await tab.locator('#signed-out').count(), 0);
    }
    await context.close();
  }

  test('when the tab holding the stream closes, one other takes over and misses nothing', async () => {
    await takeover('handover@example.com', { webLocks: true });
  });

  test('the same without Web Locks (a localStorage lease): still one stream for five tabs', async () => {
    await takeover('lease@example.com', { webLocks: false });
  });
});

describe('refresh across tabs', () => {
  let server;
  before(async () => { server = await startServer({ env: { GATEHOUSE_ACCESS_TOKEN_TTL: '4s', GATEHOUSE_CLOCK_LEEWAY: '0s' } }); });
  after(async () => { await server?.stop(); });

  // Five tabs of one user, idle past their access token's end, all make a request at once.
  async function fiveTabsRefreshOnce(email, { webLocks }) {
    const { context, requests: refreshes } = await recordingContext('/v1/auth/refresh', { webLocks });
    const tabs = await openTabs(context, server, email, 5, '/account');
    for (const tab of tabs) await tab.locator('#my-email').waitFor();
    assert.equal(await tabs[0].evaluate(() => typeof navigator.locks), webLocks ? 'object' : 'undefined');
    const before = refreshes.length;
    await new Promise((r) => setTimeout(r, 5000));  // past the 4 s token, leeway 0
    const results = await Promise.all(tabs.map((tab) => tab.evaluate(async () => {
      const { gh } = await import('/js/ui.js');
      const me = await gh.api('/v1/me');
      return { email: me.user.email, status: gh.state.status };
    })));
    for (const r of results) assert.deepEqual(r, { email, status: 'signedin' });
    assert.equal(refreshes.length - before, 1, `refresh requests: ${refreshes.length - before}`);
    for (const tab of tabs) assert.equal(await tab.locator('#signed-out').count(), 0);
    await context.close();
  }

  test('five tabs whose access token has expired make exactly one refresh, and none is signed out', async () => {
    await fiveTabsRefreshOnce('tabs@example.com', { webLocks: true });
  });

  test('the same without Web Locks (the localStorage lease and BroadcastChannel)', async () => {
    await fiveTabsRefreshOnce('nolocks@example.com', { webLocks: false });
  });
});
