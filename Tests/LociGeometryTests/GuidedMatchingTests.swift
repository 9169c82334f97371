import Foundation
import XCTest

@testable import LociGeometry
import LociFeatureTypes

/// Guided matching pairs each A feature with the nearest descriptor among B's features near
/// the place a homography predicts, of comparable size and its own detector; the homography
/// is then re-estimated from everything it explains.
final class GuidedMatchingTests: XCTestCase {
  static let h = Homography([1.2, 0.1, 15, -0.05, 0.9, 8, 1e-4, 0, 1])

  /// A unit descriptor along axis `k` of 4, turned towards axis `k + 1` by `angle`.
  static func descriptor(_ k: Int, _ angle: Double = 0) -> [Float] {
    var d = [Float](repeating: 0, count: 4)
    d[k % 4] = Float(cos(angle))
    d[(k + 1) % 4] += Float(sin(angle))
    return d
  }

  static func set(_ regions: [AffineRegion], _ descriptors: [[Float]], parts: [FeatureSet.Part] = []) -> FeatureSet {
    FeatureSet(imageWidth: 400, imageHeight: 300, detector: parts.isEmpty ? "mfd" : "mfd,mser", descriptorKind: .rootsift,
               dimension: 4, regions: regions, descriptors: descriptors.flatMap { $0 }, parts: parts)
  }

  func testTheNearestDescriptorNearThePredictionIsChosen() {
    let a = Self.set([AffineRegion(x: 50, y: 40, radius: 5), AffineRegion(x: 200, y: 100, radius: 5),
                      AffineRegion(x: 300, y: 200, radius: 5), AffineRegion(x: 120, y: 250, radius: 5)],
                     [Self.descriptor(0), Self.descriptor(1), Self.descriptor(2), Self.descriptor(3)])
    func at(_ k: Int, dx: Double = 0, radius: Double = 5.5) -> AffineRegion {
      let p = Self.h.apply(a.regions[k].x, a.regions[k].y)
      return AffineRegion(x: p.x + dx, y: p.y, radius: radius)
    }
    let b = Self.set([
      at(0, dx: 3), at(0, dx: -2),                 // 0: two near; the second has the closer descriptor
      at(1, dx: 20),                               // 1: the exact descriptor, but 20 px away
      at(1, dx: 1, radius: 20),                    // 1: near, but four times too large
      at(2, dx: 1),                                // 2: near, but the descriptor is far (distance 0.77)
      at(3, dx: 1),                                // 3: excluded below
    ], [Self.descriptor(0, 0.3), Self.descriptor(0, 0.1), Self.descriptor(1), Self.descriptor(1), Self.descriptor(2, 0.8),
        Self.descriptor(3)])
    let found = GuidedMatching().correspondences(a, b, bFromA: Self.h, excluding: [3])
    XCTAssertEqual(found, [Correspondence(a: 0, b: 1)])
    var wide = GuidedMatching()
    wide.radius = 25
    wide.maxDistance = 0.8
    XCTAssertEqual(wide.correspondences(a, b, bFromA: Self.h).map { [$0.a, $0.b] }, [[0, 1], [1, 2], [2, 4], [3, 5]])
  }

  /// In combined sets, a feature is matched only among the other set's features of its detector.
  func testMatchesStayWithinADetector() {
    let a = Self.set([AffineRegion(x: 50, y: 40, radius: 5), AffineRegion(x: 50, y: 40, radius: 5)],
                     [Self.descriptor(0), Self.descriptor(0)],
                     parts: [FeatureSet.Part(detector: "mfd", count: 1), FeatureSet.Part(detector: "mser", count: 1)])
    let p = Self.h.apply(50, 40)
    let b = Self.set([AffineRegion(x: p.x, y: p.y, radius: 5.5), AffineRegion(x: p.x + 1, y: p.y, radius: 5.5)],
                     [Self.descriptor(0), Self.descriptor(0, 0.2)],
                     parts: [FeatureSet.Part(detector: "mser", count: 1), FeatureSet.Part(detector: "mfd", count: 1)])
    XCTAssertEqual(GuidedMatching().correspondences(a, b, bFromA: Self.h).map { [$0.a, $0.b] }, [[0, 1], [1, 0]])
  }

  /// From a disturbed map, the re-estimate over correspondences it explains is the truth,
  /// and the flags mark exactly those within tolerance of it.
  func testReestimationRecoversTheMapFromWhatItExplains() throws {
    var framesA: [LocalFrame] = [], framesB: [LocalFrame] = []
    for i in 0..<40 {
      let x = 10 + Double((i * 37) % 380), y = 10 + Double((i * 53) % 280)
      let q = Self.h.apply(x, y)
      framesA.append(LocalFrame(x: x, y: y, scale: 5, angle: 0))
      framesB.append(LocalFrame(x: q.x + (i % 8 == 7 ? 30 : 0), y: q.y, scale: 5, angle: 0))  // every 8th is wrong
    }
    let correspondences = (0..<40).map { Correspondence(a: Int32($0), b: Int32($0)) }
    var start = Self.h.m
    start[2] += 3
    let (map, within) = try XCTUnwrap(HomographyFit.reestimated(Homography(start), correspondences, framesA: framesA,
                                                                framesB: framesB))
    for (x, y) in [(0.0, 0.0), (399, 0), (399, 299), (0, 299)] {
      let (e, t) = (map.apply(x, y), Self.h.apply(x, y))
      XCTAssertEqual(e.x, t.x, accuracy: 1e-6)
      XCTAssertEqual(e.y, t.y, accuracy: 1e-6)
    }
    XCTAssertEqual(within, (0..<40).map { $0 % 8 != 7 })
  }
}
