import Foundation
import LociCore
import XCTest

@testable import LociQuantization

final class DRVQTests: XCTestCase {
  /// Random non-negative "descriptors" with structure in every dimension (a mixture of 40
  /// blobs), so that every tree level has something to cluster.
  static func mixture(dimension: Int, count: Int, seed: UInt64) -> [Float] {
    var rng = SplitMix64(seed: seed)
    let centres = (0..<40).map { _ in (0..<dimension).map { _ in Float(rng.unit()) } }
    return KMeansTests.blobs(centres, perBlob: count / 40, sigma: 0.05, seed: seed + 1)
  }

  /// 1-D, one level: the leaf alone. Four well-separated clusters at 0.1, 0.3, 0.6 and 0.9
  /// must come back as the four centroids, sorted (the leaf keeps its codebook sorted).
  func testLeafRecoversFourClustersOnTheLine() throws {
    let data = KMeansTests.blobs([[0.1], [0.3], [0.6], [0.9]], perBlob: 500, sigma: 0.01, seed: 3)
    let vocabulary = try DRVQ.train(data, dimension: 1, options: DRVQOptions(books: 1, capacities: [4]))
    XCTAssertEqual(vocabulary.count, 4)
    let centroids = vocabulary.centroids
    for (c, expected) in zip(centroids, [0.1, 0.3, 0.6, 0.9] as [Float]) { XCTAssertEqual(c, expected, accuracy: 0.002) }
    // Each point's fast label (its histogram bin's) is its own cluster.
    let labels = vocabulary.encode(data, with: .fast)
    for (i, label) in labels.enumerated() { XCTAssertEqual(Int(label), i / 500) }
  }

  /// 2-D, a leaf per axis and a root on their 16 × 16 grid: eight blobs placed at distinct x
  /// and y coordinates must be found as the eight root codewords, within the grid's resolution.
  func testRootFindsEightBlobsOnTheChildGrid() throws {
    let centres: [[Float]] = (0..<8).map { i in [Float(i) / 8 + 0.05, Float((i * 3) % 8) / 8 + 0.05] }
    let data = KMeansTests.blobs(centres, perBlob: 200, sigma: 0.01, seed: 9)
    let vocabulary = try DRVQ.train(data, dimension: 2, options: DRVQOptions(books: 1, capacities: [16, 8]))
    XCTAssertEqual(vocabulary.count, 8)
    let words = vocabulary.centroids
    for centre in centres {
      let nearest = (0..<8).map { hypot(words[2 * $0] - centre[0], words[2 * $0 + 1] - centre[1]) }.min()!
      XCTAssertLessThan(nearest, 0.02, "a word at \(centre)")
    }
  }

  /// The oracle: exact encoding (distance tables gathered up the tree) equals brute-force
  /// nearest words over the expanded codebook: same words, same squared distances, for the
  /// 3 nearest, with one book and with two (product of the books' codebooks).
  func testExactEncodingEqualsBruteForceOnItsOwnCodebook() throws {
    let data = Self.mixture(dimension: 16, count: 4000, seed: 21)
    for options in [DRVQOptions(books: 1, capacities: [8, 16, 32, 64, 128]), DRVQOptions(books: 2, capacities: [8, 16, 16, 32])] {
      let vocabulary = try DRVQ.train(data, dimension: 16, options: options)
      XCTAssertEqual(vocabulary.count, options.books == 1 ? 128 : 32 * 32)
      let queries = Self.mixture(dimension: 16, count: 400, seed: 77)
      let exact = vocabulary.assign(queries, k: 3)
      let brute = FlatVocabulary(dimension: 16, centroids: vocabulary.centroids).assign(queries, k: 3)
      var sameWords = 0
      for i in 0..<(queries.count / 16 * 3) {
        XCTAssertEqual(exact.distances[i], brute.distances[i], accuracy: 1e-4)
        if exact.words[i] == brute.words[i] { sameWords += 1 }
      }
      // Words may differ only where two codewords tie (duplicated concatenations).
      XCTAssertGreaterThan(Double(sameWords) / Double(exact.words.count), 0.995)
      XCTAssertEqual(vocabulary.encode(queries, with: .exact), exact.words.enumerated().filter { $0.offset % 3 == 0 }.map(\.element))
    }
  }

