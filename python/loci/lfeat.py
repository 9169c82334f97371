"""`.lfeat` files: one image's regions and descriptors, as `featurize` writes them.

Layout (little-endian): magic ``LOCIFEAT``, version UInt32 (1, or 2 for a set combining
several detectors), image width and height UInt32, detector, parameters, source path,
relative path (UInt32 length + UTF-8 each), descriptor kind UInt8 (0 none, 1 SIFT, 2
RootSIFT), dimension UInt32, count UInt32, [version 2: part count UInt32, then per part its
detector (UInt32 length + UTF-8) and feature count UInt32: the features come detector by
detector in that order], then per region 7 Float32 (x, y, s11, s12, s22, angle or NaN, response), then count × dimension
Float32 descriptors, then the CRC-32C of everything before it. Regions are ellipses
(p − c)ᵀ S⁻¹ (p − c) = 1 with S = [[s11, s12], [s12, s22]], in pixels with the first pixel's
centre at (0, 0); the angle is in radians (NaN: no orientation).
"""
from __future__ import annotations

import math
import os
import struct
import tempfile
from dataclasses import dataclass, field

import numpy as np

from .crc32c import crc32c

MAGIC = b"LOCIFEAT"
VERSION = 2  # the newest read; sets of one detector are written as version 1
MAX_PARTS = 64
DESCRIPTOR_KINDS = {0: "none", 1: "sift", 2: "rootsift"}
_KIND_CODES = {name: code for code, name in DESCRIPTOR_KINDS.items()}
# The same limits as the Swift reader: larger values mean a damaged header.
MAX_COUNT = 50_000_000
MAX_DIMENSION = 4096


class LfeatError(ValueError):
    """A file that is not a readable `.lfeat`: the message names the file and the reason."""


@dataclass
class Features:
    """One image's features: ``regions`` is count × 7 (x, y, s11, s12, s22, angle, response),
    ``descriptors`` count × dimension, both float32."""

    image_width: int
    image_height: int
    regions: np.ndarray
    descriptors: np.ndarray
    detector: str = ""
    parameters: str = ""
    source_path: str = ""
    relative_path: str = ""
    descriptor_kind: str = "rootsift"
    # A combined set's detectors in order with their feature counts, [(detector, count)];
    # empty for a set of one detector.
    parts: list = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.regions.shape[0])

    @property
    def dimension(self) -> int:
        return int(self.descriptors.shape[1]) if self.descriptors.ndim == 2 else 0

    @property
    def positions(self) -> np.ndarray:
        """count × 2 (x, y)."""
        return self.regions[:, :2]


class _Reader:
    def __init__(self, data: bytes, path: str, end: int):
        self.data, self.path, self.offset, self.end = data, path, 0, end

    def take(self, n: int) -> bytes:
        if self.offset + n > self.end:
            raise LfeatError(f"{self.path}: truncated (needed {n} more bytes, {self.end - self.offset} left)")
        chunk = self.data[self.offset:self.offset + n]
        self.offset += n
        return chunk

    def uint32(self) -> int:
        return struct.unpack("<I", self.take(4))[0]

    def string(self) -> str:
        raw = self.take(self.uint32())
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise LfeatError(f"{self.path}: a text field is not valid UTF-8") from None


