import LociCore
import XCTest

final class RadixSortTests: XCTestCase {
  /// The radix order must equal a stable comparison sort by decreasing key, on keys with many
  /// ties, both signs, both zeros, infinities, subnormals and every exponent range.
  func testDescendingOrderIsTheStableComparisonOrder() {
    var random = SystemRandomNumberGenerator()
    let specials: [Double] = [0, -0.0, 1, -1, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                              .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-300, -1e300]
    for n in [0, 1, 2, 3, 17, 1000, 5000] {
      let keys: [Double] = (0..<n).map { i in
        switch i % 4 {
        case 0: return specials[Int.random(in: 0..<specials.count, using: &random)]
        case 1: return Double(Int.random(in: -5...5, using: &random))  // ties
        case 2: return Double.random(in: -1e6...1e6, using: &random)
        default: return Double(sign: .plus, exponent: Int.random(in: -1000...1000, using: &random), significand: 1.5)
        }
      }
      func before(_ i: Int, _ j: Int) -> Bool { keys[i] > keys[j] || (keys[i] == keys[j] && i < j) }
      let expected: [Int32] = keys.indices.sorted(by: before).map { Int32($0) }
      var sorted = keys, payloads = keys.indices.map { UInt64($0) }
      RadixSort.sortDescending(&sorted, carrying: &payloads)
      XCTAssertEqual(payloads.map { Int32($0) }, expected, "n = \(n)")
      XCTAssertEqual(sorted, expected.map { keys[Int($0)] }, "n = \(n)")
    }
  }

  func testEqualKeysKeepTheirInputOrder() {
    var keys: [Double] = [2, 5, 2, -0.0, 5, 0, 2], payloads: [UInt64] = [10, 11, 12, 13, 14, 15, 16]
    RadixSort.sortDescending(&keys, carrying: &payloads)
    XCTAssertEqual(payloads, [11, 14, 10, 12, 16, 13, 15])
    XCTAssertEqual(keys, [5, 5, 2, 2, 2, 0, 0])
    XCTAssertEqual(keys.map { $0.sign }, [.plus, .plus, .plus, .plus, .plus, .plus, .plus], "−0 comes out as +0")
  }
}
