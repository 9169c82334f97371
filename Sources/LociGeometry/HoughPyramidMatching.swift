import Foundation

/// Options of Hough pyramid matching (Tolias & Avrithis, "Speeded-up, relaxed spatial
/// matching", ICCV 2011; "Hough pyramid matching", IJCV 2014), defaults of the authors' code.
public struct HPMOptions: Sendable, Equatable {
  /// Pyramid levels, 1…9 (bin codes are 32-bit); the finest has 2^(levels−1) bins per
  /// dimension (5 → 16).
  public var levels: Int = 5
  /// Translation range ±(this × the larger image side).
  public var translationExtent: Double = 3.5
  /// Scale-ratio range [1/maxScale, maxScale).
  public var maxScale: Double = 10
  /// Rotation offset before binning, so that no rotation sits on a coarse bin boundary.
  public var rotationOffset: Double = 5 * Double.pi / 16
  /// How swapping A and B is made to give the same strengths and score (bin boundaries
  /// otherwise cut a group differently in each direction).
  /// Default `.average`. `.canonicalDirection` runs one direction, 1.3× faster at 10,000
  /// correspondences (not 2×: each correspondence's transform is computed either way), and
  /// does as well on the Oxford affine pairs (32 vs 31 of 40 within 5 px). As a re-ranker on
  /// the development set it loses 1.2 mAP points (94.55 vs 95.78 at shortlist 100;
  /// docs/benchmarks.md).
  public var swapInvariance: SwapInvariance = .average

