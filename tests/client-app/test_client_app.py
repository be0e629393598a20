#!/usr/bin/env python3
"""examples/client-app, built from the installed library, against a real `gatehouse serve`:
its protected route answers 200 for a live token, 401 for none or a revoked one (at once), and
503 (fail closed) once Gatehouse has been gone past the staleness bound.

Usage: test_client_app.py <gatehouse binary> <client-app binary>"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

GATEHOUSE, APP = sys.argv[1], sys.argv[2]
ISSUER = "https://gh.client-app.test"


def start(args, env, pattern):
    """Starts a process; answers it and the first match of `pattern` in its output."""
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    deadline = time.time() + 30
    seen = ""
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        seen += line
        m = re.search(pattern, line)
        if m:
            return proc, m.group(1)
    proc.kill()
    raise RuntimeError(f"{args[0]} did not start:\n{seen}")


def call(method, url, body=None, token=None):
    req = urllib.request.Request(url, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def until(predicate, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


class ClientApp(unittest.TestCase):
    def setUp(self):
        self.data = tempfile.mkdtemp(prefix="gh-client-app-")
        env = dict(os.environ, GATEHOUSE_ISSUER=ISSUER, GATEHOUSE_LOG_LEVEL="warn")
        self.server, self.gh = start(
            [GATEHOUSE, "serve", "--data-dir", self.data, "--listen", "127.0.0.1:0"], env,
            r"listening on (http://[\d.]+:\d+)")
        with open(os.path.join(self.data, "api-key")) as f:
            self.key = f.read().strip()
        app_env = dict(os.environ, GATEHOUSE_URL=self.gh, GATEHOUSE_API_KEY=self.key,
                       GATEHOUSE_ISSUER=ISSUER)
        self.app, port = start([APP, "0"], app_env, r"client-app listening on [\d.]+:(\d+)")
        self.url = f"http://127.0.0.1:{port}"
        self.assertTrue(until(lambda: call("GET", self.url + "/healthz")[0] == 200, 10))

    def tearDown(self):
        for proc in (self.app, self.server):
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()
        shutil.rmtree(self.data, ignore_errors=True)

    def session(self, user):
        status, body = call("POST", self.gh + "/v1/sessions", {"user_id": user}, self.key)
        self.assertEqual(status, 201, body)
        return body["access_token"]["token"], body["session"]["handle"]

    def test_live_revoked_and_missing_tokens(self):
        token, handle = self.session("alice")
        self.assertEqual(call("GET", self.url + "/orders", token=token),
                         (200, {"orders": [], "user_id": "alice"}))
        self.assertEqual(call("GET", self.url + "/orders"), (401, {"error": "unauthorised"}))
        self.assertEqual(call("GET", self.url + "/orders", token=token + "x")[0], 401)
        status, _ = call("DELETE", self.gh + f"/v1/sessions/{handle}", token=self.key)
        self.assertEqual(status, 200)
        self.assertTrue(until(lambda: call("GET", self.url + "/orders", token=token)[0] == 401, 1),
                        "a revoked token still accepted 1 s after the revoke returned")

    def test_fails_closed_when_gatehouse_is_gone(self):
        token, _ = self.session("bob")
        self.assertEqual(call("GET", self.url + "/orders", token=token)[0], 200)
        self.server.send_signal(signal.SIGKILL)
        # The default staleness bound is 5 s; the last heartbeat was at most 1 s before the kill.
        self.assertTrue(until(lambda: call("GET", self.url + "/orders", token=token)[0] == 503, 8))
        self.assertEqual(call("GET", self.url + "/healthz")[0], 503)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
