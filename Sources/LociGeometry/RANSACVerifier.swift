import Foundation

/// Options of the RANSAC baseline; tolerances from VLFeat's visualindex
/// `geometricVerification2.m` (20 px for single-correspondence hypotheses, 15 px for the
/// affine refit, 8 px for the homography refits).
public struct RANSACOptions: Sendable, Equatable {
  /// Transfer-error tolerances (px, in B): for single-correspondence hypotheses, the affine
  /// refit and the homography refits. The final inliers are those within
  /// `homographyTolerance` of the final model, whatever its kind, so counts compare across pairs.
  public var hypothesisTolerance: Double = 20
  public var affineTolerance: Double = 15
  public var homographyTolerance: Double = 8
  /// The reported homography is refitted at tolerances halving from `homographyTolerance`
  /// down to this (`HomographyFit.tightened`); the inliers stay those at the tolerance.
  public var precisionTolerance: Double = 4
  /// Whether the reported homography is then fitted to the local affine maps of the
  /// correspondences within `precisionTolerance` as well as to their positions
  /// (`HomographyFit.affineRefined`).
  public var fitsLocalAffinities = true
  /// Whether `verify` fits the homography it reports (`bFromA`: a DLT and its refit per
  /// pair). Re-ranking reads only the inliers and turns it off.
  public var fitsHomography = true
  /// At most this many hypotheses (one per correspondence, a seeded sample beyond that).
  public var maxHypotheses: Int = 1000
  /// Rounds of local optimisation: refit to the inliers, recount, keep the refit when it
  /// has more one-to-one inliers.
  public var refinements: Int = 4
  public var seed: UInt64 = 0x5EED

  public init() {}
}

/// Fast-spatial-matching-style RANSAC (Philbin et al. CVPR 2007) with one-to-one inliers:
/// every correspondence gives an affine hypothesis from its two affine-covariant frames (a
/// similarity for similarity-only features; no random minimal samples), scored by how many
/// correspondences it transfers within tolerance with each feature of A and of B counted
/// at most once. The best is locally optimised (Chum et al., DAGM 2003): least-squares
/// affine, then normalised-DLT homographies, each kept only when it gains one-to-one
/// inliers. Score: the maximum one-to-one subset of the final inliers (`OneToOneMatching`).
/// O(h·n) for h hypotheses and n correspondences.
public struct RANSACVerifier: Sendable {
  public var options: RANSACOptions

  public init(options: RANSACOptions = RANSACOptions()) { self.options = options }

  public func verify(_ correspondences: [Correspondence], framesA: [LocalFrame], framesB: [LocalFrame])
    -> VerificationResult
  {
    let n = correspondences.count
    let empty = VerificationResult(inliers: [Bool](repeating: false, count: n), strengths: [Double](repeating: 0, count: n),
                                   score: 0, bFromA: nil)
    guard n >= 2 else { return empty }
    let pairs = PointPairs(correspondences: correspondences, framesA: framesA, framesB: framesB)
    var counter = GreedyOneToOneCounter(correspondences, countA: framesA.count, countB: framesB.count)
    var hypotheses = Array(0..<n)
    if n > options.maxHypotheses {
      var state = options.seed
      for i in 0..<options.maxHypotheses {  // partial Fisher–Yates, seeded
        state = state &* 6364136223846793005 &+ 1442695040888963407
        let j = i + Int((state >> 33) % UInt64(n - i))
        hypotheses.swapAt(i, j)
      }
      hypotheses = Array(hypotheses.prefix(options.maxHypotheses))
    }
    // Single-correspondence hypotheses: x_b = L·(x_a − p) + q, with L = A_b·A_a⁻¹ from the
    // two affine frames (Philbin et al. 2007), or the similarity when frames are not affine.
    var best: (count: Int, map: [Double])? = nil
    var mask = [Bool](repeating: false, count: n)
    for h in hypotheses {
      let p = framesA[Int(correspondences[h].a)], q = framesB[Int(correspondences[h].b)]
      guard p.scale > 0, q.scale > 0 else { continue }
      let l = p.linearMap(to: q)
      let (a, b, c, d) = (l.m11, l.m12, l.m21, l.m22)
      guard [a, b, c, d].allSatisfy(\.isFinite) else { continue }
      let map = [a, b, q.x - a * p.x - b * p.y, c, d, q.y - c * p.x - d * p.y, 0, 0, 1]
      Self.mark(map, pairs, options.hypothesisTolerance, into: &mask)
      let count = counter.count(mask)
      if count > (best?.count ?? 0) { best = (count, map) }
    }
    guard var map = best?.map else { return empty }
    // Local optimisation, scored at the final tolerance so that every step is compared alike.
    let tolerance = options.homographyTolerance
    Self.mark(map, pairs, options.hypothesisTolerance, into: &mask)
    var support = mask
    if let affine = Self.affineLeastSquares(pairs, support) {
      Self.mark(affine, pairs, options.affineTolerance, into: &mask)
      if counter.count(mask) >= 3 {
        map = affine
        support = mask
      }
    }
    Self.mark(map, pairs, tolerance, into: &mask)
    var bestCount = counter.count(mask)
    for _ in 0..<options.refinements {
      guard support.lazy.filter({ $0 }).count >= 6, let h = HomographyFit.dlt(pairs, where: support) else { break }
      Self.mark(h.m, pairs, tolerance, into: &mask)
      let count = counter.count(mask)
      guard count >= bestCount, mask != support else { break }
      bestCount = count
      map = h.m
      support = mask
    }
    Self.mark(map, pairs, tolerance, into: &mask)
    let chosen = OneToOneMatching.maximum(correspondences, keep: mask)
    var inliers = [Bool](repeating: false, count: n)
    for k in chosen { inliers[k] = true }
    let fitted = options.fitsHomography && chosen.count >= 4 ? HomographyFit.dlt(pairs, where: inliers).map {
      let tight = HomographyFit.tightened($0, pairs, from: tolerance, to: options.precisionTolerance)
      guard options.fitsLocalAffinities else { return tight }
      let local = LocalAffinities(correspondences: correspondences, framesA: framesA, framesB: framesB)
      return HomographyFit.affineRefined(tight, pairs, local, tolerance: options.precisionTolerance)
    } : nil
    return VerificationResult(inliers: inliers, strengths: inliers.map { $0 ? 1 : 0 }, score: Double(chosen.count),
                              bFromA: fitted)
  }

