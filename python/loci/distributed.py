"""featurize and shard building as tasks of a Dask cluster.

    python -m loci.distributed featurize IMAGE_ROOT --out FEATURES [--tasks N] [--scheduler tcp://HOST:8786]
                                         [--workers 2] [-- FEATURIZE_OPTIONS…]
    python -m loci.distributed shards FEATURES --template TEMPLATE.lidx --out SHARD_FOLDER [--tasks N] [...]

Dask, because it is pure Python from PyPI, runs the same task graph on a local cluster (threads
or processes on this machine) or on a multi-machine scheduler given by address, and needs no JVM
(Spark) or object store of its own (Ray). Each task runs the `featurize` or `loci` executable
(`LOCI_BIN` or `PATH` on the worker) on its share of the inputs, writing under a path all
workers see; nothing here schedules, retries or moves data itself.

- featurize: the images under IMAGE_ROOT (sorted) are split into contiguous lists, one per
  task, each run as `featurize --input-list L --relative-to IMAGE_ROOT --out FEATURES`, so the
  output tree is the one `featurize IMAGE_ROOT --out FEATURES` writes, byte for byte.
  Re-running skips images whose valid output exists (featurize's own resume); failures of all
  tasks are collected.
- shards: the `.lfeat` files under FEATURES (sorted) are split the same way; task k builds
  `SHARD_FOLDER/shard-k.lidx` from the template with identifiers starting at its first file's
  position, so the folder answers as one index over all files in that order.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

from .cli import executable

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".jpe", ".png", ".pgm", ".ppm", ".pnm", ".pbm", ".tif", ".tiff", ".bmp", ".webp"}


def split(items: list, tasks: int) -> list:
    """Contiguous, nearly equal parts (none empty)."""
    tasks = max(1, min(tasks, len(items)))
    size, extra = divmod(len(items), tasks)
    parts, start = [], 0
    for k in range(tasks):
        end = start + size + (1 if k < extra else 0)
        parts.append(items[start:end])
        start = end
    return parts


def featurize_task(paths: list, root: str, out: str, options: list) -> dict:
    """One task: featurize a list of images, named by their paths under `root`."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    try:
        done = subprocess.run([executable("featurize"), "--input-list", listing.name, "--relative-to", root, "--out", out,
                               "--json", *options], capture_output=True, text=True)
    finally:
        os.unlink(listing.name)
    if done.returncode not in (0, 1):
        return {"images": len(paths), "features": 0, "failed": [{"path": p, "error": done.stderr.strip()} for p in paths]}
    return json.loads(done.stdout)


def shard_task(files: list, template: str, out: str, first_id: int) -> dict:
    """One task: a shard from a list of feature files (linked into a private folder)."""
    with tempfile.TemporaryDirectory() as folder:
        for k, f in enumerate(files):
            os.symlink(os.path.abspath(f), os.path.join(folder, f"{k:09d}.lfeat"))
        done = subprocess.run([executable("loci"), "index", "build", folder, "--template", template, "--first-id",
                               str(first_id), "--out", out, "--json"], capture_output=True, text=True)
    if done.returncode != 0:
        return {"shard": out, "error": done.stderr.strip()}
    return {"shard": out, **json.loads(done.stdout)}


def _client(scheduler: str | None, workers: int):
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)
    # Threads are enough locally: each task waits on its own subprocess.
    return Client(LocalCluster(n_workers=workers, threads_per_worker=1, processes=False, dashboard_address=":0"))


def run_featurize(root: str, out: str, tasks: int = 4, options: list | None = None, scheduler: str | None = None,
                  workers: int = 2) -> dict:
    root = str(pathlib.Path(root).resolve())
    images = sorted(str(p) for p in pathlib.Path(root).rglob("*")
                    if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS and not any(
                        part.startswith(".") for part in p.relative_to(root).parts))
    if not images:
        raise SystemExit(f"no images under {root}")
    pathlib.Path(out).mkdir(parents=True, exist_ok=True)
    with _client(scheduler, workers) as client:
        futures = client.map(featurize_task, split(images, tasks), root=root, out=str(pathlib.Path(out).resolve()),
                             options=options or [], pure=False)
        summaries = client.gather(futures)
    return {"tasks": len(summaries), "images": sum(s["images"] for s in summaries),
            "features": sum(s["features"] for s in summaries),
            "processed": sum(s.get("processed", 0) for s in summaries),
            "skipped": sum(s.get("skipped", 0) for s in summaries),
            "failed": [f for s in summaries for f in s["failed"]]}


def run_shards(features: str, template: str, out: str, tasks: int = 4, scheduler: str | None = None,
               workers: int = 2) -> dict:
    files = sorted(str(p.resolve()) for p in pathlib.Path(features).rglob("*.lfeat"))
    if not files:
        raise SystemExit(f"no .lfeat files under {features}")
    pathlib.Path(out).mkdir(parents=True, exist_ok=True)
    parts = split(files, tasks)
    starts = [sum(len(p) for p in parts[:k]) for k in range(len(parts))]
    width = len(str(len(parts) - 1))
    with _client(scheduler, workers) as client:
        futures = [client.submit(shard_task, part, str(pathlib.Path(template).resolve()),
                                 str(pathlib.Path(out, f"shard-{k:0{width}d}.lidx").resolve()), start, pure=False)
                   for k, (part, start) in enumerate(zip(parts, starts))]
        results = client.gather(futures)
    return {"shards": results, "failed": [r for r in results if "error" in r]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loci.distributed", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    f = commands.add_parser("featurize", help="featurize a folder of images as Dask tasks")
    f.add_argument("root")
    f.add_argument("--out", required=True)
    s = commands.add_parser("shards", help="build index shards from a template as Dask tasks")
    s.add_argument("features")
    s.add_argument("--template", required=True)
    s.add_argument("--out", required=True)
    for p in (f, s):
        p.add_argument("--tasks", type=int, default=4)
        p.add_argument("--scheduler", help="address of a running Dask scheduler (default: a local cluster)")
        p.add_argument("--workers", type=int, default=2, help="local cluster size")
    args, rest = parser.parse_known_args(argv)
    if args.command == "featurize":
        options = rest[1:] if rest[:1] == ["--"] else rest
        summary = run_featurize(args.root, args.out, args.tasks, options, args.scheduler, args.workers)
    else:
        if rest:
            parser.error(f"unrecognised arguments: {' '.join(rest)}")
        summary = run_shards(args.features, args.template, args.out, args.tasks, args.scheduler, args.workers)
    json.dump(summary, sys.stdout, indent=2, sort_keys=True)
    print()
    return 1 if summary["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
