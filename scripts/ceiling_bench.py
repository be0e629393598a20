#!/usr/bin/env python3
"""HTTP verify beside its ceilings (DESIGN.md "Performance targets"), interleaved in one run:

* `local` verify of live tokens (1,000 sessions, each token verified many times) against a bare
  Boost.Beast hello-world server on the same io threads (bench/hello_server): target >= 0.6;
* `local` verify where every request presents a token never seen before (minted ahead by
  bench/mint_tokens with the server's own key, so each costs a full Ed25519 check) against raw
  libsodium Ed25519 verification on both cores (bench/token_bench): target >= 0.8.

Each round runs hello, live verify, new-token verify and the raw Ed25519 figure back to back;
ratios use the sums over all rounds, because this machine drifts within minutes.

Usage: scripts/ceiling_bench.py [--rounds 3] [--seconds 5]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load_bench  # noqa: E402  (start_server, make_sessions, wrk, KEY, BIN, ROOT)

LUA = os.path.join(load_bench.ROOT, "bench", "load")


def start_hello(extra=()):
    proc = subprocess.Popen([os.path.join(load_bench.BIN, "hello_server"), *extra],
                            stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if m:
            return proc, int(m.group(1))
    raise RuntimeError("hello_server did not start")


def raw_ed25519_two_cores():
    out = subprocess.run(
        [os.path.join(load_bench.BIN, "token_bench"), "--benchmark_min_time=2",
         "--benchmark_filter=BM_RawVerify/EdDSA/real_time/threads:2$",
         "--benchmark_format=json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)["benchmarks"][0]["items_per_second"]


def wrk_requests(port, script, env, seconds):
    """Like load_bench.wrk, but also returns the number of completed requests."""
    out = subprocess.run(
        ["wrk", "-t2", "-c50", f"-d{seconds}s", "--latency", "-s", script,
         f"http://127.0.0.1:{port}"],
        env={**os.environ, **env}, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, total, int(non2xx.group(1)) if non2xx else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--tokens-per-round", type=int, default=80_000)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="gh-ceiling-")
    token_file = os.path.join(tmp, "new-tokens.txt")
    per_round = args.tokens_per_round
    subprocess.run([os.path.join(load_bench.BIN, "mint_tokens"), tmp,
                    str(per_round * args.rounds), token_file], check=True)
    hello, hello_port = start_hello()
    proc, port = load_bench.start_server(tmp)
    rows = []
    try:
        access, _ = load_bench.make_sessions(port, 1000)
        live_file = os.path.join(tmp, "live-tokens.txt")
        open(live_file, "w").write("\n".join(access) + "\n")
        for r in range(args.rounds):
            h = wrk_requests(hello_port, os.path.join(LUA, "hello.lua"), {}, args.seconds)
            live = wrk_requests(port, os.path.join(LUA, "tokens.lua"),
                                {"GH_TOKENS": live_file, "GH_PATH": "/v1/sessions/verify",
                                 "GH_FIELD": "access_token", "GH_KEY": load_bench.KEY},
                                args.seconds)
            new = wrk_requests(port, os.path.join(LUA, "unique_tokens.lua"),
                               {"GH_TOKENS": token_file, "GH_THREADS": "2",
                                "GH_FIRST": str(r * per_round), "GH_COUNT": str(per_round),
                                "GH_KEY": load_bench.KEY}, args.seconds)
            if new[1] > per_round:
                sys.exit(f"round {r + 1}: {new[1]} new-token requests but only {per_round} "
                         "tokens; raise --tokens-per-round")
            if h[2] or live[2] or new[2]:
                sys.exit(f"round {r + 1}: non-2xx responses (hello {h[2]}, live {live[2]}, "
                         f"new {new[2]})")
            raw = raw_ed25519_two_cores()
            rows.append((h[0], live[0], new[0], raw))
            print(f"round {r + 1}: hello {h[0]:,.0f}/s, verify live {live[0]:,.0f}/s, "
                  f"verify new {new[0]:,.0f}/s, raw Ed25519 on 2 cores {raw:,.0f}/s")
    finally:
        for p in (proc, hello):
            p.terminate()
            p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    hello_sum, live_sum, new_sum, raw_sum = (sum(c) for c in zip(*rows))
    print(f"\nHTTP verify (local, live tokens) / bare Beast hello: {live_sum / hello_sum:.2f} "
          "(target >= 0.6)")
    print(f"HTTP verify (local, every token new) / raw Ed25519 on 2 cores: "
          f"{new_sum / raw_sum:.2f} (target >= 0.8)")


if __name__ == "__main__":
    main()
