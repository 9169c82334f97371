"""The tests run the built executables: LOCI_BIN names their folder (scripts/python-tests.sh
sets it to the package's build folder)."""
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def fixtures() -> pathlib.Path:
    return ROOT / "Fixtures"


@pytest.fixture(scope="session")
def scene() -> pathlib.Path:
    """Three photos of one object from different viewpoints (Tests/Data/scene-3view)."""
    return ROOT / "Tests" / "Data" / "scene-3view"


@pytest.fixture(scope="session")
def fixture_features(tmp_path_factory, fixtures) -> pathlib.Path:
    import loci

    out = tmp_path_factory.mktemp("features")
    summary = loci.featurize(str(fixtures), str(out))
    assert summary["images"] == 4 and not summary["failed"]
    return out


def pytest_report_header(config):
    return f"LOCI_BIN={os.environ.get('LOCI_BIN', '(unset: PATH)')}"
