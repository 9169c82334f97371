/// Finds the saddle of a pair of touching basins while the partition is scanned: an
/// open-addressing hash table (linear probing, power-of-two capacity, at most half full)
/// from the pair, packed as min << 32 | max, to the saddle's index.
///
/// Why not `[UInt64: Int]`: the partition asks once per boundary pixel pair, and Swift's
/// `Dictionary` (hashing with a per-process seed, then a bucket search) was about an eighth
/// of the steepest-ascent partition's time (3.5 % of MFD's); this table is a multiply, a
/// shift and usually one probe in flat arrays.
struct BasinPairTable {
  private static let empty = UInt64.max
  private var keys: [UInt64]
  private var values: [Int32]
  private var shift: Int
  private(set) var count = 0

  init(expectedCount: Int = 1024) {
    var bits = 4
    while (1 << bits) < 2 * Swift.max(expectedCount, 8) { bits += 1 }
    keys = [UInt64](repeating: Self.empty, count: 1 << bits)
    values = [Int32](repeating: 0, count: 1 << bits)
    shift = 64 - bits
  }

  /// The packed key of basins a ≠ b, order-free.
  @inline(__always) static func key(_ a: Int32, _ b: Int32) -> UInt64 {
    UInt64(UInt32(Swift.min(a, b))) << 32 | UInt64(UInt32(Swift.max(a, b)))
  }

  /// The value stored for `key`, or `newValue` after storing it there (`inserted` true).
  @inline(__always) mutating func findOrInsert(_ key: UInt64, _ newValue: Int32) -> (value: Int32, inserted: Bool) {
    precondition(key != Self.empty)
    var slot = home(of: key)
    let mask = keys.count - 1
    while true {
      let k = keys[slot]
      if k == key { return (values[slot], false) }
      if k == Self.empty { break }
      slot = (slot + 1) & mask
    }
    keys[slot] = key
    values[slot] = newValue
    count += 1
    if 2 * count > keys.count { grow() }
    return (newValue, true)
  }

  /// The slot probing starts from: the top bits of a Fibonacci hash of the key.
  @inline(__always) private func home(of key: UInt64) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
  }

  private mutating func grow() {
    let oldKeys = keys, oldValues = values
    shift -= 1
    keys = [UInt64](repeating: Self.empty, count: oldKeys.count * 2)
    values = [Int32](repeating: 0, count: oldKeys.count * 2)
    let mask = keys.count - 1
    for i in oldKeys.indices where oldKeys[i] != Self.empty {
      var slot = home(of: oldKeys[i])
      while keys[slot] != Self.empty { slot = (slot + 1) & mask }
      keys[slot] = oldKeys[i]
      values[slot] = oldValues[i]
    }
  }
}

/// The saddles of the steepest-ascent partition as its boundary scan finds them: for every
/// pair of touching basins, the highest pass min(D(p), D(q)) over adjacent pixels p, q
/// across them, in order of first contact (the order the merge tree's ties rely on).
/// A value type used as a local variable, so its updates need no run-time exclusivity
/// checks (a nested function capturing the arrays needed them: ~3.5 % of MFD's time).
struct SaddleCollector {
  private(set) var saddles: [MedialPartition.Saddle] = []
  private var table = BasinPairTable()
  // Neighbouring boundary pixels mostly separate the same two basins: the last pair's
  // saddle, and its height so far, are checked before the table and the array.
  private var lastKey = UInt64.max
  private var lastIndex = 0
  private var lastHeight: Float = 0

  /// Adjacent pixels p, q in basins a ≠ b.
  @inline(__always) mutating func touch(_ p: Int, _ q: Int, _ a: Int32, _ b: Int32, _ d: UnsafeBufferPointer<Float>) {
    let dp = d[p], dq = d[q]
    let pass = Swift.min(dp, dq)
    let key = BasinPairTable.key(a, b)
    if key != lastKey {
      let (index, inserted) = table.findOrInsert(key, Int32(saddles.count))
      if inserted {
        saddles.append(MedialPartition.Saddle(a: Swift.min(a, b), b: Swift.max(a, b), height: pass,
                                              pixel: Int32(dp <= dq ? p : q)))
      }
      lastIndex = Int(index)
      lastKey = key
      lastHeight = saddles[lastIndex].height
    }
    if pass > lastHeight {
      lastHeight = pass
      saddles[lastIndex].height = pass
      saddles[lastIndex].pixel = Int32(dp <= dq ? p : q)
    }
  }
}
