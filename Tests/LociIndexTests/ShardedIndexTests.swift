import Foundation
import XCTest

@testable import LociIndex

/// Shards built from one template rank and score as the single index over the same images.
final class ShardedIndexTests: XCTestCase {
  /// A template (trained, empty), the single index over every image, and three shards of
  /// consecutive slices with the same identifiers.
  private func build(_ options: IndexOptions, _ data: IndexTestData) throws -> (single: RetrievalIndex, sharded: ShardedIndex) {
    let template = try RetrievalIndex(vocabulary: data.vocabulary, options: options, trainingFrom: data.images)
    var single = template
    try single.add(data.images)
    let slices = [0..<2, 2..<3, 3..<data.images.count]
    let shards = try slices.map { slice -> RetrievalIndex in
      var shard = template
      try shard.add(Array(data.images[slice]), ids: slice.map(Int64.init))
      return shard
    }
    return (single, try ShardedIndex(shards: shards))
  }

  func testShardedRankingAndScoresEqualTheSingleIndexForEveryKernel() throws {
    // A world whose images use different subsets of the words, so that shards see different
    // words and idf differs between a shard and the collection.
    let data = IndexTestData(seed: 51, dimension: 64, words: 16, images: 7)
    for kernel in IndexKernel.allCases {
      for useIDF in [false, true] {
        var options = IndexOptions()
        options.kernel = kernel
        options.useIDF = useIDF
        let (single, sharded) = try build(options, data)
        for q in [0, 3, 6] {
          let query = data.query(near: q, seed: UInt64(q + 1))
          let expected = try single.query(query)
          let found = try sharded.query(query)
          let label = "\(kernel) idf \(useIDF) query \(q)"
          XCTAssertEqual(found.map(\.id), expected.map(\.id), label)
          for (a, b) in zip(found, expected) { XCTAssertEqual(a.score, b.score, accuracy: 1e-5 * Swift.max(1, abs(b.score)), label) }
          XCTAssertEqual(found.map { sharded.image($0).path }, expected.map { single.images[$0.image].path }, label)
        }
      }
    }
  }

  func testShardedReRankingEqualsTheSingleIndex() throws {
    let data = IndexTestData(seed: 52, dimension: 64, words: 16, images: 7)
    var options = IndexOptions()
    options.useIDF = true
    let (single, sharded) = try build(options, data)
    for method in [SpatialReranker.Method.ransac, .hpm] {
      var reranker = SpatialReranker(method: method, shortlist: 5)
      reranker.minInliers = 2
      let query = data.query(near: 4, seed: 9)
      let assignments = single.queryAssignments(query)
      let (expected, expectedChecks) = reranker.rerank(try single.query(query, assignments: assignments), query: query,
                                                       assignments: assignments, index: single)
      let result = try sharded.search(query, reranker: reranker)
      let (found, foundChecks) = (result.ranking, result.verified)
      XCTAssertEqual(found.map(\.id), expected.map(\.id), "\(method)")
      XCTAssertEqual(foundChecks.map(\.check.inliers), expectedChecks.map(\.inliers), "\(method)")
      XCTAssertEqual(foundChecks.map(\.check.kernelRank), expectedChecks.map(\.kernelRank), "\(method)")
      for (a, b) in zip(foundChecks, expectedChecks) { XCTAssertEqual(a.check.score, b.score, accuracy: 1e-6 * Swift.max(1, abs(b.score))) }
      XCTAssertTrue(foundChecks.contains { $0.check.verified }, "the shortlist holds verified images: \(method)")
    }
  }

  func testShardsOfOtherTemplatesOrRepeatedIdentifiersAreRefused() throws {
    let data = IndexTestData(seed: 53, dimension: 64)
    var a = try RetrievalIndex(vocabulary: data.vocabulary, trainingFrom: data.images)
    try a.add([data.images[0]], ids: [1])
    var b = try RetrievalIndex(vocabulary: data.vocabulary, trainingFrom: Array(data.images[1...]))  // other training
    try b.add([data.images[1]], ids: [2])
    XCTAssertThrowsError(try ShardedIndex(shards: [a, b]))
    var c = a
    c.images[0].id = 1
    XCTAssertThrowsError(try ShardedIndex(shards: [a, c]), "identifier 1 in two shards")
    XCTAssertThrowsError(try ShardedIndex(shards: []))
  }
}
