import math
import pathlib

import numpy as np
import pytest

import loci


def test_reads_what_featurize_wrote(fixture_features):
    files = sorted(pathlib.Path(fixture_features).rglob("*.lfeat"))
    assert len(files) == 4
    total = 0
    for path in files:
        f = loci.read_lfeat(path)
        assert f.regions.shape == (len(f), 7) and f.regions.dtype == np.float32
        assert f.descriptors.shape == (len(f), 128)
        assert f.descriptor_kind == "rootsift" and f.detector == "mfd"
        # RootSIFT descriptors have unit length; positions lie inside the image.
        np.testing.assert_allclose(np.linalg.norm(f.descriptors, axis=1), 1, atol=1e-4)
        assert np.all((f.positions >= -1) & (f.positions <= [f.image_width, f.image_height]))
        assert path.name == pathlib.Path(f.relative_path).name + ".lfeat"
        total += len(f)
    assert total == 1434


def test_round_trip_is_byte_exact(fixture_features):
    path = next(pathlib.Path(fixture_features).rglob("*.lfeat"))
    data = path.read_bytes()
    assert loci.encode_lfeat(loci.decode_lfeat(data)) == data


def test_damage_and_truncation_are_refused(fixture_features):
    data = bytearray(next(pathlib.Path(fixture_features).rglob("*.lfeat")).read_bytes())
    damaged = bytearray(data)
    damaged[200] ^= 0x01
    with pytest.raises(loci.LfeatError, match="checksum"):
        loci.decode_lfeat(bytes(damaged))
    with pytest.raises(loci.LfeatError):
        loci.decode_lfeat(bytes(data[:100]))
    with pytest.raises(loci.LfeatError, match="magic"):
        loci.decode_lfeat(b"NOTLOCI!" + bytes(data[8:]))


def test_values_are_checked_after_the_checksum():
    regions = np.array([loci.circle(1, 2, 3)], dtype=np.float32)
    regions[0, 0] = np.inf
    features = loci.Features(10, 10, regions, np.ones((1, 2), np.float32) / math.sqrt(2))
    with pytest.raises(loci.LfeatError, match="not finite"):
        loci.decode_lfeat(loci.encode_lfeat(features))


def test_a_file_written_in_python_is_read_by_loci(tmp_path, fixture_features):
    source = loci.read_lfeat(next(pathlib.Path(fixture_features).rglob("image00-480.jpg.lfeat")))
    copy = loci.Features(source.image_width, source.image_height, source.regions.copy(), source.descriptors.copy(),
                         detector="mfd", descriptor_kind="rootsift")
    path = tmp_path / "copy.lfeat"
    loci.write_lfeat(path, copy)
    result = loci.verify(str(path), str(path), method="ransac")
    assert result["inliers"] == result["correspondences"] > 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.lfeat"], "no temporary file is left"


def test_reads_a_combined_set_from_featurize(fixtures, tmp_path):
    """`featurize --detector mfd,mser` writes one version-2 file per image: its parts cover
    the features in detector order, and the MFD part equals what `--detector mfd` writes."""
    image = fixtures / "graf-img1-400.png"
    loci.featurize(str(image), str(tmp_path / "both"), detector="mfd,mser")
    loci.featurize(str(image), str(tmp_path / "mfd"), detector="mfd")
    both = loci.read_lfeat(tmp_path / "both" / "graf-img1-400.png.lfeat")
    alone = loci.read_lfeat(tmp_path / "mfd" / "graf-img1-400.png.lfeat")
    assert both.detector == "mfd+mser"
    assert [name for name, _ in both.parts] == ["mfd", "mser"]
    assert sum(n for _, n in both.parts) == len(both) and both.parts[1][1] > 0
    assert both.parts[0][1] == len(alone)
    np.testing.assert_array_equal(both.descriptors[:len(alone)], alone.descriptors)
    data = (tmp_path / "both" / "graf-img1-400.png.lfeat").read_bytes()
    assert data[8:12] == b"\x02\x00\x00\x00"
    assert loci.encode_lfeat(both) == data
    broken = loci.Features(both.image_width, both.image_height, both.regions, both.descriptors, both.detector,
                           parts=[("mfd", 1), ("mser", 1)])
    with pytest.raises(loci.LfeatError, match="parts"):
        loci.encode_lfeat(broken)
    twice = loci.Features(both.image_width, both.image_height, both.regions, both.descriptors, both.detector,
                          parts=[("mser", both.parts[0][1]), ("mser", both.parts[1][1])])
    with pytest.raises(loci.LfeatError, match="named twice"):
        loci.decode_lfeat(loci.encode_lfeat(twice))
