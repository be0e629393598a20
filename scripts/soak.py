#!/usr/bin/env python3
"""Soak: the release server on SQLite under mixed load for a long run (issue "Scale and faults").

Short lifetimes make every cleanup path run many times: access tokens live 20 s, a session not
refreshed for 90 s ends, none outlives 4 min, events are kept 3 min, the collector runs every
10 s and the signing key rotates every 2 min (the rotation task checks each minute), so the
verified-token cache, the revocation state, the event log and the key ring all turn over.

Client threads, at a fixed total rate of operations, create sessions for a pool of user ids, verify and refresh them, revoke single
sessions and all of a user's, ban and unban, grant and remove roles; one more thread follows
the revocation stream (SSE) and checks that every event arrives once, in seq order.

Every sample period (a minute by default) it records the server's RSS, its open file
descriptors, the revocation state's entries, the verified-token cache's entries, the database
files' size and the requests and errors of that period (and, at the end, the rows left in the
tables that turn over, beside the audit log, which is kept). RSS, fds and revocation entries
must not grow by 10 % or more after the warm-up (the median of the last five samples over that
of the first five after it), and there must be no error: a transport failure, a 5xx, or any answer an operation may not give (verify and
refresh may answer 401, the sessions end under them, and a create 403 for a user another thread
has just banned; nothing else may fail).

Usage: scripts/soak.py [--minutes 30] [--warmup 10] [--sample-seconds 60] [--threads 4]
                       [--rate 600]
Prints a markdown table; exits 1 when the growth or error target is missed.
"""
import argparse
import http.client
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load_bench  # noqa: E402  (start_server, KEY)
from scale_bench import metric, rss_mib  # noqa: E402

SETTINGS = {
    "GATEHOUSE_ACCESS_TOKEN_TTL": "20s",
    "GATEHOUSE_REFRESH_TOKEN_TTL": "90s",
    "GATEHOUSE_SESSION_ABSOLUTE_TTL": "4m",
    "GATEHOUSE_EVENT_RETENTION": "3m",
    "GATEHOUSE_GC_INTERVAL": "10s",
    "GATEHOUSE_KEY_ROTATION_INTERVAL": "2m",
    "GATEHOUSE_VERIFIED_CACHE_ENTRIES": "20000",
}
USERS = 3000
ROLES = ["reader", "writer", "admin-lite"]


class Tally:
    """Requests and errors, shared by the client threads; errors keep their first examples."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.errors = 0
        self.examples = []

    def count(self, ok, what):
        with self.lock:
            self.requests += 1
            if not ok:
                self.errors += 1
                if len(self.examples) < 10:
                    self.examples.append(what)

    def take(self):
        with self.lock:
            return self.requests, self.errors


class Client:
    """One keep-alive connection that checks every answer against what the operation allows."""

    def __init__(self, port, tally):
        self.port = port
        self.tally = tally
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method, path, body=None, allowed=(200,)):
        headers = {"Authorization": f"Bearer {load_bench.KEY}"}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, data, headers)
            resp = self.conn.getresponse()
            raw = resp.read()
        except (OSError, http.client.HTTPException) as e:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.tally.count(False, f"{method} {path}: {e!r}")
            return None, None
        ok = resp.status in allowed
        self.tally.count(ok, f"{method} {path}: {resp.status} {raw[:200]!r}")
        try:
            return resp.status, json.loads(raw) if raw else None
        except ValueError:
            return resp.status, None


def load(port, tally, stop, seed, rate):
    """One client at `rate` operations a second (a fixed offered load, so the live state's size
    depends on the time, not on how fast the shared machine happens to be that minute)."""
    rng = random.Random(seed)
    c = Client(port, tally)
    live = []  # [access token, refresh token, handle, user]
    for role in ROLES:
        c.call("PUT", f"/v1/roles/{role}", {"permissions": [f"{role}:use"]})
    next_at = time.monotonic()
    while not stop.is_set():
        next_at += 1 / rate
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        op = rng.random()
        user = f"soak-{rng.randrange(USERS)}"
        if op < 0.15 or not live:
            # 403: another thread banned the user a moment ago (it unbans at once).
            status, body = c.call("POST", "/v1/sessions", {"user_id": user}, (201, 403))
            if status == 201:
                live.append([body["access_token"]["token"], body["refresh_token"]["token"],
                             body["session"]["handle"], user])
                if len(live) > 400:
                    live.pop(0)
        elif op < 0.60:
            s = rng.choice(live)
            c.call("POST", "/v1/sessions/verify", {"access_token": s[0]}, (200, 401))
        elif op < 0.80:
            s = rng.choice(live)
            status, body = c.call("POST", "/v1/sessions/refresh", {"refresh_token": s[1]},
                                  (200, 401))
            if status == 200:
                s[0], s[1] = body["access_token"]["token"], body["refresh_token"]["token"]
            else:
                live.remove(s)
        elif op < 0.86:
            s = live.pop(rng.randrange(len(live)))
            c.call("DELETE", f"/v1/sessions/{s[2]}")
        elif op < 0.89:
            c.call("DELETE", f"/v1/users/{user}/sessions")
            live = [s for s in live if s[3] != user]
        elif op < 0.91:
            c.call("POST", f"/v1/users/{user}/ban", {"reason": "soak"})
            c.call("DELETE", f"/v1/users/{user}/ban")
            live = [s for s in live if s[3] != user]
        elif op < 0.96:
            c.call("PUT", f"/v1/users/{user}/roles/{rng.choice(ROLES)}")
        else:
            c.call("DELETE", f"/v1/users/{user}/roles/{rng.choice(ROLES)}")


def follow_stream(port, tally, stop, state):
    """Reads the SSE stream from the start; every event must arrive once and in seq order."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/v1/revocations/stream?after=0",
                 headers={"Authorization": f"Bearer {load_bench.KEY}"})
    resp = conn.getresponse()
    if resp.status != 200:
        tally.count(False, f"stream: {resp.status}")
        return
    last = 0
    while not stop.is_set():
        try:
            line = resp.fp.readline()
        except OSError as e:
            tally.count(False, f"stream read: {e!r}")
            return
        if not line:
            if not stop.is_set():
                tally.count(False, "stream ended")
            return
        if line.startswith(b"id: "):
            seq = int(line[4:])
            if seq != last + 1:
                tally.count(False, f"stream: seq {seq} after {last}")
            last = seq
            state["events"] = seq


