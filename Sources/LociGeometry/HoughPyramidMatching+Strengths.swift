import Foundation

extension HoughPyramidMatcher {
  /// One direction of HPM: per correspondence its strength (0 when erased or out of range)
  /// and whether it shares a finest-level bin with another survivor; also the in-range
  /// correspondences in bin-code order. `first` and `second` are each correspondence's
  /// features in the two images (`firstCount`, `secondCount` features); one-to-one
  /// conflicts are resolved on `first`'s features, then `second`'s.
  ///
  /// Codes are radix-sorted once, so the bins of every level are contiguous runs; levels
  /// are then linear scans, finest first, with per-feature stamps for the one-to-one rule:
  /// O(n·L), no allocation per bin. A correspondence whose feature no other correspondence
  /// uses can never lose a conflict on it, so only shared features are stamped (with
  /// ratio-test matches every first feature is unshared).
  func strengths(_ codes: [UInt32], _ first: [Int32], _ firstCount: Int, _ second: [Int32],
                 _ secondCount: Int) -> (strength: [Double], grouped: [Bool], sortedIndices: [Int32]) {
    let n = codes.count, levels = options.levels
    let (order, sortedCodes) = HoughPyramidMatcher.sortedByCode(codes, bits: 4 * (levels - 1))
    let m = order.count
    let sharedFirst = HoughPyramidMatcher.sharedFeatures(first, count: firstCount)
    let sharedSecond = HoughPyramidMatcher.sharedFeatures(second, count: secondCount)
    // Everything the scans touch is laid out in sorted order, so each level reads it
    // sequentially; only the stamps of shared features are random accesses.
    let firstSorted = order.map { sharedFirst[Int(first[Int($0)])] ? first[Int($0)] : -1 }
    let secondSorted = order.map { sharedSecond[Int(second[Int($0)])] ? second[Int($0)] : -1 }
    var strengthSorted = [Double](repeating: 0, count: m)
    var erasedSorted = [Bool](repeating: false, count: m)
    var finestSorted = [Bool](repeating: false, count: m)
    // Per feature: the bin that last saw it and the (sorted) position holding it there.
    var stampFirst = [Int32](repeating: -1, count: firstCount), holderFirst = [Int32](repeating: 0, count: firstCount)
    var stampSecond = [Int32](repeating: -1, count: secondCount), holderSecond = [Int32](repeating: 0, count: secondCount)
    var binNumber: Int32 = 0
    strengthSorted.withUnsafeMutableBufferPointer { strength in
      erasedSorted.withUnsafeMutableBufferPointer { erased in
        finestSorted.withUnsafeMutableBufferPointer { finest in
          order.withUnsafeBufferPointer { order in
          sortedCodes.withUnsafeBufferPointer { sortedCodes in
          firstSorted.withUnsafeBufferPointer { firstSorted in
          secondSorted.withUnsafeBufferPointer { secondSorted in
            // One-to-one inside a bin: among survivors sharing a feature, the strongest so
            // far survives (ties: the lower correspondence index). True when one was erased.
            @inline(__always) func resolve(_ i: Int, _ feature: Int, _ stamp: UnsafeMutableBufferPointer<Int32>,
                                           _ holder: UnsafeMutableBufferPointer<Int32>) -> Bool {
              guard stamp[feature] == binNumber else {
                stamp[feature] = binNumber
                holder[feature] = Int32(i)
                return false
              }
              let other = Int(holder[feature])
              let keepNew = strength[i] > strength[other] || (strength[i] == strength[other] && order[i] < order[other])
              erased[keepNew ? other : i] = true
              if keepNew { holder[feature] = Int32(i) }
              return true
            }
            stampFirst.withUnsafeMutableBufferPointer { stampFirst in
              holderFirst.withUnsafeMutableBufferPointer { holderFirst in
                stampSecond.withUnsafeMutableBufferPointer { stampSecond in
                  holderSecond.withUnsafeMutableBufferPointer { holderSecond in
                    for level in stride(from: levels - 1, through: 0, by: -1) {
                      let shift = UInt32(4 * (levels - 1 - level))
                      // Affinity: a correspondence first joined at level l adds 2^l (finest
                      // 2^(L−1)), i.e. the paper's 2^(−ℓ') up to the constant 2^(L−1);
                      // cumulative counts telescope to that with per-level weights 1, 1, 2,
                      // 4, … (§8, equivalence verified in the notes).
                      let weight = level == 0 ? 1.0 : Double(1 << (level - 1))
                      var start = 0
                      while start < m {
                        let prefix = sortedCodes[start] >> shift
                        var end = start + 1
                        while end < m && sortedCodes[end] >> shift == prefix { end += 1 }
                        defer { start = end }
                        guard end - start >= 2 else { continue }
                        binNumber += 1
                        // Survivors: each conflict erases exactly one of them.
                        var alive = 0
                        for i in start..<end where !erased[i] {
                          alive += 1
                          let feature = Int(firstSorted[i])
                          if feature >= 0 && resolve(i, feature, stampFirst, holderFirst) { alive -= 1 }
                        }
                        for i in start..<end where !erased[i] {
                          let feature = Int(secondSorted[i])
                          if feature >= 0 && resolve(i, feature, stampSecond, holderSecond) { alive -= 1 }
                        }
                        guard alive >= 2 else { continue }
                        let gain = Double(alive - 1) * weight
                        for i in start..<end where !erased[i] {
                          strength[i] += gain
                          if level == levels - 1 { finest[i] = true }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
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
    return (strength, finest, order)
  }

  /// The in-range codes, stably sorted, and their indices: an LSD radix sort of
  /// (code << 32 | index) keys, 8 bits a pass over the low `bits` bits of the code, so every
  /// pass reads sequentially (keys start in index order, so ties stay in index order).
  static func sortedByCode(_ codes: [UInt32], bits: Int) -> (order: [Int32], codes: [UInt32]) {
    var keys = [UInt64]()
    keys.reserveCapacity(codes.count)
    for (k, code) in codes.enumerated() where code != outOfRange { keys.append(UInt64(code) << 32 | UInt64(k)) }
    var scratch = keys
    var counts = [Int](repeating: 0, count: 257)
    for pass in stride(from: 32, to: 32 + bits, by: 8) {
      keys.withUnsafeBufferPointer { keys in
        scratch.withUnsafeMutableBufferPointer { scratch in
          counts.withUnsafeMutableBufferPointer { counts in
            for i in counts.indices { counts[i] = 0 }
            for key in keys { counts[Int((key >> UInt64(pass)) & 0xFF) + 1] += 1 }
            for i in 1..<257 { counts[i] += counts[i - 1] }
            for key in keys {
              let digit = Int((key >> UInt64(pass)) & 0xFF)
              scratch[counts[digit]] = key
              counts[digit] += 1
            }
          }
        }
      }
      swap(&keys, &scratch)
    }
    return (keys.map { Int32(truncatingIfNeeded: $0) }, keys.map { UInt32($0 >> 32) })
  }

  /// Per feature: whether two or more correspondences use it.
  static func sharedFeatures(_ features: [Int32], count: Int) -> [Bool] {
    var seen = [UInt8](repeating: 0, count: count)
    seen.withUnsafeMutableBufferPointer { seen in
      for f in features where seen[Int(f)] < 2 { seen[Int(f)] += 1 }
    }
    return seen.map { $0 >= 2 }
  }
}
