#!/usr/bin/env python3
"""Revoke → event-arrival propagation across processes.

A subscriber (this process, a reader thread) holds GET /v1/revocations/stream open against the
release server; the main thread revokes sessions one at a time and, for each, measures from the
moment the DELETE call returned to the moment the session_revoked event reached the subscriber.
An event that arrives before the DELETE's response is read counts as 0. Prints p50/p99/max over
N revocations (target p99 < 10 ms on one machine).

With --instances (inside scripts/with-postgres): two instances on one PostgreSQL database; the
revokes go to one, the subscriber listens to the other (the path between instances: commit,
NOTIFY, a catch-up read by seq, the other instance's stream).

Usage: scripts/propagation_bench.py [--count 1000] [--instances]
"""
import argparse
import http.client
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load_bench  # noqa: E402  (start_server, KEY)


def reader(port, arrivals, ready):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(("GET /v1/revocations/stream HTTP/1.1\r\nHost: x\r\n"
               f"Authorization: Bearer {load_bench.KEY}\r\n\r\n").encode())
    buf = b""
    ready.set()
    pattern = re.compile(rb'"session_handle":"([^"]+)"')
    while True:
        data = s.recv(65536)
        if not data:
            return
        now = time.perf_counter()
        buf += data
        for m in pattern.finditer(buf):
            arrivals.setdefault(m.group(1).decode(), now)
        buf = buf[-200:]


def report(where, label, values):
    values = sorted(values)
    n = len(values)
    pct = lambda p: values[min(n - 1, int(p / 100 * n))]
    print(f"revoke → event {where}, {label}, {n} revocations: p50 {pct(50):.3f} ms, "
          f"p99 {pct(99):.3f} ms, max {values[-1]:.3f} ms (target p99 < 10 ms)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--instances", action="store_true",
                    help="revoke on one PostgreSQL instance, listen on another")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="gh-prop-")
    procs = []
    if args.instances:
        db = load_bench.postgres_database("propagation")
        shared = ["--database", db, "--master-key-file", os.path.join(tmp, "master.key")]
        os.makedirs(os.path.join(tmp, "a"))
        os.makedirs(os.path.join(tmp, "b"))
        proc, port = load_bench.start_server(os.path.join(tmp, "a"), shared)
        procs.append(proc)
        proc, listen_port = load_bench.start_server(os.path.join(tmp, "b"), shared)
        procs.append(proc)
    else:
        proc, port = load_bench.start_server(tmp)
        procs.append(proc)
        listen_port = port
    where = "on another instance" if args.instances else "in another process"
    try:
        arrivals, ready = {}, threading.Event()
        threading.Thread(target=reader, args=(listen_port, arrivals, ready),
                         daemon=True).start()
        ready.wait()
        time.sleep(0.2)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {load_bench.KEY}"}
        latencies, from_call = [], []
        for i in range(args.count):
            conn.request("POST", "/v1/sessions", json.dumps({"user_id": f"p{i}"}), headers)
            handle = json.loads(conn.getresponse().read())["session"]["handle"]
            sent = time.perf_counter()
            conn.request("DELETE", f"/v1/sessions/{handle}", headers=headers)
            conn.getresponse().read()
            returned = time.perf_counter()
            deadline = returned + 1.0
            while handle not in arrivals and time.perf_counter() < deadline:
                time.sleep(0.0001)
            if handle not in arrivals:
                print(f"event for {handle} did not arrive within 1 s", file=sys.stderr)
                continue
            latencies.append(max(0.0, arrivals[handle] - returned) * 1000)
            from_call.append((arrivals[handle] - sent) * 1000)
        if len(latencies) < args.count:
            sys.exit(f"{args.count - len(latencies)} events never arrived")
        report(where, "from the revoke call's return", latencies)
        print(f"  ({sum(1 for x in latencies if x == 0)} arrived before the call returned)")
        report(where, "from the revoke call's start (upper bound, includes the request)",
               from_call)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
