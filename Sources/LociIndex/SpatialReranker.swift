import Foundation
import LociCore

/// Spatial re-ranking of a shortlist with the index's geometry store: tentative
/// correspondences by shared visual word (filtered by residual codes, bursty words capped),
/// verified by Hough pyramid matching (Tolias & Avrithis, ICCV 2011 / IJCV 2014) or by
/// RANSAC (Philbin et al., CVPR 2007), then merged with the kernel ranking.
public struct SpatialReranker: Sendable {
  public enum Method: String, CaseIterable, Sendable {
    case hpm
    case ransac
    case none
  }

  // Defaults measured on the SMVS benchmark (docs/benchmarks.md, "Retrieval on real photos").
  /// RANSAC: 0.4–0.9 mAP points above HPM there, at a similar cost per query.
  public var method: Method = .ransac
  /// How many of the top-ranked images are verified. 1,000 gains nothing over 100 there.
  public var shortlist: Int = 100
  /// How many of each query feature's assigned words (nearest first) make correspondences:
  /// 3 recovered 0.9 (RANSAC) and 1.1 (HPM) mAP points over 1 with a 1,024-word vocabulary.
  public var queryDepth: Int = 3
  /// Correspondences are kept when the residual codes of the two features differ in at most
  /// this many bits (of 128 for RootSIFT); ignored for indexes without residual codes.
  /// Without the filter (128) RANSAC re-ranking measured 93.1 against 96.9 at 40, and 4×
  /// slower; 32 lost 0.8 points, 56 gained nothing for 5× the time.
  public var maxHamming: Int = 40
  /// At most this many correspondences per shared word.
  public var perWordCap: Int = 8
  /// Fewer one-to-one inliers than this is not evidence: such an image keeps its kernel rank.
  /// Among 19,403 non-matching shortlisted pairs RANSAC found ≥ 6 inliers in 5.1 % and ≥ 8
  /// in 1.7 %; 98.3 % of the 597 matching pairs reach 6. 5–8 measured within 0.2 points.
  public var minInliers: Int = 6
  /// What orders the verified images. Kernel order measured best or level on SMVS: by
  /// inliers, a photo of another cover taken on the same desk (many true background
  /// inliers) jumped ahead of the small clean cover that is the answer (fewer inliers,
  /// higher kernel score):
  /// reference-only mAP 96.2 against 97.0 (RANSAC, 4,096 words) and 95.9 against 97.4
  /// (1,024 words); full ground truth 97.54 against 97.54 and 97.84 against 97.98.
  public var order: VerifiedOrder = .kernel
  public var hpm = HoughPyramidMatcher()
  public var ransac = RANSACVerifier()

  public init(method: Method = .ransac, shortlist: Int = 100) {
    self.method = method
    self.shortlist = shortlist
    // Re-ranking reads inliers and strengths only: no homography to fit or refine per image.
    ransac.options.fitsHomography = false
    hpm.options.refitsHomography = false
  }

  /// The key that orders the verified images of a shortlist.
  public enum VerifiedOrder: String, CaseIterable, Sendable {
    /// Their kernel order: verification only decides which images go first.
    case kernel
    /// One-to-one inliers (either verifier).
    case inliers
    /// The verifier's own score: HPM's normalised similarity (the paper's ranking), or
    /// RANSAC's inliers.
    case score
  }

  /// Verification of one shortlisted image.
  public struct Verified: Sendable, Equatable {
    public var image: Int
    /// Its kernel score and 0-based rank before re-ranking.
    public var kernelScore: Float
    public var kernelRank: Int
    /// Tentative correspondences, and the maximum one-to-one subset of the verifier's inliers.
    public var correspondences: Int
    public var inliers: Int
    /// The verifier's score: HPM's normalised similarity, or RANSAC's inliers.
    public var score: Double
    /// Whether `inliers` reached `minInliers`.
    public var verified: Bool
  }

  /// The ranking with its first `shortlist` entries reordered, and their verifications in
  /// the new order; the rest unchanged.
  ///
  /// The rule: images with at least `minInliers` one-to-one inliers come first, by `order`
  /// (by default their kernel order); the others follow in kernel order. Verification can
  /// only promote: an image it cannot confirm keeps its place relative to the other
  /// unconfirmed ones, and a verified image passes only unverified ones, so a strong kernel
  /// match is never pushed down by a weak, chance verification of a worse one. Ordering by
  /// raw inlier or strength totals instead (no threshold) let any large, cluttered image
  /// with many chance correspondences overtake true matches: docs/benchmarks.md has the
  /// measurements.
  ///
  /// `assignments` are the query features' words, nearest first (`queryAssignments`).
  public func rerank(_ ranking: [RankedImage], query set: FeatureSet, assignments: [[UInt32]],
                     index: RetrievalIndex) -> (ranking: [RankedImage], verified: [Verified]) {
    guard method != .none, !ranking.isEmpty, set.count > 0, set.count == assignments.count else { return (ranking, []) }
    let head = Array(ranking.prefix(shortlist))
    let checks = verify(head.enumerated().map { ($1, $0) }, query: set, assignments: assignments, index: index)
    let arranged = arrangement(of: checks)
    return (arranged.map { head[$0] } + ranking.dropFirst(head.count), arranged.map { checks[$0] })
  }

