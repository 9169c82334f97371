import Foundation
import XCTest

@testable import LociFeatures
import LociFeatureTypes
import LociImage

/// Patch alignment moves a region detected a few pixels off, with a distorted shape, onto
/// where the other image's region really is, and refuses a pair of unrelated patches.
final class RegionAlignmentTests: XCTestCase {
  /// Smooth random texture (seeded), 240 × 240.
  static func texture() -> GrayImage {
    var state: UInt64 = 12345
    let noise = GrayImage(width: 240, height: 240) { _, _ in
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Float(state >> 40) / Float(1 << 24)
    }
    return noise.gaussianBlurred(sigma: 2)
  }

  /// B(u) = A(P·u + t): B shows A under the affine map x_b = P⁻¹(x_a − t), a tilt with shear.
  static let p = Matrix2(1.4, 0.25, -0.1, 0.8)
  static let t = (x: -30.0, y: 20.0)

  static func pair() -> (a: AlignmentPyramid, b: AlignmentPyramid) {
    let a = texture()
    let b = a.warpedAffine(outputWidth: 240, outputHeight: 240, a: (Float(p.m11), Float(p.m12), Float(p.m21), Float(p.m22)),
                           t: (Float(t.x), Float(t.y)))
    return (AlignmentPyramid(a), AlignmentPyramid(b))
  }

  /// Where B's point (x, y) is in A.
  static func inA(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
    (p.m11 * x + p.m12 * y + t.x, p.m21 * x + p.m22 * y + t.y)
  }

  func testAnOffsetDistortedRegionIsMovedOntoTheTrueCorrespondence() throws {
    let (a, b) = Self.pair()
    let alignment = RegionAlignment()
    for (x, y) in [(90.0, 80.0), (120, 140), (150, 100), (100, 170)] {
      let regionB = AffineRegion(x: x, y: y, radius: 9, angle: 0.3)
      let truth = Self.inA(x, y)
      let trueFrame = Self.p * regionB.affineFrame
      // Detected in A 2.5 px off, 15 % too large and turned by 6°.
      let detectedFrame = trueFrame * Matrix2.rotation(0.1) * Matrix2(1.15, 0, 0, 1.15)
      let detected = AffineRegion(frame: detectedFrame, x: truth.x + 2, y: truth.y - 1.5, response: 7)
      let aligned = try XCTUnwrap(alignment.align(detected, in: a, to: regionB, in: b), "(\(x), \(y))")
      XCTAssertEqual(aligned.x, truth.x, accuracy: 0.1, "(\(x), \(y))")
      XCTAssertEqual(aligned.y, truth.y, accuracy: 0.1, "(\(x), \(y))")
      XCTAssertEqual(aligned.response, 7)
      let frame = aligned.affineFrame
      for (found, expected) in zip([frame.m11, frame.m12, frame.m21, frame.m22],
                                   [trueFrame.m11, trueFrame.m12, trueFrame.m21, trueFrame.m22]) {
        XCTAssertEqual(found, expected, accuracy: 0.03 * 9 * 1.4, "(\(x), \(y)) frame")
      }
    }
  }

  /// Patches of two unrelated places do not correlate: the detected region is kept.
  func testUnrelatedPatchesAreNotAligned() throws {
    let (a, b) = Self.pair()
    let regionB = AffineRegion(x: 90, y: 80, radius: 9, angle: 0.3)
    let elsewhere = Self.inA(160, 60)
    let detected = AffineRegion(frame: Self.p * regionB.affineFrame, x: elsewhere.x, y: elsewhere.y, response: 0)
    XCTAssertNil(RegionAlignment().align(detected, in: a, to: regionB, in: b))
  }

  /// Regions far outside the image, enormous, or not ellipses at all are refused, not
  /// aligned to clamped border pixels.
  func testImplausibleRegionsAreRefused() {
    let (a, b) = Self.pair()
    let regionB = AffineRegion(x: 90, y: 80, radius: 9)
    for wild in [AffineRegion(x: 1e8, y: -1e8, radius: 9), AffineRegion(x: 100, y: 100, radius: 1e7),
                 AffineRegion(x: 100, y: 100, shape: SymmetricMatrix2(a: 1, b: 2, c: 1))] {
      XCTAssertNil(RegionAlignment().align(wild, in: a, to: regionB, in: b), "\(wild)")
    }
  }

  /// A flat patch has nothing to align.
  func testAFlatPatchIsNotAligned() {
    let flat = AlignmentPyramid(GrayImage(width: 64, height: 64, value: 0.5))
    let region = AffineRegion(x: 30, y: 30, radius: 5)
    XCTAssertNil(RegionAlignment().align(region, in: flat, to: region, in: flat))
  }

  /// The region of an affine frame has that frame (shape and orientation recovered).
  func testARegionFromItsFrameHasThatFrame() {
    let region = AffineRegion(x: 3, y: 4, shape: SymmetricMatrix2(a: 40, b: 12, c: 25), angle: 2.5, response: 1)
    let rebuilt = AffineRegion(frame: region.affineFrame, x: 3, y: 4, response: 1)
    XCTAssertEqual(rebuilt.shape.a, 40, accuracy: 1e-9)
    XCTAssertEqual(rebuilt.shape.b, 12, accuracy: 1e-9)
    XCTAssertEqual(rebuilt.shape.c, 25, accuracy: 1e-9)
    XCTAssertEqual(try XCTUnwrap(rebuilt.angle), 2.5, accuracy: 1e-9)
  }

  /// Octaves are chosen so that samples fall one to two level pixels apart.
  func testThePyramidLevelMatchesTheSampleSpacing() {
    let pyramid = AlignmentPyramid(Self.texture())
    XCTAssertEqual(pyramid.level(forSpacing: 0.7).factor, 1)
    XCTAssertEqual(pyramid.level(forSpacing: 1.9).factor, 1)
    XCTAssertEqual(pyramid.level(forSpacing: 2.1).factor, 0.5)
    XCTAssertEqual(pyramid.level(forSpacing: 5).factor, 0.25)
  }
}
