import Foundation
import XCTest

@testable import LociEval
@testable import LociFeatures

final class EllipseOverlapTests: XCTestCase {
  var overlap = EllipseOverlap()

  func testIdenticalEllipsesHaveNoError() {
    let e = AffineRegion(x: 5, y: 7, shape: SymmetricMatrix2(a: 30, b: 8, c: 12))
    XCTAssertEqual(overlap.error(e, e), 0, accuracy: 1e-9)
  }

  func testConcentricCirclesAreExact() {
    // ε = 1 − r₁²/r₂² = 1 − 100/400.
    let error = overlap.error(AffineRegion(x: 0, y: 0, radius: 10), AffineRegion(x: 0, y: 0, radius: 20))
    XCTAssertEqual(error, 0.75, accuracy: 1e-9)
    XCTAssertEqual(overlap.error(AffineRegion(x: 0, y: 0, radius: 20), AffineRegion(x: 0, y: 0, radius: 10)), 0.75,
                   accuracy: 1e-9, "symmetric")
  }

  func testDisjointEllipsesHaveFullError() {
    XCTAssertEqual(overlap.error(AffineRegion(x: 0, y: 0, radius: 5), AffineRegion(x: 10.5, y: 0, radius: 5)), 1)
    XCTAssertEqual(overlap.error(AffineRegion(x: 0, y: 0, radius: 5), AffineRegion(x: 100, y: 100, radius: 5)), 1)
  }

  func testShiftedEqualCirclesMatchTheLensArea() {
    // Lens of two circles of radius r at distance d: 2r²·acos(d/2r) − (d/2)·√(4r² − d²).
    for d in [1.0, 4.0, 7.0, 12.0] {
      let r = 8.0
      let lens = 2 * r * r * acos(d / (2 * r)) - d / 2 * (4 * r * r - d * d).squareRoot()
      let expected = 1 - lens / (2 * Double.pi * r * r - lens)
      let error = overlap.error(AffineRegion(x: 0, y: 0, radius: r), AffineRegion(x: d, y: 0, radius: r))
      XCTAssertEqual(error, expected, accuracy: 0.003, "distance \(d)")
    }
  }

  func testCrossedEllipsesMatchTheClosedForm() {
    // x²/a² + y²/b² ≤ 1 and x²/b² + y²/a² ≤ 1 (a > b) intersect in area 4ab·atan(b/a).
    let (a, b) = (12.0, 5.0)
    let one = AffineRegion(x: 3, y: 3, shape: SymmetricMatrix2(a: a * a, b: 0, c: b * b))
    let two = AffineRegion(x: 3, y: 3, shape: SymmetricMatrix2(a: b * b, b: 0, c: a * a))
    let intersection = 4 * a * b * atan(b / a)
    let expected = 1 - intersection / (2 * Double.pi * a * b - intersection)
    XCTAssertEqual(overlap.error(one, two), expected, accuracy: 0.003)
  }
}
