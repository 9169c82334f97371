/// The matching kernels of the index: BoW, Hamming embedding (Jégou, Douze & Schmid, ECCV
/// 2008), ASMK and ASMK* (Tolias, Avrithis & Jégou, ICCV 2013).
public enum IndexKernel: String, CaseIterable, Sendable, Codable {
  /// Bag of words, tf-idf with cosine normalisation: the baseline.
  case bow
  /// Hamming embedding: 64-bit codes per feature, Gaussian-weighted Hamming matches,
  /// burstiness normalisation (Jégou et al. 2008/2009).
  case he
  /// ASMK: one L2-normalised aggregated residual per (image, word), σ_α selectivity.
  case asmk
  /// ASMK*: the aggregated residuals binarised (B = descriptor dimension bits).
  case asmkStar = "asmk-star"
}

/// How ASMK* binarises an aggregated cell (§7).
public enum Binarisation: String, CaseIterable, Sendable, Codable {
  /// ICCV'13: random rotation P, bit i = (P·mean)_i > per-word median of projected descriptors.
  case medians
  /// The Python `asmk` package (HOW, ECCV'20): sign of the summed residual, no projection.
  case sign
}

/// What an index stores and how: fixed when it is built (changing any of these needs a
/// rebuild). How queries are scored is `QueryOptions`. Every default names its source.
public struct IndexOptions: Sendable, Equatable {
  public var kernel: IndexKernel = .asmkStar
  public var binarisation: Binarisation = .medians

  /// Whether the kernel learns its binary embedding from training descriptors: HE, and ASMK*
  /// with per-word median thresholds (sign codes learn nothing).
  public var learnsEmbedding: Bool { kernel == .he || (kernel == .asmkStar && binarisation == .medians) }
  /// Seed of the random projections.
  public var seed: UInt64 = 0x1D3A
  /// Words with fewer training descriptors keep zero thresholds (COLMAP: 5).
  public var minimumTrainingPerWord: Int = 5
  /// Weigh words by idf = log(N / n_w) (Sivic & Zisserman 2003; ASMK, ICCV'13); when false
  /// every word present in the index weighs 1, as the `asmk` package's `use_idf: False`.
  /// Off by default: on the SMVS benchmark (docs/benchmarks.md) idf cost ASMK* 0.4 mAP points
  /// with the distractors and 23 without them (71.4 against 94.4, kernel only, 4,096 words):
  /// on a few hundred covers full of text the words that matter are in most images.
  public var useIDF: Bool = false

  public init() {}
}

/// How a query is scored against an index: none of these changes what the index stores, so
/// each query may choose its own. An index keeps the ones it was built with as the defaults
/// of its queries (`RetrievalIndex.queryOptions`, stored in `.lidx`).
public struct QueryOptions: Sendable, Equatable {
  /// Query-side multiple assignment (the database side is 1). ICCV'13 and COLMAP use 5; on
  /// the SMVS benchmark 3 measured 0.6–0.8 mAP points higher before re-ranking (equal after
  /// it) and a third faster (docs/benchmarks.md). BoW stays single-assignment whatever this is.
  public var multipleAssignment: Int = 3
  /// Selectivity σ_α(u) = u^α for u > τ (α = 3, τ = 0: `test_asmk.m`, DELF, `asmk`).
  public var alpha: Float = 3
  public var tau: Float = 0
  /// HE: match when the Hamming distance is ≤ 24 of 64 bits, weight exp(−h²/16²) (COLMAP).
  public var heThreshold: Int = 24
  public var heSigma: Float = 16

  public init() {}

  /// Why these options cannot score a query (nil when they can): multiple assignment below 1,
  /// α not positive, τ not below 1, the HE σ not positive, or a value not finite.
  public var problem: String? {
    if multipleAssignment < 1 { return "multiple assignment \(multipleAssignment) is below 1" }
    if !(alpha.isFinite && alpha > 0) { return "alpha \(alpha) is not a positive number" }
    if !(tau.isFinite && tau < 1) { return "tau \(tau) is not a number below 1" }
    if heThreshold < 0 { return "HE threshold \(heThreshold) is negative" }
    if !(heSigma.isFinite && heSigma > 0) { return "HE sigma \(heSigma) is not a positive number" }
    return nil
  }
}
