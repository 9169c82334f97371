import Foundation
import XCTest

@testable import Loci

/// Progressive view synthesis: a pair under a strong tilt that DoG features cannot match
/// directly is verified once image A's simulated views are added, with the true homography;
/// an easy pair stops at the first stage.
final class ProgressiveSynthesisTests: XCTestCase {
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/graf-img1-400.png")

  /// A is the fixture at half size (200 × 160, to keep the test quick); B is A stretched 4×
  /// vertically: B ← A is diag(1, 4) (pixel centres kept: y_b + ½ = 4(y_a + ½)).
  static func stretchedPair() throws -> (GrayImage, GrayImage, Homography) {
    let a = try GrayImage(contentsOf: fixture).resized(by: 0.5)
    let b = a.warpedAffine(outputWidth: a.width, outputHeight: 4 * a.height, a: (1, 0, 0, 0.25), t: (0, 0.125 - 0.5))
    return (a, b, Homography([1, 0, 0, 0, 4, 1.5, 0, 0, 1]))
  }

  func testAStronglyTiltedPairIsVerifiedAtALaterStage() throws {
    let (a, b, truth) = try Self.stretchedPair()
    var verification = PairVerification()
    verification.extractor = FeatureExtractor(detector: DetectorName.sift.makeDetector())
    let fa = try verification.extractor.extract(from: a), fb = try verification.extractor.extract(from: b)
    let synthesis = ProgressiveSynthesis()
    let plain = verification.verify(fa, fb)
    XCTAssertLessThan(plain.result.inlierCount, synthesis.minimumInliers)
    let (outcome, stages) = try synthesis.verify(fa, fb, verification: verification, imageA: { a },
                                                 extractor: verification.extractor)
    XCTAssertGreaterThan(stages.count, 1)
    XCTAssertEqual(stages.first?.inliers, plain.result.inlierCount)
    XCTAssertGreaterThanOrEqual(outcome.result.inlierCount, synthesis.minimumInliers)
    XCTAssertEqual(stages.last?.inliers, outcome.result.inlierCount)
    XCTAssertGreaterThan(outcome.a.count, fa.count)  // the views' features follow
    XCTAssertEqual(Array(outcome.a.regions.prefix(fa.count)), fa.regions)  // A's own features first
    let h = try XCTUnwrap(outcome.result.bFromA)
    for (x, y) in [(0.0, 0.0), (Double(a.width - 1), 0), (0, Double(a.height - 1)), (Double(a.width - 1), Double(a.height - 1))] {
      let (e, t) = (h.apply(x, y), truth.apply(x, y))
      XCTAssertLessThan(((e.x - t.x) * (e.x - t.x) + (e.y - t.y) * (e.y - t.y)).squareRoot(), 8, "corner (\(x), \(y))")
    }
  }

  func testAnEasyPairStopsAtTheFirstStage() throws {
    let a = try GrayImage(contentsOf: Self.fixture)
    let verification = PairVerification()
    let fa = try verification.extractor.extract(from: a)
    let (outcome, stages) = try ProgressiveSynthesis().verify(fa, fa, verification: verification,
                                                             imageA: { XCTFail("no view needed"); return a },
                                                             extractor: verification.extractor)
    XCTAssertEqual(stages.map(\.stage), [1])
    XCTAssertEqual(outcome.a.count, fa.count)
  }
}
