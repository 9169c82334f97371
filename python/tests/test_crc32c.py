import numpy as np

from loci import crc32c


def bytewise(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def test_the_standard_check_value():
    # The CRC-32C check value of "123456789" (RFC 3720, iSCSI).
    assert crc32c(b"123456789") == 0xE3069283
    assert crc32c(b"") == 0


def test_slicing_by_eight_agrees_with_the_bitwise_definition_at_every_length():
    rng = np.random.default_rng(7)
    for length in range(0, 70):
        data = rng.integers(0, 256, length, dtype=np.uint8).tobytes()
        assert crc32c(data) == bytewise(data), length
