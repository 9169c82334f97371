import Foundation

extension HoughPyramidMatcher {
  /// One direction of HPM: per correspondence its strength (0 when erased or out of range)
  /// and whether it shares a finest-level bin with another survivor; also the in-range
  /// correspondences in bin-code order. `first` and `second` are each correspondence's
  /// features in the two images (`firstCount`, `secondCount` features), −1 where no other
  /// correspondence uses the feature (`sharedOnly`); one-to-one conflicts are resolved on
  /// `first`'s features, then `second`'s.
  ///
  /// Codes are radix-sorted once, so the bins of every level are contiguous runs; levels
  /// are then linear scans, finest first: O(n·L), no allocation per bin. The one-to-one rule
  /// uses per-feature stamps, and only features that two or more correspondences use can
  /// conflict, so only bins holding such a feature are resolved (with ratio-test matches,
  /// no first feature is shared). Erased correspondences are compacted away after each
  /// level that erased any, so a bin without shared features has `end − start` survivors
  /// and costs one pass. When no feature at all is shared, nothing can be erased and all
  /// levels are done in one pass (`LevelScan.runAllLevelsWithoutConflicts`).
  func strengths(_ codes: [UInt32], _ first: [Int32], _ firstCount: Int, _ second: [Int32],
                 _ secondCount: Int) -> (strength: [Double], grouped: [Bool], sortedIndices: [Int32]) {
    let levels = options.levels
    let (order, sortedCodes) = HoughPyramidMatcher.sortedByCode(codes, bits: 4 * (levels - 1))
    // Without shared features the scan never looks at features: it gets none.
    let anyShared = first.contains { $0 >= 0 } || second.contains { $0 >= 0 }
    var scan = LevelScan(order: order, codes: sortedCodes, firstFeatures: anyShared ? order.map { first[Int($0)] } : [],
                         secondFeatures: anyShared ? order.map { second[Int($0)] } : [], firstCount: firstCount,
                         secondCount: secondCount)
    defer { scan.deallocate() }
    // Affinity: a correspondence first joined at level l adds 2^l (finest 2^(L−1)), i.e. the
    // paper's 2^(−ℓ') up to the constant 2^(L−1); cumulative counts telescope to that with
    // per-level weights 1, 1, 2, 4, … (§8, equivalence verified in the notes).
    let weights = (0..<levels).map { $0 == 0 ? 1.0 : Double(1 << ($0 - 1)) }
    if scan.anyShared {
      for level in stride(from: levels - 1, through: 0, by: -1) {
        scan.run(shift: UInt32(4 * (levels - 1 - level)), weight: weights[level], markFinest: level == levels - 1)
      }
    } else {
      scan.runAllLevelsWithoutConflicts(weights: weights)
    }
    var strength = [Double](repeating: 0, count: codes.count)
    var grouped = [Bool](repeating: false, count: codes.count)
    strength.withUnsafeMutableBufferPointer { strength in
      grouped.withUnsafeMutableBufferPointer { grouped in
        for i in 0..<scan.count {
          strength[Int(scan.index[i])] = scan.strength[i]
          grouped[Int(scan.index[i])] = scan.finest[i]
        }
      }
    }
    return (strength, grouped, order)
  }

  /// The in-range codes, stably sorted, and their indices: an LSD radix sort of
  /// (code << indexBits | index) keys, 8 bits a pass over the low `bits` bits of the code, so
  /// every pass reads sequentially (keys start in index order, so ties stay in index order).
  /// The histograms of all passes are counted in one read. Keys are 32-bit when codes and
  /// indices fit in 16 bits each (the default 5 levels, up to 65,536 correspondences), which
  /// halves the memory the passes move; 64-bit otherwise.
  static func sortedByCode(_ codes: [UInt32], bits: Int) -> (order: [Int32], codes: [UInt32]) {
    if bits <= 16 && codes.count <= 1 << 16 { return radixSorted(codes, bits: bits, key: UInt32.self) }
    return radixSorted(codes, bits: bits, key: UInt64.self)
  }

  private static func radixSorted<Key: FixedWidthInteger & UnsignedInteger>(_ codes: [UInt32], bits: Int, key: Key.Type)
    -> (order: [Int32], codes: [UInt32]) {
    let indexBits = Key.bitWidth / 2, indexMask = (Key(1) << indexBits) - 1
    let passes = (bits + 7) / 8
    var m = 0
    var keys = [Key](unsafeUninitializedCapacity: codes.count) { keys, initialised in
      codes.withUnsafeBufferPointer { codes in
        for (k, code) in codes.enumerated() where code != outOfRange {
          keys[m] = Key(code) << indexBits | Key(k)
          m += 1
        }
      }
      initialised = m
    }
    var scratch = keys
    var counts = [Int](repeating: 0, count: 256 * Swift.max(passes, 1))
    counts.withUnsafeMutableBufferPointer { counts in
      keys.withUnsafeBufferPointer { keys in
        for key in keys {
          for pass in 0..<passes { counts[pass * 256 + Int(truncatingIfNeeded: (key >> (indexBits + 8 * pass)) & 0xFF)] += 1 }
        }
      }
      for pass in 0..<passes {  // exclusive prefix sums: each digit's first slot
        var total = 0
        for digit in 0..<256 {
          let c = counts[pass * 256 + digit]
          counts[pass * 256 + digit] = total
          total += c
        }
      }
    }
    for pass in 0..<passes {
      keys.withUnsafeBufferPointer { keys in
        scratch.withUnsafeMutableBufferPointer { scratch in
          counts.withUnsafeMutableBufferPointer { counts in
            let slots = counts.baseAddress! + pass * 256, shift = indexBits + 8 * pass
            for key in keys {
              let digit = Int(truncatingIfNeeded: (key >> shift) & 0xFF)
              scratch[slots[digit]] = key
              slots[digit] += 1
            }
          }
        }
      }
      swap(&keys, &scratch)
    }
    return keys.withUnsafeBufferPointer { keys in
      ([Int32](unsafeUninitializedCapacity: m) { out, initialised in
        for i in 0..<m { out[i] = Int32(truncatingIfNeeded: keys[i] & indexMask) }
        initialised = m
      }, [UInt32](unsafeUninitializedCapacity: m) { out, initialised in
        for i in 0..<m { out[i] = UInt32(truncatingIfNeeded: keys[i] >> indexBits) }
        initialised = m
      })
    }
  }

  /// `features` with −1 in place of every feature that only one correspondence uses: such a
  /// feature can never lose a one-to-one conflict, so the level scans skip it.
  static func sharedOnly(_ features: [Int32], count: Int) -> [Int32] {
    var uses = [UInt8](repeating: 0, count: count)
    var masked = features
    uses.withUnsafeMutableBufferPointer { uses in
      masked.withUnsafeMutableBufferPointer { masked in
        for f in masked where uses[Int(f)] < 2 { uses[Int(f)] += 1 }
        for k in masked.indices where uses[Int(masked[k])] < 2 { masked[k] = -1 }
      }
    }
    return masked
  }
}
