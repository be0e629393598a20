// The SuperTokens face under load through the real SDK, beside the native API, in one run:
// an Express app whose route is behind verifySession({checkDatabase: true}) (each request: the
// SDK asks Gatehouse's /recipe/session/verify) and whose refresh route calls the SDK's refresh,
// against the same app's routes that call the native API for the same work (POST
// /v1/sessions/verify with mode strict, POST /v1/sessions/refresh). The load comes from a worker
// thread with `--connections` loops; rounds alternate the four, so all see the same minutes.
//
//   GATEHOUSE_BIN=build/bin/gatehouse node tests/compat/bench.js [--seconds 5] [--rounds 3]
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import express from 'express';
import supertokens from 'supertokens-node';
import { middleware } from 'supertokens-node/framework/express/index.js';
import Session from 'supertokens-node/recipe/session/index.js';
import { verifySession } from 'supertokens-node/recipe/session/framework/express/index.js';
import { startWithSdk } from './harness.js';

// The load: `connections` loops, each with its own session, for `seconds`.
async function load({ url, kind, seconds, starts }) {
  const until = Date.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  await Promise.all(starts.map(async (start) => {
    let { at, rt } = start;
    while (Date.now() < until) {
      const refresh = kind.endsWith('refresh');
      const res = await fetch(`${url}/${kind.split(' ')[0]}/${refresh ? 'refresh' : 'protected'}`, {
        method: refresh ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${at}`, 'content-type': 'application/json' },
        body: refresh ? JSON.stringify({ rt }) : undefined,
      });
      const body = await res.json();
      if (res.status !== 200) { failed++; continue; }
      if (refresh) ({ at, rt } = body);
      done++;
    }
    start.at = at;
    start.rt = rt;
  }));
  return { rate: done / seconds, failed };
}

if (!isMainThread) {
  parentPort.on('message', async (job) => parentPort.postMessage(await load(job)));
} else {
  const { values } = parseArgs({ options: {
    seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '16' } } });
  const seconds = Number(values.seconds);
  const server = await startWithSdk([Session.init()]);
  const native = (path, body) => server.api('POST', path, body);
  const web = express();
  web.use(express.json());
  web.use(middleware());
  web.get('/st/protected', verifySession({ checkDatabase: true }), (req, res) => {
    res.json({ user: req.session.getUserId() });
  });
  web.post('/st/refresh', async (req, res) => {
    const s = await Session.refreshSessionWithoutRequestResponse(req.body.rt);
    const t = s.getAllSessionTokensDangerously();
    res.json({ at: t.accessToken, rt: t.refreshToken });
  });
  web.get('/native/protected', async (req, res) => {
    const at = req.headers.authorization.slice(7);
    const v = await native('/v1/sessions/verify', { access_token: at, mode: 'strict' });
    res.status(v.status === 200 ? 200 : 401).json({ user: v.body.user_id });
  });
  web.post('/native/refresh', async (req, res) => {
    const r = await native('/v1/sessions/refresh', { refresh_token: req.body.rt });
    res.status(r.status).json({ at: r.body.access_token?.token, rt: r.body.refresh_token?.token });
  });
  const app = await new Promise((resolve) => { const a = web.listen(0, '127.0.0.1', () => resolve(a)); });
  const url = `http://127.0.0.1:${app.address().port}`;
  const connections = Number(values.connections);
  const starts = { st: [], native: [] };
  for (let i = 0; i < connections; i++) {
    const s = await Session.createNewSessionWithoutRequestResponse('public',
      supertokens.convertToRecipeUserId(`bench-${i}`), {}, {});
    const t = s.getAllSessionTokensDangerously();
    starts.st.push({ at: t.accessToken, rt: t.refreshToken });
    const n = await native('/v1/sessions', { user_id: `bench-native-${i}` });
    starts.native.push({ at: n.body.access_token.token, rt: n.body.refresh_token.token });
  }
  const worker = new Worker(new URL(import.meta.url), { workerData: {} });
  const run = (job) => new Promise((resolve) => { worker.once('message', resolve); worker.postMessage(job); });
  const kinds = ['st verify', 'native verify', 'st refresh', 'native refresh'];
  const rates = Object.fromEntries(kinds.map((k) => [k, []]));
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const kind of kinds) {
      const pool = starts[kind.split(' ')[0]];
      const r = await run({ url, kind, seconds, starts: pool });
      rates[kind].push(r.rate);
      console.error(`  round ${round}: ${kind.padEnd(15)} ${r.rate.toFixed(0).padStart(7)} req/s` +
        `  failed ${r.failed}`);
      if (r.failed > 0) throw new Error(`${kind}: ${r.failed} requests failed`);
    }
    // Fresh sessions each round: the worker refreshed copies of these, so the ones here are spent.
    for (let i = 0; i < connections; i++) {
      const s = await Session.createNewSessionWithoutRequestResponse('public',
        supertokens.convertToRecipeUserId(`bench-${i}`), {}, {});
      const t = s.getAllSessionTokensDangerously();
      starts.st[i] = { at: t.accessToken, rt: t.refreshToken };
      const n = await native('/v1/sessions', { user_id: `bench-native-${i}` });
      starts.native[i] = { at: n.body.access_token.token, rt: n.body.refresh_token.token };
    }
  }
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log('| through one Express app | req/s (mean of rounds) |');
  console.log('|---|---:|');
  for (const kind of kinds) console.log(`| ${kind} | ${mean(rates[kind]).toFixed(0)} |`);
  console.log(`\nSDK getSession(checkDatabase) / native strict verify: ${
    (mean(rates['st verify']) / mean(rates['native verify'])).toFixed(2)}`);
  console.log(`SDK refresh / native refresh: ${
    (mean(rates['st refresh']) / mean(rates['native refresh'])).toFixed(2)}`);
  await worker.terminate();
  app.close();
  await server.stop();
}