  public enum SwapInvariance: String, Sendable, CaseIterable {
    /// Run A→B and B→A and average strengths and score: two pyramid passes.
    case average
    /// Run one direction, chosen from the two frame sets alone (the set with fewer frames,
    /// else the lexicographically smaller one, is the source), so a swapped call picks the
    /// same direction: one pass instead of two. Identical frame sets fall back to `.average`.
    case canonicalDirection
    /// A→B only (not swap-invariant).
    case none
  }
  /// Transfer-error tolerance (px) when refining the inliers behind the fitted homography.
  public var fitTolerance: Double = 8
  /// The reported homography is refitted at tolerances halving from `fitTolerance` down to
  /// this (`HomographyFit.tightened`); the inliers stay those at `fitTolerance`.
  public var precisionTolerance: Double = 4
  /// Whether the reported homography is refitted down to `precisionTolerance` (the fit at
  /// `fitTolerance` is always made: it decides the inliers). Re-ranking reads only the
  /// inliers and strengths and turns it off.
  public var refitsHomography = true
  /// Whether the refitted homography is then fitted to the local affine maps of the
  /// correspondences within `precisionTolerance` as well as to their positions
  /// (`HomographyFit.affineRefined`).
  public var fitsLocalAffinities = true

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
    let n = correspondences.count
    var runForward = true, runBackward = false
    switch options.swapInvariance {
    case .average: runBackward = true
    case .none: break
    case .canonicalDirection:
      let order = HoughPyramidMatcher.canonicalOrder(framesA, framesB)
      runForward = order <= 0
      runBackward = order >= 0
    }
    let (forwardCodes, backCodes) = binCodes(correspondences, framesA, framesB, imageSize,
                                             forward: runForward, backward: runBackward)
    let featuresA = HoughPyramidMatcher.sharedOnly(correspondences.map(\.a), count: framesA.count)
    let featuresB = HoughPyramidMatcher.sharedOnly(correspondences.map(\.b), count: framesB.count)
    var strength = [Double](repeating: 0, count: n), grouped = [Bool](repeating: true, count: n)
    var sortedIndices: [Int32] = []
    if runForward {
      (strength, grouped, sortedIndices) = strengths(forwardCodes, featuresA, framesA.count, featuresB, framesB.count)
    }
    if runBackward {
      // B → A: the same pyramid over the inverse transforms, one-to-one resolved on B first.
      let (back, backGrouped, backSorted) = strengths(backCodes, featuresB, framesB.count, featuresA, framesA.count)
      if runForward {
        strength.withUnsafeMutableBufferPointer { strength in
          grouped.withUnsafeMutableBufferPointer { grouped in
            for k in 0..<n {
              strength[k] = (strength[k] + back[k]) / 2
              grouped[k] = grouped[k] && backGrouped[k]
            }
          }
        }
      } else {
        (strength, grouped, sortedIndices) = (back, backGrouped, backSorted)
      }
    }
    let codes = runForward ? forwardCodes : backCodes
    // The homography is seeded by the dominant mode — the finest bin with the largest total
    // strength (ties: the smaller bin code) — then grown to every grouped correspondence it
    // transfers within tolerance. (Random outliers also meet in finest bins; a plain fit to
    // all of them collapses.) Finest bins are runs of equal codes in sorted order.
    let mode = HoughPyramidMatcher.dominantBin(codes: codes, sortedIndices: sortedIndices, strength: strength, grouped: grouped)
    var inliers = [Bool](repeating: false, count: n)
    var bFromA: Homography? = nil
    if let mode {
      // Only grouped correspondences can be inliers: fit over those, gathered once.
      let candidates = grouped.withUnsafeBufferPointer { grouped in
        [Int](unsafeUninitializedCapacity: n) { candidates, found in
          found = 0
          for k in 0..<n where grouped[k] {
            candidates[found] = k
            found += 1
          }
        }
      }
      let pairs = PointPairs(correspondences: correspondences, framesA: framesA, framesB: framesB, selection: candidates)
      var member = candidates.map { codes[$0] == mode.code }, refined = member
      // The bin's own members are few and close together under perspective (a finest bin
      // spans 22.5° and a third of an octave), so a homography fitted to them alone
      // extrapolates badly. They seed an affine map instead (least squares over three or
      // more, else the strongest member's local map), grown at twice the tolerance; the
      // homography is fitted to what that gathers.
      if let seed = seedMap(pairs, member: member, candidates: candidates, correspondences: correspondences,
                            framesA: framesA, framesB: framesB, strength: strength) {
        RANSACVerifier.mark(seed, pairs, 2 * options.fitTolerance, into: &member)
      }
      let tolerance = options.fitTolerance * options.fitTolerance
      for _ in 0..<3 {
        guard let h = HomographyFit.dlt(pairs, where: member) else { break }
        bFromA = h
        pairs.withBuffers { ax, ay, bx, by in
          refined.withUnsafeMutableBufferPointer { refined in
            for j in 0..<ax.count {
              let t = h.apply(ax[j], ay[j])
              let (dx, dy) = (t.x - bx[j], t.y - by[j])
              refined[j] = dx * dx + dy * dy < tolerance
            }
          }
        }
        if refined == member { break }
        swap(&member, &refined)
      }
      inliers.withUnsafeMutableBufferPointer { inliers in
        for (j, k) in candidates.enumerated() { inliers[k] = member[j] }
      }
      if options.refitsHomography {
        bFromA = bFromA.map { HomographyFit.tightened($0, pairs, from: options.fitTolerance, to: options.precisionTolerance) }
        if options.fitsLocalAffinities {
          let local = LocalAffinities(correspondences: candidates.map { correspondences[$0] }, framesA: framesA, framesB: framesB)
          bFromA = bFromA.map { HomographyFit.affineRefined($0, pairs, local, tolerance: options.precisionTolerance) }
        }
      }
    }
    return VerificationResult(inliers: inliers, strengths: strength, score: strength.reduce(0, +), bFromA: bFromA)
  }

  /// An affine map B ← A (3×3 row-major) from the dominant bin's members: least squares
  /// when there are three or more, else the local affine map of the strongest one.
  private func seedMap(_ pairs: PointPairs, member: [Bool], candidates: [Int], correspondences: [Correspondence],
                       framesA: [LocalFrame], framesB: [LocalFrame], strength: [Double]) -> [Double]? {
    if member.lazy.filter({ $0 }).count >= 3, let affine = RANSACVerifier.affineLeastSquares(pairs, member) {
      return affine
    }
    guard let strongest = candidates.indices.filter({ member[$0] }).max(by: { strength[candidates[$0]] < strength[candidates[$1]] })
    else { return nil }
    let c = correspondences[candidates[strongest]]
    let p = framesA[Int(c.a)], q = framesB[Int(c.b)]
    guard p.scale > 0, q.scale > 0 else { return nil }
    let l = p.linearMap(to: q)
    let map = [l.m11, l.m12, q.x - l.m11 * p.x - l.m12 * p.y, l.m21, l.m22, q.y - l.m21 * p.x - l.m22 * p.y, 0, 0, 1]
    return map.allSatisfy(\.isFinite) ? map : nil
  }

  /// The finest bin with the largest total strength over its grouped correspondences (ties:
  /// the smaller bin code), or nil when nothing is grouped. Finest bins are runs of equal codes
  /// in `sortedIndices` order.
  static func dominantBin(codes: [UInt32], sortedIndices: [Int32], strength: [Double], grouped: [Bool])
    -> (code: UInt32, strength: Double)? {
    codes.withUnsafeBufferPointer { codes in
      sortedIndices.withUnsafeBufferPointer { sorted in
        strength.withUnsafeBufferPointer { strength in
          grouped.withUnsafeBufferPointer { grouped in
            var mode: (code: UInt32, strength: Double)? = nil
            var start = 0
            while start < sorted.count {
              let code = codes[Int(sorted[start])]
              var total = 0.0, anyGrouped = false, end = start
              while end < sorted.count, codes[Int(sorted[end])] == code {
                let k = Int(sorted[end])
                if grouped[k] { total += strength[k]; anyGrouped = true }
                end += 1
              }
              if anyGrouped, mode == nil || total > mode!.strength { mode = (code, total) }
              start = end
            }
            return mode
          }
        }
      }
    }
  }

  /// −1 when A should be the source, 1 when B should, 0 when the frame sets are identical:
  /// fewer frames first, then the first differing frame (x, y, scale, angle).
  static func canonicalOrder(_ a: [LocalFrame], _ b: [LocalFrame]) -> Int {
    if a.count != b.count { return a.count < b.count ? -1 : 1 }
    for (p, q) in zip(a, b) {
      for (u, v) in [(p.x, q.x), (p.y, q.y), (p.scale, q.scale), (p.angle, q.angle)] where u != v { return u < v ? -1 : 1 }
    }
    return 0
  }

  /// `spreadBits[v]` has bit i of the 8-bit v at bit 4i (for interleaving four coordinates).
  static let spreadBits: [UInt32] = (0..<256).map { (v: Int) -> UInt32 in
    var spread: UInt32 = 0
    for bit in 0..<8 where v >> bit & 1 == 1 { spread |= 1 << UInt32(4 * bit) }
    return spread
  }

  /// Marks a correspondence whose transform falls outside the pyramid.
  static let outOfRange = UInt32.max

  /// Each correspondence's finest-level bin code in both directions (A → B, B → A), or
  /// `outOfRange`. A code interleaves the bits of the four bin coordinates, most significant
  /// first, so a level-l bin is a run of equal code prefixes once codes are sorted. Both
  /// directions share one cos/sin/log per correspondence: B → A is the inverse similarity
  /// (−ρ, 1/s, p − s⁻¹R(−ρ)q).
  // Out of line so that profiles show the binning apart from `verify`; the verification
  // timings in docs/benchmarks.md were measured this way.
  @inline(never)
  func binCodes(_ correspondences: [Correspondence], _ framesA: [LocalFrame], _ framesB: [LocalFrame],
                _ imageSize: Double, forward wantForward: Bool, backward wantBackward: Bool)
    -> (forward: [UInt32], backward: [UInt32]) {
    precondition((1...9).contains(options.levels), "HPM levels must be 1…9 (32-bit bin codes)")
    let bits = options.levels - 1, bins = Double(1 << bits)
    let extent = options.translationExtent * imageSize
    let logRange = log2(options.maxScale)
    let twoPi = 2 * Double.pi
    let spreadTable = HoughPyramidMatcher.spreadBits
    // Bins per unit of each coordinate, so binning multiplies instead of dividing.
    let (translationRate, scaleRate, rotationRate) = (bins / (2 * extent), bins / (2 * logRange), bins / twoPi)
    let binMask = (1 << bits) - 1
    // The rotation wraps around: its bin is floor(r·rate) mod 2^bits, and as the range is
    // exactly 2π that is the low bits of the floor. Adding 1,024 full turns first makes the
    // value positive, so truncation is the floor, with no branch on the sign (random
    // rotations made a branch mispredict half the time); the sum keeps 2⁻³⁸ of a bin.
    // |rotation| ≥ 1,000 rad takes a slow path: an exact remainder (subtracting 2π·floor(r/2π)
    // loses everything above 2⁵³ and once gave a negative bin for angles like 1e30 read from
    // a file), clamped into the bins.
    let turnsBias = 1024 * bins
    @inline(__always) func rotationBin(_ rotation: Double) -> Int {
      guard abs(rotation) < 1000 else {
        var r = (rotation + options.rotationOffset).truncatingRemainder(dividingBy: twoPi)
        if r < 0 { r += twoPi }
        return Swift.max(0, Swift.min(binMask, Int(r * rotationRate)))
      }
      return Int((rotation + options.rotationOffset) * rotationRate + turnsBias) & binMask
    }
    @inline(__always) func code(_ tx: Double, _ ty: Double, _ ls: Double, _ rotation: Double,
                                _ spread: UnsafeBufferPointer<UInt32>) -> UInt32 {
      guard abs(tx) < extent, abs(ty) < extent, ls >= -logRange, ls < logRange, rotation.isFinite else {
        return HoughPyramidMatcher.outOfRange
      }
      // In range, so the scaled offsets are ≥ 0 (truncation is the floor) and at most `bins`
      // (rounding), clamped to the last bin.
      let bx = Swift.min(binMask, Int((tx + extent) * translationRate))
      let by = Swift.min(binMask, Int((ty + extent) * translationRate))
      let bs = Swift.min(binMask, Int((ls + logRange) * scaleRate))
      let br = rotationBin(rotation)
      // Bit b of each coordinate lands at 4b + (3, 2, 1, 0): x, y, scale, rotation.
      return spread[bx] << 3 | spread[by] << 2 | spread[bs] << 1 | spread[br]
    }
    var forwardCodes = [UInt32](repeating: HoughPyramidMatcher.outOfRange, count: wantForward ? correspondences.count : 0)
    var backwardCodes = [UInt32](repeating: HoughPyramidMatcher.outOfRange, count: wantBackward ? correspondences.count : 0)
    spreadTable.withUnsafeBufferPointer { spread in
      forwardCodes.withUnsafeMutableBufferPointer { forward in
        backwardCodes.withUnsafeMutableBufferPointer { backward in
          for (k, c) in correspondences.enumerated() {
            let p = framesA[Int(c.a)], q = framesB[Int(c.b)]
            guard p.scale > 0, q.scale > 0 else { continue }
            // Relative similarity (ICCV'11 §3): rotation ρ, scale s, translation t = q − s·R(ρ)·p.
            let rotation = q.angle - p.angle
            let s = q.scale / p.scale, inverse = p.scale / q.scale
            let (sr, cr) = sinCos(rotation)
            let ls = log2(s)  // the range is log2(maxScale): log2 is twice as fast as log10
            if wantForward {
              forward[k] = code(q.x - s * (cr * p.x - sr * p.y), q.y - s * (sr * p.x + cr * p.y), ls, rotation, spread)
            }
            if wantBackward {
              backward[k] = code(p.x - inverse * (cr * q.x + sr * q.y), p.y - inverse * (-sr * q.x + cr * q.y), -ls, -rotation,
                                 spread)
            }
          }
        }
      }
    }
    return (forwardCodes, backwardCodes)
  }
}
