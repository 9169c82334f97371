"""COLMAP (through pycolmap) reads Loci's export and reconstructs the scene from it."""
import numpy as np
import pytest

import loci

pycolmap = pytest.importorskip("pycolmap")


def test_colmap_reconstructs_from_locis_features_and_verified_matches(tmp_path, scene):
    features = tmp_path / "features"
    assert loci.featurize(str(scene), str(features))["images"] == 3
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("image00.jpg image01.jpg\nimage00.jpg image02.jpg\nimage01.jpg image02.jpg\n")
    database = tmp_path / "database.db"
    summary = loci.export_colmap(str(features), str(database), pairs=str(pairs))
    assert summary["images"] == 3 and summary["verified_pairs"] == 3 and not summary["failed"]

    db = pycolmap.Database.open(str(database))
    images = {image.name: image.image_id for image in db.read_all_images()}
    assert sorted(images) == ["image00.jpg", "image01.jpg", "image02.jpg"]
    assert db.num_keypoints() == summary["keypoints"]
    assert db.num_inlier_matches() == summary["inliers"]
    # The stored H carries the inliers of image00 onto image01 (COLMAP's pixel convention).
    geometry = db.read_two_view_geometry(images["image00.jpg"], images["image01.jpg"])
    assert geometry.config == pycolmap.TwoViewGeometryConfiguration.PLANAR
    k0 = db.read_keypoints(images["image00.jpg"])[:, :2]
    k1 = db.read_keypoints(images["image01.jpg"])[:, :2]
    m = geometry.inlier_matches
    mapped = np.c_[k0[m[:, 0]], np.ones(len(m))] @ geometry.H.T
    error = np.linalg.norm(mapped[:, :2] / mapped[:, 2:] - k1[m[:, 1]], axis=1)
    assert np.median(error) < 4
    db.close()

    output = tmp_path / "sparse"
    output.mkdir()
    reconstructions = pycolmap.incremental_mapping(str(database), str(scene), str(output))
    assert len(reconstructions) == 1
    model = reconstructions[0]
    assert model.num_reg_images() == 3
    assert model.num_points3D() > 30
    assert model.compute_mean_reprojection_error() < 2