  /// Propagation against the obvious answer: after training, the cell table labels (nearly)
  /// every populated grid cell of the root with its nearest codeword by true distance. A
  /// front can be cut off from a sliver of its Voronoi cell, so the bound is 97 %, not 100 %;
  /// a broken propagation (wrong distance, wrong neighbour) lands far below it.
  func testPropagationLabelsCellsWithTheirNearestCodeword() throws {
    let data = Self.mixture(dimension: 4, count: 8000, seed: 5)
    let vocabulary = try DRVQ.train(data, dimension: 4, options: DRVQOptions(books: 1, capacities: [16, 32, 64]))
    let book = vocabulary.books[0], root = book.last!
    let left = book[root.child0], right = book[root.child1]
    func distance(_ point: [Float], _ word: Int) -> Float {
      var sum: Float = 0
      for j in 0..<4 { sum += (point[j] - root.codewords[word * 4 + j]) * (point[j] - root.codewords[word * 4 + j]) }
      return sum
    }
    var agree = 0, total = 0
    for l1 in 0..<right.count {
      for l0 in 0..<left.count {
        let point = Array(left.codewords[(l0 * 2)..<(l0 * 2 + 2)]) + Array(right.codewords[(l1 * 2)..<(l1 * 2 + 2)])
        let nearest = (0..<root.count).map { distance(point, $0) }.min()!
        let label = Int(root.source[l0 + left.count * l1])
        if distance(point, label) <= nearest + 1e-6 { agree += 1 }
        total += 1
      }
    }
    XCTAssertGreaterThan(Double(agree) / Double(total), 0.97, "\(agree) of \(total) cells")
    // Every codeword's own cell is labelled with it.
    for k in 0..<root.count { XCTAssertEqual(Int(root.source[Int(root.code0[k]) + left.count * Int(root.code1[k])]), k) }
  }

  /// The cheap encoders against exact on held-out data: approximate must beat fast, and both
  /// must be far better than chance (1/256). Figures measured on this fixture: fast 0.35,
  /// approximate 0.86 (seed 31); the bounds leave room for platform float differences.
  func testFastAndApproximateEncodersAgainstExact() throws {
    let data = Self.mixture(dimension: 8, count: 12000, seed: 31)
    let vocabulary = try DRVQ.train(data, dimension: 8, options: DRVQOptions(books: 1, capacities: [16, 32, 64, 256]))
    let queries = Self.mixture(dimension: 8, count: 2000, seed: 32)
    let exact = vocabulary.encode(queries, with: .exact)
    let recall = { (words: [UInt32]) in Double(zip(words, exact).filter { $0 == $1 }.count) / Double(exact.count) }
    let fast = recall(vocabulary.encode(queries, with: .fast))
    let approximate = recall(vocabulary.encode(queries, with: .approximate))
    print("DRVQ encoders: fast \(fast), approximate \(approximate)")
    XCTAssertGreaterThan(fast, 0.25)
    XCTAssertGreaterThan(approximate, fast + 0.3)
  }

  func testSeededTrainingIsReproducible() throws {
    let data = Self.mixture(dimension: 8, count: 2000, seed: 41)
    let options = DRVQOptions(books: 2, capacities: [8, 16, 32])
    XCTAssertEqual(try DRVQ.train(data, dimension: 8, options: options).books,
                   try DRVQ.train(data, dimension: 8, options: options).books)
  }

  func testDefaultCapacitiesForRootSIFT() {
    XCTAssertEqual(DRVQOptions(words: 4096, dimension: 128).capacities, [16, 32, 64, 128, 256, 512, 1024, 4096])
    XCTAssertEqual(DRVQOptions(words: 65536, dimension: 128, books: 2).capacities, [16, 32, 64, 128, 256, 256, 256])
  }

