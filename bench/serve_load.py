"""Load test of `loci serve` on 127.0.0.1: latency percentiles, throughput and server memory.

    bench/.venv/bin/python bench/serve_load.py --loci .build/release/loci --index I.lidx \
        --images DIR --features DIR [--clients 1 2 8] [--requests 60] [--seconds 60] \
        [--serve-args '--word-search exact']

Starts the server on a free port, then for each client count runs that many threads, each
with its own HTTP connection (http.client, keep-alive), sending queries round-robin from the
images (JPEG bodies: featurise + search + re-rank) and then from the feature files (.lfeat
bodies: search + re-rank), until `--requests` per client count are done or `--seconds` pass.
Prints p50 / p99 latency, queries per second and the server's resident memory (VmRSS after
the run, VmHWM peak) from /proc.
"""
import argparse
import http.client
import os
import pathlib
import re
import shlex
import subprocess
import threading
import time


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def memory_mb(pid):
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
    return rss, peak


def run(port, bodies, clients, total, seconds, query):
    latencies, failures = [], []
    lock = threading.Lock()
    counter = iter(range(total))
    deadline = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                k = next(counter, None)
            if k is None:
                break
            body = bodies[k % len(bodies)]
            start = time.perf_counter()
            connection.request("POST", query, body=body, headers={"Content-Type": "application/octet-stream"})
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - start
            with lock:
                (latencies if response.status == 200 else failures).append(elapsed)
        connection.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return latencies, failures, wall


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--loci", required=True)
    parser.add_argument("--index", required=True)
    parser.add_argument("--images", required=True, help="folder of query images")
    parser.add_argument("--features", help="folder of query .lfeat files")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 2, 8])
    parser.add_argument("--requests", type=int, default=60, help="requests per client count")
    parser.add_argument("--seconds", type=float, default=60, help="time bound per client count")
    parser.add_argument("--query", default="/query?top=10&rerank=hpm&shortlist=100")
    parser.add_argument("--serve-args", default="", help="more arguments for loci serve, e.g. '--word-search exact'")
    args = parser.parse_args()

    server = subprocess.Popen([args.loci, "serve", args.index, "--port", "0", *shlex.split(args.serve_args)], stderr=subprocess.PIPE, text=True)
    try:
        port = None
        while port is None:
            line = server.stderr.readline()
            if not line:
                raise SystemExit("the server stopped before listening")
            match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            port = int(match.group(1)) if match else None
        threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
        kinds = [("image", sorted(pathlib.Path(args.images).glob("*.jpg")))]
        if args.features:
            kinds.append(("features", sorted(pathlib.Path(args.features).rglob("*.lfeat"))))
        print(f"{'body':<9} {'clients':>7} {'requests':>8} {'failed':>6} {'p50 ms':>8} {'p99 ms':>8} {'q/s':>7} "
              f"{'RSS MB':>7} {'peak MB':>8}")
        for kind, files in kinds:
            if not files:
                continue
            bodies = [f.read_bytes() for f in files[:args.requests]]
            for clients in args.clients:
                run(port, bodies[:2], 1, 2, 30, args.query)  # warm the connection path
                latencies, failures, wall = run(port, bodies, clients, args.requests, args.seconds, args.query)
                rss, peak = memory_mb(server.pid)
                print(f"{kind:<9} {clients:>7} {len(latencies):>8} {len(failures):>6} "
                      f"{1000 * percentile(latencies, 50):>8.1f} {1000 * percentile(latencies, 99):>8.1f} "
                      f"{len(latencies) / wall:>7.1f} {rss:>7.0f} {peak:>8.0f}", flush=True)
    finally:
        server.terminate()
        try:
            status = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            status = "killed"
        print(f"server stopped on SIGTERM with status {status}")


if __name__ == "__main__":
    main()
