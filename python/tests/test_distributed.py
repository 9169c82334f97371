"""featurize and shard building as Dask tasks on a local cluster."""
import pathlib
import subprocess

import pytest

import loci
from loci.cli import executable

distributed = pytest.importorskip("loci.distributed")
pytest.importorskip("dask.distributed")


def test_tasks_write_what_one_featurize_writes_and_shards_answer_as_one_index(tmp_path, fixtures, fixture_features):
    out = tmp_path / "features"
    summary = distributed.run_featurize(str(fixtures), str(out), tasks=3)
    assert (summary["tasks"], summary["images"], summary["features"], summary["failed"]) == (3, 4, 1434, [])
    expected = sorted(p.relative_to(fixture_features) for p in fixture_features.rglob("*.lfeat"))
    assert sorted(p.relative_to(out) for p in out.rglob("*.lfeat")) == expected
    for relative in expected:
        # The same bytes but for the recorded source path, which is the same file here too.
        assert (out / relative).read_bytes() == (fixture_features / relative).read_bytes(), relative
    again = distributed.run_featurize(str(fixtures), str(out), tasks=2)
    assert (again["skipped"], again["processed"]) == (4, 0), "a rerun resumes"

    vocabulary, template = tmp_path / "v.lvoc", tmp_path / "template.lidx"
    for arguments in (["vocab", "train", out, "--size", "16", "--out", vocabulary],
                      ["index", "init", "--vocab", vocabulary, "--train", out, "--out", template],
                      ["index", "build", out, "--template", template, "--out", tmp_path / "single.lidx"]):
        subprocess.run([executable("loci"), *map(str, arguments)], check=True, capture_output=True)
    shards = distributed.run_shards(str(out), str(template), str(tmp_path / "shards"), tasks=2)
    assert not shards["failed"] and [r["images"] for r in shards["shards"]] == [2, 2]
    query = str(out / "scenes" / "image00-480.jpg.lfeat")
    one = loci.query(str(tmp_path / "single.lidx"), [query], top=4)[0]["ranking"]
    many = loci.query(str(tmp_path / "shards"), [query], top=4)[0]["ranking"]
    assert [h["id"] for h in many] == [h["id"] for h in one]
    assert [h["path"] for h in many] == [h["path"] for h in one]
    assert [round(h["score"], 5) for h in many] == [round(h["score"], 5) for h in one]