def decode_lfeat(data: bytes, path: str = "<bytes>") -> Features:
    """Decodes the bytes of a `.lfeat` file, checking magic, version, checksum, sizes and values."""
    if not data.startswith(MAGIC):
        raise LfeatError(f"{path}: not a .lfeat file (bad magic)")
    if len(data) < len(MAGIC) + 8:
        raise LfeatError(f"{path}: truncated ({len(data)} bytes, shorter than the header)")
    r = _Reader(data, path, len(data) - 4)
    r.offset = len(MAGIC)
    version = r.uint32()
    if version not in (1, 2):
        raise LfeatError(f"{path}: version {version} is not supported")
    stored = struct.unpack("<I", data[-4:])[0]
    computed = crc32c(data[:-4])
    if stored != computed:
        raise LfeatError(f"{path}: checksum mismatch (stored {stored:08x}, computed {computed:08x})")
    width, height = r.uint32(), r.uint32()
    detector, parameters, source_path, relative_path = r.string(), r.string(), r.string(), r.string()
    kind_code = r.take(1)[0]
    if kind_code not in DESCRIPTOR_KINDS:
        raise LfeatError(f"{path}: unknown descriptor kind {kind_code}")
    kind = DESCRIPTOR_KINDS[kind_code]
    dimension, count = r.uint32(), r.uint32()
    if dimension > MAX_DIMENSION or count > MAX_COUNT or (kind == "none") != (dimension == 0):
        raise LfeatError(f"{path}: implausible header: {count} features of dimension {dimension} ({kind})")
    parts = []
    if version == 2:
        part_count = r.uint32()
        if not 2 <= part_count <= MAX_PARTS:
            raise LfeatError(f"{path}: {part_count} detector parts (2…{MAX_PARTS} in a combined set)")
        for _ in range(part_count):
            name = r.string()
            if not name:
                raise LfeatError(f"{path}: a detector part without a name")
            if any(name == known for known, _ in parts):
                raise LfeatError(f"{path}: detector part '{name}' named twice")
            parts.append((name, r.uint32()))
        if sum(n for _, n in parts) != count:
            raise LfeatError(f"{path}: detector parts hold {sum(n for _, n in parts)} features, the set {count}")
    payload = count * (7 + dimension) * 4
    if payload != r.end - r.offset:
        raise LfeatError(f"{path}: {count} features need {payload} bytes of payload, the file has {r.end - r.offset}")
    regions = np.frombuffer(r.take(count * 28), dtype="<f4").reshape(count, 7).astype(np.float32)
    descriptors = np.frombuffer(r.take(count * dimension * 4), dtype="<f4").reshape(count, dimension).astype(np.float32)
    geometry = regions[:, [0, 1, 2, 3, 4]]
    if not np.all(np.isfinite(geometry)) or np.any(np.abs(geometry) >= 1e9):
        raise LfeatError(f"{path}: a position or shape is not finite or out of range")
    angles = regions[:, 5]
    if np.any(~np.isnan(angles) & ~(np.abs(angles) < 1e6)):
        raise LfeatError(f"{path}: an angle is out of range")
    if not np.all(np.isfinite(regions[:, 6])) or not np.all(np.isfinite(descriptors)):
        raise LfeatError(f"{path}: a response or descriptor value is not finite")
    return Features(width, height, regions, descriptors, detector, parameters, source_path, relative_path, kind, parts)


def read_lfeat(path: str | os.PathLike) -> Features:
    """Reads a `.lfeat` file written by `featurize` (or `write_lfeat`)."""
    path = os.fspath(path)
    with open(path, "rb") as f:
        return decode_lfeat(f.read(), path)


def _string(value: str) -> bytes:
    raw = value.encode("utf-8")
    return struct.pack("<I", len(raw)) + raw


def encode_lfeat(features: Features) -> bytes:
    """The bytes of a `.lfeat` file holding `features` (checked before anything is written)."""
    regions = np.asarray(features.regions, dtype=np.float32)
    descriptors = np.asarray(features.descriptors, dtype=np.float32)
    count = regions.shape[0] if regions.ndim == 2 else 0
    if regions.ndim != 2 or regions.shape[1] != 7:
        raise LfeatError("regions must be count × 7 (x, y, s11, s12, s22, angle, response)")
    if descriptors.size == 0:
        descriptors = descriptors.reshape(count, 0)
    if descriptors.ndim != 2 or descriptors.shape[0] != count:
        raise LfeatError(f"descriptors must be {count} × dimension")
    dimension = descriptors.shape[1]
    kind = features.descriptor_kind if dimension else "none"
    if kind not in _KIND_CODES or (kind == "none") != (dimension == 0):
        raise LfeatError(f"descriptor kind {kind!r} does not fit dimension {dimension}")
    if dimension > MAX_DIMENSION or count > MAX_COUNT:
        raise LfeatError(f"{count} features of dimension {dimension} exceed the format's limits")
    parts = list(features.parts or [])
    if len(parts) == 1 or len(parts) > MAX_PARTS or sum(int(n) for _, n in parts) != (count if parts else 0):
        raise LfeatError(f"parts must be 2…{MAX_PARTS} (detector, count) pairs covering the {count} features, or none")
    table = b"".join([struct.pack("<I", len(parts))] + [_string(name) + struct.pack("<I", int(n)) for name, n in parts]) if parts else b""
    body = b"".join([
        MAGIC, struct.pack("<III", 2 if parts else 1, features.image_width, features.image_height),
        _string(features.detector), _string(features.parameters), _string(features.source_path),
        _string(features.relative_path), bytes([_KIND_CODES[kind]]), struct.pack("<II", dimension, count), table,
        regions.astype("<f4").tobytes(), descriptors.astype("<f4").tobytes(),
    ])
    return body + struct.pack("<I", crc32c(body))


def write_lfeat(path: str | os.PathLike, features: Features) -> None:
    """Writes `features` as a `.lfeat` file atomically (temporary file in the same folder, then rename)."""
    path = os.fspath(path)
    data = encode_lfeat(features)
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def circle(x: float, y: float, radius: float, angle: float = math.nan, response: float = 0.0) -> list[float]:
    """One region row for a circle of `radius` (S = radius² I)."""
    return [x, y, radius * radius, 0.0, radius * radius, angle, response]
