// `gatehouse serve` for the JavaScript suites (tests/browser, tests/compat): a process of the
// debug build (or GATEHOUSE_BIN) on 127.0.0.1:0 with its own data directory, cheap password
// hashing, and the backend API at hand with the API key the server generated. No dependencies.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.GATEHOUSE_BIN || path.join(root, 'build/debug/bin/gatehouse');

// A new data directory (or `dataDir`, a stopped server's, kept: `stop({ keep: true })`);
// `prepare(dataDir)` runs before the server starts (e.g. `users create`). Resolves once the
// server prints its address.
export async function serve({ env = {}, prefix = 'gh-js-', prepare = () => {}, dataDir: reuse } = {}) {
  const dataDir = reuse || mkdtempSync(path.join(tmpdir(), prefix));
  prepare(dataDir);
  const child = spawn(BIN, ['serve', '--data-dir', dataDir, '--listen', '127.0.0.1:0'], {
    env: { ...process.env, GATEHOUSE_ARGON2_MEMORY_KIB: '1024',
      GATEHOUSE_ARGON2_ITERATIONS: '1', GATEHOUSE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30000);
    const onData = (chunk) => {
      output += chunk;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
  const apiKey = readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim();
  return {
    url,
    dataDir,
    apiKey,
    output: () => output,
    // The backend API with the API key: JSON in, {status, body} out.
    async api(method, p, body) {
      const res = await fetch(url + p, { method, headers: { Authorization: `Bearer ${apiKey}`,
        'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async stop({ keep = false } = {}) {
      if (child.exitCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
      if (!keep) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
