import XCTest

@testable import LociFeatures
@testable import LociImage

final class BaselineDetectorTests: XCTestCase {
  /// A dark disc of radius 20 at (60.5, 50.5) on a light background, slightly blurred.
  let disc = GrayImage(width: 120, height: 100) { x, y in
    let dx = Double(x) - 60.5, dy = Double(y) - 50.5
    return (dx * dx + dy * dy).squareRoot() < 20 ? 0.2 : 0.8
  }.gaussianBlurred(sigma: 1)

  func testMSERFindsTheDiscAsItsAreaEllipse() throws {
    let regions = try OpenCVMSERDetector().detect(in: disc)
    let best = try XCTUnwrap(regions.min { abs($0.scale - 20) < abs($1.scale - 20) })
    XCTAssertEqual(best.x, 60.5, accuracy: 0.5)
    XCTAssertEqual(best.y, 50.5, accuracy: 0.5)
    XCTAssertEqual(best.scale, 20, accuracy: 1.0, "S = 4Σ gives the disc's own radius")
    XCTAssertEqual(best.semiAxes.major / best.semiAxes.minor, 1, accuracy: 0.05)
    XCTAssertNil(best.angle)
  }

  func testSIFTFindsTheBlobWithAnOrientedCircle() throws {
    let regions = try OpenCVSIFTDetector().detect(in: disc)
    let centre = try XCTUnwrap(regions.min { hypot($0.x - 60.5, $0.y - 50.5) < hypot($1.x - 60.5, $1.y - 50.5) })
    XCTAssertEqual(centre.x, 60.5, accuracy: 1.5)
    XCTAssertEqual(centre.y, 50.5, accuracy: 1.5)
    XCTAssertNotNil(centre.angle)
    XCTAssertEqual(centre.shape.b, 0)
    // A disc of radius R is a DoG blob at σ ≈ R/√2; the region radius is 2σ.
    XCTAssertEqual(centre.scale, 2 * 20 / 2.0.squareRoot(), accuracy: 8)
  }

  func testBlankImagesGiveNoRegions() throws {
    let blank = GrayImage(width: 200, height: 200, value: 0.5)  // larger than MSER's maxArea
    XCTAssertTrue(try OpenCVMSERDetector().detect(in: blank).isEmpty)
    XCTAssertTrue(try OpenCVSIFTDetector().detect(in: blank).isEmpty)
  }

  func testExtractorMapsRegionsBackFromADownscaledCopy() throws {
    let big = disc.resized(width: 240, height: 200)
    let extractor = FeatureExtractor(detector: OpenCVMSERDetector(), descriptor: nil, maxDimension: 120)
    let set = try extractor.extract(from: big)
    XCTAssertEqual(set.imageWidth, 240)
    let best = try XCTUnwrap(set.regions.min { abs($0.scale - 40) < abs($1.scale - 40) })
    XCTAssertEqual(best.x, 121.5, accuracy: 1.5)  // (60.5 + 0.5)·2 − 0.5
    XCTAssertEqual(best.scale, 40, accuracy: 2.5)
    XCTAssertTrue(set.parameters.contains("maxDimension=120"))
  }
}
