#!/usr/bin/env python3
"""HTTP load benchmark: local verify, refresh and create against the real server on SQLite,
with 10^3, 10^5 and 10^6 sessions stored (bench/seed_store fills the file), driven by wrk.
With --postgres (inside scripts/with-postgres), the same on PostgreSQL: each size a database of
its own on that server (synchronous_commit=on).

Usage: scripts/load_bench.py [--sizes 1000,100000,1000000] [--seconds 10] [--rounds 2]
                             [--connections 50] [--postgres]
All sizes are served at once and measured in interleaved rounds (each operation on each size in
turn). Prints a markdown table (req/s, p50, p99 per operation and store size), the ratio of each
operation's throughput at the largest size to the smallest (verify target: >= 0.9, flat), and
refresh at the largest size (target: >= 5,000/s on SQLite).
"""
import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# GATEHOUSE_BIN_DIR: another build to measure (e.g. an earlier commit, beside this one).
BIN = os.environ.get("GATEHOUSE_BIN_DIR", os.path.join(ROOT, "build", "bin"))
KEY = "bench-api-key-0123456789"


def start_listening(argv, name):
    """Starts a server that prints "listening on http://127.0.0.1:PORT"; returns (proc, port)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if m:
            return proc, int(m.group(1))
    raise RuntimeError(f"{name} did not start")


def start_server(data_dir, extra=(), bin_dir=BIN):
    return start_listening(
        [os.path.join(bin_dir, "gatehouse"), "serve", "--listen", "127.0.0.1:0", "--data-dir",
         data_dir, "--api-keys", KEY, "--log-level", "warn", *extra], "gatehouse")


def postgres_database(name, unix_socket=False):
    """A new, empty database on the scripts/with-postgres server; returns its URL (TCP, or the
    server's Unix socket)."""
    server = os.environ.get("GATEHOUSE_TEST_POSTGRES")
    if not server:
        sys.exit("--postgres runs inside scripts/with-postgres")
    subprocess.run(["psql", "-q", server, "-c", f"DROP DATABASE IF EXISTS {name}",
                    "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    if unix_socket:
        return os.environ["GATEHOUSE_TEST_POSTGRES_SOCKET"].replace("/gatehouse?", f"/{name}?", 1)
    return server.rsplit("/", 1)[0] + "/" + name


def make_sessions(port, n):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    access, refresh = [], []
    for i in range(n):
        conn.request("POST", "/v1/sessions", json.dumps({"user_id": f"bench-{i}"}),
                     {"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"})
        body = json.loads(conn.getresponse().read())
        access.append(body["access_token"]["token"])
        refresh.append(body["refresh_token"]["token"])
    return access, refresh


def wrk(port, script, env, seconds, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script,
         f"http://127.0.0.1:{port}"],
        env={**os.environ, **env}, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, lat.get("50", "?"), lat.get("99", "?"), int(non2xx.group(1)) if non2xx else 0


def start_hello(extra=()):
    return start_listening([os.path.join(BIN, "hello_server"), *extra], "hello_server")


def raw_ed25519_two_cores():
    out = subprocess.run(
        [os.path.join(BIN, "token_bench"), "--benchmark_min_time=2",
         "--benchmark_filter=BM_RawVerify/EdDSA/real_time/threads:2$",
         "--benchmark_format=json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)["benchmarks"][0]["items_per_second"]


def wrk_requests(port, script, env, seconds):
    """Like wrk(), at 50 connections, and also returns the number of completed requests."""
    out = subprocess.run(
        ["wrk", "-t2", "-c50", f"-d{seconds}s", "--latency", "-s", script,
         f"http://127.0.0.1:{port}"],
        env={**os.environ, **env}, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, total, int(non2xx.group(1)) if non2xx else 0


def identity_bench(seconds, rounds=4):
    """Sign-in and sign-up over HTTP beside raw Argon2id verification on two threads.

    The machine is shared and its speed drifts within seconds, so the raw ceiling and the HTTP
    sign-in rate are measured in alternating rounds (raw, HTTP, raw, HTTP, ...), each round's
    HTTP run between two raw runs; the ratio uses the sums over all rounds."""
    def raw_rate(threads, min_time):
        out = subprocess.run(
            [os.path.join(BIN, "password_bench"), f"--benchmark_min_time={min_time}",
             f"--benchmark_filter=threads:{threads}$", "--benchmark_format=json"],
            capture_output=True, text=True, check=True).stdout
        return json.loads(out)["benchmarks"][0]["items_per_second"]

    tmp = tempfile.mkdtemp(prefix="gh-identity-")
    proc, port = start_server(tmp, ["--signin-max-failures", "1000000"])
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port)
        users = 20
        for i in range(users):
            conn.request("POST", "/v1/users", json.dumps(
                {"email": f"bench-{i}@example.com", "password": "correct horse battery"}),
                {"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"})
            conn.getresponse().read()
        lua = os.path.join(ROOT, "bench", "load")
        round_seconds = max(2, seconds // 2)
        raws, signins = [raw_rate(2, 2)], []
        for _ in range(rounds):
            signins.append(wrk(port, os.path.join(lua, "signin.lua"), {"GH_USERS": str(users)},
                               round_seconds, 8))
            raws.append(raw_rate(2, 2))
        signup = wrk(port, os.path.join(lua, "signup.lua"), {}, seconds, 8)
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    raw1 = raw_rate(1, 2)
    # Each HTTP round is compared with the mean of the raw runs on either side of it.
    ceilings = [(raws[i] + raws[i + 1]) / 2 for i in range(rounds)]
    rates = [r[0] for r in signins]
    print(f"{rounds} rounds of {round_seconds}s sign-in, each between two 2s raw runs:")
    for i in range(rounds):
        print(f"  round {i + 1}: raw {ceilings[i]:.1f}/s, sign-in {rates[i]:.1f}/s, "
              f"ratio {rates[i] / ceilings[i]:.2f}")
    raw2, signin_rate = sum(ceilings) / rounds, sum(rates) / rounds
    last = signins[-1]
    print("\n| Argon2id m=19456 KiB t=2 p=1 | per second | p50 | p99 | non-2xx |")
    print("|---|---:|---:|---:|---:|")
    print(f"| raw verify, 1 thread | {raw1:,.1f} | | | |")
    print(f"| raw verify, 2 threads (ceiling, mean of rounds) | {raw2:,.1f} | | | |")
    print(f"| HTTP sign-in (mean of rounds; latency of the last) | {signin_rate:,.1f} | {last[1]} "
          f"| {last[2]} | {sum(r[3] for r in signins)} |")
    print(f"| HTTP sign-up | {signup[0]:,.1f} | {signup[1]} | {signup[2]} | {signup[3]} |")
    print(f"\nsign-in / raw Argon2id on 2 threads: {signin_rate / raw2:.2f} (target >= 0.9)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,100000,1000000")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--identity", action="store_true", help="only sign-in and sign-up")
    ap.add_argument("--postgres", action="store_true", help="on PostgreSQL (scripts/with-postgres)")
    ap.add_argument("--unix-socket", action="store_true",
                    help="with --postgres: connect through the server's Unix socket, not TCP")
    ap.add_argument("--baseline", metavar="BIN_DIR",
                    help="another build's bin directory, served beside this one and measured in "
                         "alternating rounds (e.g. the commit before a change)")
    args = ap.parse_args()
    if args.identity:
        identity_bench(args.seconds)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    builds = [("this", BIN)] + ([("baseline", args.baseline)] if args.baseline else [])
    targets = [(build, size) for size in sizes for build, _ in builds]
    lua = os.path.join(ROOT, "bench", "load")
    servers, procs, tmps = {}, [], []
    try:
        # Every size (and build) is seeded and served at once, and each operation runs on them in
        # turn, round after round, so that all of them see the same minutes of the machine.
        for build, size in targets:
            bin_dir = dict(builds)[build]
            tmp = tempfile.mkdtemp(prefix="gh-load-")
            tmps.append(tmp)
            t0 = time.time()
            db = (postgres_database(f"bench_{build}_{size}", args.unix_socket) if args.postgres
                  else os.path.join(tmp, "gatehouse.db"))
            subprocess.run([os.path.join(bin_dir, "seed_store"), db, str(size)], check=True,
                           capture_output=True)
            print(f"  {build}: {size:>9,} sessions seeded in {time.time() - t0:.1f}s",
                  file=sys.stderr)
            proc, port = start_server(tmp, ["--database", db] if args.postgres else [], bin_dir)
            procs.append(proc)
            access, _ = make_sessions(port, 1000)
            at_file, rt_file = os.path.join(tmp, "at.txt"), os.path.join(tmp, "rt.txt")
            open(at_file, "w").write("\n".join(access) + "\n")
            servers[(build, size)] = (port, [
                ("verify (local)", os.path.join(lua, "tokens.lua"),
                 {"GH_TOKENS": at_file, "GH_PATH": "/v1/sessions/verify",
                  "GH_FIELD": "access_token", "GH_KEY": KEY}),
                ("refresh", os.path.join(lua, "refresh_chain.lua"),
                 {"GH_TOKENS": rt_file, "GH_THREADS": "2", "GH_KEY": KEY}),
                ("create", os.path.join(lua, "create.lua"), {"GH_KEY": KEY}),
            ])
        results = {}  # (build, size, op) -> list of (rps, p50, p99, non-2xx), one per round
        for r in range(args.rounds):
            for op in range(3):
                for target in targets:
                    port, ops = servers[target]
                    name, script, env = ops[op]
                    if name == "refresh":  # fresh sessions: a token of an earlier round is spent
                        _, refresh = make_sessions(port, 1000)
                        open(env["GH_TOKENS"], "w").write("\n".join(refresh) + "\n")
                    run = wrk(port, script, env, args.seconds, args.connections)
                    results.setdefault((*target, name), []).append(run)
                    print(f"  round {r + 1}: {target[0]:<8} {target[1]:>9,} sessions  {name:<15} "
                          f"{run[0]:>10,.0f} req/s  p50 {run[1]:>8}  p99 {run[2]:>8}  "
                          f"non-2xx {run[3]}", file=sys.stderr)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()
        for tmp in tmps:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"| build | stored sessions | operation | req/s (mean of {args.rounds} rounds) | p50 | "
          "p99 (last round) | non-2xx |")
    print("|---|---:|---|---:|---:|---:|---:|")
    mean = {}
    for key, runs in results.items():
        mean[key] = sum(x[0] for x in runs) / len(runs)
        build, size, name = key
        print(f"| {build} | {size:,} | {name} | {mean[key]:,.0f} | {runs[-1][1]} | "
              f"{runs[-1][2]} | {sum(x[3] for x in runs)} |")
    lo, hi = min(sizes), max(sizes)
    if lo != hi:
        for name, target in (("verify (local)", 0.9), ("refresh", None), ("create", None)):
            ratio = mean[("this", hi, name)] / mean[("this", lo, name)]
            goal = f" (target >= {target})" if target else ""
            print(f"{name} at {hi:,} / at {lo:,} stored sessions: {ratio:.2f}{goal}")
    if args.baseline:
        for size in sizes:
            for name in ("verify (local)", "refresh", "create"):
                ratio = mean[("this", size, name)] / mean[("baseline", size, name)]
                print(f"{name} at {size:,} stored sessions, this build / baseline: {ratio:.2f}")
    backend, target = ("PostgreSQL", "3,000") if args.postgres else ("SQLite", "5,000")
    print(f"refresh at {hi:,} stored sessions on {backend}: {mean[('this', hi, 'refresh')]:,.0f}/s "
          f"(target >= {target}/s)")


if __name__ == "__main__":
    main()
