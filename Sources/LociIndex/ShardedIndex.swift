import Foundation

/// Indexes built apart from one template (`loci index init`: the same vocabulary, kernel,
/// options and binary embedding) queried as one: the ranking and scores equal those of a
/// single index over all their images, up to float rounding.
///
/// What makes them equal is the collection's statistics: idf (and, with idf off, which words
/// are present at all) and so every image's norm depend on all images, so each shard adopts
/// the sums over the shards (`adoptCollectionStatistics`) before it scores. Each shard then
/// scores its own images exactly as the single index would; the rankings merge by score,
/// ties by shard and position (the single index's order when the shards hold consecutive
/// slices of it), and re-ranking verifies the merged shortlist, each image against its own
/// shard's geometry, with the same ordering rule.
public struct ShardedIndex: Sendable {
  public internal(set) var shards: [RetrievalIndex]
  /// Where each shard's images start in the collection's numbering (shard order, then position).
  public let offsets: [Int]

  /// Why shards cannot be queried as one.
  public struct Mismatch: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
  }

  public init(shards: [RetrievalIndex]) throws {
    guard let first = shards.first else { throw Mismatch(description: "no shards") }
    var ids = Set<Int64>()
    for (k, shard) in shards.enumerated() {
      guard shard.vocabularyFingerprint == first.vocabularyFingerprint, shard.options == first.options,
            shard.embedding == first.embedding else {
        throw Mismatch(description: "shard \(k) was not built from the same template as shard 0 "
          + "(vocabulary, kernel, options or binary embedding differ)")
      }
      guard shard.detector.isEmpty || first.detector.isEmpty || shard.detector == first.detector,
            shard.featureParameters.isEmpty || first.featureParameters.isEmpty || shard.featureParameters == first.featureParameters else {
        throw Mismatch(description: "shard \(k) holds features of other settings (\(shard.detector) \(shard.featureParameters))")
      }
      for image in shard.images where !ids.insert(image.id).inserted {
        throw Mismatch(description: "image identifier \(image.id) is in two shards (give shards disjoint identifiers)")
      }
    }
    let total = shards.reduce(0) { $0 + $1.images.count }
    offsets = shards.reduce(into: [0]) { $0.append($0.last! + $1.images.count) }.dropLast()
    var frequency = [Int](repeating: 0, count: first.vocabulary.count)
    for shard in shards { for (w, list) in shard.lists.enumerated() { frequency[w] += list.imageCount } }
    self.shards = shards.map { shard in
      var adopted = shard
      adopted.adoptCollectionStatistics(imageCount: total, documentFrequency: frequency)
      return adopted
    }
  }

  /// One ranked image: its shard, its position there, its identifier and score.
  public struct Hit: Sendable, Equatable {
    public var shard: Int
    public var image: Int
    public var id: Int64
    public var score: Float
  }

  public var imageCount: Int { shards.reduce(0) { $0 + $1.images.count } }

  /// The indexed image a hit names.
  public func image(_ hit: Hit) -> IndexedImage { shards[hit.shard].images[hit.image] }

  /// A hit's number in the whole collection (shard order, then position).
  public func collectionPosition(_ hit: Hit) -> Int { offsets[hit.shard] + hit.image }

  /// Every image in collection order, with the shard and position of each.
  public var images: [(shard: Int, image: Int, indexed: IndexedImage)] {
    shards.enumerated().flatMap { k, shard in shard.images.enumerated().map { (k, $0, $1) } }
  }

  /// Every image scored by the kernel, best first (ties by shard, then position), but those
  /// whose collection positions are `excluded`; the shards score in parallel. `options`
  /// default to the first shard's query options.
  public func query(_ set: FeatureSet, top: Int? = nil, excluding excluded: Set<Int> = [], assignments: [[UInt32]]? = nil,
                    options: QueryOptions? = nil) throws -> [Hit] {
    let query = options ?? shards[0].queryOptions
    if let problem = query.problem { throw IndexError.invalidQueryOptions(problem) }
    let first = shards[0]
    guard set.count == 0 || set.dimension == first.dimension else {
      throw IndexError.dimensionMismatch(expected: first.dimension, found: set.dimension, image: set.sourcePath)
    }
    // Shards from one template embed a query alike: once for all of them.
    let words = assignments ?? first.queryAssignments(set, options: query)
    let entries = set.count > 0 ? Embedder(index: first).queryEntries(set.descriptors, assignments: words) : []
    let perShard = ShardResults(count: shards.count)
    DispatchQueue.concurrentPerform(iterations: shards.count) { k in
      perShard.set(k, .success(shards[k].score(entries: entries, query: query)))
    }
    var best = BestHits(limit: top)
    for (k, result) in perShard.values.enumerated() {
      let scores = try result.get()
      let images = shards[k].images
      for i in scores.indices where excluded.isEmpty || !excluded.contains(offsets[k] + i) {
        best.offer(Hit(shard: k, image: i, id: images[i].id, score: scores[i]))
      }
    }
    return best.ranked()
  }

  /// One query's outcome: the ranking, the shortlist's verifications in the new order with
  /// their shards, and the seconds of the whole search and of its re-ranking.
  public struct SearchResult: Sendable {
    public var ranking: [Hit]
    public var verified: [(shard: Int, check: SpatialReranker.Verified)]
    public var seconds: Double
    public var rerankSeconds: Double
  }

  /// `query`, then `reranker`'s spatial re-ranking of the merged shortlist (none when its
  /// method is `.none`).
  /// With `top`, the ranking holds only the best `top` images after re-ranking (the kernel
  /// ranks just enough images for the shortlist and `top`), which is what a query needs and
  /// saves ordering the whole collection.
  public func search(_ set: FeatureSet, reranker: SpatialReranker, top: Int? = nil, excluding excluded: Set<Int> = [],
                     options: QueryOptions? = nil) throws -> SearchResult {
    let t0 = DispatchTime.now().uptimeNanoseconds
    let query = options ?? shards[0].queryOptions
    let assignments = shards[0].queryAssignments(set, options: query)
    let ranked = top.map { Swift.max($0, reranker.method == .none ? 0 : reranker.shortlist) }
    var ranking = try self.query(set, top: ranked, excluding: excluded, assignments: assignments, options: query)
    let t1 = DispatchTime.now().uptimeNanoseconds
    let (arranged, verified) = rerank(ranking, query: set, assignments: assignments, reranker: reranker)
    ranking = top.map { Array(arranged.prefix($0)) } ?? arranged
    let t2 = DispatchTime.now().uptimeNanoseconds
    return SearchResult(ranking: ranking, verified: verified, seconds: Double(t2 - t0) / 1e9, rerankSeconds: Double(t2 - t1) / 1e9)
  }

  private func rerank(_ ranking: [Hit], query set: FeatureSet, assignments: [[UInt32]], reranker: SpatialReranker)
    -> ([Hit], [(shard: Int, check: SpatialReranker.Verified)]) {
    guard reranker.method != .none, !ranking.isEmpty, set.count > 0 else { return (ranking, []) }
    let head = Array(ranking.prefix(reranker.shortlist))
    var checks = [SpatialReranker.Verified?](repeating: nil, count: head.count)
    let table = reranker.wordTable(query: set, assignments: assignments, index: shards[0])
    for k in shards.indices {
      let mine = head.indices.filter { head[$0].shard == k }
      guard !mine.isEmpty else { continue }
      let entries = mine.map { (image: RankedImage(image: head[$0].image, id: head[$0].id, score: head[$0].score), rank: $0) }
      for (slot, check) in zip(mine, reranker.verify(entries, query: set, assignments: assignments, index: shards[k], table: table)) {
        checks[slot] = check
      }
    }
    let verified = checks.map { $0! }
    let order = reranker.arrangement(of: verified)
    return (order.map { head[$0] } + ranking.dropFirst(head.count), order.map { (head[$0].shard, verified[$0]) })
  }
}

/// One result per shard of a concurrent loop, each written once by its own iteration.
private final class ShardResults: @unchecked Sendable {
  private var slots: [Result<[Float], Error>?]
  private let lock = NSLock()
  init(count: Int) { slots = Array(repeating: nil, count: count) }
  func set(_ k: Int, _ result: Result<[Float], Error>) { lock.lock(); slots[k] = result; lock.unlock() }
  var values: [Result<[Float], Error>] { slots.map { $0! } }
}
