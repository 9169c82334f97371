"""Metadata of a `.lidx` index (`loci index build`): its kernel, options, vocabulary and
image table, read without loading the posting lists.

Layout (little-endian): magic ``LOCIINDX``, version UInt32 (1–3), vocabulary path, fingerprint,
dimension, size; kernel and binarisation (strings), the default query options (multiple
assignment, α, τ, HE threshold, HE σ), seed UInt64, training minimum, idf flag (version 2+);
the binary embedding (bits, then two counted Float32 arrays when bits > 0); detector,
feature parameters (version 2+); the image count and per image its path, relative path,
feature count and (version 3+) Int64 identifier; then the postings and geometry, and the
CRC-32C of everything before it. Strings are a UInt32 length and UTF-8.
"""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field

from .crc32c import crc32c

MAGIC = b"LOCIINDX"
SUPPORTED_VERSIONS = (1, 2, 3)


class LidxError(ValueError):
    """A file that is not a readable `.lidx` index."""


@dataclass
class IndexedImage:
    id: int
    path: str
    relative_path: str
    feature_count: int


@dataclass
class IndexInfo:
    version: int
    vocabulary_path: str
    vocabulary_fingerprint: int
    dimension: int
    words: int
    kernel: str
    binarisation: str
    multiple_assignment: int
    alpha: float
    tau: float
    he_threshold: int
    he_sigma: float
    seed: int
    idf: bool
    embedding_bits: int
    detector: str
    feature_parameters: str
    images: list = field(default_factory=list)


def read_lidx_info(path: str | os.PathLike, verify_checksum: bool = True) -> IndexInfo:
    """The index's metadata and image table. With `verify_checksum`, the whole file's CRC-32C
    is checked first (a damaged index raises `LidxError`)."""
    path = os.fspath(path)
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(MAGIC):
        raise LidxError(f"{path}: not a .lidx index (bad magic)")
    end = len(data) - 4
    offset = len(MAGIC)

    def take(n: int) -> bytes:
        nonlocal offset
        if n < 0 or offset + n > end:
            raise LidxError(f"{path}: truncated")
        chunk = data[offset:offset + n]
        offset += n
        return chunk

    def u32() -> int:
        return struct.unpack("<I", take(4))[0]

    def f32() -> float:
        return struct.unpack("<f", take(4))[0]

    def string() -> str:
        try:
            return take(u32()).decode("utf-8")
        except UnicodeDecodeError:
            raise LidxError(f"{path}: a text field is not valid UTF-8") from None

    version = u32()
    if version not in SUPPORTED_VERSIONS:
        raise LidxError(f"{path}: index version {version} is not supported")
    if verify_checksum and struct.unpack("<I", data[-4:])[0] != crc32c(data[:-4]):
        raise LidxError(f"{path}: checksum mismatch")
    vocabulary_path, fingerprint, dimension, words = string(), u32(), u32(), u32()
    kernel, binarisation = string(), string()
    multiple_assignment, alpha, tau, he_threshold, he_sigma = u32(), f32(), f32(), u32(), f32()
    seed = struct.unpack("<Q", take(8))[0]
    u32()  # the training minimum per word
    idf = bool(u32()) if version >= 2 else False
    bits = u32()
    if bits:
        take(4 * u32())  # projection
        take(4 * u32())  # thresholds
    detector = string()
    parameters = string() if version >= 2 else ""
    count = u32()
    images = []
    for position in range(count):
        image_path, relative_path, feature_count = string(), string(), u32()
        image_id = struct.unpack("<q", take(8))[0] if version >= 3 else position
        images.append(IndexedImage(image_id, image_path, relative_path, feature_count))
    return IndexInfo(version, vocabulary_path, fingerprint, dimension, words, kernel, binarisation, multiple_assignment,
                     alpha, tau, he_threshold, he_sigma, seed, idf, bits, detector, parameters, images)
