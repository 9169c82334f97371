/// The best hits of a stream, best first (higher score, then lower shard and position), or
/// all of them when `limit` is nil. Hits must be offered in shard-then-position order.
///
/// Bounded: it keeps at most about 2 × `limit` hits, sorting and trimming to `limit` when
/// that fills, and then skips every hit not above the worst kept score (an equal score loses
/// the tie to the kept hit, which came earlier). Ordering 100,000 images by a full sort cost
/// more than scoring them; this is linear in the collection with a small constant.
struct BestHits {
  let limit: Int?
  private var kept: [ShardedIndex.Hit] = []
  private var floor: Float = -.infinity
  private var trimmed = false

  init(limit: Int?) { self.limit = limit.map { Swift.max(0, $0) } }

  static func before(_ a: ShardedIndex.Hit, _ b: ShardedIndex.Hit) -> Bool {
    a.score > b.score || (a.score == b.score && (a.shard, a.image) < (b.shard, b.image))
  }

  mutating func offer(_ hit: ShardedIndex.Hit) {
    guard let limit else { return kept.append(hit) }
    guard limit > 0, !trimmed || hit.score > floor else { return }
    kept.append(hit)
    if kept.count >= 2 * limit + 64 {
      kept.sort(by: Self.before)
      kept.removeLast(kept.count - limit)
      floor = kept[limit - 1].score
      trimmed = true
    }
  }

  func ranked() -> [ShardedIndex.Hit] {
    let all = kept.sorted(by: Self.before)
    guard let limit else { return all }
    return Array(all.prefix(limit))
  }
}
