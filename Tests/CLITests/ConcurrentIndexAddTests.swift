import Foundation
import LociFeatures
import XCTest

/// Concurrent `loci index add` on one index once lost images (each process read the old
/// index, added its own and renamed its copy over the other's, both exiting 0). Adds now
/// take the index's write lock around read, add and write, so they take turns.
final class ConcurrentIndexAddTests: XCTestCase {
  func testConcurrentAddsToOneIndexLoseNoImage() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let features = folder.appendingPathComponent("feat")
    let image = CLI.fixtures.appendingPathComponent("graf-img1-400.png")
    XCTAssertEqual(try CLI.run("featurize", [image.path, "--out", features.path]).status, 0)
    // Output folders that do not exist yet are created, as featurize creates its --out.
    let vocab = folder.appendingPathComponent("vocabularies/new/v.lvoc")
    XCTAssertEqual(try CLI.run("loci", ["vocab", "train", features.path, "--size", "16", "--out", vocab.path]).status, 0)
    let index = folder.appendingPathComponent("indexes/new/i.lidx")
    XCTAssertEqual(try CLI.run("loci", ["index", "build", features.path, "--vocab", vocab.path, "--out", index.path]).status, 0)

    // Writers × images each: copies of the one feature file under distinct source paths.
    let original = try FeatureFile.read(from: features.appendingPathComponent("graf-img1-400.png.lfeat"))
    let writers = 6, perWriter = 4
    let batches = try (0..<writers).map { w -> URL in
      let batch = folder.appendingPathComponent("batch\(w)")
      try FileManager.default.createDirectory(at: batch, withIntermediateDirectories: true)
      for k in 0..<perWriter {
        var copy = original
        copy.sourcePath = "/images/batch\(w)/copy\(k).png"
        copy.relativePath = "batch\(w)/copy\(k).png"
        try FeatureFile.write(copy, to: batch.appendingPathComponent("copy\(k).png.lfeat"))
      }
      return batch
    }
    let statuses = Statuses(count: writers)
    DispatchQueue.concurrentPerform(iterations: writers) { w in
      let run = try? CLI.run("loci", ["index", "add", index.path, batches[w].path, "--json"], timeout: 120)
      statuses.set(w, run?.status ?? -1)
    }
    XCTAssertEqual(statuses.values, Array(repeating: 0, count: writers))
    let final = try CLI.run("loci", ["index", "add", index.path, features.path, "--json"])
    XCTAssertEqual(final.status, 0, final.stderr)
    XCTAssertEqual(try final.json()["images"] as? Int, 1 + writers * perWriter, "every writer's images are in the index")
    XCTAssertEqual(try final.json()["added"] as? Int, 0)
    XCTAssertTrue(FileManager.default.fileExists(atPath: index.path + ".lock"))
  }
}

/// Exit statuses collected from concurrent runs.
private final class Statuses: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [Int32]
  init(count: Int) { stored = Array(repeating: -2, count: count) }
  func set(_ i: Int, _ value: Int32) { lock.lock(); stored[i] = value; lock.unlock() }
  var values: [Int32] { lock.lock(); defer { lock.unlock() }; return stored }
}
