import subprocess

import pytest

import loci
from loci.cli import executable


def test_index_metadata_and_query_identifiers(tmp_path, fixture_features):
    vocabulary, index = tmp_path / "v.lvoc", tmp_path / "i.lidx"
    for arguments in (["vocab", "train", fixture_features, "--size", "32", "--out", vocabulary],
                      ["index", "build", fixture_features, "--vocab", vocabulary, "--out", index]):
        subprocess.run([executable("loci"), *map(str, arguments)], check=True, capture_output=True)
    info = loci.read_lidx_info(index)
    assert info.version == 3 and info.kernel == "asmk-star" and info.binarisation == "medians"
    assert (info.dimension, info.words, info.multiple_assignment, info.detector) == (128, 32, 3, "mfd")
    assert [image.id for image in info.images] == [0, 1, 2, 3]
    assert sum(image.feature_count for image in info.images) == 1434
    by_name = {image.relative_path: image for image in info.images}
    query = fixture_features / "scenes" / "image00-480.jpg.lfeat"
    best = loci.query(str(index), [str(query)], top=1)[0]["ranking"][0]
    assert best["id"] == by_name["scenes/image00-480.jpg"].id

    damaged = bytearray(index.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    (tmp_path / "bad.lidx").write_bytes(bytes(damaged))
    with pytest.raises(loci.LidxError, match="checksum"):
        loci.read_lidx_info(tmp_path / "bad.lidx")
