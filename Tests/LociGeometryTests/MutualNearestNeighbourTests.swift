import XCTest

@testable import LociFeatureTypes
@testable import LociGeometry

/// Mutual nearest neighbours: a match whose B feature prefers another A feature is dropped,
/// unless (with a separation) that other feature sits at the same place.
final class MutualNearestNeighbourTests: XCTestCase {
  static func set(_ features: [(x: Double, y: Double, descriptor: [Float])]) -> FeatureSet {
    FeatureSet(imageWidth: 200, imageHeight: 200, detector: "test", descriptorKind: .rootsift, dimension: 2,
               regions: features.map { AffineRegion(x: $0.x, y: $0.y, radius: 2) }, descriptors: features.flatMap(\.descriptor))
  }

  func testAMatchWhoseFeaturePrefersAnotherIsDropped() {
    let b = Self.set([(50, 50, [1, 0]), (150, 150, [0, 1])])
    // a0 is b0's twin; a1 resembles b0 too and passes the ratio test, but b0 prefers a0.
    let far = Self.set([(10, 10, [1, 0]), (100, 100, [0.9, 0.1])])
    let plain = TentativeCorrespondences.ratioTest(far, b)
    XCTAssertEqual(plain.map { [$0.a, $0.b] }, [[0, 0], [1, 0]])
    XCTAssertEqual(TentativeCorrespondences.ratioTest(far, b, mutual: true).map { [$0.a, $0.b] }, [[0, 0]])
    XCTAssertEqual(TentativeCorrespondences.ratioTest(far, b, separation: 10, mutual: true).map { [$0.a, $0.b] }, [[0, 0]])
    // A near-duplicate 3 px from b0's choice is kept with a 10 px separation, not without.
    let nested = Self.set([(10, 10, [1, 0]), (13, 10, [0.9, 0.1])])
    XCTAssertEqual(TentativeCorrespondences.ratioTest(nested, b, mutual: true).map { [$0.a, $0.b] }, [[0, 0]])
    XCTAssertEqual(TentativeCorrespondences.ratioTest(nested, b, separation: 10, mutual: true).map { [$0.a, $0.b] },
                   [[0, 0], [1, 0]])
  }
}
