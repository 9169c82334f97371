import Foundation
import XCTest

/// One damaged `.lfeat` among good ones once made `vocab train` and `index build` fail
/// outright: it is now reported, left out and the rest used (exit 1), or under `--strict`
/// it stops the command (exit 2, nothing written).
final class DamagedFeatureFileTests: XCTestCase {
  func testADamagedFeatureFileIsReportedAndTheRestUsed() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let features = folder.appendingPathComponent("feat")
    XCTAssertEqual(try CLI.run("featurize", [CLI.fixtures.path, "--out", features.path]).status, 0)
    let files = try FileManager.default.subpathsOfDirectory(atPath: features.path).filter { $0.hasSuffix(".lfeat") }.sorted()
    XCTAssertEqual(files.count, 4)
    let damaged = features.appendingPathComponent(files[0])
    var bytes = try Data(contentsOf: damaged)
    bytes[bytes.count / 2] ^= 0x40
    try bytes.write(to: damaged)

    let vocab = folder.appendingPathComponent("v.lvoc")
    let train = try CLI.run("loci", ["vocab", "train", features.path, "--size", "16", "--out", vocab.path, "--json"])
    XCTAssertEqual(train.status, 1, train.stderr)
    XCTAssertTrue(train.stderr.contains("skipped \(damaged.path)") && train.stderr.contains("checksum"), train.stderr)
    XCTAssertEqual((try train.json()["skipped"] as? [[String: String]])?.map { $0["path"]! }, [damaged.path])
    XCTAssertTrue(FileManager.default.fileExists(atPath: vocab.path), "trained on the other three")

    let index = folder.appendingPathComponent("i.lidx")
    let build = try CLI.run("loci", ["index", "build", features.path, "--vocab", vocab.path, "--out", index.path, "--json"])
    XCTAssertEqual(build.status, 1, build.stderr)
    XCTAssertEqual(try build.json()["images"] as? Int, 3)
    XCTAssertEqual((try build.json()["skipped"] as? [[String: String]])?.count, 1)

    let strictIndex = folder.appendingPathComponent("strict.lidx")
    let strict = try CLI.run("loci", ["index", "build", features.path, "--vocab", vocab.path, "--out", strictIndex.path, "--strict"])
    XCTAssertEqual(strict.status, 2, strict.stderr)
    XCTAssertTrue(strict.stderr.contains(damaged.path), strict.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: strictIndex.path))
    let strictTrain = try CLI.run("loci", ["vocab", "train", features.path, "--size", "16", "--out",
                                           folder.appendingPathComponent("s.lvoc").path, "--strict"])
    XCTAssertEqual(strictTrain.status, 2, strictTrain.stderr)
  }
}
