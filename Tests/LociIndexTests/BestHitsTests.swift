import LociCore
import XCTest

@testable import LociIndex

/// The bounded selection of the best hits equals the prefix of a full sort, ties included.
final class BestHitsTests: XCTestCase {
  func testBoundedSelectionEqualsThePrefixOfAFullSort() {
    var rng = SplitMix64(seed: 3)
    // Scores from a small set, so that ties are common and cross the trimming floor.
    var hits: [ShardedIndex.Hit] = []
    for shard in 0..<3 {
      for image in 0..<900 { hits.append(.init(shard: shard, image: image, id: Int64(hits.count), score: Float(rng.next() % 40) / 8)) }
    }
    let sorted = hits.sorted(by: BestHits.before)
    for limit in [0, 1, 7, 100, 2_000, 5_000] {
      var best = BestHits(limit: limit)
      for hit in hits { best.offer(hit) }
      XCTAssertEqual(best.ranked(), Array(sorted.prefix(limit)), "limit \(limit)")
    }
    var all = BestHits(limit: nil)
    for hit in hits { all.offer(hit) }
    XCTAssertEqual(all.ranked(), sorted)
  }
}
