import Foundation
import XCTest

@testable import LociFeatureTypes
@testable import LociFeatures
@testable import LociImage

/// Features found in simulated views come back in the image's own coordinates.
final class SimulatedViewFeatureTests: XCTestCase {
  /// The mapped region's affine frame is the map applied to the original frame (the frame
  /// carries centre, shape and orientation together).
  func testMappedFramesAreTheMapTimesTheFrame() throws {
    let region = AffineRegion(x: 3, y: 4, shape: SymmetricMatrix2(a: 9, b: 2, c: 5), angle: 0.7)
    for l in [Matrix2(0.5, 0.2, -0.1, 1.3), Matrix2(2, 0, 0, 1), Matrix2(0.3, -0.9, 0.9, 0.3)] {
      let mapped = try XCTUnwrap(region.mapped(by: l, centre: (1, 2)))
      let expected = l * region.affineFrame, found = mapped.affineFrame
      for (u, v) in [(found.m11, expected.m11), (found.m12, expected.m12), (found.m21, expected.m21), (found.m22, expected.m22)] {
        XCTAssertEqual(u, v, accuracy: 1e-9)
      }
      XCTAssertEqual([mapped.x, mapped.y], [1, 2])
    }
    XCTAssertNil(region.mapped(by: Matrix2(-1, 0, 0, 1), centre: (0, 0)))  // a reflection
  }

  /// A dark ellipse on a light background: MSER finds it in the image and in a view tilted
  /// by 2 at 30°; mapped back, the view's region has the ellipse's centre and shape.
  func testRegionsFromAViewMapBackOntoTheImage() throws {
    let (cx, cy, a, b, tilt) = (80.0, 60.0, 22.0, 12.0, 0.4)
    let image = GrayImage(width: 160, height: 120) { x, y in
      let (dx, dy) = (Double(x) - cx, Double(y) - cy)
      let (u, v) = (cos(tilt) * dx + sin(tilt) * dy, -sin(tilt) * dx + cos(tilt) * dy)
      return u * u / (a * a) + v * v / (b * b) <= 1 ? 0.1 : 0.9
    }
    let extractor = FeatureExtractor(detector: OpenCVMSERDetector(), descriptor: nil)
    let plain = try extractor.extract(from: image)
    let viewed = try extractor.extract(from: image, view: SimulatedView(tilt: 2, rotation: 30 * .pi / 180))
    func ellipse(_ set: FeatureSet) throws -> AffineRegion {
      try XCTUnwrap(set.regions.min { abs($0.x - cx) + abs($0.y - cy) < abs($1.x - cx) + abs($1.y - cy) })
    }
    let p = try ellipse(plain), q = try ellipse(viewed)
    XCTAssertEqual(viewed.imageWidth, 160)
    XCTAssertEqual(q.x, cx, accuracy: 1)
    XCTAssertEqual(q.y, cy, accuracy: 1)
    XCTAssertEqual(p.x, cx, accuracy: 1)
    // Shapes agree with each other and with the ellipse (S has semi-axes² as eigenvalues).
    XCTAssertEqual(q.semiAxes.major, a, accuracy: 0.1 * a)
    XCTAssertEqual(q.semiAxes.minor, b, accuracy: 0.1 * b)
    XCTAssertEqual(q.semiAxes.major, p.semiAxes.major, accuracy: 0.1 * a)
    XCTAssertEqual(q.semiAxes.minor, p.semiAxes.minor, accuracy: 0.1 * b)
  }

  func testViewsSampleRotationsAsASIFTDoes() {
    XCTAssertEqual(SimulatedView.views(tilt: 2).map { ($0.rotation * 180 / .pi).rounded() }, [0, 36, 72, 108, 144])
    XCTAssertEqual(SimulatedView.views(tilt: 4).count, 10)
  }

  /// Merging keeps each detector's features together, in the first set's detector order.
  func testMergingGroupsFeaturesByDetector() {
    func set(_ parts: [(String, [Double])]) -> FeatureSet {
      let regions = parts.flatMap { $0.1.map { AffineRegion(x: $0, y: 0, radius: 1) } }
      return FeatureSet(imageWidth: 10, imageHeight: 10, detector: "mfd+mser", descriptorKind: .rootsift, dimension: 1,
                        regions: regions, descriptors: regions.map { Float($0.x) },
                        parts: parts.map { FeatureSet.Part(detector: $0.0, count: $0.1.count) })
    }
    let merged = FeatureSet.merging([set([("mfd", [1, 2]), ("mser", [3])]), set([("mfd", [4]), ("mser", [5, 6])])])
    XCTAssertEqual(merged.regions.map(\.x), [1, 2, 4, 3, 5, 6])
    XCTAssertEqual(merged.descriptors, [1, 2, 4, 3, 5, 6])
    XCTAssertEqual(merged.parts, [FeatureSet.Part(detector: "mfd", count: 3), FeatureSet.Part(detector: "mser", count: 3)])
  }
}
