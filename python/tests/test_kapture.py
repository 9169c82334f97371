"""The kapture package reads Loci's kapture export."""
import numpy as np
import pytest

import loci

kcsv = pytest.importorskip("kapture.io.csv")
kfeatures = pytest.importorskip("kapture.io.features")


def test_kapture_reads_cameras_features_and_verified_matches(tmp_path, scene):
    features = tmp_path / "features"
    loci.featurize(str(scene), str(features))
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("image01.jpg image00.jpg\nimage01.jpg image02.jpg\n")
    root = tmp_path / "kapture"
    summary = loci.export_kapture(str(features), str(root), pairs=str(pairs))
    assert summary["verified_pairs"] == 2

    data = kcsv.kapture_from_dir(str(root))
    assert len(data.sensors) == 3
    assert sorted(name for _, _, name in kcsv.kapture.flatten(data.records_camera)) == [
        "image00.jpg", "image01.jpg", "image02.jpg"]
    keypoints = data.keypoints["loci-mfd"]
    descriptors = data.descriptors["loci-rootsift"]
    assert (keypoints.dsize, descriptors.dsize, descriptors.keypoints_type) == (6, 128, "loci-mfd")
    for name in ["image00.jpg", "image01.jpg", "image02.jpg"]:
        lfeat = loci.read_lfeat(features / f"{name}.lfeat")
        kpt = kfeatures.image_keypoints_from_file(
            kfeatures.get_keypoints_fullpath("loci-mfd", str(root), name), keypoints.dtype, keypoints.dsize)
        np.testing.assert_array_equal(kpt[:, :2], lfeat.positions)
        desc = kfeatures.image_descriptors_from_file(
            kfeatures.get_descriptors_fullpath("loci-rootsift", str(root), name), descriptors.dtype, descriptors.dsize)
        np.testing.assert_array_equal(desc, lfeat.descriptors)

    # kapture orders a pair's names; the listed (image01, image00) is stored as (image00, image01).
    assert sorted(data.matches["loci-mfd"]) == [("image00.jpg", "image01.jpg"), ("image01.jpg", "image02.jpg")]
    stored = kfeatures.image_matches_from_file(
        kfeatures.get_matches_fullpath(("image00.jpg", "image01.jpg"), "loci-mfd", str(root)))
    # The pair was verified as listed, image01 against image00; the stored columns are swapped.
    report = loci.verify(str(features / "image01.jpg.lfeat"), str(features / "image00.jpg.lfeat"))
    assert {(int(a), int(b)) for a, b, _ in stored} == {(x["b"], x["a"]) for x in report["inlier_matches"]}
