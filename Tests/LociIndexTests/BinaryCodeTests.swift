import XCTest

@testable import LociCore
@testable import LociIndex

/// The bit-level kernels of codes: residual sign codes and Hamming distances, against
/// bit-by-bit references written out here.
final class BinaryCodeTests: XCTestCase {
  /// Residual codes: bit j set exactly when component j lies above the centroid, for
  /// dimensions with and without a tail past the last block of eight (and past 64).
  func testResidualCodeMatchesComponentComparison() {
    var rng = SplitMix64(seed: 7)
    for d in [128, 72, 13, 3] {
      let x = (0..<d).map { _ in Float(rng.unit()) }
      var c = (0..<d).map { _ in Float(rng.unit()) }
      c[0] = x[0]  // equal is not above
      var code = [UInt64](repeating: .max, count: ResidualCode.words(dimension: d))
      x.withUnsafeBufferPointer { xp in
        c.withUnsafeBufferPointer { cp in
          code.withUnsafeMutableBufferPointer {
            ResidualCode.write(xp.baseAddress!, centroid: cp.baseAddress!, dimension: d, to: $0.baseAddress!)
          }
        }
      }
      for j in 0..<d {
        XCTAssertEqual(code[j / 64] >> UInt64(j % 64) & 1 == 1, x[j] > c[j], "d \(d), bit \(j)")
      }
      // Bits past the dimension are clear.
      if d % 64 != 0 { XCTAssertEqual(code[d / 64] >> UInt64(d % 64), 0, "d \(d)") }
    }
  }

  /// `hammingDistances` (the POPCNT kernel on CPUs with AVX2) against counting differing
  /// bits one at a time, for 1, 2 and 3 words per code.
  func testHammingDistancesCountDifferingBits() {
    var rng = SplitMix64(seed: 11)
    for words in 1...3 {
      let count = 37
      let query = (0..<words).map { _ in rng.next() }
      var codes = (0..<(count * words)).map { _ in rng.next() }
      for k in 0..<words { codes[k] = query[k] }  // distance 0
      for k in 0..<words { codes[words + k] = ~query[k] }  // every bit differs
      var out = [Int32](repeating: -1, count: count)
      query.withUnsafeBufferPointer { q in
        codes.withUnsafeBufferPointer { c in
          out.withUnsafeMutableBufferPointer {
            hammingDistances(q.baseAddress!, c.baseAddress!, count: count, words: words, into: $0.baseAddress!)
          }
        }
      }
      for i in 0..<count {
        var expected = 0
        for bit in 0..<(64 * words) where (query[bit / 64] >> UInt64(bit % 64)) & 1 != (codes[i * words + bit / 64] >> UInt64(bit % 64)) & 1 {
          expected += 1
        }
        XCTAssertEqual(Int(out[i]), expected, "words \(words), code \(i)")
      }
      XCTAssertEqual(out[0], 0)
      XCTAssertEqual(Int(out[1]), 64 * words)
    }
  }
}
