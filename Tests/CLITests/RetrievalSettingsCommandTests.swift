import Foundation
import XCTest

/// Detector settings from the command line travel with the features into the index, and
/// queries given as images are featurised with them; the diagnostics `eval map --json`
/// reports per query.
final class RetrievalSettingsCommandTests: XCTestCase {
  /// The fixtures featurized with the defaults and indexed over a 32-word vocabulary.
  func indexFixtures(in folder: URL) throws -> (features: URL, index: URL) {
    let features = folder.appendingPathComponent("feat")
    XCTAssertEqual(try CLI.run("featurize", [CLI.fixtures.path, "--out", features.path]).status, 0)
    let vocab = folder.appendingPathComponent("v.lvoc"), index = folder.appendingPathComponent("i.lidx")
    XCTAssertEqual(try CLI.run("loci", ["vocab", "train", features.path, "--size", "32", "--out", vocab.path]).status, 0)
    XCTAssertEqual(try CLI.run("loci", ["index", "build", features.path, "--vocab", vocab.path, "--out", index.path]).status, 0)
    return (features, index)
  }

  func testBadDetectorOptionsAreUsageErrors() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let image = CLI.fixtures.appendingPathComponent("graf-img1-400.png").path
    let unknown = try CLI.run("featurize", [image, "--out", folder.path, "--detector-option", "bogus=1"])
    XCTAssertEqual(unknown.status, 2)
    XCTAssertTrue(unknown.stderr.contains("no option 'bogus'") && unknown.stderr.contains("minScore"), unknown.stderr)
    let badValue = try CLI.run("featurize", [image, "--out", folder.path, "--detector", "sift", "--detector-option",
                                             "contrastThreshold=abc"])
    XCTAssertEqual(badValue.status, 2)
    XCTAssertTrue(badValue.stderr.contains("contrastThreshold=abc"), badValue.stderr)
    let notAPair = try CLI.run("featurize", [image, "--out", folder.path, "--detector-option", "minScore"])
    XCTAssertEqual(notAPair.status, 2)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [], "nothing written")
  }

  func testSettingsReachTheIndexAndImageQueries() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let features = folder.appendingPathComponent("feat")
    let settings = ["--detector-option", "minScore=0.2", "--detector-option", "minArea=80", "--max-features", "60"]
    let fz = try CLI.run("featurize", [CLI.fixtures.path, "--out", features.path, "--json"] + settings)
    XCTAssertEqual(fz.status, 0, fz.stderr)
    let images = try XCTUnwrap(fz.json()["images"] as? Int)
    XCTAssertEqual(images, 4)
    let count = try XCTUnwrap(fz.json()["features"] as? Int)
    XCTAssertLessThanOrEqual(count, 4 * 60, "--max-features caps every image")
    XCTAssertGreaterThan(count, 100)
    let vocab = folder.appendingPathComponent("v.lvoc"), index = folder.appendingPathComponent("i.lidx")
    XCTAssertEqual(try CLI.run("loci", ["vocab", "train", features.path, "--size", "32", "--out", vocab.path]).status, 0)
    let build = try CLI.run("loci", ["index", "build", features.path, "--vocab", vocab.path, "--out", index.path])
    XCTAssertEqual(build.status, 0, build.stderr)

    // The image and its .lfeat give the same scores only if the image was featurised with
    // the recorded settings (the defaults find other regions, and more of them).
    let image = CLI.fixtures.appendingPathComponent("graf-img1-400.png")
    let lfeat = features.appendingPathComponent("graf-img1-400.png.lfeat")
    func ranking(_ input: URL) throws -> [[String: Any]] {
      let r = try CLI.run("loci", ["query", index.path, input.path, "--top", "4", "--json"])
      XCTAssertEqual(r.status, 0, r.stderr)
      let results = try XCTUnwrap(r.json()["results"] as? [[String: Any]])
      return try XCTUnwrap(results.first?["ranking"] as? [[String: Any]])
    }
    let byImage = try ranking(image), byFile = try ranking(lfeat)
    XCTAssertEqual(byImage.map { $0["path"] as? String }, byFile.map { $0["path"] as? String })
    XCTAssertEqual(byImage.map { $0["score"] as? Double }, byFile.map { $0["score"] as? Double })
    XCTAssertTrue((byImage.first?["path"] as? String)?.hasSuffix("graf-img1-400.png") ?? false)
    XCTAssertNotNil(byImage.first?["inliers"] as? Int, "the top result was verified")
    XCTAssertEqual(byImage.first?["kernel_rank"] as? Int, 1)

    // Features made with other settings are refused by the index, naming both.
    let other = folder.appendingPathComponent("other")
    XCTAssertEqual(try CLI.run("featurize", [image.path, "--out", other.path, "--max-features", "30"]).status, 0)
    let mixed = try CLI.run("loci", ["index", "add", index.path, other.path])
    XCTAssertEqual(mixed.status, 2)
    XCTAssertTrue(mixed.stderr.contains("other settings") && mixed.stderr.contains("featureCap=30"), mixed.stderr)
  }

  func testEvalMapReportsPerQueryDiagnostics() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let index = try indexFixtures(in: folder).index
    // The graf crop against itself under another name: its positive is the scenes JPEG, a
    // different object, so the JPEG is ranked wherever the kernel puts it among three.
    let gt = folder.appendingPathComponent("gt.tsv")
    let graf = CLI.fixtures.appendingPathComponent("graf-img1-400.png").path
    let jpeg = CLI.fixtures.appendingPathComponent("scenes/image00-480.jpg").path
    try "query\tpositives\n\(graf)\t\(jpeg)\n".write(to: gt, atomically: true, encoding: .utf8)
    let map = try CLI.run("loci", ["eval", "map", "--index", index.path, "--groundtruth", gt.path, "--json"])
    XCTAssertEqual(map.status, 0, map.stderr)
    let report = try map.json()
    let perQuery = try XCTUnwrap(report["per_query"] as? [[String: Any]])
    XCTAssertEqual(perQuery.count, 1)
    let ranks = try XCTUnwrap(perQuery[0]["positive_ranks"] as? [Int])
    XCTAssertEqual(ranks.count, 1)
    let ap = try XCTUnwrap(perQuery[0]["ap"] as? Double)
    XCTAssertEqual(ap, try XCTUnwrap(report["map"] as? Double), accuracy: 1e-9)
    let rank = ranks[0]
    // revisitop's trapezoid for one positive at rank 1, 2 or 3 of three.
    XCTAssertEqual(ap, try XCTUnwrap([1: 100.0, 2: 25.0, 3: 100.0 / 6][rank]), accuracy: 1e-6)
    XCTAssertEqual(report["p_at_1"] as? Double, rank == 1 ? 100 : 0)
    let verified = try XCTUnwrap(perQuery[0]["verified"] as? [[String: Any]])
    XCTAssertEqual(verified.count, 3, "the three other images were all shortlisted")
    for v in verified {
      for key in ["path", "positive", "kernel_rank", "kernel_score", "correspondences", "inliers", "verified_score", "verified"] {
        XCTAssertNotNil(v[key], "\(key) in \(v)")
      }
    }
    XCTAssertEqual(verified.filter { $0["positive"] as? Bool == true }.count, 1)
  }

  /// A query feature file without descriptors (or of another dimension) once trapped the
  /// whole `loci query` run: it is now refused on its own, named, and the next query answered.
  func testAQueryThatDoesNotFitTheIndexFailsAlone() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (features, index) = try indexFixtures(in: folder)
    let image = CLI.fixtures.appendingPathComponent("graf-img1-400.png")
    let bare = folder.appendingPathComponent("bare")
    XCTAssertEqual(try CLI.run("featurize", [image.path, "--out", bare.path, "--descriptor", "none"]).status, 0)
    let bad = bare.appendingPathComponent("graf-img1-400.png.lfeat")
    let good = features.appendingPathComponent("graf-img1-400.png.lfeat")
    let r = try CLI.run("loci", ["query", index.path, bad.path, good.path, "--json"])
    XCTAssertEqual(r.status, 1, r.stderr)
    XCTAssertTrue(r.stderr.contains(bad.path) && r.stderr.contains("no descriptors"), r.stderr)
    let results = try XCTUnwrap(r.json()["results"] as? [[String: Any]])
    XCTAssertEqual(results.map { $0["query"] as? String }, [good.path], "the good query is answered")
    let failed = try XCTUnwrap(r.json()["failed"] as? [[String: Any]])
    XCTAssertEqual(failed.count, 1)
  }
}
