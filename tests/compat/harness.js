// The compat suites' real parts: a Gatehouse process (tests/support/serve.js) and the real
// supertokens-node SDK pointed at it, as an application would configure it.
import supertokens from 'supertokens-node';
import { serve } from '../support/serve.js';

// Starts a server and initialises the SDK (once per test file: its state is per process) with
// `recipeList` against it — against the app `app` (made first, with `coreConfig`) when given;
// resolves with the server, whose `cdi` calls the face directly.
export async function startWithSdk(recipeList, { app, coreConfig = {}, env = {} } = {}) {
  const server = await serve({ prefix: 'gh-compat-', env });
  server.cdi = (method, path, body, key = server.apiKey) => cdi(server.url, method, path, body, key);
  let connectionURI = server.url;
  if (app) {
    const made = await server.cdi('PUT', '/recipe/multitenancy/app/v2', { appId: app, coreConfig });
    if (made.body?.status !== 'OK') throw new Error(`app ${app}: ${JSON.stringify(made)}`);
    connectionURI = `${server.url}/appid-${app}`;
  }
  supertokens.init({
    supertokens: { connectionURI, apiKey: server.apiKey },
    appInfo: { appName: 'compat', apiDomain: 'http://localhost:3001',
      websiteDomain: 'http://localhost:3000' },
    recipeList,
  });
  return server;
}

// One CDI call as the SDK makes it (`key` null: none sent): {status, body} with the body parsed
// when it is JSON, else its text.
export async function cdi(url, method, path, body, key) {
  const headers = { 'cdi-version': '5.4' };
  if (key) headers['api-key'] = key;
  if (body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
  const res = await fetch(url + path, { method, headers,
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const json = (res.headers.get('content-type') || '').startsWith('application/json');
  return { status: res.status, body: json ? JSON.parse(text) : text };
}
