// The compat suites' real parts: a Gatehouse process (tests/support/serve.js) and the real
// supertokens-node SDK pointed at it, as an application would configure it.
export { serve as startServer } from '../support/serve.js';
