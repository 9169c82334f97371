import Foundation

/// The working arrays of one HPM direction, in bin-code order, compacted as correspondences
/// are erased. Buffers are allocated once per call; `deallocate()` frees them.
struct LevelScan {
  /// Survivors so far; positions `0..<count` of every array below are live.
  private(set) var count: Int
  /// Correspondence index, bin code, and features (−1 when no other correspondence uses the
  /// feature, so it can never conflict).
  let index: UnsafeMutableBufferPointer<Int32>, code: UnsafeMutableBufferPointer<UInt32>
  let first: UnsafeMutableBufferPointer<Int32>, second: UnsafeMutableBufferPointer<Int32>
  let strength: UnsafeMutableBufferPointer<Double>, finest: UnsafeMutableBufferPointer<Bool>
  let erased: UnsafeMutableBufferPointer<Bool>
  /// `sharedBefore[i]`: how many of positions 0..<i have a shared feature (so a bin's count
  /// is a difference).
  let sharedBefore: UnsafeMutableBufferPointer<Int32>
  /// Whether any position has a shared feature. When none has (ratio-test matches, or
  /// many-to-many matches that happen to be one-to-one), nothing can conflict: the stamps
  /// below stay empty and `sharedBefore` is never recounted.
  private(set) var anyShared: Bool
  /// Per feature: the bin that last saw it and the position holding it there.
  let stampFirst: UnsafeMutableBufferPointer<Int32>, holderFirst: UnsafeMutableBufferPointer<Int32>
  let stampSecond: UnsafeMutableBufferPointer<Int32>, holderSecond: UnsafeMutableBufferPointer<Int32>
  private var binNumber: Int32 = 0

  /// `firstFeatures` and `secondFeatures` are in `order`, or both empty when no feature is
  /// shared.
  init(order: [Int32], codes: [UInt32], firstFeatures: [Int32], secondFeatures: [Int32], firstCount: Int, secondCount: Int) {
    func buffer<T>(_ values: [T]) -> UnsafeMutableBufferPointer<T> {
      let b = UnsafeMutableBufferPointer<T>.allocate(capacity: values.count)
      _ = b.initialize(from: values)
      return b
    }
    func buffer<T>(_ value: T, _ n: Int) -> UnsafeMutableBufferPointer<T> {
      let b = UnsafeMutableBufferPointer<T>.allocate(capacity: n)
      b.initialize(repeating: value)
      return b
    }
    let m = order.count
    count = m
    (index, code, first, second) = (buffer(order), buffer(codes), buffer(firstFeatures), buffer(secondFeatures))
    anyShared = firstFeatures.contains { $0 >= 0 } || secondFeatures.contains { $0 >= 0 }
    (strength, finest) = (buffer(0.0, m), buffer(false, m))
    (erased, sharedBefore) = anyShared ? (buffer(false, m), buffer(Int32(0), m + 1)) : (buffer(false, 0), buffer(Int32(0), 0))
    let (stampedFirst, stampedSecond) = anyShared ? (firstCount, secondCount) : (0, 0)
    (stampFirst, holderFirst) = (buffer(Int32(-1), stampedFirst), buffer(Int32(0), stampedFirst))
    (stampSecond, holderSecond) = (buffer(Int32(-1), stampedSecond), buffer(Int32(0), stampedSecond))
    if anyShared { countShared() }
  }

  func deallocate() {
    for b in [index, first, second, sharedBefore, stampFirst, holderFirst, stampSecond, holderSecond] { b.deallocate() }
    code.deallocate()
    strength.deallocate()
    finest.deallocate()
    erased.deallocate()
  }

  private func countShared() {
    var total: Int32 = 0
    for i in 0..<count {
      sharedBefore[i] = total
      if first[i] >= 0 || second[i] >= 0 { total += 1 }
    }
    sharedBefore[count] = total
  }

