import Foundation

/// Evaluating an index on a ground truth, as `loci eval map` does: each query searched with
/// itself left out of its ranking, its positives mapped to image ids by resolved path, AP as
/// revisitop's `compute_map`, P@1, and, when the ground truth has a junk column, the revisited
/// protocols (Radenović et al., "Revisiting Oxford and Paris", CVPR 2018).
public struct RetrievalEvaluation: Sendable {
  /// One query's outcome. Ranks are 1-based, after re-ranking.
  public struct QueryOutcome: Sendable {
    public var query: String
    /// Average precision in percent (NaN when the query has no positive in the index).
    public var averagePrecision: Double
    public var positiveRanks: [Int]
    /// Images by collection position (shard order, then position; for one index its
    /// positions), best first, and the shortlist's verifications (`image`: collection position).
    public var ranking: [Int]
    public var verified: [SpatialReranker.Verified]
    /// The positives (the TSV's positives column) and the hard ones (its junk column), as ids.
    public var positives: Set<Int>
    public var hard: Set<Int>
    public var seconds: Double
    public var rerankSeconds: Double
  }

  /// A query that could not be featurised or searched, and why.
  public struct QueryError: Error, CustomStringConvertible {
    public var query: String
    public var underlying: Error
    public var description: String { "query \(query): \(underlying)" }
  }

  public var queries: [QueryOutcome]
  /// Positives named by the ground truth that are not in the index (counted as not retrieved).
  public var missingPositives: Int
  public var hasJunkColumn: Bool

  /// mAP in percent over every query.
  public var meanAveragePrecision: Double {
    100 * MeanAveragePrecision.meanAveragePrecision(rankings: queries.map(\.ranking),
                                                     truths: queries.map { QueryTruth(positives: $0.positives) })
  }

  /// Share of queries whose first result is a positive, in percent.
  public var precisionAtOne: Double {
    100 * Double(queries.filter { $0.positiveRanks.first == 1 }.count) / Double(Swift.max(queries.count, 1))
  }

  /// mAP in percent under a revisited protocol, reading the TSV's positives as the easy
  /// images and its junk column as the hard ones: easy counts the easy images as positives
  /// and ignores the hard ones, medium counts both, hard counts the hard ones and ignores
  /// the easy ones. Nil without a junk column.
  public func revisited(_ protocol: MeanAveragePrecision.RevisitedProtocol) -> Double? {
    guard hasJunkColumn else { return nil }
    let truths = queries.map { `protocol`.truth(easy: $0.positives, hard: $0.hard, junk: []) }
    return 100 * MeanAveragePrecision.meanAveragePrecision(rankings: queries.map(\.ranking), truths: truths)
  }

  /// Searches every query of `groundTruth` in `index`. A query's features come from
  /// `queryFeatures` (by source image path) when given there, else from its image,
  /// featurised as the index was. `onQuery` sees each outcome as it is done.
  public static func run(index: RetrievalIndex, groundTruth: GroundTruthFile, reranker: SpatialReranker,
                         queryFeatures: [String: FeatureSet] = [:],
                         onQuery: ((QueryOutcome) -> Void)? = nil) throws -> RetrievalEvaluation {
    try run(index: try ShardedIndex(shards: [index]), groundTruth: groundTruth, reranker: reranker,
            queryFeatures: queryFeatures, onQuery: onQuery)
  }

  /// The same over a sharded index (shards built from one template), queried as one.
  public static func run(index: ShardedIndex, groundTruth: GroundTruthFile, reranker: SpatialReranker,
                         queryFeatures: [String: FeatureSet] = [:],
                         onQuery: ((QueryOutcome) -> Void)? = nil) throws -> RetrievalEvaluation {
    var ids: [String: Int] = [:]
    for (i, image) in index.images.enumerated() { ids[URL(fileURLWithPath: image.indexed.path).standardizedFileURL.path] = i }
    var outcomes: [QueryOutcome] = [], missing = 0
    for row in groundTruth.rows {
      let excluded = ids[row.query].map { Set([$0]) } ?? []
      let result: ShardedIndex.SearchResult
      do {
        let set = try queryFeatures[row.query] ?? Retrieval.queryFeatures(URL(fileURLWithPath: row.query), index: index.shards[0])
        try Retrieval.checkQuery(set, index: index.shards[0], path: row.query)
        result = try index.search(set, reranker: reranker, excluding: excluded)
      } catch {
        throw QueryError(query: row.query, underlying: error)
      }
      let ranking = result.ranking.map(index.collectionPosition)
      let verified = result.verified.map { shard, check -> SpatialReranker.Verified in
        var inCollection = check
        inCollection.image = index.offsets[shard] + check.image
        return inCollection
      }
      let positives = Set(row.positives.compactMap { ids[$0] })
      missing += row.positives.count - positives.count
      let ap = 100 * (MeanAveragePrecision.averagePrecision(ranking: ranking, truth: QueryTruth(positives: positives)) ?? .nan)
      let ranks = ranking.enumerated().filter { positives.contains($0.element) }.map { $0.offset + 1 }
      let outcome = QueryOutcome(query: row.query, averagePrecision: ap, positiveRanks: ranks, ranking: ranking,
                                 verified: verified, positives: positives, hard: Set(row.junk.compactMap { ids[$0] }),
                                 seconds: result.seconds, rerankSeconds: result.rerankSeconds)
      onQuery?(outcome)
      outcomes.append(outcome)
    }
    return RetrievalEvaluation(queries: outcomes, missingPositives: missing, hasJunkColumn: groundTruth.hasJunkColumn)
  }
}