  func testRefusesBadShapes() {
    let data = [Float](repeating: 0.5, count: 12 * 10)
    XCTAssertThrowsError(try DRVQ.train(data, dimension: 12, options: DRVQOptions(books: 1, capacities: [4, 4]))) {
      XCTAssertEqual($0 as? DRVQError, .badShape(dimension: 12, books: 1))
    }
    XCTAssertThrowsError(try DRVQ.train(data, dimension: 12, options: DRVQOptions(books: 3, capacities: [4, 4]))) {
      XCTAssertEqual($0 as? DRVQError, .badCapacities(expected: 3, got: [4, 4]))
    }
    XCTAssertThrowsError(try DRVQ.train([], dimension: 4, options: DRVQOptions(books: 1, capacities: [4, 4, 4]))) {
      XCTAssertEqual($0 as? DRVQError, .noData)
    }
    XCTAssertThrowsError(try DRVQ.train(data, dimension: 12, options: DRVQOptions(books: 3, capacities: [4, 4, 4096]))) {
      XCTAssertEqual($0 as? DRVQError, .tooManyWords(1 << 36))
    }
  }

  /// Constant data: every level collapses to one codeword instead of failing.
  func testConstantDataGivesOneWord() throws {
    let vocabulary = try DRVQ.train([Float](repeating: 0.25, count: 4 * 50), dimension: 4,
                                    options: DRVQOptions(books: 1, capacities: [4, 8, 16]))
    XCTAssertEqual(vocabulary.count, 1)
    XCTAssertEqual(vocabulary.encode([0.25, 0.25, 0.25, 0.25, 9, 9, 9, 9], with: .fast), [0, 0])
    XCTAssertEqual(vocabulary.centroids, [0.25, 0.25, 0.25, 0.25])
  }

  // MARK: Files

  func testVocabularyFileRoundTripKeepsTheTree() throws {
    let data = Self.mixture(dimension: 8, count: 3000, seed: 51)
    let vocabulary = try DRVQ.train(data, dimension: 8, options: DRVQOptions(books: 2, capacities: [8, 16, 32]))
    let flat = FlatVocabulary(dimension: 8, centroids: vocabulary.centroids)
    let bytes = VocabularyFile.encode(flat, method: "drvq", parameters: "p", drvq: vocabulary)
    let back = try VocabularyFile.decode(bytes, path: "v.lvoc")
    XCTAssertEqual(back.drvq?.books, vocabulary.books)
    XCTAssertEqual(back.vocabulary.centroids, flat.centroids)
    XCTAssertEqual(back.drvq?.encode(data, with: .fast), vocabulary.encode(data, with: .fast))
    // Every truncation is refused with a typed error, never a trap.
    for cut in stride(from: 0, to: bytes.count, by: Swift.max(1, bytes.count / 200)) {
      XCTAssertThrowsError(try VocabularyFile.decode(Array(bytes[0..<cut]), path: "v.lvoc"))
    }
  }

  /// A tree whose cell table points past its codebook is refused even with a valid checksum
  /// (a writer bug, not a disk error), so encoders never index out of range.
  func testInconsistentTreeIsRefused() throws {
    let data = Self.mixture(dimension: 2, count: 1000, seed: 61)
    var vocabulary = try DRVQ.train(data, dimension: 2, options: DRVQOptions(books: 1, capacities: [8, 16]))
    var books = vocabulary.books
    books[0][2].source[0] = 999
    vocabulary = DRVQVocabulary(dimension: 2, books: books, approximateRange: 0.45)
    let bytes = VocabularyFile.encode(FlatVocabulary(dimension: 2, centroids: vocabulary.centroids), method: "drvq",
                                      parameters: "", drvq: vocabulary)
    XCTAssertThrowsError(try VocabularyFile.decode(bytes, path: "bad.lvoc")) { error in
      guard case .implausible(_, let reason)? = error as? VocabularyFileError else { return XCTFail("\(error)") }
      XCTAssertTrue(reason.contains("out of range"), reason)
    }
  }
}
