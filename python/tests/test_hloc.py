"""h5py reads Loci's hloc export as hloc reads its own files."""
import pathlib

import numpy as np
import pytest

import loci

h5py = pytest.importorskip("h5py")


def test_features_and_verified_matches_in_hlocs_layout(tmp_path, scene):
    features = tmp_path / "features"
    loci.featurize(str(scene), str(features))
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("image00.jpg image01.jpg\nimage01.jpg image02.jpg\n")
    summary = loci.export_hloc(str(features), str(tmp_path / "features.h5"), pairs=str(pairs),
                               matches_h5=str(tmp_path / "matches.h5"))
    assert summary["images"] == 3 and summary["verified_pairs"] == 2

    with h5py.File(tmp_path / "features.h5", "r") as f:
        assert sorted(f.keys()) == ["image00.jpg", "image01.jpg", "image02.jpg"]
        for name in f:
            lfeat = loci.read_lfeat(features / f"{name}.lfeat")
            group = f[name]
            np.testing.assert_array_equal(group["keypoints"][()], lfeat.positions)
            np.testing.assert_array_equal(group["descriptors"][()], lfeat.descriptors.T)
            np.testing.assert_array_equal(group["scores"][()], lfeat.regions[:, 6])
            assert list(group["image_size"][()]) == [lfeat.image_width, lfeat.image_height]

    # The matches are the verified inliers, as `loci verify` reports them for the same pair.
    report = loci.verify(str(features / "image00.jpg.lfeat"), str(features / "image01.jpg.lfeat"))
    with h5py.File(tmp_path / "matches.h5", "r") as m:
        matches0 = m["image00.jpg/image01.jpg/matches0"][()]
        scores0 = m["image00.jpg/image01.jpg/matching_scores0"][()]
        assert "image01.jpg/image02.jpg" in m
    matched = np.flatnonzero(matches0 >= 0)
    assert len(matched) == report["inliers"]
    expected = {(x["a"], x["b"]) for x in report["inlier_matches"]}
    assert {(int(a), int(matches0[a])) for a in matched} == expected
    assert np.all(scores0[matched] > 0) and np.all(scores0[matches0 < 0] == 0)