  /// `mask[k]`: whether `m` (a 3×3 row-major map B ← A) transfers pair k within `tolerance`.
  static func mark(_ m: [Double], _ pairs: PointPairs, _ tolerance: Double, into mask: inout [Bool]) {
    let t2 = tolerance * tolerance
    let (m0, m1, m2, m3, m4, m5, m6, m7, m8) = (m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8])
    pairs.withBuffers { ax, ay, bx, by in
      mask.withUnsafeMutableBufferPointer { mask in
        for k in 0..<ax.count {
          let w = m6 * ax[k] + m7 * ay[k] + m8
          let x = (m0 * ax[k] + m1 * ay[k] + m2) / w, y = (m3 * ax[k] + m4 * ay[k] + m5) / w
          let (dx, dy) = (x - bx[k], y - by[k])
          mask[k] = dx * dx + dy * dy < t2
        }
      }
    }
  }

  /// Least-squares affine map B ← A over the masked pairs (two 3×3 normal-equation systems);
  /// nil with fewer than 3 pairs or a degenerate configuration.
  static func affineLeastSquares(_ pairs: PointPairs, _ mask: [Bool]) -> [Double]? {
    var ata = [Double](repeating: 0, count: 9), atx = [0.0, 0, 0], aty = [0.0, 0, 0]
    var used = 0
    for k in 0..<pairs.count where mask[k] {
      let row = [pairs.ax[k], pairs.ay[k], 1.0]
      for i in 0..<3 {
        for j in 0..<3 { ata[i * 3 + j] += row[i] * row[j] }
        atx[i] += row[i] * pairs.bx[k]
        aty[i] += row[i] * pairs.by[k]
      }
      used += 1
    }
    guard used >= 3, let rx = solve3(ata, atx), let ry = solve3(ata, aty) else { return nil }
    return [rx[0], rx[1], rx[2], ry[0], ry[1], ry[2], 0, 0, 1]
  }

  /// Cramer's rule for a 3×3 system; nil when singular.
  static func solve3(_ m: [Double], _ b: [Double]) -> [Double]? {
    func det(_ a: [Double]) -> Double {
      a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6])
    }
    let d = det(m)
    guard abs(d) > 1e-9 else { return nil }
    return (0..<3).map { col in
      var c = m
      for r in 0..<3 { c[r * 3 + col] = b[r] }
      return det(c) / d
    }
  }
}

/// Counts a one-to-one subset of masked correspondences greedily in index order (each
/// feature of A and of B at most once) with per-feature stamps, so that scoring a
/// hypothesis stays linear. At least half the maximum matching; the final count uses the
/// exact `OneToOneMatching`.
struct GreedyOneToOneCounter {
  private let a: [Int32], b: [Int32]
  private var stampA: [Int32], stampB: [Int32]
  private var round: Int32 = 0

  init(_ correspondences: [Correspondence], countA: Int, countB: Int) {
    a = correspondences.map(\.a)
    b = correspondences.map(\.b)
    stampA = [Int32](repeating: -1, count: countA)
    stampB = [Int32](repeating: -1, count: countB)
  }

  mutating func count(_ mask: [Bool]) -> Int {
    round += 1
    let r = round
    var total = 0
    mask.withUnsafeBufferPointer { mask in
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          stampA.withUnsafeMutableBufferPointer { sa in
            stampB.withUnsafeMutableBufferPointer { sb in
              for k in 0..<mask.count where mask[k] {
                let (i, j) = (Int(a[k]), Int(b[k]))
                guard sa[i] != r, sb[j] != r else { continue }
                sa[i] = r
                sb[j] = r
                total += 1
              }
            }
          }
        }
      }
    }
    return total
  }
}
