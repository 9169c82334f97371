/// A stable least-significant-digit radix sort on the bit patterns of floating-point keys.
///
/// WaSH's component tree orders about 2.5 events per triangle by α; the closure-based
/// `sort` was half of the tree's time. Radix sorting is linear and keeps equal keys in
/// input order, which the tree relies on for its tie rule; the payload travels with its
/// key, so the sweep that follows reads both in order instead of gathering them.
package enum RadixSort {
  /// Sorts `keys` from the largest to the smallest and applies the same permutation to
  /// `payloads`. Equal keys keep their input order (stable); −0 and +0 are equal, as `==`
  /// says, and both come out as +0. Keys must not be NaN.
  package static func sortDescending(_ keys: inout [Double], carrying payloads: inout [UInt64]) {
    precondition(keys.count == payloads.count, "one payload per key")
    let n = keys.count
    guard n > 1 else {
      if n == 1 && keys[0] == 0 { keys[0] = 0 }
      return
    }
    // Map each key to a UInt64 whose unsigned order is the reverse of the keys' order.
    var sortKeys = [UInt64](unsafeUninitializedCapacity: n) { buffer, count in
      for i in 0..<n { buffer[i] = ~ascendingBits(keys[i]) }
      count = n
    }
    // 11-bit digits: six passes over 64 bits, with counts that stay in the L1 cache. One
    // pass counts all six digits; passes where every key has the same digit are skipped.
    let digits = 6, radix = 1 << 11, mask: UInt64 = (1 << 11) - 1
    var histogram = [Int](repeating: 0, count: digits * radix)
    for key in sortKeys {
      for digit in 0..<digits { histogram[digit * radix + Int((key >> UInt64(11 * digit)) & mask)] += 1 }
    }
    var spareKeys = [UInt64](repeating: 0, count: n), sparePayloads = [UInt64](repeating: 0, count: n)
    var start = [Int](repeating: 0, count: radix)
    for digit in 0..<digits {
      let counts = histogram[(digit * radix)..<(digit * radix + radix)]
      if counts.contains(n) { continue }
      var total = 0
      for (bucket, count) in counts.enumerated() {
        start[bucket] = total
        total += count
      }
      let shift = UInt64(11 * digit)
      for i in 0..<n {
        let bucket = Int((sortKeys[i] >> shift) & mask)
        let slot = start[bucket]
        start[bucket] = slot + 1
        spareKeys[slot] = sortKeys[i]
        sparePayloads[slot] = payloads[i]
      }
      swap(&sortKeys, &spareKeys)
      swap(&payloads, &sparePayloads)
    }
    for i in 0..<n { keys[i] = double(fromAscendingBits: ~sortKeys[i]) }
  }

  /// A UInt64 whose unsigned order is the order of the doubles (−0 mapped to +0).
  @inline(__always) static func ascendingBits(_ value: Double) -> UInt64 {
    let bits = (value == 0 ? 0 : value).bitPattern
    return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
  }

  /// The inverse of `ascendingBits`.
  @inline(__always) static func double(fromAscendingBits bits: UInt64) -> Double {
    Double(bitPattern: bits >> 63 == 1 ? bits & ~(1 << 63) : ~bits)
  }
}
