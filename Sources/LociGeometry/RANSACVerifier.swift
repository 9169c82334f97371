import Foundation

/// Options of the RANSAC baseline, defaults from VLFeat's visualindex
/// `geometricVerification2.m` (ALGORITHMS.md §9.1).
public struct RANSACOptions: Sendable, Equatable {
  /// Transfer-error tolerances (px): for single-correspondence hypotheses, the affine
  /// refit and the homography refits.
  public var hypothesisTolerance: Double = 20
  public var affineTolerance: Double = 15
  public var homographyTolerance: Double = 8
  /// At most this many hypotheses (one per correspondence, a seeded sample beyond that).
  public var maxHypotheses: Int = 1000
  public var seed: UInt64 = 0x5EED

  public init() {}
}

/// Fast-spatial-matching-style RANSAC (Philbin et al. CVPR 2007): every correspondence
/// gives an affine hypothesis from its two affine-covariant frames (a similarity for
/// similarity-only features; no random minimal samples); the best
/// is refined by least squares to an affine map, then twice to a homography (normalised
/// DLT). Score: the final inlier count. O(h·n) for h hypotheses.
public struct RANSACVerifier: Sendable {
  public var options: RANSACOptions

  public init(options: RANSACOptions = RANSACOptions()) { self.options = options }

  public func verify(_ correspondences: [Correspondence], framesA: [LocalFrame], framesB: [LocalFrame])
    -> VerificationResult
  {
    let n = correspondences.count
    let pa = correspondences.map { (framesA[Int($0.a)].x, framesA[Int($0.a)].y) }
    let pb = correspondences.map { (framesB[Int($0.b)].x, framesB[Int($0.b)].y) }
    let empty = VerificationResult(inliers: [Bool](repeating: false, count: n), strengths: [Double](repeating: 0, count: n),
                                   score: 0, bFromA: nil)
    guard n >= 2 else { return empty }
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
    for h in hypotheses {
      let p = framesA[Int(correspondences[h].a)], q = framesB[Int(correspondences[h].b)]
      guard p.scale > 0, q.scale > 0 else { continue }
      let l = p.linearMap(to: q)
      let (a, b, c, d) = (l.m11, l.m12, l.m21, l.m22)
      guard [a, b, c, d].allSatisfy(\.isFinite) else { continue }
      let map = [a, b, q.x - a * p.x - b * p.y, c, d, q.y - c * p.x - d * p.y, 0, 0, 1]
      let count = Self.inliers(map, pa, pb, options.hypothesisTolerance).filter { $0 }.count
      if count > (best?.count ?? 0) { best = (count, map) }
    }
    guard var map = best?.map else { return empty }
    var inliers = Self.inliers(map, pa, pb, options.hypothesisTolerance)
    // Local optimisation: affine least squares, then two homography refits.
    if inliers.filter({ $0 }).count >= 3, let affine = Self.affineLeastSquares(pa, pb, inliers) {
      let refined = Self.inliers(affine, pa, pb, options.affineTolerance)
      if refined.filter({ $0 }).count >= 3 {
        map = affine
        inliers = refined
      }
    }
    for _ in 0..<2 where inliers.filter({ $0 }).count >= 10 {
      guard let h = HomographyFit.dlt(zip(pa, inliers).filter { $0.1 }.map { $0.0 },
                                      zip(pb, inliers).filter { $0.1 }.map { $0.0 }) else { break }
      let refined = Self.inliers(h.m, pa, pb, options.homographyTolerance)
      guard refined.filter({ $0 }).count >= 4 else { break }
      map = h.m
      inliers = refined
    }
    let fitted = HomographyFit.dlt(zip(pa, inliers).filter { $0.1 }.map { $0.0 },
                                   zip(pb, inliers).filter { $0.1 }.map { $0.0 })
    return VerificationResult(inliers: inliers, strengths: inliers.map { $0 ? 1 : 0 },
                              score: Double(inliers.filter { $0 }.count), bFromA: fitted)
  }

  static func inliers(_ m: [Double], _ pa: [(Double, Double)], _ pb: [(Double, Double)], _ tolerance: Double) -> [Bool] {
    let t2 = tolerance * tolerance
    return zip(pa, pb).map { p, q in
      let w = m[6] * p.0 + m[7] * p.1 + m[8]
      let x = (m[0] * p.0 + m[1] * p.1 + m[2]) / w, y = (m[3] * p.0 + m[4] * p.1 + m[5]) / w
      return (x - q.0) * (x - q.0) + (y - q.1) * (y - q.1) < t2
    }
  }

  /// Least-squares affine map B ← A over the inliers (two 3×3 normal-equation systems).
  static func affineLeastSquares(_ pa: [(Double, Double)], _ pb: [(Double, Double)], _ inliers: [Bool]) -> [Double]? {
    var ata = [Double](repeating: 0, count: 9), atx = [0.0, 0, 0], aty = [0.0, 0, 0]
    for (k, keep) in inliers.enumerated() where keep {
      let row = [pa[k].0, pa[k].1, 1.0]
      for i in 0..<3 {
        for j in 0..<3 { ata[i * 3 + j] += row[i] * row[j] }
        atx[i] += row[i] * pb[k].0
        aty[i] += row[i] * pb[k].1
      }
    }
    guard let rx = solve3(ata, atx), let ry = solve3(ata, aty) else { return nil }
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
