"""Loci from Python: `.lfeat` feature files (read and write), `.lidx` index metadata, the
`featurize` / `loci` command-line tools, and a client of `loci serve`."""
from .client import Client, ServerError
from .cli import CommandError, export_colmap, export_hloc, export_kapture, featurize, query, verify
from .crc32c import crc32c
from .lfeat import Features, LfeatError, circle, decode_lfeat, encode_lfeat, read_lfeat, write_lfeat
from .lidx import IndexInfo, IndexedImage, LidxError, read_lidx_info

__all__ = [
    "Client", "CommandError", "Features", "ServerError", "IndexInfo", "IndexedImage", "LfeatError", "LidxError", "circle", "crc32c",
    "decode_lfeat", "encode_lfeat", "export_colmap", "export_hloc", "export_kapture", "featurize", "query", "read_lfeat", "read_lidx_info",
    "verify", "write_lfeat",
]
