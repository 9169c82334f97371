/// The sign bits of a descriptor's residual to a visual word: bit j of the code is set when
/// component j lies above the word's centroid. Two descriptors in one word whose residuals
/// point the same way are likely the same patch; the Hamming distance between their codes
/// is the test (Hamming embedding with the identity projection and zero thresholds, as the
/// `asmk` package binarises its aggregated residuals).
enum ResidualCode {
  static func words(dimension: Int) -> Int { (dimension + 63) / 64 }

  /// The codes of every descriptor against its word, `words(dimension:)` UInt64s each.
  static func codes(_ descriptors: [Float], words: [UInt32], centroids: [Float], dimension d: Int) -> [UInt64] {
    let n = Self.words(dimension: d)
    var out = [UInt64](repeating: 0, count: words.count * n)
    descriptors.withUnsafeBufferPointer { x in
      centroids.withUnsafeBufferPointer { c in
        out.withUnsafeMutableBufferPointer { out in
          for (i, w) in words.enumerated() {
            write(x.baseAddress! + i * d, centroid: c.baseAddress! + Int(w) * d, dimension: d, to: out.baseAddress! + i * n)
          }
        }
      }
    }
    return out
  }

  /// Writes the code of `descriptor` against `centroid` to `out` (`words(dimension:)` UInt64s).
  static func write(_ descriptor: UnsafePointer<Float>, centroid: UnsafePointer<Float>, dimension d: Int,
                    to out: UnsafeMutablePointer<UInt64>) {
    // Eight components per comparison: each lane's verdict selects its bit's weight and the
    // weights' sum is the byte (a scalar loop over bits was a tenth of a query's re-ranking).
    let weights = SIMD8<Int32>(1, 2, 4, 8, 16, 32, 64, 128)
    let full = d / 8 * 8
    for k in 0..<words(dimension: d) { out[k] = 0 }
    var j = 0
    while j < full {
      let x = UnsafeRawPointer(descriptor + j).loadUnaligned(as: SIMD8<Float>.self)
      let c = UnsafeRawPointer(centroid + j).loadUnaligned(as: SIMD8<Float>.self)
      let byte = SIMD8<Int32>(repeating: 0).replacing(with: weights, where: x .> c).wrappedSum()
      out[j / 64] |= UInt64(byte) << UInt64(j % 64)
      j += 8
    }
    for j in full..<d where descriptor[j] > centroid[j] { out[j / 64] |= 1 << UInt64(j % 64) }
  }
}
