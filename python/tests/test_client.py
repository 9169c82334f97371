"""loci.Client against `loci serve` on 127.0.0.1."""
import re
import subprocess

import pytest

import loci
from loci.cli import executable


@pytest.fixture
def server(tmp_path, fixture_features):
    vocabulary, index = tmp_path / "v.lvoc", tmp_path / "i.lidx"
    for arguments in (["vocab", "train", fixture_features, "--size", "16", "--out", vocabulary],
                      ["index", "build", fixture_features, "--vocab", vocabulary, "--out", index]):
        subprocess.run([executable("loci"), *map(str, arguments)], check=True, capture_output=True)
    process = subprocess.Popen([executable("loci"), "serve", str(index), "--port", "0"], stderr=subprocess.PIPE, text=True)
    port = None
    for line in process.stderr:
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if match:
            port = int(match.group(1))
            break
    assert port, "the server printed its port"
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    assert process.wait(timeout=30) == 0


def test_client_queries_verifies_and_reports_errors(server, fixtures, fixture_features):
    client = loci.Client(server)
    assert client.health() == {"status": "ok", "images": 4}
    photo = fixtures / "scenes" / "image00-480.jpg"
    best = client.query(photo, top=2, rerank="ransac")["ranking"][0]
    assert best["relative_path"] == "scenes/image00-480.jpg" and best["verified"]
    by_features = client.query(fixture_features / "scenes" / "image00-480.jpg.lfeat", top=1)["ranking"][0]
    assert by_features["id"] == best["id"]
    verdict = client.verify(photo, photo, method="ransac")
    assert verdict["inliers"] == verdict["correspondences"] > 100
    with pytest.raises(loci.ServerError) as error:
        client.query(b"not an image")
    assert error.value.status == 400 and "not a recognised image format" in error.value.message
    assert client.stats()["queries"] == 2
