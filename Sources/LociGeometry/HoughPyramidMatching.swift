import Foundation

/// Options of Hough pyramid matching (Tolias & Avrithis, ICCV 2011 / IJCV 2014), defaults of
/// the authors' code (ALGORITHMS.md §8).
public struct HPMOptions: Sendable, Equatable {
  /// Pyramid levels; the finest has 2^(levels−1) bins per dimension (5 → 16).
  public var levels: Int = 5
  /// Translation range ±(this × the larger image side).
  public var translationExtent: Double = 3.5
  /// Scale-ratio range [1/maxScale, maxScale).
  public var maxScale: Double = 10
  /// Rotation offset before binning, so that no rotation sits on a coarse bin boundary.
  public var rotationOffset: Double = 5 * Double.pi / 16
  /// Run A→B and B→A and average strengths and score, so that swapping the images gives
  /// the same result (bin boundaries otherwise cut a group differently in each direction).
  /// Twice the (linear) cost.
  public var symmetric: Bool = true
  /// Transfer-error tolerance (px) when refining the inliers behind the fitted homography.
  public var fitTolerance: Double = 8

  public init() {}
}

/// What a verifier says about each correspondence and the pair.
public struct VerificationResult: Sendable {
  /// Per correspondence: kept as geometrically consistent.
  public var inliers: [Bool]
  /// Per correspondence: strength (HPM: weighted group sizes; RANSAC: 1 for inliers).
  public var strengths: [Double]
  /// The pair's similarity score (HPM: Σ strengths; RANSAC: inlier count).
  public var score: Double
  /// The homography B ← A fitted to the inliers by normalised DLT, when there are ≥ 4.
  public var bFromA: Homography?

  public var inlierCount: Int { inliers.filter { $0 }.count }
}

/// Hough pyramid matching: each correspondence votes with its relative similarity transform
/// (log-scale, rotation, translation) in a 4-D pyramid; groups that agree at finer levels
/// weigh more; correspondences that share a feature inside a bin compete and only the
/// strongest survives (one-to-one). Linear in the number of correspondences.
public struct HoughPyramidMatcher: Sendable {
  public var options: HPMOptions

  public init(options: HPMOptions = HPMOptions()) { self.options = options }

