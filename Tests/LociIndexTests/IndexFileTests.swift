import Foundation
import XCTest

@testable import LociIndex

final class IndexFileTests: XCTestCase {
  var folder: URL!

  override func setUpWithError() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("loci-index-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

  func makeIndex(_ kernel: IndexKernel, _ data: IndexTestData) throws -> (RetrievalIndex, URL) {
    let vocabularyURL = folder.appendingPathComponent("v.lvoc")
    try VocabularyFile.write(data.vocabulary, method: "kmeans", parameters: "", to: vocabularyURL)
    var options = IndexOptions()
    options.kernel = kernel
    var index = RetrievalIndex(vocabulary: data.vocabulary, options: options, training: data.images.flatMap(\.descriptors))
    index.vocabularyPath = vocabularyURL.path
    index.detector = "test"
    index.add(data.images)
    return (index, vocabularyURL)
  }

  func testRoundTripKeepsScoresImagesAndGeometry() throws {
    for kernel in IndexKernel.allCases {
      let data = IndexTestData(seed: 5, dimension: 64)
      let (index, _) = try makeIndex(kernel, data)
      let url = folder.appendingPathComponent("i.lidx")
      try IndexFile.write(index, to: url)
      let back = try IndexFile.read(from: url)
      XCTAssertEqual(back.images, index.images)
      XCTAssertEqual(back.lists, index.lists)
      XCTAssertEqual(back.geometry, index.geometry)
      XCTAssertEqual(back.embedding, index.embedding)
      XCTAssertEqual(back.options, index.options)
      XCTAssertEqual(back.detector, "test")
      let query = data.query(near: 3, seed: 1)
      XCTAssertEqual(back.score(query), index.score(query), "\(kernel)")
      XCTAssertEqual(back.geometry.regions(ofImage: 2).count, data.images[2].count)
      XCTAssertEqual(back.geometry.regions(ofImage: 2)[3].x, data.images[2].regions[3].x, accuracy: 1e-4)
    }
  }

  func testMalformedFilesGiveTypedErrors() throws {
    let data = IndexTestData(seed: 6, dimension: 64, images: 3, featuresPerImage: 6)
    let (index, vocabularyURL) = try makeIndex(.asmkStar, data)
    let bytes = IndexFile.encode(index)
    let vocabulary = { (_: String) throws -> FlatVocabulary in data.vocabulary }
    // Every truncation is refused with a typed error, never a crash.
    for length in stride(from: 0, to: bytes.count, by: Swift.max(1, bytes.count / 300)) {
      XCTAssertThrowsError(try IndexFile.decode(Array(bytes[0..<length]), path: "x.lidx", vocabulary: vocabulary)) { error in
        XCTAssertTrue(error is IndexFileError, "length \(length): \(error)")
      }
    }
    var flipped = bytes
    flipped[bytes.count / 2] ^= 0x10
    XCTAssertThrowsError(try IndexFile.decode(flipped, path: "x.lidx", vocabulary: vocabulary)) {
      XCTAssertEqual($0 as? IndexFileError, .checksumMismatch(path: "x.lidx"))
    }
    var magic = bytes
    magic[0] = 0
    XCTAssertThrowsError(try IndexFile.decode(magic, path: "x.lidx", vocabulary: vocabulary)) {
      XCTAssertEqual($0 as? IndexFileError, .badMagic(path: "x.lidx"))
    }
    // A different vocabulary is refused by fingerprint.
    let other = IndexTestData(seed: 99, dimension: 64).vocabulary
    XCTAssertThrowsError(try IndexFile.decode(bytes, path: "x.lidx", vocabulary: { _ in other })) { error in
      guard case .vocabularyMismatch = error as? IndexFileError else { return XCTFail("\(error)") }
    }
    // A missing vocabulary file names that file.
    try FileManager.default.removeItem(at: vocabularyURL)
    let url = folder.appendingPathComponent("i.lidx")
    try IndexFile.write(index, to: url)
    XCTAssertThrowsError(try IndexFile.read(from: url)) { XCTAssertTrue($0 is VocabularyFileError) }
  }

  /// A write that fails leaves the previous index in place (temp file + rename).
  func testFailedWriteLeavesTheOldIndex() throws {
    let data = IndexTestData(seed: 7, dimension: 64, images: 2, featuresPerImage: 4)
    let (index, _) = try makeIndex(.he, data)
    let url = folder.appendingPathComponent("i.lidx")
    try IndexFile.write(index, to: url)
    let before = try Data(contentsOf: url)
    XCTAssertThrowsError(try IndexFile.write(index, to: folder.appendingPathComponent("missing/dir/i.lidx")))
    XCTAssertEqual(try Data(contentsOf: url), before)
  }
}
