import Foundation
import LociCore
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
    var index = try RetrievalIndex(vocabulary: data.vocabulary, options: options, training: data.images.flatMap(\.descriptors))
    index.vocabularyPath = vocabularyURL.path
    index.detector = "test"
    try index.add(data.images)
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
      XCTAssertEqual(back.queryOptions, index.queryOptions)
      XCTAssertEqual(back.detector, "test")
      let query = data.query(near: 3, seed: 1)
      XCTAssertEqual(try back.score(query), try index.score(query), "\(kernel)")
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

  /// CRC-valid files whose values contradict each other (written from inconsistent parts, or
  /// patched and re-sealed) are refused with `implausible`, naming what is wrong, where they
  /// used to trap at query time or reserve memory for a size the file cannot hold.
  func testConsistentChecksumButInconsistentValuesAreRefused() throws {
    let data = IndexTestData(seed: 6, dimension: 64, images: 3, featuresPerImage: 6)
    let vocabulary = { (_: String) throws -> FlatVocabulary in data.vocabulary }
    func refused(_ index: RetrievalIndex, _ expected: String, line: UInt = #line) {
      XCTAssertThrowsError(try IndexFile.decode(IndexFile.encode(index), path: "x.lidx", vocabulary: vocabulary), line: line) {
        guard case let .implausible(_, reason) = $0 as? IndexFileError else { return XCTFail("\($0)", line: line) }
        XCTAssertTrue(reason.contains(expected), reason, line: line)
      }
    }
    let (star, _) = try makeIndex(.asmkStar, data)
    let (bow, _) = try makeIndex(.bow, data)
    func rebuilt(_ i: RetrievalIndex, queryOptions: QueryOptions? = nil, embedding: BinaryEmbedding?? = nil) -> RetrievalIndex {
      RetrievalIndex(options: i.options, queryOptions: queryOptions ?? i.queryOptions, vocabulary: i.vocabulary,
                     embedding: embedding ?? i.embedding, lists: i.lists, images: i.images, geometry: i.geometry)
    }
    refused(rebuilt(star, embedding: .some(nil)), "has no binary embedding")
    refused(rebuilt(bow, embedding: .some(star.embedding)), "cannot use")
    var noThresholds = star.embedding!
    noThresholds.thresholds = []
    refused(rebuilt(star, embedding: .some(noThresholds)), "thresholds are missing")
    var queryOptions = star.queryOptions
    queryOptions.multipleAssignment = 0
    refused(rebuilt(star, queryOptions: queryOptions), "multiple assignment 0 is below 1")
    var duplicateIDs = star
    duplicateIDs.images[1].id = duplicateIDs.images[0].id
    refused(duplicateIDs, "image identifier \(star.images[0].id) appears twice")
    // Parts the index itself would never hold, set after it is built (its norms read them).
    var shortValues = bow
    let word = shortValues.lists.firstIndex { $0.count > 0 }!
    shortValues.lists[word].values.removeLast()
    refused(shortValues, "posting values")
    var infinite = star
    infinite.geometry.geometry[3] = .infinity
    refused(infinite, "non-finite feature geometry")

    // A vocabulary-size field of 0xFFFFFFFF, re-sealed: refused before any reservation.
    var bytes = IndexFile.encode(star)
    let pathLength = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24
    let sizeOffset = 16 + pathLength + 4 + 4
    for k in 0..<4 { bytes[sizeOffset + k] = 0xFF }
    let crc = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<(bytes.count - 4)])) }
    for k in 0..<4 { bytes[bytes.count - 4 + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
    XCTAssertThrowsError(try IndexFile.decode(bytes, path: "x.lidx", vocabulary: vocabulary)) {
      guard case let .implausible(_, reason) = $0 as? IndexFileError else { return XCTFail("\($0)") }
      XCTAssertTrue(reason.contains("vocabulary size 4294967295"), reason)
    }
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
