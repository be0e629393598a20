#!/usr/bin/env python3
"""The C++ client library's benchmark (bench/client_bench.cc) against a release server: signs
--tokens distinct access tokens with the data directory's key (bench/mint_tokens), starts the
server on it, and prints each figure beside its ceiling and target (docs/benchmarks.md,
"The client library").

Usage: scripts/client_bench.py [--tokens 1000000] [--revocations 1000]"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load_bench  # noqa: E402  (BIN, KEY, start_server)

ISSUER = "http://127.0.0.1:3567"  # the default ISSUER, which mint_tokens signs with too


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=1_000_000)
    parser.add_argument("--revocations", type=int, default=1000)
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="gh-client-bench-")
    try:
        tokens = os.path.join(data, "tokens.txt")
        subprocess.run([os.path.join(load_bench.BIN, "mint_tokens"), data, str(args.tokens), tokens],
                       check=True, stdout=subprocess.DEVNULL)
        server, port = load_bench.start_server(data)
        try:
            out = subprocess.run(
                [os.path.join(load_bench.BIN, "client_bench"), str(port), load_bench.KEY, ISSUER,
                 tokens, str(args.revocations)], check=True, capture_output=True, text=True).stdout
        finally:
            server.terminate()
            server.wait()
        r = json.loads(out)
        n = r["tokens"]
        print(f"library verify, new token: {r['new_token']:,.0f}/s; raw Ed25519 check: "
              f"{r['raw_ed25519']:,.0f}/s; ratio {r['new_token'] / r['raw_ed25519']:.2f} (target ≥ 0.9)")
        print(f"library verify, repeated token (cache hit + revocation check), one thread: "
              f"{r['repeated']:,.0f}/s (target ≥ 5,000,000/s)")
        print(f"library verify round robin: 10^3 live tokens {r['live_small']:,.0f}/s; {n:,} live "
              f"tokens {r['live_large']:,.0f}/s; ratio {r['live_large'] / r['live_small']:.2f} (target ≥ 0.8)")
        print(f"revoke on the server → refused by the library in this process, {r['revocations']} "
              f"revocations: p50 {r['lag_p50_ms']:.3f} ms, p99 {r['lag_p99_ms']:.3f} ms, max "
              f"{r['lag_max_ms']:.3f} ms (target p99 < 10 ms)")
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