def rows_of(data_dir):
    """Rows of the tables that turn over, once the server has stopped (while it runs, no other
    process may open its SQLite file)."""
    db = sqlite3.connect(f"file:{os.path.join(data_dir, 'gatehouse.db')}?mode=ro", uri=True,
                         timeout=30)
    try:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("sessions", "refresh_tokens", "events", "audit")}
    finally:
        db.close()


def sample(proc, port, data_dir):
    fds = len(os.listdir(f"/proc/{proc.pid}/fd"))
    db = sum(os.path.getsize(os.path.join(data_dir, f)) for f in os.listdir(data_dir)
             if f.startswith("gatehouse.db"))
    return {"rss": rss_mib(proc.pid), "fds": fds,
            "revocation": metric(port, "revocation_state_entries"),
            "cache": metric(port, "verified_token_cache_entries"), "db_mib": db / 2**20}


def growth(rows, key, warmup):
    """Growth after the warm-up: the median of the last five samples over the median of the
    first five after it (single samples of a churning count swing by more than 10 %)."""
    after = [r[key] for r in rows if r["minute"] >= warmup - 1e-9]
    if len(after) < 2:
        return None, None, None
    n = min(5, len(after) // 2)
    first, last = statistics.median(after[:n]), statistics.median(after[-n:])
    return first, last, (last / first - 1 if first else 0.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--warmup", type=float, default=10)
    ap.add_argument("--sample-seconds", type=float, default=60)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--rate", type=float, default=600, help="operations per second, all threads")
    args = ap.parse_args()

    data_dir = tempfile.mkdtemp(prefix="gh-soak-")
    os.environ.update(SETTINGS)
    proc, port = load_bench.start_server(data_dir)
    tally, stop, stream_state = Tally(), threading.Event(), {"events": 0}
    threads = [threading.Thread(target=load, args=(port, tally, stop, i, args.rate / args.threads),
                                daemon=True)
               for i in range(args.threads)]
    threads.append(threading.Thread(target=follow_stream, args=(port, tally, stop, stream_state),
                                    daemon=True))
    for t in threads:
        t.start()
    rows = []
    start = time.monotonic()
    try:
        while time.monotonic() - start < args.minutes * 60:
            time.sleep(args.sample_seconds)
            requests, errors = tally.take()
            row = sample(proc, port, data_dir)
            row.update(minute=(time.monotonic() - start) / 60, requests=requests, errors=errors,
                       streamed=stream_state["events"])
            rows.append(row)
            print(f"{row['minute']:5.1f} min  rss {row['rss']:7.1f} MiB  fds {row['fds']:4d}  "
                  f"revocation {row['revocation']:7.0f}  cache {row['cache']:7.0f}  "
                  f"db {row['db_mib']:6.1f} MiB  requests {requests}  errors {errors}",
                  file=sys.stderr, flush=True)
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited ({proc.returncode})")
    finally:
        stop.set()
        for t in threads[:-1]:  # the load threads end after their current request
            t.join(timeout=60)
        proc.terminate()
        proc.wait()
        final_rows = rows_of(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)

    print("| minute | RSS MiB | open fds | revocation entries | cached tokens | DB MiB | "
          "requests/s | errors |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    previous = {"minute": 0, "requests": 0, "errors": 0}
    for row in rows:
        rate = (row["requests"] - previous["requests"]) / ((row["minute"] - previous["minute"]) * 60)
        print(f"| {row['minute']:.1f} | {row['rss']:.1f} | {row['fds']} | {row['revocation']:.0f} | "
              f"{row['cache']:.0f} | {row['db_mib']:.1f} | {rate:.0f} | "
              f"{row['errors'] - previous['errors']} |")
        previous = row
    failed = False
    print("rows at the end: " + ", ".join(f"{t} {n}" for t, n in final_rows.items()))
    for key in ("rss", "fds", "revocation"):
        first, last, g = growth(rows, key, args.warmup)
        if g is None:
            print(f"{key}: the run ended before the warm-up did: no growth figure")
            failed = True
            continue
        verdict = "ok" if g < 0.10 else "MISSED (target < 10 %)"
        print(f"{key}: {first:.1f} just after the warm-up, {last:.1f} at the end: "
              f"growth {g:+.1%} {verdict}")
        failed |= g >= 0.10
    print(f"{tally.requests} requests, {tally.errors} errors, {stream_state['events']} events "
          f"followed on the stream")
    for example in tally.examples:
        print(f"  error: {example}")
    failed |= tally.errors > 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
