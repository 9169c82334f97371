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
}
