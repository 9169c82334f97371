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
      let affine = try XCTUnwrap(report["affine"] as? [[Double]])
      for i in 0..<3 {
        for j in 0..<3 {
          XCTAssertEqual(h[i][j], i == j ? 1 : 0, accuracy: 1e-3, "\(method) H[\(i)][\(j)]")
          XCTAssertEqual(affine[i][j], i == j ? 1 : 0, accuracy: 1e-6, "\(method) affine[\(i)][\(j)]")
        }
      }
      // Every inlier is listed, each a feature matched to itself at the same position.
      let matches = try XCTUnwrap(report["inlier_matches"] as? [[String: Any]])
      XCTAssertEqual(matches.count, report["inliers"] as? Int)
      for m in matches {
        XCTAssertEqual(m["a"] as? Int, m["b"] as? Int)
        XCTAssertEqual(try XCTUnwrap(m["xa"] as? Double), try XCTUnwrap(m["xb"] as? Double))
        XCTAssertEqual(try XCTUnwrap(m["ya"] as? Double), try XCTUnwrap(m["yb"] as? Double))
        XCTAssertGreaterThan(try XCTUnwrap(m["strength"] as? Double), 0)
      }
      XCTAssertNil(report["tentative_matches"], "tentatives are listed only when asked")
      // With --tentatives: every correspondence, each a feature matched to itself, and the
      // inliers among them.
      let listed = try CLI.run("loci", ["verify", image, image, "--method", method, "--json", "--tentatives"]).json()
      let tentatives = try XCTUnwrap(listed["tentative_matches"] as? [[Int]])
      XCTAssertEqual(tentatives.count, correspondences)
      XCTAssertTrue(tentatives.allSatisfy { $0.count == 2 && $0[0] == $0[1] })
      let pairs = Set(tentatives.map { "\($0[0]) \($0[1])" })
      XCTAssertTrue(matches.allSatisfy { pairs.contains("\($0["a"] as! Int) \($0["b"] as! Int)") })
      // FGINN (the default, 10 px) keeps the matches Lowe's test rejects for a near-duplicate
      // at the same place.
      let lowe = try CLI.run("loci", ["verify", image, image, "--method", method, "--json", "--fginn", "0"]).json()
      XCTAssertLessThanOrEqual(try XCTUnwrap(lowe["correspondences"] as? Int), correspondences)
    }
    XCTAssertEqual(try CLI.run("loci", ["verify", image, image, "--fginn", "-1"]).status, 2)
  }

  /// With --synthesis auto, a pair the first stage verifies reports stage 1 alone; view
  /// synthesis verifies one pair, not a list.
  func testSynthesisReportsItsStages() throws {
    let image = CLI.fixtures.appendingPathComponent("graf-img1-400.png").path
    let result = try CLI.run("loci", ["verify", image, image, "--synthesis", "auto", "--json"])
    XCTAssertEqual(result.status, 0, result.stderr)
    let report = try result.json()
    XCTAssertEqual(report["stage"] as? Int, 1)
    let stages = try XCTUnwrap(report["stages"] as? [[String: Any]])
    XCTAssertEqual(stages.map { $0["stage"] as? Int }, [1])
    XCTAssertEqual(stages.first?["inliers"] as? Int, report["inliers"] as? Int)
    XCTAssertNil(try CLI.run("loci", ["verify", image, image, "--json"]).json()["stage"], "no stages without synthesis")
    let listed = try CLI.run("loci", ["verify", "--pairs", "pairs.txt", "--features", "f", "--synthesis", "auto"])
    XCTAssertEqual(listed.status, 2)
    XCTAssertTrue(listed.stderr.contains("--synthesis verifies one pair"), listed.stderr)
  }

  /// A pair list is verified from the featurize output: one JSON line per pair in the list's
  /// order, a pair naming a missing image fails alone (exit 1).
  func testAPairListIsVerifiedLineByLine() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let features = folder.appendingPathComponent("features")
    XCTAssertEqual(try CLI.run("featurize", [CLI.fixtures.path, "--out", features.path]).status, 0)
    let pairs = folder.appendingPathComponent("pairs.txt")
    try """
      # hloc's form: names relative to the image root
      scenes/image00-480.jpg scenes/image00-480.jpg
      graf-img1-400.png	missing.png

      graf-img1-400.png scenes/image00-480.jpg
      """.write(to: pairs, atomically: true, encoding: .utf8)
    let out = folder.appendingPathComponent("verified.jsonl")
    let run = try CLI.run("loci", ["verify", "--pairs", pairs.path, "--features", features.path, "--method", "ransac",
                                   "--out", out.path])
    XCTAssertEqual(run.status, 1, "one pair names a missing image")
    XCTAssertTrue(run.stderr.contains("missing.png"), run.stderr)
    let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map {
      try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
    XCTAssertEqual(lines.count, 3)
    XCTAssertEqual(lines.map { $0["name0"] as? String }, ["scenes/image00-480.jpg", "graf-img1-400.png", "graf-img1-400.png"])
    XCTAssertEqual(lines[0]["name1"] as? String, "scenes/image00-480.jpg")
    let selfInliers = try XCTUnwrap(lines[0]["inliers"] as? Int)
    XCTAssertGreaterThan(selfInliers, 100)
    XCTAssertGreaterThan(try XCTUnwrap(lines[0]["aligned"] as? Int), 100, "the sources featurize recorded are aligned")
    XCTAssertEqual((lines[0]["inlier_matches"] as? [Any])?.count, selfInliers)
    XCTAssertTrue(try XCTUnwrap(lines[1]["error"] as? String).contains("missing.png"))
    XCTAssertNotNil(lines[2]["inliers"] as? Int)
    // The single-pair result is the same verification.
    let single = try CLI.run("loci", ["verify", features.appendingPathComponent("scenes/image00-480.jpg.lfeat").path,
                                      features.appendingPathComponent("scenes/image00-480.jpg.lfeat").path,
                                      "--method", "ransac", "--json"])
    XCTAssertEqual(try single.json()["inliers"] as? Int, selfInliers)
  }

  /// Patch alignment is on when both images can be read (the report counts the aligned
  /// correspondences), off on request; feature files whose source image is gone are verified
  /// unaligned with the reason (auto), or fail (on).
  func testAlignmentIsReportedAndNeedsTheImages() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let image = folder.appendingPathComponent("graf.png")
    try FileManager.default.copyItem(at: CLI.fixtures.appendingPathComponent("graf-img1-400.png"), to: image)
    let other = CLI.fixtures.appendingPathComponent("graf-img1-400.png").path
    let aligned = try CLI.run("loci", ["verify", image.path, other, "--json"])
    XCTAssertEqual(aligned.status, 0, aligned.stderr)
    let report = try aligned.json()
    XCTAssertGreaterThan(try XCTUnwrap(report["aligned"] as? Int), try XCTUnwrap(report["correspondences"] as? Int) / 2)
    XCTAssertNil(report["unaligned"])
    XCTAssertEqual(try CLI.run("loci", ["verify", image.path, other, "--json", "--align", "off"]).json()["aligned"] as? Int, 0)

    XCTAssertEqual(try CLI.run("featurize", [image.path, "--out", folder.appendingPathComponent("f").path]).status, 0)
    let features = folder.appendingPathComponent("f/graf.png.lfeat").path
    XCTAssertGreaterThan(try XCTUnwrap(try CLI.run("loci", ["verify", features, features, "--json"]).json()["aligned"] as? Int), 0)
    try FileManager.default.removeItem(at: image)
    let unaligned = try CLI.run("loci", ["verify", features, features, "--json"])
    XCTAssertEqual(unaligned.status, 0, unaligned.stderr)
    let unalignedReport = try unaligned.json()
    XCTAssertEqual(unalignedReport["aligned"] as? Int, 0)
    XCTAssertTrue(try XCTUnwrap(unalignedReport["unaligned"] as? String).contains(image.path), unaligned.stdout)
    let required = try CLI.run("loci", ["verify", features, features, "--align", "on"])
    XCTAssertEqual(required.status, 2)
    XCTAssertTrue(required.stderr.contains(image.path), required.stderr)
  }

  func testPairsAndTwoInputsDoNotCombine() throws {
    let image = CLI.fixtures.appendingPathComponent("graf-img1-400.png").path
    XCTAssertEqual(try CLI.run("loci", ["verify", image, image, "--pairs", "p.txt", "--features", "."]).status, 2)
    XCTAssertEqual(try CLI.run("loci", ["verify", "--pairs", "p.txt"]).status, 2, "--pairs needs --features")
    XCTAssertEqual(try CLI.run("loci", ["verify", image]).status, 2)
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
