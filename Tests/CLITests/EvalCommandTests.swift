import Foundation
import XCTest

final class EvalCommandTests: XCTestCase {
  func testRepeatabilityOfAnImageWithItselfIsComplete() throws {
    let root = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: root) }
    let sequence = root.appendingPathComponent("same")
    try FileManager.default.createDirectory(at: sequence, withIntermediateDirectories: true)
    for name in ["img1.png", "img2.png"] {
      try FileManager.default.copyItem(at: CLI.fixtures.appendingPathComponent("graf-img1-400.png"),
                                       to: sequence.appendingPathComponent(name))
    }
    try "1 0 0\n0 1 0\n0 0 1\n".write(to: sequence.appendingPathComponent("H1to2p"), atomically: true, encoding: .utf8)
    let result = try CLI.run("loci", ["eval", "repeatability", root.path, "--detector", "mser", "--json"])
    XCTAssertEqual(result.status, 0, result.stderr)
    let report = try result.json()
    XCTAssertEqual(report["detector"] as? String, "mser")
    XCTAssertEqual(report["mean_repeatability"] as? Double, 100)
    let pairs = try XCTUnwrap((report["sequences"] as? [String: Any])?["same"] as? [[String: Any]])
    XCTAssertEqual(pairs.count, 1)
    XCTAssertEqual(pairs[0]["pair"] as? String, "1-2")
    let features = try XCTUnwrap(pairs[0]["features"] as? [Int])
    XCTAssertEqual(features[0], features[1])
    XCTAssertEqual(pairs[0]["correspondences"] as? Int, features[0])
    XCTAssertEqual(pairs[0]["matching_score"] as? Double, 100)
  }

  func testNotADatasetIsAUsageError() throws {
    let result = try CLI.run("loci", ["eval", "repeatability", CLI.fixtures.path, "--detector", "sift"])
    XCTAssertEqual(result.status, 2)
    XCTAssertTrue(result.stderr.contains("not an Oxford affine dataset"), result.stderr)
  }
}
