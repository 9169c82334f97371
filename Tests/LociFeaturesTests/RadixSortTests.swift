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
      XCTAssertEqual(RadixSort.descendingOrder(of: keys), expected, "n = \(n)")
    }
  }

  func testEqualKeysKeepTheirInputOrder() {
    XCTAssertEqual(RadixSort.descendingOrder(of: [2, 5, 2, -0.0, 5, 0, 2]), [1, 4, 0, 2, 6, 3, 5])
  }
}
