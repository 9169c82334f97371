import LociCore

/// Seeded structure-blind mutations of a binary file, then (usually) a fresh CRC-32C over
/// everything but the last four bytes, where all of Loci's formats keep it. A checksum
/// stops a mutant at the door, so without the fix-up a fuzzer only ever tests the checksum;
/// with it, mutants reach the readers' value checks and the code that uses what they accept.
struct Mutator {
  var rng: SplitMix64
  /// Share of mutants whose checksum is recomputed (the rest test the checksum itself).
  var resealShare = 0.9

  init(seed: UInt64) { rng = SplitMix64(seed: seed) }

  /// Values that sit on the edges readers get wrong: counts and sizes near 0 and near the
  /// limits of 32 bits, and floats that are not numbers or are absurdly large.
  static let interestingWords: [UInt32] = [
    0, 1, 2, 3, 7, 8, 64, 127, 128, 255, 256, 1024, 4096, 65535, 65536, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE,
    0xFFFF_FFFF,
  ] + [Float.nan, .infinity, -.infinity, 1e30, -1e30, 1e37, 3.4e38, 1e-30, -1, 0.5, 1e9].map(\.bitPattern)
  static let interestingBytes: [UInt8] = [0, 1, 2, 0x7F, 0x80, 0xFE, 0xFF]

  private mutating func index(_ count: Int) -> Int { Int(rng.next() % UInt64(Swift.max(count, 1))) }

  /// One to four mutations of `bytes`, then the checksum fix-up (by `resealShare`).
  mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
    var b = bytes
    for _ in 0..<(1 + index(4)) {
      guard !b.isEmpty else { break }
      switch index(8) {
      case 0:  // flip a bit
        b[index(b.count)] ^= UInt8(1) << UInt8(index(8))
      case 1:  // an interesting byte
        b[index(b.count)] = Self.interestingBytes[index(Self.interestingBytes.count)]
      case 2, 3:  // an interesting 32-bit word (counts, sizes, floats), little-endian
        let word = Self.interestingWords[index(Self.interestingWords.count)]
        let at = index(b.count)
        for k in 0..<4 where at + k < b.count { b[at + k] = UInt8(truncatingIfNeeded: word >> (8 * UInt32(k))) }
      case 4:  // a word made ±1..16 off (counts one off)
        let at = index(Swift.max(1, b.count - 3))
        guard at + 4 <= b.count else { break }
        var word = (0..<4).reduce(UInt32(0)) { $0 | UInt32(b[at + $1]) << (8 * UInt32($1)) }
        let delta = UInt32(1 + index(16))
        word = rng.next() & 1 == 0 ? word &+ delta : word &- delta
        for k in 0..<4 { b[at + k] = UInt8(truncatingIfNeeded: word >> (8 * UInt32(k))) }
      case 5:  // truncate
        b.removeLast(index(b.count))
      case 6:  // delete a chunk
        let at = index(b.count), length = Swift.min(b.count - at, 1 + index(64))
        b.removeSubrange(at..<(at + length))
      default:  // duplicate a chunk in place
        let at = index(b.count), length = Swift.min(b.count - at, 1 + index(64))
        b.insert(contentsOf: b[at..<(at + length)], at: index(b.count))
      }
    }
    if b.count > 4, rng.unit() < resealShare {
      let crc = b.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<(b.count - 4)])) }
      for k in 0..<4 { b[b.count - 4 + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
    }
    return b
  }
}
