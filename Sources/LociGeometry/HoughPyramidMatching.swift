import Foundation

/// Options of Hough pyramid matching (Tolias & Avrithis, ICCV 2011 / IJCV 2014), defaults of
/// the authors' code (ALGORITHMS.md §8).
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
  /// Default `.average`. `.canonicalDirection` costs half as much and does as well on the
  /// Oxford affine pairs (32 vs 31 of 40 within 5 px). As a re-ranker on the development set
  /// it loses 1.2 mAP points (94.55 vs 95.78 at shortlist 100; docs/benchmarks.md).
  public var swapInvariance: SwapInvariance = .average

  public enum SwapInvariance: String, Sendable, CaseIterable {
    /// Run A→B and B→A and average strengths and score: twice the (linear) cost.
    case average
    /// Run one direction, chosen from the two frame sets alone (the set with fewer frames,
    /// else the lexicographically smaller one, is the source), so a swapped call picks the
    /// same direction: half the cost. Identical frame sets fall back to `.average`.
    case canonicalDirection
    /// A→B only (not swap-invariant).
    case none
  }
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
    let featuresA = correspondences.map(\.a), featuresB = correspondences.map(\.b)
    var strength = [Double](repeating: 0, count: n), grouped = [Bool](repeating: true, count: n)
    var runs = 0.0
    if runForward {
      (strength, grouped) = strengths(forwardCodes, featuresA, framesA.count, featuresB, framesB.count)
      runs += 1
    }
    if runBackward {
      // B → A: the same pyramid over the inverse transforms, one-to-one resolved on B first.
      let (back, backGrouped) = strengths(backCodes, featuresB, framesB.count, featuresA, framesA.count)
      for k in 0..<n {
        strength[k] += back[k]
        grouped[k] = grouped[k] && backGrouped[k]
      }
      runs += 1
    }
    if runs == 2 { for k in 0..<n { strength[k] /= 2 } }
    let codes = runForward ? forwardCodes : backCodes
    // The homography is seeded by the dominant mode — the finest bin with the largest total
    // strength — then grown to every grouped correspondence it transfers within tolerance.
    // (Random outliers also meet in finest bins; a plain fit to all of them collapses.)
    var modeStrength: [UInt32: Double] = [:]
    for k in strength.indices where grouped[k] { modeStrength[codes[k], default: 0] += strength[k] }
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
          let (dx, dy) = (t.x - q.x, t.y - q.y)
          return dx * dx + dy * dy < options.fitTolerance * options.fitTolerance
        }
        if refined == inliers { break }
        inliers = refined
      }
    }
    return VerificationResult(inliers: inliers, strengths: strength, score: strength.reduce(0, +), bFromA: bFromA)
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
  func binCodes(_ correspondences: [Correspondence], _ framesA: [LocalFrame], _ framesB: [LocalFrame],
                _ imageSize: Double, forward wantForward: Bool, backward wantBackward: Bool)
    -> (forward: [UInt32], backward: [UInt32]) {
    precondition((1...9).contains(options.levels), "HPM levels must be 1…9 (32-bit bin codes)")
    let bits = options.levels - 1, bins = Double(1 << bits), maxBin = Double((1 << bits) - 1)
    let extent = options.translationExtent * imageSize
    let logRange = log10(options.maxScale)
    let twoPi = 2 * Double.pi
    @inline(__always) func bin(_ v: Double, _ lo: Double, _ hi: Double) -> UInt32 {
      UInt32(Swift.min(maxBin, Swift.max(0, ((v - lo) / (hi - lo) * bins).rounded(.towardZero))))
    }
    @inline(__always) func code(_ tx: Double, _ ty: Double, _ ls: Double, _ rotation: Double) -> UInt32 {
      // Offset, then wrap into [0, 2π) with floor (C's fmod keeps the sign of negatives).
      var r = rotation + options.rotationOffset
      r -= twoPi * (r / twoPi).rounded(.down)
      guard abs(tx) < extent, abs(ty) < extent, ls >= -logRange, ls < logRange else { return HoughPyramidMatcher.outOfRange }
      let (bx, by) = (bin(tx, -extent, extent), bin(ty, -extent, extent))
      let (bs, br) = (bin(ls, -logRange, logRange), bin(r, 0, twoPi))
      // Bit b of each coordinate lands at 4b + (3, 2, 1, 0): x, y, scale, rotation.
      let spread = HoughPyramidMatcher.spreadBits
      return spread[Int(bx)] << 3 | spread[Int(by)] << 2 | spread[Int(bs)] << 1 | spread[Int(br)]
    }
    var forwardCodes = [UInt32](repeating: HoughPyramidMatcher.outOfRange, count: wantForward ? correspondences.count : 0)
    var backwardCodes = [UInt32](repeating: HoughPyramidMatcher.outOfRange, count: wantBackward ? correspondences.count : 0)
    forwardCodes.withUnsafeMutableBufferPointer { forward in
      backwardCodes.withUnsafeMutableBufferPointer { backward in
        for (k, c) in correspondences.enumerated() {
          let p = framesA[Int(c.a)], q = framesB[Int(c.b)]
          guard p.scale > 0, q.scale > 0 else { continue }
          // Relative similarity (ICCV'11 §3): rotation ρ, scale s, translation t = q − s·R(ρ)·p.
          let rotation = q.angle - p.angle
          let s = q.scale / p.scale, inverse = p.scale / q.scale
          let (cr, sr) = (cos(rotation), sin(rotation))
          let ls = log10(s)
          if wantForward { forward[k] = code(q.x - s * (cr * p.x - sr * p.y), q.y - s * (sr * p.x + cr * p.y), ls, rotation) }
          if wantBackward {
            backward[k] = code(p.x - inverse * (cr * q.x + sr * q.y), p.y - inverse * (-sr * q.x + cr * q.y), -ls, -rotation)
          }
        }
      }
    }
    return (forwardCodes, backwardCodes)
  }

  /// One direction of HPM: per correspondence its strength (0 when erased or out of range)
  /// and whether it shares a finest-level bin with another survivor. `first` and `second`
  /// are each correspondence's features in the two images (`firstCount`, `secondCount`
  /// features); one-to-one conflicts are resolved on `first`'s features, then `second`'s.
  ///
  /// Codes are radix-sorted once, so the bins of every level are contiguous runs; levels
  /// are then linear scans, finest first, with per-feature stamps for the one-to-one rule:
  /// O(n·L), no allocation per bin.
  func strengths(_ codes: [UInt32], _ first: [Int32], _ firstCount: Int, _ second: [Int32],
                 _ secondCount: Int) -> ([Double], [Bool]) {
    let n = codes.count, levels = options.levels, bits = levels - 1
    var order = [Int32](), sortedCodes = [UInt32]()
    order.reserveCapacity(n)
    for k in 0..<n where codes[k] != HoughPyramidMatcher.outOfRange { order.append(Int32(k)) }
    // Stable LSD radix sort on the 4·(L−1)-bit codes, 8 bits a pass (indices start in
    // order, so ties stay in index order): linear, unlike a comparison sort.
    var scratch = order
    for pass in stride(from: 0, to: 4 * bits, by: 8) {
      var counts = [Int](repeating: 0, count: 257)
      for k in order { counts[Int((codes[Int(k)] >> UInt32(pass)) & 0xFF) + 1] += 1 }
      for i in 1..<257 { counts[i] += counts[i - 1] }
      for k in order {
        let digit = Int((codes[Int(k)] >> UInt32(pass)) & 0xFF)
        scratch[counts[digit]] = k
        counts[digit] += 1
      }
      swap(&order, &scratch)
    }
    sortedCodes = order.map { codes[Int($0)] }
    // Everything the scans touch is laid out in sorted order, so each level reads it
    // sequentially; only the per-feature stamps are random accesses.
    let m = order.count
    let firstSorted = order.map { first[Int($0)] }, secondSorted = order.map { second[Int($0)] }
    var strengthSorted = [Double](repeating: 0, count: m)
    var erasedSorted = [Bool](repeating: false, count: m)
    var finestSorted = [Bool](repeating: false, count: m)
    // Per feature: the bin that last saw it and the (sorted) position holding it there.
    let stampFirst = UnsafeMutablePointer<Int32>.allocate(capacity: firstCount), holderFirst = UnsafeMutablePointer<Int32>.allocate(capacity: firstCount)
    let stampSecond = UnsafeMutablePointer<Int32>.allocate(capacity: secondCount), holderSecond = UnsafeMutablePointer<Int32>.allocate(capacity: secondCount)
    stampFirst.initialize(repeating: -1, count: firstCount)
    stampSecond.initialize(repeating: -1, count: secondCount)
    holderFirst.initialize(repeating: 0, count: firstCount)
    holderSecond.initialize(repeating: 0, count: secondCount)
    defer { [stampFirst, holderFirst, stampSecond, holderSecond].forEach { $0.deallocate() } }
    var binNumber: Int32 = 0
    strengthSorted.withUnsafeMutableBufferPointer { strength in
      erasedSorted.withUnsafeMutableBufferPointer { erased in
        finestSorted.withUnsafeMutableBufferPointer { finest in
          // One-to-one inside a bin: among survivors sharing a feature, the strongest so far
          // survives (ties: the lower correspondence index).
          @inline(__always) func resolve(_ i: Int, _ feature: Int, _ stamp: UnsafeMutablePointer<Int32>,
                                         _ holder: UnsafeMutablePointer<Int32>) {
            if stamp[feature] == binNumber {
              let other = Int(holder[feature])
              let keepNew = strength[i] > strength[other] || (strength[i] == strength[other] && order[i] < order[other])
              erased[keepNew ? other : i] = true
              if keepNew { holder[feature] = Int32(i) }
            } else {
              stamp[feature] = binNumber
              holder[feature] = Int32(i)
            }
          }
          for level in stride(from: levels - 1, through: 0, by: -1) {
            let shift = UInt32(4 * (levels - 1 - level))
            // Affinity: a correspondence first joined at level l adds 2^l (finest 2^(L−1)), i.e.
            // the paper's 2^(−ℓ') up to the constant 2^(L−1); cumulative counts telescope to
            // that with per-level weights 1, 1, 2, 4, … (§8, equivalence verified in the notes).
            let weight = level == 0 ? 1.0 : Double(1 << (level - 1))
            var start = 0
            while start < m {
              let prefix = sortedCodes[start] >> shift
              var end = start + 1
              while end < m && sortedCodes[end] >> shift == prefix { end += 1 }
              defer { start = end }
              guard end - start >= 2 else { continue }
              binNumber += 1
              for i in start..<end where !erased[i] { resolve(i, Int(firstSorted[i]), stampFirst, holderFirst) }
              for i in start..<end where !erased[i] { resolve(i, Int(secondSorted[i]), stampSecond, holderSecond) }
              var u = 0
              for i in start..<end where !erased[i] { u += 1 }
              guard u >= 2 else { continue }
              for i in start..<end where !erased[i] {
                strength[i] += Double(u - 1) * weight
                if level == levels - 1 { finest[i] = true }
              }
            }
          }
        }
      }
    }
    var strength = [Double](repeating: 0, count: n)
    var finest = [Bool](repeating: false, count: n)
    for i in 0..<m where !erasedSorted[i] {
      strength[Int(order[i])] = strengthSorted[i]
      finest[Int(order[i])] = finestSorted[i]
    }
    return (strength, finest)
  }
}
