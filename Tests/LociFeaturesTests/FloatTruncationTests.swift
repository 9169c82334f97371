import LociCore
import XCTest

final class FloatTruncationTests: XCTestCase {
  /// Every lane equals the checked scalar `Int32(v)`: whole numbers, halves (where rounding
  /// to nearest even goes either way), values just below a whole number, and the range's ends.
  func testTruncationEqualsScalarConversion() {
    var values: [Float] = [0, 0.5, 1.5, 2.5, 0.999_999_94, 1, 4095, 4094.9998, 8_388_607, 8_388_606.5, 1e-30]
    var state: UInt64 = 99
    for _ in 0..<20_000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let magnitude = Float(1 << Int(state >> 59))  // 1 … 2²¹ (the top five bits: 0 … 31, capped below)
      values.append(Float(state >> 40) / Float(1 << 24) * Swift.min(magnitude, 4_194_304))
      values.append(Float(Int(state >> 41) % 8_388_608))
      values.append(Float(Int(state >> 41) % 8_388_608).nextDown)
    }
    while values.count % 8 != 0 { values.append(3) }
    for i in stride(from: 0, to: values.count, by: 8) {
      let lanes = SIMD8<Float>(values[i..<(i + 8)])
      let truncated = truncatedToInt32(lanes)
      for lane in 0..<8 { XCTAssertEqual(truncated[lane], Int32(lanes[lane]), "v = \(lanes[lane])") }
    }
  }
}
