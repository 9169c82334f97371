import Foundation
import XCTest

final class VerifyCommandTests: XCTestCase {
  /// An image against itself: every correspondence is an inlier of the identity.
  func testAnImageVerifiesAgainstItselfWithTheIdentity() throws {
    let image = CLI.fixtures.appendingPathComponent("graf-img1-400.png").path
    for method in ["hpm", "ransac"] {
      let result = try CLI.run("loci", ["verify", image, image, "--method", method, "--json"])
      XCTAssertEqual(result.status, 0, result.stderr)
      let report = try result.json()
      XCTAssertEqual(report["method"] as? String, method)
      let correspondences = try XCTUnwrap(report["correspondences"] as? Int)
      XCTAssertGreaterThan(correspondences, 50)
      XCTAssertGreaterThan(try XCTUnwrap(report["inliers"] as? Int), correspondences * 9 / 10)
      XCTAssertGreaterThan(try XCTUnwrap(report["score"] as? Double), 0)
      XCTAssertNotNil(report["seconds"] as? Double)
      let h = try XCTUnwrap(report["transform"] as? [[Double]])
      for i in 0..<3 {
        for j in 0..<3 { XCTAssertEqual(h[i][j], i == j ? 1 : 0, accuracy: 1e-3, "\(method) H[\(i)][\(j)]") }
      }
    }
  }

  /// Both inputs are what `verify` cannot run without: a missing one is exit 2, like a
  /// missing index or vocabulary elsewhere; with `--json` the error is one JSON document.
  func testMissingInputFailsWithItsPath() throws {
    let result = try CLI.run("loci", ["verify", "/nonexistent/a.png", CLI.fixtures.appendingPathComponent("graf-img1-400.png").path,
                                      "--json"])
    XCTAssertEqual(result.status, 2)
    XCTAssertTrue(result.stderr.contains("/nonexistent/a.png"), result.stderr)
    let document = try result.json()
    XCTAssertTrue(try XCTUnwrap(document["error"] as? String).contains("/nonexistent/a.png"))
    XCTAssertEqual(document["exit_code"] as? Int, 2)
  }
}
