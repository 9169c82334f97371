/// Stable least-significant-digit radix sorts on the bit patterns of floating-point keys.
///
/// WaSH's component tree orders about 2.5 events per triangle by α; the closure-based
/// `sort` was half of the tree's time. Radix sorting is linear and keeps equal keys in
/// input order, which the tree relies on for its tie rule.
public enum RadixSort {
  /// The indices of `keys` from the largest key to the smallest; equal keys keep their
  /// input order (stable). −0 and +0 are equal, as `==` says. Keys must not be NaN.
  public static func descendingOrder(of keys: [Double]) -> [Int32] {
    precondition(keys.count <= Int(Int32.max), "too many keys for 32-bit indices")
    let n = keys.count
    guard n > 1 else { return (0..<Int32(n)).map { $0 } }
    // Map each key to a UInt64 whose unsigned order is the reverse of the keys' order.
    var sortKeys = [UInt64](unsafeUninitializedCapacity: n) { buffer, count in
      for i in 0..<n { buffer[i] = ~ascendingBits(keys[i]) }
      count = n
    }
    var order = [Int32](unsafeUninitializedCapacity: n) { buffer, count in
      for i in 0..<n { buffer[i] = Int32(i) }
      count = n
    }
    // One pass counts all eight digits; passes where every key has the same digit are skipped.
    var histogram = [Int](repeating: 0, count: 8 * 256)
    for key in sortKeys {
      for digit in 0..<8 { histogram[digit * 256 + Int((key >> UInt64(8 * digit)) & 0xFF)] += 1 }
    }
    var spareKeys = [UInt64](repeating: 0, count: n), spareOrder = [Int32](repeating: 0, count: n)
    for digit in 0..<8 {
      let counts = histogram[(digit * 256)..<(digit * 256 + 256)]
      if counts.contains(n) { continue }
      var start = [Int](repeating: 0, count: 256)
      var total = 0
      for (bucket, count) in counts.enumerated() {
        start[bucket] = total
        total += count
      }
      let shift = UInt64(8 * digit)
      for i in 0..<n {
        let bucket = Int((sortKeys[i] >> shift) & 0xFF)
        let slot = start[bucket]
        start[bucket] = slot + 1
        spareKeys[slot] = sortKeys[i]
        spareOrder[slot] = order[i]
      }
      swap(&sortKeys, &spareKeys)
      swap(&order, &spareOrder)
    }
    return order
  }

  /// A UInt64 whose unsigned order is the order of the doubles (−0 mapped to +0).
  @inline(__always) static func ascendingBits(_ value: Double) -> UInt64 {
    let bits = (value == 0 ? 0 : value).bitPattern
    return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
  }
}
