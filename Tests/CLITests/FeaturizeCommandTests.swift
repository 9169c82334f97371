import Foundation
import LociFeatures
import XCTest

final class FeaturizeCommandTests: XCTestCase {
  var work: URL!

  override func setUpWithError() throws { work = try CLI.temporaryFolder() }
  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

  func testFixturesMirroredThenResumed() throws {
    let out = work.appendingPathComponent("features")
    let first = try CLI.run("featurize", [CLI.fixtures.path, "--out", out.path, "--json", "--jobs", "2"])
    XCTAssertEqual(first.status, 0, first.stderr)
    let summary = try first.json()
    XCTAssertEqual(summary["images"] as? Int, 4)
    XCTAssertEqual(summary["processed"] as? Int, 4)
    XCTAssertEqual((summary["failed"] as? [Any])?.count, 0)
    XCTAssertGreaterThan(summary["features"] as? Int ?? 0, 100)
    XCTAssertNotNil(summary["seconds"] as? Double)

    let set = try FeatureFile.read(from: out.appendingPathComponent("scenes/image00-480.jpg.lfeat"))
    XCTAssertEqual(set.relativePath, "scenes/image00-480.jpg")
    XCTAssertTrue(set.sourcePath.hasPrefix("/") && set.sourcePath.hasSuffix("Fixtures/scenes/image00-480.jpg"))
    XCTAssertEqual(set.imageWidth, 360)
    XCTAssertEqual(set.imageHeight, 480)
    XCTAssertEqual(set.descriptorKind, .rootsift)
    XCTAssertEqual(set.dimension, 128)
    XCTAssertGreaterThan(set.count, 10)

    let again = try CLI.run("featurize", [CLI.fixtures.path, "--out", out.path, "--json"])
    XCTAssertEqual(again.status, 0)
    let resumed = try again.json()
    XCTAssertEqual(resumed["skipped"] as? Int, 4)
    XCTAssertEqual(resumed["processed"] as? Int, 0)
    XCTAssertEqual(resumed["features"] as? Int, summary["features"] as? Int)
  }

  /// Two different images that would share one output (a/graf/img1.png and b/boat/img1.png
  /// given as files) once gave "processed 1, skipped 1" and lost one: now a usage error
  /// naming both, before any work. The same image named twice is processed once. And a
  /// valid output left by another image of the same name is recomputed, not kept.
  func testTwoInputsWithOneOutputAreRefusedAndResumeChecksTheSource() throws {
    let a = work.appendingPathComponent("a/graf/img1.png"), b = work.appendingPathComponent("b/boat/img1.png")
    for (url, fixture) in [(a, "graf-img1-400.png"), (b, "scenes/bikes-img1-rgba.png")] {
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try FileManager.default.copyItem(at: CLI.fixtures.appendingPathComponent(fixture), to: url)
    }
    let out = work.appendingPathComponent("o")
    let both = try CLI.run("featurize", [a.path, b.path, "--out", out.path])
    XCTAssertEqual(both.status, 2)
    XCTAssertTrue(both.stderr.contains(a.path) && both.stderr.contains(b.path) && both.stderr.contains("img1.png"), both.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("img1.png.lfeat").path), "no work done")

    let twice = try CLI.run("featurize", [a.path, a.path, "--out", out.path, "--json"])
    XCTAssertEqual(twice.status, 0, twice.stderr)
    XCTAssertEqual(try twice.json()["images"] as? Int, 1)

