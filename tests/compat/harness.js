// The compat suites' real parts: a Gatehouse process (tests/support/serve.js) and the real
// supertokens-node SDK pointed at it, as an application would configure it.
import supertokens from 'supertokens-node';
import { serve } from '../support/serve.js';

// Starts a server and initialises the SDK (once per test file: its state is per process) with
// `recipeList` against it; resolves with the server.
export async function startWithSdk(recipeList) {
  const server = await serve({ prefix: 'gh-compat-' });
  supertokens.init({
    supertokens: { connectionURI: server.url, apiKey: server.apiKey },
    appInfo: { appName: 'compat', apiDomain: 'http://localhost:3001',
      websiteDomain: 'http://localhost:3000' },
    recipeList,
  });
  return server;
}
