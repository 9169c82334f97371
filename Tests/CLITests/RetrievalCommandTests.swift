import Foundation
import XCTest

/// featurize → vocab train → index build → query / eval map → index add, on the fixture
/// images, through the built binaries.
final class RetrievalCommandTests: XCTestCase {
  func testIndexQueryEvaluateAndAdd() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let features = folder.appendingPathComponent("feat")
    let fz = try CLI.run("featurize", [CLI.fixtures.path, "--out", features.path, "--json"])
    XCTAssertEqual(fz.status, 0, fz.stderr)
    let vocab = folder.appendingPathComponent("v.lvoc")
    XCTAssertEqual(try CLI.run("loci", ["vocab", "train", features.path, "--size", "64", "--out", vocab.path]).status, 0)
    // Index all but the scenes' JPEG, then add it.
    let partial = folder.appendingPathComponent("partial")
    try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
    let files = try FileManager.default.subpathsOfDirectory(atPath: features.path).filter { $0.hasSuffix(".lfeat") }.sorted()
    XCTAssertEqual(files.count, 4)
    for f in files where !f.contains("image00") {
      try FileManager.default.copyItem(at: features.appendingPathComponent(f),
                                       to: partial.appendingPathComponent(f.replacingOccurrences(of: "/", with: "_")))
    }
    let index = folder.appendingPathComponent("i.lidx")
    let build = try CLI.run("loci", ["index", "build", partial.path, "--vocab", vocab.path, "--out", index.path, "--json"])
    XCTAssertEqual(build.status, 0, build.stderr)
    XCTAssertEqual(try build.json()["images"] as? Int, 3)
    XCTAssertGreaterThan(try XCTUnwrap(build.json()["bytes"] as? Int), 0)
    let add = try CLI.run("loci", ["index", "add", index.path, features.path, "--json"])
    XCTAssertEqual(add.status, 0, add.stderr)
    XCTAssertEqual(try add.json()["images"] as? Int, 4, "the three already indexed are skipped")
    XCTAssertEqual(try add.json()["added"] as? Int, 1)
    // Features of another detector are refused, naming the file and both detectors.
    let mser = folder.appendingPathComponent("mser")
    XCTAssertEqual(try CLI.run("featurize", [CLI.fixtures.appendingPathComponent("graf-img1-400.png").path, "--out", mser.path,
                                             "--detector", "mser"]).status, 0)
    let mixed = try CLI.run("loci", ["index", "add", index.path, mser.path])
    XCTAssertNotEqual(mixed.status, 0)
    XCTAssertTrue(mixed.stderr.contains("detector 'mser'") && mixed.stderr.contains("'mfd'"), mixed.stderr)

    // Each indexed image, queried by its features, comes back first (default: ASMK*, MA 5, HPM).
    for f in files {
      let pairs = folder.appendingPathComponent("pairs.txt")
      let query = try CLI.run("loci", ["query", index.path, features.appendingPathComponent(f).path, "--top", "2", "--json",
                                       "--pairs-out", pairs.path])
      XCTAssertEqual(query.status, 0, query.stderr)
      // The pair list names the query and its top two by their paths under the input root.
      let pairLines = try String(contentsOf: pairs, encoding: .utf8).split(separator: "\n")
      XCTAssertEqual(pairLines.count, 2)
      let imageName = String(f.dropLast(".lfeat".count))
      XCTAssertEqual(pairLines.first, Substring("\(imageName) \(imageName)"), "the query's best match is itself")
      let results = try XCTUnwrap(query.json()["results"] as? [[String: Any]])
      let ranking = try XCTUnwrap(results.first?["ranking"] as? [[String: Any]])
      let top = try XCTUnwrap(ranking.first?["path"] as? String)
      XCTAssertTrue(f.hasSuffix((top as NSString).lastPathComponent + ".lfeat"), "\(f) → \(top)")
      // Identifiers: 0, 1, 2 for the images built with, 3 for the one added after.
      let id = try XCTUnwrap(ranking.first?["id"] as? Int)
      if f.contains("image00") { XCTAssertEqual(id, 3) } else { XCTAssertLessThan(id, 3) }
    }

    // A made-up truth: the graf crop's only positive is the scenes JPEG. The query itself is
    // left out of its ranking, three images remain, so AP is revisitop's trapezoid for the
    // JPEG's rank: 100 (first), 25 (second) or 100/6 (third).
    let gt = folder.appendingPathComponent("gt.tsv")
    let jpeg = CLI.fixtures.appendingPathComponent("scenes/image00-480.jpg").path
    let graf = CLI.fixtures.appendingPathComponent("graf-img1-400.png").path
    try "query\tpositives\n\(graf)\t\(jpeg)\n".write(to: gt, atomically: true, encoding: .utf8)
    let map = try CLI.run("loci", ["eval", "map", "--index", index.path, "--groundtruth", gt.path, "--json"])
    XCTAssertEqual(map.status, 0, map.stderr)
    let report = try map.json()
    XCTAssertEqual(report["queries"] as? Int, 1)
    let ap = try XCTUnwrap(report["map"] as? Double)
    XCTAssertTrue([100.0, 25.0, 100.0 / 6].contains { abs($0 - ap) < 1e-6 }, "AP \(ap)")

    // Bad inputs: a corrupt index and a missing ground truth are usage errors with a reason.
    try Data("not an index".utf8).write(to: folder.appendingPathComponent("bad.lidx"))
    let bad = try CLI.run("loci", ["query", folder.appendingPathComponent("bad.lidx").path, jpeg])
    XCTAssertEqual(bad.status, 2)
    XCTAssertTrue(bad.stderr.contains("not a Loci index"), bad.stderr)
    let noGT = try CLI.run("loci", ["eval", "map", "--index", index.path, "--groundtruth", folder.appendingPathComponent("none.tsv").path])
    XCTAssertEqual(noGT.status, 2)
  }
}