  /// Verifies `correspondences` between frames of A and B; `imageSize` is the larger side of
  /// the images (it sets the translation range).
  ///
  /// Strengths and score are HPM's own (all groups count: several objects may move
  /// independently). Inliers are those of the dominant group: correspondences that survive
  /// one-to-one, share a finest-level bin with another, and agree within `fitTolerance` with
  /// the homography fitted to the strongest finest bin.
  public func verify(_ correspondences: [Correspondence], framesA: [LocalFrame], framesB: [LocalFrame],
                     imageSize: Double) -> VerificationResult {
    var (strength, grouped, codes) = strengths(correspondences, framesA, framesB, imageSize)
    if options.symmetric {
      let swapped = correspondences.map { Correspondence(a: $0.b, b: $0.a, word: $0.word) }
      let (back, backGrouped, _) = strengths(swapped, framesB, framesA, imageSize)
      for k in strength.indices {
        strength[k] = (strength[k] + back[k]) / 2
        grouped[k] = grouped[k] && backGrouped[k]
      }
    }
    // The homography is seeded by the dominant mode — the finest bin with the largest total
    // strength — then grown to every grouped correspondence it transfers within tolerance.
    // (Random outliers also meet in finest bins; a plain fit to all of them collapses.)
    var modeStrength: [UInt32: Double] = [:]
    for k in strength.indices where grouped[k] { modeStrength[codes[k]!, default: 0] += strength[k] }
    var inliers = [Bool](repeating: false, count: strength.count)
    var bFromA: Homography? = nil
    if let mode = modeStrength.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) })?.key {
      inliers = grouped.indices.map { grouped[$0] && codes[$0] == mode }
      for _ in 0..<3 {
        guard let h = HomographyFit.leastSquares(correspondences: correspondences, framesA: framesA, framesB: framesB,
                                                 inliers: inliers) else { break }
        bFromA = h
        let refined = grouped.indices.map { k -> Bool in
          guard grouped[k] else { return false }
          let p = framesA[Int(correspondences[k].a)], q = framesB[Int(correspondences[k].b)]
          let t = h.apply(p.x, p.y)
          return hypot(t.x - q.x, t.y - q.y) < options.fitTolerance
        }
        if refined == inliers { break }
        inliers = refined
      }
    }
    return VerificationResult(inliers: inliers, strengths: strength, score: strength.reduce(0, +), bFromA: bFromA)
  }

  /// One direction of HPM: per correspondence its strength (0 when erased or out of range)
  /// and whether it shares a finest-level bin with another survivor.
  func strengths(_ correspondences: [Correspondence], _ framesA: [LocalFrame], _ framesB: [LocalFrame],
                 _ imageSize: Double) -> ([Double], [Bool], [UInt32?]) {
    let n = correspondences.count
    let levels = options.levels, bins = 1 << (levels - 1)
    // Finest codes, 4 dimensions × (levels − 1) bits; out-of-range → nil.
    var codes = [UInt32?](repeating: nil, count: n)
    let extent = options.translationExtent * imageSize
    let logRange = log10(options.maxScale)
    for (k, c) in correspondences.enumerated() {
      let p = framesA[Int(c.a)], q = framesB[Int(c.b)]
      guard p.scale > 0, q.scale > 0 else { continue }
      // Relative similarity (ICCV'11 §3): rotation ρ, scale s, translation t = q − s·R(ρ)·p.
      let rotation = q.angle - p.angle
      let s = q.scale / p.scale
      let tx = q.x - s * (cos(rotation) * p.x - sin(rotation) * p.y)
      let ty = q.y - s * (sin(rotation) * p.x + cos(rotation) * p.y)
      // Offset, then wrap into [0, 2π) with floor (C's fmod keeps the sign of negatives).
      var r = rotation + options.rotationOffset
      r -= 2 * Double.pi * (r / (2 * Double.pi)).rounded(.down)
      let ls = log10(s)
      guard abs(tx) < extent, abs(ty) < extent, ls >= -logRange, ls < logRange else { continue }
      func bin(_ v: Double, _ lo: Double, _ hi: Double) -> UInt32 {
        UInt32(Swift.min(bins - 1, Swift.max(0, Int((v - lo) / (hi - lo) * Double(bins)))))
      }
      let shift = UInt32(levels - 1)
      codes[k] = bin(tx, -extent, extent) | bin(ty, -extent, extent) << shift
        | bin(ls, -logRange, logRange) << (2 * shift) | bin(r, 0, 2 * Double.pi) << (3 * shift)
    }
    var strength = [Double](repeating: 0, count: n)
    var erased = [Bool](repeating: false, count: n)
    var finestGroup = [Bool](repeating: false, count: n)
    let members = (0..<n).filter { codes[$0] != nil }
    group(members, level: 0, codes: codes, correspondences: correspondences, strength: &strength, erased: &erased,
          finestGroup: &finestGroup)
    for k in 0..<n where erased[k] || codes[k] == nil {
      strength[k] = 0
      finestGroup[k] = false
    }
    return (strength, finestGroup, codes)
  }

  /// Level `level` (0: one bin for all, levels−1: finest) on `subset`: finer levels first,
  /// then this level's bins. Returns nothing; updates strengths and erasures.
  private func group(_ subset: [Int], level: Int, codes: [UInt32?], correspondences: [Correspondence],
                     strength: inout [Double], erased: inout [Bool], finestGroup: inout [Bool]) {
    let levels = options.levels
    let shift = UInt32(levels - 1 - level), bitsPer = UInt32(levels - 1)
    let mask = UInt32((1 << bitsPer) - 1)
    func key(_ k: Int) -> UInt32 {
      let c = codes[k]!
      var out: UInt32 = 0
      for d in 0..<4 { out |= ((c >> (UInt32(d) * bitsPer) & mask) >> shift) << (UInt32(d) * bitsPer) }
      return out
    }
    var binsOfLevel: [UInt32: [Int]] = [:]
    for k in subset { binsOfLevel[key(k), default: []].append(k) }
    // Affinity: a correspondence first joined at level l adds 2^l (finest 2^(L−1)), i.e. the
    // paper's 2^(−ℓ') up to the constant 2^(L−1); cumulative counts telescope to that with
    // per-level weights 1, 1, 2, 4, … (§8, equivalence verified in the notes).
    let weight = level == 0 ? 1.0 : Double(1 << (level - 1))
    for (_, members) in binsOfLevel where members.count >= 2 {
      if level < levels - 1 {
        group(members, level: level + 1, codes: codes, correspondences: correspondences, strength: &strength,
              erased: &erased, finestGroup: &finestGroup)
      }
      // One-to-one inside the bin: among correspondences sharing a feature of A (then of B),
      // the strongest so far survives.
      var survivors = members.filter { !erased[$0] }
      for side in 0..<2 {
        var best: [Int32: Int] = [:]
        for k in survivors {
          let f = side == 0 ? correspondences[k].a : correspondences[k].b
          if let other = best[f] {
            let keepNew = strength[k] > strength[other] || (strength[k] == strength[other] && k < other)
            erased[keepNew ? other : k] = true
            if keepNew { best[f] = k }
          } else {
            best[f] = k
          }
        }
        survivors = survivors.filter { !erased[$0] }
      }
      let u = survivors.count
      guard u >= 2 else { continue }
      for k in survivors {
        strength[k] += Double(u - 1) * weight
        if level == levels - 1 { finestGroup[k] = true }
      }
    }
  }
}
