import ArgumentParser
import Loci

extension SpatialReranker.VerifiedOrder: ExpressibleByArgument {}

/// The re-ranking options `loci query` and `loci eval map` share, with the same defaults as
/// the library's `SpatialReranker`.
struct RerankOptions: ParsableArguments {
  @Option(help: "Spatial re-ranking of the shortlist: hpm, ransac or none.")
  var rerank: SpatialReranker.Method = SpatialReranker().method
  @Option(help: "Shortlist length for re-ranking.") var shortlist: Int = SpatialReranker().shortlist
  @Option(help: "One-to-one inliers an image needs before verification may promote it.")
  var minInliers: Int = SpatialReranker().minInliers
  @Option(help: "What orders the verified images: kernel (their kernel order), inliers, or score (HPM's similarity; RANSAC's inliers).")
  var verifiedOrder: SpatialReranker.VerifiedOrder = SpatialReranker().order
  @Option(help: "Correspondences: the most bits in which two features' residual codes may differ (of 128).")
  var maxHamming: Int = SpatialReranker().maxHamming
  @Option(help: "Correspondences: how many of each query feature's nearest words are used.")
  var queryDepth: Int = SpatialReranker().queryDepth
  @Option(help: "Correspondences: at most this many per shared word.") var perWordCap: Int = SpatialReranker().perWordCap

  func validate() throws {
    guard shortlist >= 1 else { throw ValidationError("--shortlist must be at least 1") }
    guard minInliers >= 0 else { throw ValidationError("--min-inliers must be 0 or more") }
    guard maxHamming >= 0 else { throw ValidationError("--max-hamming must be 0 or more") }
    guard queryDepth >= 1 else { throw ValidationError("--query-depth must be at least 1") }
    guard perWordCap >= 1 else { throw ValidationError("--per-word-cap must be at least 1") }
  }

  var reranker: SpatialReranker {
    var r = SpatialReranker(method: rerank, shortlist: shortlist)
    r.minInliers = minInliers
    r.order = verifiedOrder
    r.maxHamming = maxHamming
    r.queryDepth = queryDepth
    r.perWordCap = perWordCap
    return r
  }
}
