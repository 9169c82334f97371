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
          let (dx, dy) = (t.x - q.x, t.y - q.y)
          return dx * dx + dy * dy < options.fitTolerance * options.fitTolerance
        }
        if refined == inliers { break }
        inliers = refined
      }
    }
    return VerificationResult(inliers: inliers, strengths: strength, score: strength.reduce(0, +), bFromA: bFromA)
  }

  /// One direction of HPM: per correspondence its strength (0 when erased or out of range),
  /// whether it shares a finest-level bin with another survivor, and its finest bin.
  ///
  /// Bins at every level are made contiguous by one sort: each correspondence's key
  /// interleaves the bits of its four bin coordinates, most significant first, so a level-l
  /// bin is a run of equal key prefixes. Levels are then linear scans, finest first, with
  /// per-feature stamps for the one-to-one conflicts: O(n log n + n·L), no allocation per bin.
  func strengths(_ correspondences: [Correspondence], _ framesA: [LocalFrame], _ framesB: [LocalFrame],
                 _ imageSize: Double) -> ([Double], [Bool], [UInt32?]) {
    let n = correspondences.count
    let levels = options.levels, bits = levels - 1, bins = 1 << bits
    var keys = [UInt32?](repeating: nil, count: n)
    var entries: [(key: UInt32, index: Int32)] = []
    entries.reserveCapacity(n)
    let extent = options.translationExtent * imageSize
    let logRange = log10(options.maxScale)
    func bin(_ v: Double, _ lo: Double, _ hi: Double) -> UInt32 {
      UInt32(Swift.min(bins - 1, Swift.max(0, Int((v - lo) / (hi - lo) * Double(bins)))))
    }
    for (k, c) in correspondences.enumerated() {
      let p = framesA[Int(c.a)], q = framesB[Int(c.b)]
      guard p.scale > 0, q.scale > 0 else { continue }
      // Relative similarity (ICCV'11 §3): rotation ρ, scale s, translation t = q − s·R(ρ)·p.
      let rotation = q.angle - p.angle
      let s = q.scale / p.scale
      let (cr, sr) = (cos(rotation), sin(rotation))
      let tx = q.x - s * (cr * p.x - sr * p.y)
      let ty = q.y - s * (sr * p.x + cr * p.y)
      // Offset, then wrap into [0, 2π) with floor (C's fmod keeps the sign of negatives).
      var r = rotation + options.rotationOffset
      r -= 2 * Double.pi * (r / (2 * Double.pi)).rounded(.down)
      let ls = log10(s)
      guard abs(tx) < extent, abs(ty) < extent, ls >= -logRange, ls < logRange else { continue }
      let (bx, by) = (bin(tx, -extent, extent), bin(ty, -extent, extent))
      let (bs, br) = (bin(ls, -logRange, logRange), bin(r, 0, 2 * Double.pi))
      var key: UInt32 = 0
      for b in stride(from: UInt32(bits - 1), through: 0, by: -1) {
        key = key << 4 | (bx >> b & 1) << 3 | (by >> b & 1) << 2 | (bs >> b & 1) << 1 | (br >> b & 1)
      }
      keys[k] = key
      entries.append((key, Int32(k)))
    }
    // Stable LSD radix sort on the 4·(L−1)-bit keys, 8 bits a pass (entries are already in
    // index order, so ties stay in index order): linear, unlike a comparison sort.
    let keyBits = 4 * bits
    var scratch = entries
    for pass in stride(from: 0, to: keyBits, by: 8) {
      var counts = [Int](repeating: 0, count: 257)
      for e in entries { counts[Int((e.key >> UInt32(pass)) & 0xFF) + 1] += 1 }
      for i in 1..<257 { counts[i] += counts[i - 1] }
      for e in entries {
        let digit = Int((e.key >> UInt32(pass)) & 0xFF)
        scratch[counts[digit]] = e
        counts[digit] += 1
      }
      swap(&entries, &scratch)
    }
    let order = entries.map { Int($0.index) }
    let sortedKeys = entries.map(\.key)
    var strength = [Double](repeating: 0, count: n)
    var erased = [Bool](repeating: false, count: n)
    var finest = [Bool](repeating: false, count: n)
    var stampA = [Int](repeating: -1, count: framesA.count), holderA = [Int](repeating: 0, count: framesA.count)
    var stampB = [Int](repeating: -1, count: framesB.count), holderB = [Int](repeating: 0, count: framesB.count)
    var binNumber = 0
    for level in stride(from: levels - 1, through: 0, by: -1) {
      let shift = UInt32(4 * (levels - 1 - level))
      // Affinity: a correspondence first joined at level l adds 2^l (finest 2^(L−1)), i.e. the
      // paper's 2^(−ℓ') up to the constant 2^(L−1); cumulative counts telescope to that with
      // per-level weights 1, 1, 2, 4, … (§8, equivalence verified in the notes).
      let weight = level == 0 ? 1.0 : Double(1 << (level - 1))
      var start = 0
      while start < order.count {
        let prefix = sortedKeys[start] >> shift
        var end = start + 1
        while end < order.count && sortedKeys[end] >> shift == prefix { end += 1 }
        defer { start = end }
        guard end - start >= 2 else { continue }
        binNumber += 1
        // One-to-one inside the bin: among correspondences sharing a feature of A (then of
        // B), the strongest so far survives.
        func resolve(_ k: Int, _ feature: Int, _ stamp: inout [Int], _ holder: inout [Int]) {
          if stamp[feature] == binNumber {
            let other = holder[feature]
            let keepNew = strength[k] > strength[other] || (strength[k] == strength[other] && k < other)
            erased[keepNew ? other : k] = true
            if keepNew { holder[feature] = k }
          } else {
            stamp[feature] = binNumber
            holder[feature] = k
          }
        }
        for i in start..<end where !erased[order[i]] {
          resolve(order[i], Int(correspondences[order[i]].a), &stampA, &holderA)
        }
        for i in start..<end where !erased[order[i]] {
          resolve(order[i], Int(correspondences[order[i]].b), &stampB, &holderB)
        }
        var u = 0
        for i in start..<end where !erased[order[i]] { u += 1 }
        guard u >= 2 else { continue }
        for i in start..<end where !erased[order[i]] {
          strength[order[i]] += Double(u - 1) * weight
          if level == levels - 1 { finest[order[i]] = true }
        }
      }
    }
    for k in 0..<n where erased[k] || keys[k] == nil {
      strength[k] = 0
      finest[k] = false
    }
    return (strength, finest, keys)
  }
}