  /// Verifies `entries` (each with its 0-based kernel rank) of one index against the query,
  /// on all cores.
  /// `table` is the query's word table when the caller has it (shards from one template share it).
  func verify(_ entries: [(image: RankedImage, rank: Int)], query set: FeatureSet, assignments: [[UInt32]],
              index: RetrievalIndex, table prepared: QueryWordTable? = nil) -> [Verified] {
    guard !entries.isEmpty else { return [] }
    let table = prepared ?? wordTable(query: set, assignments: assignments, index: index)
    let framesQ = set.regions.map(LocalFrame.init)
    // HPM's similarity is normalised by the query's tf-idf norm; RANSAC needs none.
    let queryNorm = method == .hpm ? Double(index.bowNorm(assignments.compactMap(\.first))) : 0
    let querySize = Double(Swift.max(set.imageWidth, set.imageHeight))
    var checks = [Verified](repeating: Verified(image: 0, kernelScore: 0, kernelRank: 0, correspondences: 0, inliers: 0,
                                                score: 0, verified: false), count: entries.count)
    let chunks = Swift.min(entries.count, 4 * ProcessInfo.processInfo.activeProcessorCount)
    checks.withUnsafeMutableBufferPointer { out in
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        var scratch = Scratch(vocabularySize: index.vocabulary.count)
        for k in stride(from: chunk, to: entries.count, by: chunks) {
          out[k] = verify(entries[k].image, rank: entries[k].rank, table: table, framesQ: framesQ, queryNorm: queryNorm,
                          querySize: querySize, index: index, scratch: &scratch)
        }
      }
    }
    return checks
  }

  /// The query's features by word, with their residual codes, for building correspondences.
  func wordTable(query set: FeatureSet, assignments: [[UInt32]], index: RetrievalIndex) -> QueryWordTable {
    QueryWordTable(assignments: assignments, depth: Swift.max(1, queryDepth), descriptors: set.descriptors, index: index)
  }

  /// The order of a shortlist's verifications (given in kernel order) by the rule above.
  func arrangement(of checks: [Verified]) -> [Int] {
    checks.indices.sorted { a, b in
      let x = checks[a], y = checks[b]
      if x.verified != y.verified { return x.verified }
      if x.verified && self.order != .kernel {
        let (kx, ky) = self.order == .inliers ? (Double(x.inliers), Double(y.inliers)) : (x.score, y.score)
        if kx != ky { return kx > ky }
      }
      return a < b
    }
  }

  /// Per-thread working memory: per-word correspondence counts, and per database feature
  /// its slot among the features the correspondences use (−1: unused).
  struct Scratch {
    var used: [Int32]
    var slot: [Int32] = []

    init(vocabularySize: Int) { used = [Int32](repeating: 0, count: vocabularySize) }
  }

  private func verify(_ entry: RankedImage, rank: Int, table: QueryWordTable, framesQ: [LocalFrame], queryNorm: Double,
                      querySize: Double, index: RetrievalIndex, scratch: inout Scratch) -> Verified {
    let image = entry.image
    var c = table.correspondences(wordsB: index.geometry.words(ofImage: image), codesB: index.geometry.codes(ofImage: image),
                                  maxHamming: maxHamming, perWordCap: perWordCap, used: &scratch.used)
    var check = Verified(image: image, kernelScore: entry.score, kernelRank: rank, correspondences: c.count, inliers: 0,
                         score: 0, verified: false)
    guard c.count >= 2 else { return check }
    // Frames only for the database features the correspondences use (a few percent of the
    // image's): building every feature's affine frame cost more than verifying.
    let first = index.geometry.offsets[image], featureCount = index.geometry.offsets[image + 1] - first
    if scratch.slot.count < featureCount { scratch.slot = [Int32](repeating: -1, count: featureCount) }
    var framesD: [LocalFrame] = [], usedB: [Int] = []
    var extent = querySize
    for k in c.indices {
      let b = Int(c[k].b)
      if scratch.slot[b] < 0 {
        scratch.slot[b] = Int32(framesD.count)
        usedB.append(b)
        let frame = LocalFrame(index.geometry.region(at: first + b))
        extent = Swift.max(extent, frame.x, frame.y)
        framesD.append(frame)
      }
      c[k].b = scratch.slot[b]
    }
    for b in usedB { scratch.slot[b] = -1 }
    switch method {
    case .hpm:
      let result = hpm.verify(c, framesA: framesQ, framesB: framesD, imageSize: extent)
      check.inliers = OneToOneMatching.count(c, keep: result.inliers)
      check.score = Self.hpmSimilarity(c, strengths: result.strengths, idf: index.idf, levels: hpm.options.levels) * queryNorm * Double(index.bowNorms[image])
    case .ransac, .none:
      let result = ransac.verify(c, framesA: framesQ, framesB: framesD)
      check.inliers = result.inlierCount
      check.score = Double(check.inliers)
    }
    check.verified = check.inliers >= minInliers
    return check
  }

  /// HPM's similarity of a pair (IJCV 2014, §4): the sum of the correspondences' strengths,
  /// each weighted by its word's idf on both sides (idf²), as the bag-of-words inner
  /// product weighs a shared word. Strengths are scaled so that a correspondence grouped at
  /// the finest level with one other adds 1 (the paper's affinity 2^−ℓ; the matcher keeps
  /// the integer form, 2^(L−1) times larger). The caller divides by both images' tf-idf
  /// norms, so the score is a normalised similarity like the kernel's.
  static func hpmSimilarity(_ c: [Correspondence], strengths: [Double], idf: [Float], levels: Int) -> Double {
    var total = 0.0
    for (k, s) in strengths.enumerated() where s > 0 {
      let w = Double(idf[Int(c[k].word)])
      total += s * w * w
    }
    return total / Double(1 << (levels - 1))
  }
}
