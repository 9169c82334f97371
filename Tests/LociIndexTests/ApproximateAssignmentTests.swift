import Foundation
import XCTest

@testable import LociIndex
@testable import LociQuantization

/// An index assigns with any vocabulary of its words: a kd-forest over them ranks as the flat
/// vocabulary does when it searches every word, and a vocabulary of other words is refused.
final class ApproximateAssignmentTests: XCTestCase {
  func testAKDForestOverTheSameWordsRanksLikeExactAssignment() throws {
    let data = IndexTestData(seed: 41, dimension: 64, words: 16)
    var index = try RetrievalIndex(vocabulary: data.vocabulary, trainingFrom: data.images)
    try index.add(data.images)
    // maxChecks above the word count: the forest's search is exhaustive, so exact.
    let forest = KDForestVocabulary(base: data.vocabulary, maxChecks: 64)
    let approximate = try index.replacingVocabulary(with: forest)
    XCTAssertTrue(approximate.vocabulary is KDForestVocabulary)
    XCTAssertEqual(approximate.vocabularyFingerprint, index.vocabularyFingerprint)
    for i in 0..<3 {
      let query = data.query(near: i, seed: UInt64(7 + i))
      XCTAssertEqual(approximate.queryAssignments(query), index.queryAssignments(query))
      XCTAssertEqual(try approximate.query(query), try index.query(query))
    }
    // The replaced index keeps adding like the original.
    var grown = approximate
    try grown.add([data.query(near: 1, seed: 3)])
    XCTAssertEqual(grown.images.count, data.images.count + 1)
  }

  func testAVocabularyOfOtherWordsIsRefused() throws {
    let data = IndexTestData(seed: 42, dimension: 64)
    var index = try RetrievalIndex(vocabulary: data.vocabulary, trainingFrom: data.images)
    try index.add(data.images)
    var moved = data.vocabulary.centroids
    moved[0] += 0.5
    let other = FlatVocabulary(dimension: 64, centroids: moved)
    XCTAssertThrowsError(try index.replacingVocabulary(with: other)) {
      guard case .differentWords = $0 as? IndexError else { return XCTFail("\($0)") }
    }
  }

  func testGroupedWordSearchProbingEveryGroupRanksLikeExactAndSwitchesBack() throws {
    let data = IndexTestData(seed: 43, dimension: 64, words: 16)
    var index = try RetrievalIndex(vocabulary: data.vocabulary, trainingFrom: data.images)
    try index.add(data.images)
    // 16 words form at most 16 groups: 64 probes search them all.
    let grouped = index.assigning(.grouped(probes: 64))
    XCTAssertTrue(grouped.vocabulary is GroupedVocabulary)
    for i in 0..<3 {
      let query = data.query(near: i, seed: UInt64(11 + i))
      XCTAssertEqual(grouped.queryAssignments(query), index.queryAssignments(query))
      XCTAssertEqual(try grouped.query(query), try index.query(query))
    }
    XCTAssertTrue(grouped.assigning(.exact).vocabulary is FlatVocabulary)
    let sharded = try ShardedIndex(shards: [index]).assigning(.grouped(probes: 2))
    XCTAssertEqual((sharded.shards[0].vocabulary as? GroupedVocabulary)?.probes, 2)
  }

  /// ASMK* "medians" projects the query's descriptors once and averages the projections per
  /// word; the codes must be those of the projected mean descriptor, bit for bit except
  /// where a value is within rounding of its threshold.
  func testMediansCodesAreThoseOfTheProjectedMeanDescriptor() throws {
    let data = IndexTestData(seed: 44, dimension: 32, words: 8, images: 8, featuresPerImage: 40)
    let index = try RetrievalIndex(vocabulary: data.vocabulary, trainingFrom: data.images)
    XCTAssertEqual(index.options.kernel, .asmkStar)
    XCTAssertEqual(index.options.binarisation, .medians)
    let embedding = try XCTUnwrap(index.embedding)
    let query = data.query(near: 2, seed: 5), d = 32
    let assignments = index.vocabulary.assign(query.descriptors, k: 3)
    let perFeature = (0..<query.count).map { i in Array(assignments.words[(i * 3)..<(i * 3 + 3)]) }
    let entries = Embedder(index: index).aggregated(query.descriptors, assignments: perFeature)
    var members: [Int: [Int]] = [:]
    for (i, words) in perFeature.enumerated() { for w in words { members[Int(w), default: []].append(i) } }
    XCTAssertEqual(entries.map(\.word), members.keys.sorted())
    var checked = 0
    for entry in entries {
      let features = members[entry.word]!
      let mean = (0..<d).map { j in features.reduce(0.0) { $0 + Double(query.descriptors[$1 * d + j]) } / Double(features.count) }
      for b in 0..<embedding.bits {
        let value = (0..<d).reduce(0.0) { $0 + Double(embedding.projection[b * d + $1]) * mean[$1] }
        let threshold = Double(embedding.thresholds[entry.word * embedding.bits + b])
        guard abs(value - threshold) > 1e-4 else { continue }
        let bit = (entry.code[b >> 6] >> UInt64(b & 63)) & 1 == 1
        XCTAssertEqual(bit, value > threshold, "word \(entry.word) bit \(b)")
        checked += 1
      }
    }
    XCTAssertGreaterThan(checked, entries.count * embedding.bits * 9 / 10)
  }
}
