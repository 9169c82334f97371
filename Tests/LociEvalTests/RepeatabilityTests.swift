import Foundation
import XCTest

@testable import LociEval
@testable import LociFeatures
@testable import LociGeometry

final class RepeatabilityTests: XCTestCase {
  /// Seeded ellipses well inside a 400×300 image.
  func randomRegions(_ n: Int, seed: UInt64) -> [AffineRegion] {
    var state = seed
    func unit() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53)
    }
    return (0..<n).map { _ in
      let r = 3 + unit() * 12
      let e = 0.6 + unit() * 0.8
      return AffineRegion(x: 60 + unit() * 280, y: 60 + unit() * 180,
                          shape: SymmetricMatrix2(a: r * r * e, b: (unit() - 0.5) * r * r * 0.4, c: r * r / e))
    }
  }

  func set(_ regions: [AffineRegion], width: Int = 400, height: Int = 300, descriptors: [Float]? = nil) -> FeatureSet {
    FeatureSet(imageWidth: width, imageHeight: height, detector: "t", descriptorKind: descriptors == nil ? .none : .sift,
               dimension: descriptors == nil ? 0 : 2, regions: regions, descriptors: descriptors ?? [])
  }

  func testRegionsWarpedExactlyAreFullyRepeatable() {
    // A mild projective map (zoom, rotation, perspective) that keeps the regions in view.
    let h = Homography([0.9, -0.1, 30, 0.08, 0.95, 10, 0.0001, 0.00005, 1])
    let a = randomRegions(200, seed: 1)
    let b = a.map { h.warp($0) }
    let result = evaluatePair(set(a), set(b), bFromA: h)
    XCTAssertEqual(result.features[0], result.features[1])
    XCTAssertGreaterThan(result.features[0], 150, "most regions survive cropping")
    XCTAssertEqual(result.correspondences, result.features[0])
    XCTAssertEqual(result.repeatability, 100, accuracy: 1e-9)
    XCTAssertNil(result.matchingScore)
  }

  func testUnrelatedLargeRegionsAreRarelyRepeatable() {
    // Regions of radius 20 are scaled by the 30 px normalisation only ×1.5, so chance
    // correspondences need real overlap. 20 per image: about 1.6 pairs are expected within
    // 8 px of each other (20·20·π·8² / 280·180), and only shape-compatible ones count.
    func large(_ seed: UInt64) -> [AffineRegion] {
      randomRegions(20, seed: seed).map { AffineRegion(x: $0.x, y: $0.y, shape: $0.shape * (400 / $0.shape.determinant.squareRoot())) }
    }
    let result = evaluatePair(set(large(1)), set(large(2)), bFromA: .identity)
    XCTAssertLessThan(result.repeatability, 15, "chance level")
  }

  /// The 30 px normalisation scales shapes about their own centres and leaves the centres
  /// where they are (vlbenchmarks `fastEllipseOverlap`): location error is judged against a
  /// 30 px region, so a 3 px offset between two 3 px circles still corresponds, while the
  /// same geometry scaled ×10 (30 px offset between 30 px circles) does not.
  func testNormalisationJudgesLocationAgainstThirtyPixels() {
    let small = evaluatePair(set([AffineRegion(x: 100, y: 100, radius: 3)]),
                             set([AffineRegion(x: 103, y: 100, radius: 3)]), bFromA: .identity)
    XCTAssertEqual(small.correspondences, 1)
    let large = evaluatePair(set([AffineRegion(x: 150, y: 150, radius: 30)]),
                             set([AffineRegion(x: 180, y: 150, radius: 30)]), bFromA: .identity)
    XCTAssertEqual(large.correspondences, 0)
  }

  func testCroppingUsesBothImages() {
    // Translation by 200 px: only regions of A's right half land inside B.
    let h = Homography([1, 0, -200, 0, 1, 0, 0, 0, 1])
    let a = [AffineRegion(x: 100, y: 100, radius: 5), AffineRegion(x: 300, y: 100, radius: 5)]
    let result = evaluatePair(set(a), set(a.map { h.warp($0) }), bFromA: h)
    XCTAssertEqual(result.features, [1, 1])
    XCTAssertEqual(result.repeatability, 100)
  }

  func testMatchingScoreCountsOnlyGeometricallyCorrectDescriptorMatches() {
    let a = [AffineRegion(x: 100, y: 100, radius: 6), AffineRegion(x: 200, y: 150, radius: 6),
             AffineRegion(x: 300, y: 200, radius: 6), AffineRegion(x: 120, y: 230, radius: 6)]
    let da: [Float] = [1, 0, 0, 1, 1, 1, -1, 0]
    // B: same regions; descriptors of the last two swapped, so two of four matches are wrong.
    let db: [Float] = [1, 0, 0, 1, -1, 0, 1, 1]
    let result = evaluatePair(set(a, descriptors: da), set(a, descriptors: db), bFromA: .identity)
    XCTAssertEqual(result.repeatability, 100)
    XCTAssertEqual(try XCTUnwrap(result.matchingScore), 50, accuracy: 1e-9)
  }

  func testGreedyMatchingTakesCheapestEdgesFirst() {
    let edges = [(0, 0, 0.3), (0, 1, 0.1), (1, 1, 0.2), (1, 0, 0.25), (2, 2, 0.9)]
    let matches = greedyOneToOne(edges, left: 3, right: 3)
    XCTAssertEqual(matches.map { [$0.0, $0.1] }, [[0, 1], [1, 0], [2, 2]])
  }

  func testDescriptorGreedyMatchingEqualsSortingAllPairs() {
    var state: UInt64 = 42
    func unit() -> Float {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Float(state >> 40) / Float(1 << 24)
    }
    let na = 70, nb = 90, d = 8
    let a = FeatureSet(imageWidth: 1, imageHeight: 1, detector: "t", descriptorKind: .sift, dimension: d,
                       regions: Array(repeating: AffineRegion(x: 0, y: 0, radius: 1), count: na),
                       descriptors: (0..<(na * d)).map { _ in unit() })
    let b = FeatureSet(imageWidth: 1, imageHeight: 1, detector: "t", descriptorKind: .sift, dimension: d,
                       regions: Array(repeating: AffineRegion(x: 0, y: 0, radius: 1), count: nb),
                       descriptors: (0..<(nb * d)).map { _ in unit() })
    // Oracle: all pairs sorted by distance, greedy.
    var edges: [(Int, Int, Double)] = []
    for i in 0..<na {
      for j in 0..<nb {
        var s: Float = 0
        for k in 0..<d { s += (a.descriptors[i * d + k] - b.descriptors[j * d + k]) * (a.descriptors[i * d + k] - b.descriptors[j * d + k]) }
        edges.append((i, j, Double(s)))
      }
    }
    let oracle = greedyOneToOne(edges, left: na, right: nb).map { [$0.0, $0.1] }
    let fast = descriptorGreedyMatches(a, Array(0..<na), b, Array(0..<nb)).map { [$0.0, $0.1] }
    XCTAssertEqual(Set(fast), Set(oracle))
  }
}
