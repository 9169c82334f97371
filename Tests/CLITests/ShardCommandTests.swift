import Foundation
import XCTest

/// `loci index init`, shards built from the template, and `loci query FOLDER`: the folder of
/// shards answers as the single index over the same images.
final class ShardCommandTests: XCTestCase {
  func testAFolderOfShardsAnswersAsTheSingleIndex() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let features = folder.appendingPathComponent("features"), vocab = folder.appendingPathComponent("v.lvoc")
    XCTAssertEqual(try CLI.run("featurize", [CLI.fixtures.path, "--out", features.path]).status, 0)
    XCTAssertEqual(try CLI.run("loci", ["vocab", "train", features.path, "--size", "32", "--out", vocab.path]).status, 0)
    let template = folder.appendingPathComponent("template.lidx")
    let initRun = try CLI.run("loci", ["index", "init", "--vocab", vocab.path, "--train", features.path, "--out", template.path,
                                       "--idf", "--json"])
    XCTAssertEqual(initRun.status, 0, initRun.stderr)
    XCTAssertEqual(try initRun.json()["images"] as? Int, 0)

    // Two halves of the sorted feature files, as two machines would hold them.
    let files = try FileManager.default.subpathsOfDirectory(atPath: features.path).filter { $0.hasSuffix(".lfeat") }.sorted()
    XCTAssertEqual(files.count, 4)
    let shards = folder.appendingPathComponent("shards")
    try FileManager.default.createDirectory(at: shards, withIntermediateDirectories: true)
    for (k, part) in [files[0..<2], files[2..<4]].enumerated() {
      let input = folder.appendingPathComponent("part\(k)")
      for f in part {
        let target = input.appendingPathComponent(f)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: features.appendingPathComponent(f), to: target)
      }
      let build = try CLI.run("loci", ["index", "build", input.path, "--template", template.path, "--first-id", "\(2 * k)",
                                       "--out", shards.appendingPathComponent("shard\(k).lidx").path])
      XCTAssertEqual(build.status, 0, build.stderr)
    }
    let single = folder.appendingPathComponent("single.lidx")
    XCTAssertEqual(try CLI.run("loci", ["index", "build", features.path, "--template", template.path, "--out", single.path]).status, 0)

    for f in files {
      let query = features.appendingPathComponent(f).path
      func ranking(_ index: URL) throws -> [[String: Any]] {
        let run = try CLI.run("loci", ["query", index.path, query, "--top", "4", "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        return try XCTUnwrap((try run.json()["results"] as? [[String: Any]])?.first?["ranking"] as? [[String: Any]])
      }
      let one = try ranking(single), many = try ranking(shards)
      XCTAssertEqual(many.map { $0["id"] as? Int }, one.map { $0["id"] as? Int }, f)
      XCTAssertEqual(many.map { $0["path"] as? String }, one.map { $0["path"] as? String }, f)
      XCTAssertEqual(many.map { $0["inliers"] as? Int }, one.map { $0["inliers"] as? Int }, f)
      for (a, b) in zip(many, one) {
        XCTAssertEqual(try XCTUnwrap(a["score"] as? Double), try XCTUnwrap(b["score"] as? Double), accuracy: 1e-5, f)
      }
    }
    // eval map over the shards: the same AP and ranks as over the single index.
    let gt = folder.appendingPathComponent("gt.tsv")
    let jpeg = CLI.fixtures.appendingPathComponent("scenes/image00-480.jpg").path
    let graf = CLI.fixtures.appendingPathComponent("graf-img1-400.png").path
    try "query\tpositives\n\(graf)\t\(jpeg)\n\(jpeg)\t\(graf)\n".write(to: gt, atomically: true, encoding: .utf8)
    func evaluation(_ index: URL) throws -> [String: Any] {
      let run = try CLI.run("loci", ["eval", "map", "--index", index.path, "--groundtruth", gt.path, "--query-features", features.path,
                                     "--json"])
      XCTAssertEqual(run.status, 0, run.stderr)
      return try run.json()
    }
    let (oneMap, manyMap) = (try evaluation(single), try evaluation(shards))
    XCTAssertEqual(try XCTUnwrap(manyMap["map"] as? Double), try XCTUnwrap(oneMap["map"] as? Double), accuracy: 1e-9)
    let ranks = { (report: [String: Any]) in (report["per_query"] as? [[String: Any]])?.map { $0["positive_ranks"] as? [Int] } }
    XCTAssertEqual(ranks(manyMap), ranks(oneMap))

    // Shards with the same identifiers cannot be queried as one.
    try FileManager.default.copyItem(at: single, to: shards.appendingPathComponent("shard2.lidx"))
    let clash = try CLI.run("loci", ["query", shards.path, features.appendingPathComponent(files[0]).path])
    XCTAssertEqual(clash.status, 2)
    XCTAssertTrue(clash.stderr.contains("is in two shards"), clash.stderr)
  }
}
