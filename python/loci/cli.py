"""The `featurize` and `loci` executables, run as subprocesses with their JSON output parsed.

The executables are looked up in the folder named by the ``LOCI_BIN`` environment variable,
else on ``PATH``.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess


class CommandError(RuntimeError):
    """A command that exited with a failure: its exit status and what it printed on stderr."""

    def __init__(self, command: list, status: int, stderr: str):
        super().__init__(f"{' '.join(command)} exited with {status}: {stderr.strip()}")
        self.command, self.status, self.stderr = command, status, stderr


def executable(name: str) -> str:
    folder = os.environ.get("LOCI_BIN")
    if folder:
        candidate = os.path.join(folder, name)
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found (set LOCI_BIN to the folder holding the Loci executables)")
    return found


def run_json(name: str, arguments: list, allow_partial: bool = False) -> dict:
    """Runs `name arguments… --json` and returns its JSON document. Exit status 1 (some inputs
    failed) returns the document when `allow_partial`; any other failure raises CommandError."""
    command = [executable(name), *[str(a) for a in arguments], "--json"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0 and not (allow_partial and done.returncode == 1):
        raise CommandError(command, done.returncode, done.stderr)
    return json.loads(done.stdout)


def featurize(inputs, out: str, detector: str | None = None, jobs: int | None = None, overwrite: bool = False) -> dict:
    """`featurize INPUTS… --out OUT`: the summary (images, features, seconds, failed)."""
    arguments = [*([inputs] if isinstance(inputs, (str, os.PathLike)) else inputs), "--out", out]
    if detector:
        arguments += ["--detector", detector]
    if jobs:
        arguments += ["--jobs", jobs]
    if overwrite:
        arguments.append("--overwrite")
    return run_json("featurize", arguments, allow_partial=True)


def query(index: str, inputs, top: int = 10, rerank: str | None = None) -> list:
    """`loci query INDEX INPUTS… --top N`: per query its ranking (id, path, score, verification)."""
    arguments = ["query", index, *([inputs] if isinstance(inputs, (str, os.PathLike)) else inputs), "--top", top]
    if rerank:
        arguments += ["--rerank", rerank]
    return run_json("loci", arguments, allow_partial=True)["results"]


def verify(a: str, b: str, method: str = "hpm") -> dict:
    """`loci verify A B`: correspondences, inliers (with `inlier_matches`), score, transform."""
    return run_json("loci", ["verify", a, b, "--method", method])


def export_colmap(features: str, database: str, pairs: str | None = None, overwrite: bool = False) -> dict:
    """`loci export colmap FEATURES --database DB [--pairs P]`: what was written."""
    arguments = ["export", "colmap", features, "--database", database]
    if pairs:
        arguments += ["--pairs", pairs]
    if overwrite:
        arguments.append("--overwrite")
    return run_json("loci", arguments, allow_partial=True)


def export_hloc(features: str, features_h5: str, pairs: str | None = None, matches_h5: str | None = None) -> dict:
    """`loci export hloc FEATURES --features-h5 F [--pairs P --matches-h5 M]`: what was written."""
    arguments = ["export", "hloc", features, "--features-h5", features_h5]
    if pairs:
        arguments += ["--pairs", pairs, "--matches-h5", matches_h5]
    return run_json("loci", arguments, allow_partial=True)


def export_kapture(features: str, out: str, pairs: str | None = None, overwrite: bool = False) -> dict:
    """`loci export kapture FEATURES --out DIR [--pairs P]`: what was written."""
    arguments = ["export", "kapture", features, "--out", out]
    if pairs:
        arguments += ["--pairs", pairs]
    if overwrite:
        arguments.append("--overwrite")
    return run_json("loci", arguments, allow_partial=True)
