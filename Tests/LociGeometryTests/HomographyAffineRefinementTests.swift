import Foundation
import XCTest

@testable import LociGeometry
import LociFeatureTypes

/// Fitting the homography to local affine maps as well as to positions: with the
/// correspondences in one corner of the image, positions alone extrapolate to the far
/// corners poorly; the maps (the homography's Jacobians) pin the perspective down.
final class HomographyAffineRefinementTests: XCTestCase {
  /// Strong perspective: the right of A is foreshortened in B.
  static let truth = Homography([0.6, 0.05, 40, -0.1, 0.9, 30, -6e-4, 1e-4, 1])

  /// 50 correspondences in A's top-left quarter of 800 × 600, positions in B displaced by
  /// 1.5 px (in directions that turn by the golden angle), frames: A's a circle of radius 40,
  /// B's the truth's Jacobian times it (exact local maps).
  static func data() -> (correspondences: [Correspondence], framesA: [LocalFrame], framesB: [LocalFrame]) {
    var framesA: [LocalFrame] = [], framesB: [LocalFrame] = []
    for i in 0..<50 {
      let x = 20 + Double((i * 37) % 360), y = 20 + Double((i * 53) % 260)
      let q = truth.apply(x, y)
      let angle = Double(i) * 2.399963
      let frameA = Matrix2(40, 0, 0, 40)
      framesA.append(LocalFrame(x: x, y: y, scale: 40, angle: 0, affine: frameA))
      framesB.append(LocalFrame(x: q.x + 1.5 * cos(angle), y: q.y + 1.5 * sin(angle), scale: 40, angle: 0,
                                affine: truth.jacobian(atX: x, y: y) * frameA))
    }
    return ((0..<50).map { Correspondence(a: Int32($0), b: Int32($0)) }, framesA, framesB)
  }

  static func cornerError(_ h: Homography) -> Double { meanCornerError(h, truth, width: 799, height: 599) }

  func testLocalAffineMapsFixTheExtrapolation() throws {
    let (correspondences, framesA, framesB) = Self.data()
    let pairs = PointPairs(correspondences: correspondences, framesA: framesA, framesB: framesB)
    let points = try XCTUnwrap(HomographyFit.dlt(pairs, where: [Bool](repeating: true, count: pairs.count)))
    let local = LocalAffinities(correspondences: correspondences, framesA: framesA, framesB: framesB)
    let refined = HomographyFit.affineRefined(points, pairs, local, tolerance: 4)
    // Positions alone: 7.6 px; with the maps, 4.1 (scipy's least_squares with the same
    // residuals and Huber loss finds the same optimum: 4.107).
    XCTAssertGreaterThan(Self.cornerError(points), 6)
    XCTAssertEqual(Self.cornerError(refined), 4.107, accuracy: 0.05)
  }

  /// Exact positions and maps: the refinement converges to the truth from a disturbed map.
  func testExactDataGiveTheTruth() throws {
    let (correspondences, framesA, disturbed) = Self.data()
    var framesB = disturbed
    for k in framesB.indices {
      let q = Self.truth.apply(framesA[k].x, framesA[k].y)
      (framesB[k].x, framesB[k].y) = (q.x, q.y)
    }
    let pairs = PointPairs(correspondences: correspondences, framesA: framesA, framesB: framesB)
    var start = Self.truth.m
    start[2] += 1.5
    start[6] *= 1.05
    let refined = HomographyFit.affineRefined(Homography(start), pairs,
                                              LocalAffinities(correspondences: correspondences, framesA: framesA, framesB: framesB),
                                              tolerance: 8)
    XCTAssertLessThan(Self.cornerError(refined), 1e-3)
  }

  /// Without affine frames the maps say nothing, and positions alone decide.
  func testSimilarityFramesContributePositionsOnly() throws {
    let (correspondences, framesA, framesB) = Self.data()
    let plainA = framesA.map { LocalFrame(x: $0.x, y: $0.y, scale: $0.scale, angle: 0) }
    let local = LocalAffinities(correspondences: correspondences, framesA: plainA, framesB: framesB)
    XCTAssertTrue(local.maps.allSatisfy { $0 == nil })
  }

  /// The verifiers report the refined map by default and the position fit without it.
  func testTheVerifiersReportTheRefinedMap() throws {
    let (correspondences, framesA, framesB) = Self.data()
    var ransac = RANSACVerifier()
    let refined = try XCTUnwrap(ransac.verify(correspondences, framesA: framesA, framesB: framesB).bFromA)
    ransac.options.fitsLocalAffinities = false
    let points = try XCTUnwrap(ransac.verify(correspondences, framesA: framesA, framesB: framesB).bFromA)
    XCTAssertLessThan(Self.cornerError(refined), 0.6 * Self.cornerError(points))
    var hpm = HoughPyramidMatcher()
    let hpmRefined = try XCTUnwrap(hpm.verify(correspondences, framesA: framesA, framesB: framesB, imageSize: 800).bFromA)
    hpm.options.fitsLocalAffinities = false
    let hpmPoints = try XCTUnwrap(hpm.verify(correspondences, framesA: framesA, framesB: framesB, imageSize: 800).bFromA)
    XCTAssertLessThan(Self.cornerError(hpmRefined), 0.6 * Self.cornerError(hpmPoints))
  }
}