    let other = try CLI.run("featurize", [b.path, "--out", out.path, "--json"])
    XCTAssertEqual(other.status, 0, other.stderr)
    XCTAssertEqual(try other.json()["processed"] as? Int, 1, "graf's output is not boat's")
    let set = try FeatureFile.read(from: out.appendingPathComponent("img1.png.lfeat"))
    XCTAssertTrue(set.sourcePath.hasSuffix("b/boat/img1.png"), set.sourcePath)
  }

  /// Resuming keeps only outputs made with the same settings: features of another detector,
  /// or without descriptors, in the output folder are recomputed, not counted as done.
  func testResumeRecomputesOutputsMadeWithOtherSettings() throws {
    let out = work.appendingPathComponent("features")
    let mser = try CLI.run("featurize", [CLI.fixtures.path, "--out", out.path, "--detector", "mser", "--descriptor", "none", "--json"])
    XCTAssertEqual(mser.status, 0, mser.stderr)
    let file = out.appendingPathComponent("graf-img1-400.png.lfeat")
    XCTAssertEqual(try FeatureFile.read(from: file).detector, "mser")

    let mfd = try CLI.run("featurize", [CLI.fixtures.path, "--out", out.path, "--descriptor", "none", "--json"])
    XCTAssertEqual(mfd.status, 0, mfd.stderr)
    XCTAssertEqual(try mfd.json()["processed"] as? Int, 4, "other detector: recomputed")
    XCTAssertEqual(try mfd.json()["skipped"] as? Int, 0)
    XCTAssertEqual(try FeatureFile.read(from: file).detector, "mfd")

    let described = try CLI.run("featurize", [CLI.fixtures.path, "--out", out.path, "--json"])
    XCTAssertEqual(try described.json()["processed"] as? Int, 4, "descriptors now wanted: recomputed")
    XCTAssertEqual(try FeatureFile.read(from: file).descriptorKind, .rootsift)

    let again = try CLI.run("featurize", [CLI.fixtures.path, "--out", out.path, "--json"])
    XCTAssertEqual(try again.json()["skipped"] as? Int, 4, "same settings: kept")
  }

  /// A FIFO named like an image once blocked featurize forever in `open`, and a JPEG whose
  /// header claims 30000 × 30000 pixels made it allocate 7 GB and abort: both are now failed
  /// inputs with their reasons (each path printed once), and the good image is written.
  func testAFIFOAndADecompressionBombAreReportedAndTheGoodImageWritten() throws {
    let folder = work.appendingPathComponent("d")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: CLI.fixtures.appendingPathComponent("graf-img1-400.png"),
                                     to: folder.appendingPathComponent("good.png"))
    XCTAssertEqual(mkfifo(folder.appendingPathComponent("p.jpg").path, 0o644), 0)
    var bomb = [UInt8](try Data(contentsOf: CLI.fixtures.appendingPathComponent("scenes/image00-480.jpg")))
    let frame = try XCTUnwrap((0..<bomb.count - 1).first { bomb[$0] == 0xFF && (0xC0...0xC2).contains(bomb[$0 + 1]) })
    bomb[frame + 5...frame + 8] = [0x75, 0x30, 0x75, 0x30]
    try Data(bomb).write(to: folder.appendingPathComponent("bomb.jpg"))
    let out = work.appendingPathComponent("features")
    let run = try CLI.run("featurize", [folder.path, "--out", out.path, "--descriptor", "none"], timeout: 60)
    XCTAssertEqual(run.status, 1, "failed inputs, not a hang or an abort (killed: \(run.status == 15)): \(run.stderr)")
    XCTAssertTrue(run.stderr.contains("p.jpg: cannot read image: a FIFO"), run.stderr)
    XCTAssertTrue(run.stderr.contains("bomb.jpg: image too large: JPEG header declares 30000 x 30000"), run.stderr)
    let bombPath = folder.appendingPathComponent("bomb.jpg").path
    XCTAssertEqual(run.stderr.components(separatedBy: bombPath).count, 2, "the path once: \(run.stderr)")
    XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("good.png.lfeat").path))
  }

  /// A missing explicit input once aborted the whole batch with exit 2, and a dangling
  /// symbolic link in a folder was skipped without a word: both are now failed inputs,
  /// reported with their reason, and the rest is processed (exit 1).
  func testMissingInputsAndDanglingLinksAreFailedInputsNotAborts() throws {
    let folder = work.appendingPathComponent("d")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: CLI.fixtures.appendingPathComponent("graf-img1-400.png"),
                                     to: folder.appendingPathComponent("good.png"))
    try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("gone.png").path,
                                               withDestinationPath: "/nonexistent/gone.png")
    let out = work.appendingPathComponent("features")
    let run = try CLI.run("featurize", [folder.path, "/nonexistent/missing.jpg", "--out", out.path, "--descriptor", "none", "--json"])
    XCTAssertEqual(run.status, 1, run.stderr)
    let summary = try run.json()
    XCTAssertEqual(summary["processed"] as? Int, 1)
    let failed = try XCTUnwrap(summary["failed"] as? [[String: String]])
    XCTAssertEqual(failed.map { $0["path"]! }, [folder.appendingPathComponent("gone.png").path, "/nonexistent/missing.jpg"].sorted())
    XCTAssertEqual(Set(failed.map { $0["error"]! }), ["dangling symbolic link", "no such file or folder"])
    XCTAssertTrue(run.stderr.contains("missing.jpg: no such file or folder"), run.stderr)
    XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("d/good.png.lfeat").path)
                    || FileManager.default.fileExists(atPath: out.appendingPathComponent("good.png.lfeat").path))
  }

  /// A negative number after an option was reported as "Missing value"; the option's own
  /// check answers now.
  func testNegativeNumbersReachTheOptionsOwnCheck() throws {
    let run = try CLI.run("featurize", [CLI.fixtures.path, "--out", work.path, "--jobs", "-1"])
    XCTAssertEqual(run.status, 2)
    XCTAssertTrue(run.stderr.contains("--jobs must be at least 1") && !run.stderr.contains("Missing value"), run.stderr)
    let query = try CLI.run("loci", ["query", "i.lidx", "q.lfeat", "--top", "-3"])
    XCTAssertTrue(query.stderr.contains("--top must be at least 1"), query.stderr)
  }

  /// A run killed between writing `NAME.tmp-PID` and renaming it leaves that file; the next
  /// run removes it when no process has that PID, and never touches a live writer's.
  func testStaleTemporariesOfKilledRunsAreRemoved() throws {
    let finished = Process()
    finished.executableURL = URL(fileURLWithPath: "/bin/true")
    try finished.run()
    finished.waitUntilExit()
    let out = work.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: out.appendingPathComponent("sub"), withIntermediateDirectories: true)
    let stale = out.appendingPathComponent("sub/old.png.lfeat.tmp-\(finished.processIdentifier)")
    let live = out.appendingPathComponent("sub/busy.png.lfeat.tmp-\(ProcessInfo.processInfo.processIdentifier)")
    try Data([1, 2, 3]).write(to: stale)
    try Data([1, 2, 3]).write(to: live)
    let run = try CLI.run("featurize", [CLI.fixtures.appendingPathComponent("graf-img1-400.png").path, "--out", out.path,
                                        "--descriptor", "none"])
    XCTAssertEqual(run.status, 0, run.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path), "its writer is gone")
    XCTAssertTrue(FileManager.default.fileExists(atPath: live.path), "its writer (this test) is running")
  }

  /// Drawings resume like features: a kept output whose drawing is missing gets one. A
  /// drawing folder that cannot be made is a usage error naming the reason, not a raw
  /// NSError dump per image.
  func testDrawingsAreResumedAndAnUnusableDrawingFolderIsNamed() throws {
    let image = CLI.fixtures.appendingPathComponent("graf-img1-400.png")
    let out = work.appendingPathComponent("out"), drawings = work.appendingPathComponent("drawings")
    XCTAssertEqual(try CLI.run("featurize", [image.path, "--out", out.path, "--descriptor", "none"]).status, 0)
    let again = try CLI.run("featurize", [image.path, "--out", out.path, "--descriptor", "none", "--draw", drawings.path, "--json"])
    XCTAssertEqual(again.status, 0, again.stderr)
    XCTAssertEqual(try again.json()["skipped"] as? Int, 1)
    XCTAssertTrue(FileManager.default.fileExists(atPath: drawings.appendingPathComponent("graf-img1-400.png.png").path))
    let file = work.appendingPathComponent("a-file")
    try Data().write(to: file)
    let bad = try CLI.run("featurize", [image.path, "--out", out.path, "--draw", file.appendingPathComponent("d").path])
    XCTAssertEqual(bad.status, 2)
    XCTAssertTrue(bad.stderr.contains("cannot create the drawing folder") && bad.stderr.contains("Not a directory"), bad.stderr)
    XCTAssertFalse(bad.stderr.contains("Error Domain"), bad.stderr)
  }

  /// With `--json`, a usage error is one JSON document too (`error`, `exit_code` 2).
  func testUsageErrorsWithJSONPrintOneDocument() throws {
    let run = try CLI.run("featurize", [CLI.fixtures.path, "--json", "--jobs", "0", "--out", work.path])
    XCTAssertEqual(run.status, 2)
    let document = try run.json()
    XCTAssertTrue(try XCTUnwrap(document["error"] as? String).contains("--jobs"), run.stdout)
    XCTAssertEqual(document["exit_code"] as? Int, 2)
    let query = try CLI.run("loci", ["query", work.appendingPathComponent("missing.lidx").path, "q.lfeat", "--json"])
    XCTAssertEqual(query.status, 2)
    XCTAssertTrue(try XCTUnwrap(query.json()["error"] as? String).contains("missing.lidx"), query.stdout)
  }

  /// A folder of symbolic links into a shared store: each link is an image, mirrored under
  /// its own name, and the feature file records the resolved source path.
  func testSymlinkedImagesAreFeaturizedUnderTheirLinkNames() throws {
    let links = work.appendingPathComponent("links/a")
    try FileManager.default.createDirectory(at: links, withIntermediateDirectories: true)
    let target = CLI.fixtures.appendingPathComponent("graf-img1-400.png")
    try FileManager.default.createSymbolicLink(at: links.appendingPathComponent("one.png"), withDestinationURL: target)
    try FileManager.default.createSymbolicLink(at: links.appendingPathComponent("two.png"), withDestinationURL: target)
    let out = work.appendingPathComponent("features")
    let run = try CLI.run("featurize", [work.appendingPathComponent("links").path, "--out", out.path, "--descriptor", "none", "--json"])
    XCTAssertEqual(run.status, 0, run.stderr)
    XCTAssertEqual(try run.json()["images"] as? Int, 2)
    let set = try FeatureFile.read(from: out.appendingPathComponent("a/two.png.lfeat"))
    XCTAssertEqual(set.relativePath, "a/two.png")
    XCTAssertEqual(set.sourcePath, target.standardizedFileURL.resolvingSymlinksInPath().path)
  }

  func testBadImagesAreReportedAndTheRestProcessed() throws {
    let input = work.appendingPathComponent("in")
    try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
    let good = input.appendingPathComponent("good.png")
    try FileManager.default.copyItem(at: CLI.fixtures.appendingPathComponent("graf-img1-400.png"), to: good)
    let jpeg = try Data(contentsOf: CLI.fixtures.appendingPathComponent("scenes/image00-480.jpg"))
    try jpeg.prefix(jpeg.count / 2).write(to: input.appendingPathComponent("truncated.jpg"))
    try Data("not an image".utf8).write(to: input.appendingPathComponent("text.png"))
    let out = work.appendingPathComponent("out")
    let result = try CLI.run("featurize", [input.path, "--out", out.path, "--json", "--descriptor", "none"])
    XCTAssertEqual(result.status, 1)
    let summary = try result.json()
    XCTAssertEqual(summary["processed"] as? Int, 1)
    let failed = try XCTUnwrap(summary["failed"] as? [[String: String]])
    XCTAssertEqual(failed.map { URL(fileURLWithPath: $0["path"]!).lastPathComponent }, ["text.png", "truncated.jpg"])
    XCTAssertTrue(failed[1]["error"]!.contains("truncated JPEG"), failed[1]["error"]!)
    XCTAssertTrue(failed[0]["error"]!.contains("not a recognised image format"))
    XCTAssertTrue(result.stderr.contains("truncated.jpg"), "each failure is on stderr with its path")
    XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("good.png.lfeat").path))
    XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("truncated.jpg.lfeat").path))
  }

  func testTornOutputsFromAKilledRunAreRecomputed() throws {
    let out = work.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    // What a crash could leave: a half-written temporary file and a corrupt final one.
    try Data([1, 2, 3]).write(to: out.appendingPathComponent("graf-img1-400.png.lfeat.tmp-99999"))
    try Data("LOCIFEAT garbage".utf8).write(to: out.appendingPathComponent("graf-img1-400.png.lfeat"))
    let result = try CLI.run("featurize", [CLI.fixtures.appendingPathComponent("graf-img1-400.png").path, "--out", out.path,
                                           "--json", "--descriptor", "none"])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(try result.json()["processed"] as? Int, 1)
    XCTAssertNoThrow(try FeatureFile.read(from: out.appendingPathComponent("graf-img1-400.png.lfeat")))
  }

  func testVGGOutputDrawingsAndDownscaling() throws {
    let out = work.appendingPathComponent("out"), drawings = work.appendingPathComponent("draw")
    let image = CLI.fixtures.appendingPathComponent("graf-img1-400.png")
    let result = try CLI.run("featurize", [image.path, "--out", out.path, "--format", "vgg", "--draw", drawings.path,
                                           "--max-dimension", "200", "--detector", "sift", "--descriptor", "sift"])
    XCTAssertEqual(result.status, 0, result.stderr)
    let set = try FeatureFile.read(from: out.appendingPathComponent("graf-img1-400.png.vgg"))
    XCTAssertEqual(set.dimension, 128)
    XCTAssertGreaterThan(set.count, 5)
    XCTAssertGreaterThan(set.regions.map(\.x).max() ?? 0, 250, "regions are in original (400 px) coordinates")
    XCTAssertTrue(FileManager.default.fileExists(atPath: drawings.appendingPathComponent("graf-img1-400.png.png").path))
    XCTAssertTrue(result.stdout.contains("1 images (1 written"))
  }

  /// Bad usage is exit 2 with nothing on stdout; inputs that yield no image (a missing
  /// path, an empty folder) are failed inputs instead (exit 1), the rest still processed.
  func testUsageErrorsExitWithTwo() throws {
    let empty = work.appendingPathComponent("empty")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    for arguments in [[work.appendingPathComponent("missing").path, "--out", work.path], [empty.path, "--out", work.path]] {
      let result = try CLI.run("featurize", arguments)
      XCTAssertEqual(result.status, 1, "\(arguments): \(result.stderr)")
      XCTAssertTrue(result.stdout.contains("0 images (0 written, 0 already done, 1 failed)"), result.stdout)
    }
    for arguments in [
      [CLI.fixtures.path, "--out", work.path, "--jobs", "0"],
      [CLI.fixtures.path, "--out", work.path, "--detector", "nope"],
      [CLI.fixtures.path],
    ] {
      let result = try CLI.run("featurize", arguments)
      XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
      XCTAssertFalse(result.stderr.isEmpty)
      XCTAssertTrue(result.stdout.isEmpty)
    }
  }
}
