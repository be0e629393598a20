#!/usr/bin/env python3
"""HTTP verify at the scale users reach (issue "Scale and faults"), interleaved in one run:

* one server per size (10^3, 10^5, 10^6 live access tokens, every token distinct, signed ahead
  with that server's key by bench/mint_tokens), each warmed until every one of its tokens is in
  its verified-token cache; then rounds that verify each server's tokens round robin, one
  server after the other, so every size sees the same minutes of the machine.
  Target: verify at 10^6 live >= 0.8 x at 10^3 live. Each server's RSS after warm-up is reported
  with the bytes per cached token it implies (RSS should follow the cache, not the store);
* on the 10^6 server, with its cache holding 10^6 live tokens: verify of tokens never seen
  before, beside a bare Beast server doing one Ed25519 verify per POST of the same shape
  (bench/hello_server --ed25519, same io threads). Target >= 0.9;
* live verify beside the bare hello server (target >= 0.8), and new-token verify beside raw
  libsodium Ed25519 on both cores (bench/token_bench), the figure without any HTTP.

The new-token supply is sized from a measured rate and doubled for a round that runs out, so a
fast machine never makes the benchmark fail.

Usage: scripts/scale_bench.py [--sizes 1000,100000,1000000] [--rounds 3] [--seconds 5]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load_bench  # noqa: E402  (start_server, start_hello, wrk_requests, KEY, BIN)

LUA = os.path.join(load_bench.ROOT, "bench", "load")


class Minter:
    """bench/mint_tokens --serve on one data directory: started before its server (it reads the
    signing key, then closes the database, which a running server holds alone), it signs batches
    of fresh tokens whenever asked."""

    def __init__(self, data_dir):
        self.proc = subprocess.Popen([os.path.join(load_bench.BIN, "mint_tokens"), data_dir,
                                      "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError(f"mint_tokens did not start on {data_dir}")

    def mint(self, count, path):
        self.proc.stdin.write(f"{count} {path}\n")
        self.proc.stdin.flush()
        if self.proc.stdout.readline().strip() != "ok":
            raise RuntimeError(f"mint_tokens failed to mint {count} tokens")

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def metric(port, name):
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
    for line in body.splitlines():
        if line.startswith(f"gatehouse_{name} "):
            return float(line.split()[1])
    return None


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def live_env(token_file):
    return {"GH_TOKENS": token_file, "GH_PATH": "/v1/sessions/verify",
            "GH_FIELD": "access_token", "GH_KEY": load_bench.KEY}


def new_env(token_file, first, count):
    return {"GH_TOKENS": token_file, "GH_THREADS": "2", "GH_FIRST": str(first),
            "GH_COUNT": str(count), "GH_KEY": load_bench.KEY}


def warm(port, token_file, size):
    """Verifies every token (each wrk thread cycling through its own slice of the file) in runs
    of growing length until the cache holds them all: a run repeats the tokens already cached
    (fast hits) and goes on to new ones."""
    seconds, last = 10, -1
    while True:
        entries = metric(port, "verified_token_cache_entries")
        if entries >= size:
            return
        if entries == last:
            print(f"  warm-up stalled: {entries:,.0f} of {size:,} cached", file=sys.stderr)
            return
        last = entries
        _, _, bad = load_bench.wrk_requests(port, os.path.join(LUA, "unique_tokens.lua"),
                                               new_env(token_file, 0, size), seconds)
        if bad:
            sys.exit(f"warm-up: {bad} non-2xx responses")
        seconds = min(seconds * 2, 120)


class NewTokens:
    """Tokens the 10^6 server has never seen, minted in batches sized from a measured rate."""

    def __init__(self, minter, path):
        self.minter, self.path, self.used, self.count = minter, path, 0, 0

    def ensure(self, needed):
        if self.count - self.used >= needed:
            return
        self.minter.mint(needed, self.path)  # a fresh file of fresh tokens
        self.count, self.used = needed, 0

    def run(self, port, seconds, rate_guess):
        """One new-token round; repeated with twice the supply when it ran out."""
        budget = int(rate_guess * seconds * 1.5) + 20_000
        while True:
            self.ensure(budget)
            result = load_bench.wrk_requests(port, os.path.join(LUA, "unique_tokens.lua"),
                                                new_env(self.path, self.used, budget), seconds)
            self.used += budget
            if result[1] <= budget:
                return result
            print(f"  new-token round used {result[1]:,} of {budget:,} tokens: repeated with "
                  "twice as many", file=sys.stderr)
            budget *= 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,100000,1000000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    tmp = tempfile.mkdtemp(prefix="gh-scale-")
    procs, servers, minters = [], {}, {}
    try:
        for size in sizes:
            data_dir = os.path.join(tmp, f"s{size}")
            os.makedirs(data_dir)
            token_file = os.path.join(data_dir, "live.txt")
            t0 = time.time()
            minters[size] = Minter(data_dir)
            minters[size].mint(size, token_file)
            proc, port = load_bench.start_server(data_dir)
            procs.append(proc)
            warm(port, token_file, size)
            servers[size] = (proc, port, token_file, data_dir)
            print(f"  {size:,} live tokens minted and verified once in {time.time() - t0:.0f}s, "
                  f"RSS {rss_mib(proc.pid):,.0f} MiB", file=sys.stderr)
        rss = {size: rss_mib(servers[size][0].pid) for size in sizes}
        hello, hello_port = load_bench.start_hello()
        ed, ed_port = load_bench.start_hello(["--ed25519"])
        procs += [hello, ed]
        largest = max(sizes)
        _, big_port, _, _ = servers[largest]
        supply = NewTokens(minters[largest], os.path.join(tmp, "new.txt"))
        live = {size: [] for size in sizes}
        hellos, eds, news, raws = [], [], [], []
        rate_guess = 30_000
        for r in range(args.rounds):
            h = load_bench.wrk_requests(hello_port, os.path.join(LUA, "hello.lua"), {},
                                           args.seconds)
            hellos.append(h)
            for size in sizes:
                _, port, token_file, _ = servers[size]
                live[size].append(load_bench.wrk_requests(
                    port, os.path.join(LUA, "tokens.lua"), live_env(token_file), args.seconds))
            e = load_bench.wrk_requests(ed_port, os.path.join(LUA, "unique_tokens.lua"),
                                           new_env(servers[largest][2], 0,
                                                   min(largest, 200_000)),
                                           args.seconds)
            eds.append(e)
            n = supply.run(big_port, args.seconds, rate_guess)
            rate_guess = max(rate_guess, n[0])
            news.append(n)
            raws.append(load_bench.raw_ed25519_two_cores())
            bad = sum(x[2] for x in [h, e, n] + [live[s][-1] for s in sizes])
            if bad:
                sys.exit(f"round {r + 1}: {bad} non-2xx responses")
            print(f"round {r + 1}: hello {h[0]:,.0f}/s, " +
                  ", ".join(f"live {s:,} {live[s][-1][0]:,.0f}/s" for s in sizes) +
                  f", Ed25519 ceiling {e[0]:,.0f}/s, new at {largest:,} live {n[0]:,.0f}/s"
                  f", raw Ed25519 on 2 cores {raws[-1]:,.0f}/s",
                  file=sys.stderr)
        entries = metric(big_port, "verified_token_cache_entries")
    finally:
        for p in procs:
            p.terminate()
            p.wait()
        for m in minters.values():
            m.close()
        shutil.rmtree(tmp, ignore_errors=True)

    def mean(rows):
        return sum(x[0] for x in rows) / len(rows)

    smallest = min(sizes)
    print("| live tokens | verify req/s (mean of rounds) | server RSS after warm-up |")
    print("|---:|---:|---:|")
    for size in sizes:
        print(f"| {size:,} | {mean(live[size]):,.0f} | {rss[size]:,.0f} MiB |")
    print(f"\nverify at {largest:,} / at {smallest:,} live tokens: "
          f"{mean(live[largest]) / mean(live[smallest]):.2f} (target >= 0.8)")
    if largest > smallest:
        per = (rss[largest] - rss[smallest]) * 1024 * 1024 / (largest - smallest)
        print(f"RSS per cached token: {per:,.0f} bytes ((RSS at {largest:,} - at {smallest:,}) / "
              "difference in tokens)")
    print(f"verify of new tokens with {largest:,} live in the cache ({entries:,.0f} entries at "
          f"the end): {mean(news):,.0f}/s; bare Beast + one Ed25519 verify per POST: "
          f"{mean(eds):,.0f}/s; ratio {mean(news) / mean(eds):.2f} (target >= 0.9)")
    print(f"verify of new tokens / raw Ed25519 on 2 cores ({sum(raws) / len(raws):,.0f}/s, no "
          f"HTTP at all): {mean(news) / (sum(raws) / len(raws)):.2f}")
    print(f"live verify at {smallest:,} / bare Beast hello ({mean(hellos):,.0f}/s): "
          f"{mean(live[smallest]) / mean(hellos):.2f} (target >= 0.8)")


if __name__ == "__main__":
    main()