  /// One pyramid level: bins are runs of equal `code >> shift`; each bin of two or more
  /// survivors adds (survivors − 1)·weight to each of them.
  mutating func run(shift: UInt32, weight: Double, markFinest: Bool) {
    var start = 0, anyErased = false
    while start < count {
      let prefix = code[start] >> shift
      var end = start + 1
      while end < count && code[end] >> shift == prefix { end += 1 }
      defer { start = end }
      guard end - start >= 2 else { continue }
      var alive = end - start
      if anyShared && sharedBefore[end] > sharedBefore[start] {
        alive = resolveOneToOne(start, end)
        anyErased = anyErased || alive < end - start
      }
      guard alive >= 2 else { continue }
      let gain = Double(alive - 1) * weight
      if alive == end - start {
        for i in start..<end { strength[i] += gain }
        if markFinest { for i in start..<end { finest[i] = true } }
      } else {
        for i in start..<end where !erased[i] {
          strength[i] += gain
          if markFinest { finest[i] = true }
        }
      }
    }
    if anyErased { compact() }
  }

  /// All levels at once, for when no feature is shared (`anyShared` false): nothing can be
  /// erased, so a level-l bin of n survivors adds (n − 1)·w_l to each of them whatever the
  /// other levels did, and `run` level by level would only re-read the codes L times. Here
  /// one pass finds, for each pair of neighbouring codes, the coarsest level whose prefix
  /// differs (from the highest differing bit); every bin ending there adds its gain as +g at
  /// its start and −g at its end of a difference array, and a prefix sum turns that into
  /// the strengths. Gains are whole multiples of powers of two, so the sums are exact and
  /// equal `run`'s. `weights[l]` is level l's weight, coarsest first.
  mutating func runAllLevelsWithoutConflicts(weights: [Double]) {
    precondition(!anyShared)
    let levels = weights.count, m = count
    guard m > 0 else { return }
    var runStart = [Int](repeating: 0, count: levels)
    let difference = UnsafeMutableBufferPointer<Double>.allocate(capacity: m + 1)
    defer { difference.deallocate() }
    difference.initialize(repeating: 0)
    @inline(__always) func close(_ level: Int, at end: Int) {
      let start = runStart[level]
      runStart[level] = end
      guard end - start >= 2 else { return }
      let gain = Double(end - start - 1) * weights[level]
      difference[start] += gain
      difference[end] -= gain
      if level == levels - 1 { for i in start..<end { finest[i] = true } }
    }
    for i in 1..<m {
      let differing = code[i] ^ code[i - 1]
      guard differing != 0 else { continue }
      // Level l compares the bits from 4·(levels − 1 − l) up: it splits here when the highest
      // differing bit reaches that far.
      let highest = UInt32.bitWidth - 1 - differing.leadingZeroBitCount
      for level in Swift.max(0, levels - 1 - highest / 4)..<levels { close(level, at: i) }
    }
    for level in 0..<levels { close(level, at: m) }
    var total = 0.0
    for i in 0..<m {
      total += difference[i]
      strength[i] = total
    }
  }

  /// One-to-one inside the bin `start..<end`: among survivors sharing a feature, the
  /// strongest so far survives (ties: the lower correspondence index); first features, then
  /// second ones. Returns the survivors: each conflict erases exactly one.
  private mutating func resolveOneToOne(_ start: Int, _ end: Int) -> Int {
    binNumber += 1
    var alive = end - start
    for (features, stamp, holder) in [(first, stampFirst, holderFirst), (second, stampSecond, holderSecond)] {
      for i in start..<end where !erased[i] && features[i] >= 0 {
        let feature = Int(features[i])
        guard stamp[feature] == binNumber else {
          stamp[feature] = binNumber
          holder[feature] = Int32(i)
          continue
        }
        let other = Int(holder[feature])
        let keepNew = strength[i] > strength[other] || (strength[i] == strength[other] && index[i] < index[other])
        erased[keepNew ? other : i] = true
        if keepNew { holder[feature] = Int32(i) }
        alive -= 1
      }
    }
    return alive
  }

  /// Drops erased positions (order kept) and recounts shared features.
  private mutating func compact() {
    var kept = 0
    for i in 0..<count where !erased[i] {
      (index[kept], code[kept], first[kept], second[kept]) = (index[i], code[i], first[i], second[i])
      (strength[kept], finest[kept], erased[kept]) = (strength[i], finest[i], false)
      kept += 1
    }
    count = kept
    countShared()  // (only reached when something was erased, so anyShared holds)
  }
}
