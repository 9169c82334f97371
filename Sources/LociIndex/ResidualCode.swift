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
    var bit = 0, k = 0
    while bit < d {
      var word: UInt64 = 0
      let end = Swift.min(d, bit + 64)
      for j in bit..<end { word |= UInt64(descriptor[j] > centroid[j] ? 1 : 0) << UInt64(j - bit) }
      out[k] = word
      k += 1
      bit = end
    }
  }
}
