#!/usr/bin/env python3
"""The admin console at the size real deployments reach: every API call behind a console page,
and the pages themselves in Chromium, at 10^6 sessions and 10^5 users (beside 10^3 / 10^2,
served at the same time and measured in interleaved rounds). Target: every one within 200 ms.

Usage: scripts/console_bench.py [--sizes 1000:100,1000000:100000] [--repeats 30] [--no-browser]
The stores are filled by bench/seed_store (sessions, users owning them round robin, one audit
entry per session); the admin is made by `gatehouse users create --admin` and calls everything
with its browser session (cookie + CSRF header), as the console does. Prints a markdown table of
p50 / p99 / max in ms per call and size.
"""
import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load_bench  # noqa: E402  (start_listening, BIN)

ROOT = load_bench.ROOT
BIN = load_bench.BIN
PASSWORD = "console bench password 7"
ADMIN = "admin@example.com"


class Console:
    """The admin's browser session against one server."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        status, _, headers = self.call("POST", "/v1/auth/signin",
                                       {"email": ADMIN, "password": PASSWORD}, cookie=False)
        assert status == 200, status
        self.cookie = "; ".join(v.split(";")[0] for k, v in headers if k.lower() == "set-cookie"
                                and "refresh" not in v.split("=")[0])

    def call(self, method, path, body=None, cookie=True):
        headers = {"Content-Type": "application/json", "X-Gatehouse-CSRF": "1"}
        if cookie:
            headers["Cookie"] = self.cookie
        self.conn.request(method, path, None if body is None else json.dumps(body), headers)
        res = self.conn.getresponse()
        data = res.read()
        return res.status, data, res.getheaders()


def prepare(size, users):
    tmp = tempfile.mkdtemp(prefix=f"gh-console-{size}-")
    t0 = time.time()
    subprocess.run([os.path.join(BIN, "seed_store"), os.path.join(tmp, "gatehouse.db"), str(size),
                    str(users)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([os.path.join(BIN, "gatehouse"), "users", "create", "--email", ADMIN,
                    "--admin", "--data-dir", tmp], input=PASSWORD + "\n", text=True, check=True,
                   stdout=subprocess.DEVNULL)
    print(f"  {size:>9,} sessions, {users:,} users seeded in {time.time() - t0:.0f}s",
          file=sys.stderr)
    proc, port = load_bench.start_listening(
        [os.path.join(BIN, "gatehouse"), "serve", "--listen", "127.0.0.1:0", "--data-dir", tmp,
         "--log-level", "warn"], "gatehouse")
    return tmp, proc, port


def calls(console, users):
    """The console's requests (name, method, path, body), each one real for this store."""
    some = f"seed-user-{users // 2}"
    status, data, _ = console.call("GET", f"/v1/users/{some}/sessions")
    handle = json.loads(data)["sessions"][0]["handle"]
    status, data, _ = console.call("GET", "/v1/audit?limit=1")
    middle = json.loads(data)["entries"][0]["seq"] // 2
    return [
        ("page /admin", "GET", "/admin", None),
        ("script /js/admin/users.js", "GET", "/js/admin/users.js", None),
        ("users, first page", "GET", "/v1/users?limit=25", None),
        ("users, a page deep in", "GET", f"/v1/users?limit=25&cursor=seed-user-{users // 2}", None),
        ("users, email prefix search", "GET", f"/v1/users?q=seed-user-{users // 3}&limit=25", None),
        ("users, exact email", "GET", f"/v1/users?email={some}%40example.com", None),
        ("user", "GET", f"/v1/users/{some}", None),
        ("user's sessions", "GET", f"/v1/users/{some}/sessions", None),
        ("roles", "GET", "/v1/roles", None),
        ("audit, newest page", "GET", "/v1/audit?limit=50", None),
        ("audit, a page deep in", "GET", f"/v1/audit?limit=50&after={middle}", None),
        ("audit of one user", "GET", f"/v1/audit?user_id={some}&limit=50", None),
        ("feed head (live events)", "GET", f"/v1/revocations?after={2**53}&limit=1", None),
        ("grant a role", "PUT", f"/v1/users/{some}/roles/gatehouse-admin", None),
        ("remove a role", "DELETE", f"/v1/users/{some}/roles/gatehouse-admin", None),
        ("edit a role", "PUT", "/v1/roles/analyst", {"permissions": ["reports:read"]}),
        ("revoke a session", "DELETE", f"/v1/sessions/{handle}", None),
    ]


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p))]


def browser_timings(port, repeats, users):
    script = os.path.join(ROOT, "tests", "browser", "console_timing.js")
    out = subprocess.run(["node", script, f"http://127.0.0.1:{port}", ADMIN, PASSWORD,
                          str(repeats), str(users)], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"console_timing.js failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000:100,1000000:100000")
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    sizes = [tuple(int(x) for x in s.split(":")) for s in args.sizes.split(",")]
    servers = []
    try:
        for size, users in sizes:
            servers.append((size, users, *prepare(size, users)))
        consoles = {size: Console(port) for size, _, _, _, port in servers}
        plans = {size: calls(consoles[size], users) for size, users, _, _, _ in servers}
        times = {size: {name: [] for name, *_ in plans[size]} for size, *_ in servers}
        for _ in range(args.repeats):  # interleaved: every call on every size, in turn
            for i in range(len(plans[sizes[0][0]])):
                for size, *_ in servers:
                    name, method, path, body = plans[size][i]
                    t0 = time.perf_counter()
                    status, _, _ = consoles[size].call(method, path, body)
                    times[size][name].append((time.perf_counter() - t0) * 1000)
                    if status != 200:
                        raise RuntimeError(f"{name} at {size}: HTTP {status}")
        pages = {}
        if not args.no_browser:
            for _ in range(2):  # two interleaved rounds of the page timings
                for size, users, _, _, port in servers:
                    for name, values in browser_timings(port, max(3, args.repeats // 10),
                                                        users).items():
                        pages.setdefault(size, {}).setdefault(name, []).extend(values)
        head = " | ".join(f"{s:,} sessions / {u:,} users: p50 · p99 · max" for s, u in sizes)
        print(f"| call | {head} |")
        print("|---|" + "---|" * len(sizes))
        rows = list(times[sizes[0][0]].keys())
        worst = 0.0
        for name in rows:
            cells = []
            for size, _ in sizes:
                v = times[size][name]
                worst = max(worst, percentile(v, 0.99)) if size == sizes[-1][0] else worst
                cells.append(f"{percentile(v, .5):.1f} · {percentile(v, .99):.1f} · {max(v):.1f} ms")
            print(f"| {name} | " + " | ".join(cells) + " |")
        for name in (pages.get(sizes[0][0]) or {}):
            cells = []
            for size, _ in sizes:
                v = pages[size][name]
                worst = max(worst, percentile(v, 0.99)) if size == sizes[-1][0] else worst
                cells.append(f"{percentile(v, .5):.0f} · {percentile(v, .99):.0f} · {max(v):.0f} ms")
            print(f"| Chromium: {name} | " + " | ".join(cells) + " |")
        print(f"\nslowest p99 at the largest size: {worst:.1f} ms (target < 200 ms)")
    finally:
        for _, _, tmp, proc, _ in servers:
            proc.terminate()
            proc.wait()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
