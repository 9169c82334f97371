import Foundation
import XCTest

@testable import LociGeometry

/// The reported homography is refitted to the precise inliers: pairs displaced by several
/// pixels (imprecise regions) within the verifiers' 8 px tolerance no longer pull the map.
final class HomographyTighteningTests: XCTestCase {
  static let truth = Homography([0.9, 0.1, 30, -0.05, 1.1, 12, 2e-4, -1e-4, 1])

  /// 60 exact pairs on a grid and 40 pairs displaced by 6 px in scattered directions.
  static func pairs() -> PointPairs {
    var a: [(Double, Double)] = [], b: [(Double, Double)] = []
    for i in 0..<100 {
      let p = (Double(i % 10) * 70 + 15 + Double(i % 3) * 5, Double(i / 10) * 48 + 20)
      let q = truth.apply(p.0, p.1)
      let angle = Double(i) * 2.399963  // the golden angle: directions spread evenly
      a.append(p)
      b.append(i % 5 < 3 ? (q.x, q.y) : (q.x + 6 * cos(angle), q.y + 6 * sin(angle)))
    }
    return PointPairs(a, b)
  }

  /// Mean distance of the image's corners mapped by `h` and by the truth.
  static func cornerError(_ h: Homography) -> Double { meanCornerError(h, truth, width: 700, height: 480) }

  func testImprecisePairsNoLongerBiasTheFit() throws {
    let pairs = Self.pairs()
    let plain = try XCTUnwrap(HomographyFit.dlt(pairs, where: [Bool](repeating: true, count: pairs.count)))
    let tightened = HomographyFit.tightened(plain, pairs, from: 8, to: 4)
    XCTAssertGreaterThan(Self.cornerError(plain), 0.05)
    XCTAssertLessThan(Self.cornerError(tightened), 1e-6)  // fitted to the 60 exact pairs alone
  }

  /// Fewer pairs at the tighter tolerance than the minimum support: the fit is kept as it was.
  func testTooFewPreciseInliersKeepTheFit() throws {
    let pairs = Self.pairs()
    let plain = try XCTUnwrap(HomographyFit.dlt(pairs, where: [Bool](repeating: true, count: pairs.count)))
    XCTAssertEqual(HomographyFit.tightened(plain, pairs, from: 8, to: 4, minimumSupport: 61).m, plain.m)
    XCTAssertLessThan(Self.cornerError(HomographyFit.tightened(plain, pairs, from: 8, to: 4, minimumSupport: 60)), 1e-6)
  }
}
