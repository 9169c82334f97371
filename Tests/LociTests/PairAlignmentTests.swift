import Foundation
import XCTest

@testable import Loci

/// Verification with patch alignment: on a pair related by a known affine map, aligned
/// correspondences sit where the map puts them to a fraction of a pixel, where MFD's
/// detected centres are off by about a pixel.
final class PairAlignmentTests: XCTestCase {
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/graf-img1-400.png")

  func testAlignedInliersSitWhereTheTrueMapPutsThem() throws {
    let a = try GrayImage(contentsOf: Self.fixture)
    // B(u) = A(P·u + t), so x_b = P⁻¹·(x_a − t): a tilt of 1.6 with shear.
    let (p11, p12, p21, p22, tx, ty) = (1.3, 0.2, -0.05, 0.8, -40.0, 10.0)
    let b = a.warpedAffine(outputWidth: a.width, outputHeight: a.height, a: (Float(p11), Float(p12), Float(p21), Float(p22)),
                           t: (Float(tx), Float(ty)))
    let det = p11 * p22 - p12 * p21
    func truth(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
      let (u, v) = (x - tx, y - ty)
      return ((p22 * u - p12 * v) / det, (-p21 * u + p11 * v) / det)
    }
    var verification = PairVerification()
    verification.extractor = FeatureExtractor(detector: DetectorName.mfd.makeDetector())
    let fa = try verification.extractor.extract(from: a), fb = try verification.extractor.extract(from: b)
    func medianError(_ outcome: PairVerification.Outcome) -> Double {
      let errors = outcome.correspondences.indices.filter { outcome.result.inliers[$0] }.map { k -> Double in
        let c = outcome.correspondences[k]
        let p = outcome.a.regions[Int(c.a)], q = outcome.b.regions[Int(c.b)]
        let t = truth(p.x, p.y)
        return ((t.x - q.x) * (t.x - q.x) + (t.y - q.y) * (t.y - q.y)).squareRoot()
      }.sorted()
      return errors[errors.count / 2]
    }
    verification.guided = nil
    let plain = verification.verify(fa, fb)
    let aligned = verification.verify(fa, fb, images: (AlignmentPyramid(a), AlignmentPyramid(b)))
    XCTAssertEqual(plain.aligned, 0)
    XCTAssertGreaterThan(aligned.aligned, aligned.correspondences.count / 2)
    XCTAssertEqual(aligned.correspondences, plain.correspondences)
    XCTAssertEqual(aligned.guided, 0)
    XCTAssertGreaterThan(aligned.result.inlierCount, 50)
    XCTAssertGreaterThan(medianError(plain), 0.5)
    XCTAssertLessThan(medianError(aligned), 0.25)
    XCTAssertEqual(aligned.b.regions, fb.regions, "B's regions stay as detected")
    XCTAssertEqual(plain.guided, 0)
    // Guided matching, on by default, adds matches the ratio test dropped, as precise.
    verification.guided = GuidedMatching()
    let guided = verification.verify(fa, fb, images: (AlignmentPyramid(a), AlignmentPyramid(b)))
    XCTAssertGreaterThan(guided.guided, 0)
    XCTAssertEqual(Array(guided.correspondences.prefix(plain.correspondences.count)), plain.correspondences)
    XCTAssertEqual(guided.correspondences.count, plain.correspondences.count + guided.guided)
    XCTAssertGreaterThan(guided.result.inlierCount, aligned.result.inlierCount)
    XCTAssertLessThan(medianError(guided), 0.25)
  }

  /// Guided inliers count like the weakest verified inlier; a second extension replaces
  /// what the first added instead of adding to it.
  func testGuidedInliersCountLikeTheWeakestVerifiedOne() {
    var result = RANSACVerifier().verify([], framesA: [], framesB: [])
    (result.inliers, result.strengths, result.score) = ([true, false, true], [3, 0, 2], 5)
    let once = result.extended(to: 5, verified: 3, within: [true, true, false, true, false], bFromA: .identity)
    XCTAssertEqual(once.inliers, [true, false, true, true, false])
    XCTAssertEqual(once.strengths, [3, 0, 2, 2, 0])
    XCTAssertEqual(once.score, 7)
    XCTAssertEqual(once.bFromA, .identity)
    let twice = once.extended(to: 6, verified: 3, within: [false, false, false, true, true, true], bFromA: .identity)
    XCTAssertEqual(twice.inliers, [true, false, true, true, true, true])
    XCTAssertEqual(twice.strengths, [3, 0, 2, 2, 2, 2])
    XCTAssertEqual(twice.score, 11)
  }
}
