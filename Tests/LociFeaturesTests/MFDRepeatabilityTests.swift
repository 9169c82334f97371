import Foundation
import XCTest

@testable import LociEval
@testable import LociFeatures
@testable import LociGeometry
@testable import LociImage

/// MFD on a real image and a copy warped by a known affine map (the Oxford protocol through
/// `evaluatePair`): the whole multi-level detector, regions mapped back from every level,
/// must repeat. Checked against mutations: mapping the levels' regions back 10 % too far
/// fails the first test (45.7 %), swapping the axes of the moment ellipses fails the second.
final class MFDRepeatabilityTests: XCTestCase {
  static let graf = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/graf-img1-400.png")

  /// `image` seen through p_b = M·p_a + c, on a canvas of the same size.
  func warped(_ image: GrayImage, _ m: Matrix2, _ c: (Double, Double)) -> (GrayImage, Homography) {
    let inv = m.inverse
    let (tx, ty) = inv.apply(-c.0, -c.1)
    let b = image.warpedAffine(outputWidth: image.width, outputHeight: image.height,
                               a: (Float(inv.m11), Float(inv.m12), Float(inv.m21), Float(inv.m22)),
                               t: (Float(tx), Float(ty)))
    return (b, Homography([m.m11, m.m12, c.0, m.m21, m.m22, c.1, 0, 0, 1]))
  }

  func repeatability(_ m: Matrix2, _ c: (Double, Double)) throws -> PairResult {
    let image = try GrayImage(contentsOf: Self.graf)
    let (b, h) = warped(image, m, c)
    let detector = MFDDetector(options: .repeatability)
    func set(_ image: GrayImage) throws -> FeatureSet {
      FeatureSet(imageWidth: image.width, imageHeight: image.height, detector: "mfd", descriptorKind: .none,
                 dimension: 0, regions: try detector.detect(in: image), descriptors: [])
    }
    return evaluatePair(try set(image), try set(b), bFromA: h)
  }

  /// Rotation by 20° with a zoom of 0.8 about the image centre (400×320).
  func testRepeatsUnderRotationAndZoom() throws {
    let m = Matrix2.rotation(20 * Double.pi / 180) * Matrix2(0.8, 0, 0, 0.8)
    let (cx, cy) = m.apply(199.5, 159.5)
    let result = try repeatability(m, (199.5 - cx, 159.5 - cy))
    XCTAssertGreaterThan(result.features[0], 40, "enough regions in the common part")
    // Measured 65.5 % (36 of 55 regions, `MFDOptions.repeatability`); the margin covers small changes of
    // the detector, not a broken one.
    XCTAssertGreaterThan(result.repeatability, 55, "\(result)")
  }

  /// A horizontal foreshortening of 0.75 with a slight shear, as a wall turned away.
  func testRepeatsUnderForeshortening() throws {
    let m = Matrix2(0.75, 0.05, 0, 1)
    let result = try repeatability(m, (50, 0))
    XCTAssertGreaterThan(result.features[0], 35, "enough regions in the common part")
    // Measured 80.0 % (32 of 40 regions).
    XCTAssertGreaterThan(result.repeatability, 65, "\(result)")
  }
}
