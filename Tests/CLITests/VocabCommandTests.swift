import Foundation
import LociFeatures
import XCTest

final class VocabCommandTests: XCTestCase {
  /// Two feature files whose 4-D descriptors sit near (0,0,0,0) and (1,1,1,1).
  func twoClusterFolder() throws -> URL {
    let folder = try CLI.temporaryFolder()
    for (name, base) in [("a", Float(0)), ("b", Float(1))] {
      let n = 30
      let set = FeatureSet(imageWidth: 10, imageHeight: 10, detector: "t", descriptorKind: .rootsift, dimension: 4,
                           regions: Array(repeating: AffineRegion(x: 1, y: 1, radius: 1), count: n),
                           descriptors: (0..<(n * 4)).map { base + Float($0 % 7) * 0.001 })
      try FeatureFile.write(set, to: folder.appendingPathComponent("\(name).lfeat"))
    }
    return folder
  }

  /// A DRVQ with no books (once a trap in the options' word count) is a usage error.
  func testZeroOrNegativeBooksAreUsageErrors() throws {
    let folder = try twoClusterFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    for books in ["0", "-2"] {
      let r = try CLI.run("loci", ["vocab", "train", folder.path, "--method", "drvq", "--size", "64", "--books=\(books)",
                                   "--out", folder.appendingPathComponent("d.lvoc").path])
      XCTAssertEqual(r.status, 2, r.stderr)
      XCTAssertTrue(r.stderr.contains("--books must be at least 1"), r.stderr)
    }
  }

  /// DRVQ through the command line: the two clusters become two words (capacities 2 per
  /// level), the file carries the tree (`vocab info` reports words per book).
  func testTrainDRVQThenInfo() throws {
    let folder = try twoClusterFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("d.lvoc")
    let train = try CLI.run("loci", ["vocab", "train", folder.path, "--method", "drvq", "--size", "2", "--capacities", "2,2,2",
                                     "--out", out.path, "--json"])
    XCTAssertEqual(train.status, 0, train.stderr)
    let report = try train.json()
    XCTAssertEqual(report["method"] as? String, "drvq")
    XCTAssertEqual(report["words"] as? Int, 2)
    XCTAssertLessThan(try XCTUnwrap(report["mse"] as? Double), 1e-4, "two tight clusters")
    let info = try CLI.run("loci", ["vocab", "info", out.path, "--json"])
    XCTAssertEqual(info.status, 0, info.stderr)
    XCTAssertEqual(try info.json()["drvq_words_per_book"] as? [Int], [2])
    let bad = try CLI.run("loci", ["vocab", "train", folder.path, "--method", "drvq", "--capacities", "2,2", "--out", out.path])
    XCTAssertEqual(bad.status, 2)
    XCTAssertTrue(bad.stderr.contains("needs 3 capacities"), bad.stderr)
  }

  func testTrainThenInfo() throws {
    let folder = try twoClusterFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("v.lvoc")
    let train = try CLI.run("loci", ["vocab", "train", folder.path, "--size", "2", "--initialisation", "plusPlus",
                                     "--out", out.path, "--json"])
    XCTAssertEqual(train.status, 0, train.stderr)
    let report = try train.json()
    XCTAssertEqual(report["method"] as? String, "kmeans")
    XCTAssertEqual(report["words"] as? Int, 2)
    XCTAssertEqual(report["descriptors"] as? Int, 60)
    XCTAssertLessThan(try XCTUnwrap(report["mse"] as? Double), 1e-4, "two tight clusters")
    let info = try CLI.run("loci", ["vocab", "info", out.path, "--json"])
    XCTAssertEqual(info.status, 0)
    XCTAssertEqual(try info.json()["dimension"] as? Int, 4)
    let bad = try CLI.run("loci", ["vocab", "train", CLI.fixtures.path, "--out", out.path])
    XCTAssertEqual(bad.status, 2)
    XCTAssertTrue(bad.stderr.contains("no .lfeat files"), bad.stderr)
  }
}
