import Foundation
import LociCore
import LociQuantization

/// Projection + per-word thresholds that turn a vector into bits (HE, ASMK* "medians"), or
/// plain signs (ASMK* "sign"). Codes are `wordsPerCode` UInt64s, bit i of the code in word
/// i/64; unused high bits stay 0 on both sides, so Hamming distances are unaffected.
public struct BinaryEmbedding: Sendable, Equatable {
  public let dimension: Int
  /// Number of bits B.
  public let bits: Int
  /// B × dimension row-major; empty for sign binarisation.
  public let projection: [Float]
  /// `projection` as panels for `PanelKernel.products`. Every projection (training the
  /// thresholds, encoding one vector, a query's descriptors at once) goes through the same
  /// kernel, so a vector's projection has the same rounding wherever it is computed, and a
  /// training descriptor lying exactly on its word's median stays on the same side of it.
  let panels: [Float]
  /// vocabulary size × B per-word thresholds; empty for sign binarisation.
  public var thresholds: [Float]

  public var wordsPerCode: Int { (bits + 63) / 64 }
  public var usesProjection: Bool { !projection.isEmpty }

  /// Sign binarisation of `dimension`-D vectors (B = dimension).
  public static func sign(dimension: Int) -> BinaryEmbedding {
    BinaryEmbedding(dimension: dimension, bits: dimension, projection: [], thresholds: [])
  }

  public init(dimension: Int, bits: Int, projection: [Float], thresholds: [Float]) {
    self.dimension = dimension
    self.bits = bits
    self.projection = projection
    self.thresholds = thresholds
    panels = projection.isEmpty ? [] : PanelKernel.panels(of: projection, count: bits, dimension: dimension)
  }

  /// P·xᵢ for `count` vectors (row-major, count × dimension): `count` rows of `projectedWidth`
  /// values, the first `bits` of each the projection.
  func project(_ x: UnsafePointer<Float>, count: Int) -> [Float] {
    PanelKernel.products(x, count: count, panels: panels, dimension: dimension)
  }

  /// The row length of `project(_:count:)`: `bits` rounded up to a panel.
  var projectedWidth: Int { (bits + 7) / 8 * 8 }

  /// Learns the thresholds: for each word and bit, the median of (P·x)_i over the training
  /// descriptors assigned to it (words with fewer than `minimumPerWord` keep 0).
  public static func train(descriptors: [Float], words: [UInt32], dimension: Int, bits: Int, vocabularySize: Int,
                           seed: UInt64, minimumPerWord: Int) -> BinaryEmbedding {
    let projection = RandomRotation.rows(bits, of: dimension, seed: seed)
    var embedding = BinaryEmbedding(dimension: dimension, bits: bits, projection: projection,
                                    thresholds: [Float](repeating: 0, count: vocabularySize * bits))
    // Group descriptors by word, project, take per-bit medians.
    var members = [[Int]](repeating: [], count: vocabularySize)
    for (i, w) in words.enumerated() { members[Int(w)].append(i) }
    let n = words.count, width = embedding.projectedWidth
    let projected = n == 0 ? [] : descriptors.withUnsafeBufferPointer { embedding.project($0.baseAddress!, count: n) }
    var column: [Float] = []
    var all: [Float] = []
    for word in 0..<vocabularySize where members[word].count >= minimumPerWord {
      let m = members[word]
      all = [Float](repeating: 0, count: m.count * bits)
      for (j, i) in m.enumerated() {
        for b in 0..<bits { all[b * m.count + j] = projected[i * width + b] }
      }
      for b in 0..<bits {
        column = Array(all[(b * m.count)..<((b + 1) * m.count)])
        column.sort()
        let n = column.count
        embedding.thresholds[word * bits + b] = n % 2 == 1 ? column[n / 2] : (column[n / 2 - 1] + column[n / 2]) / 2
      }
    }
    return embedding
  }


  /// The code of an already projected vector (P·x, `bits` values) in `word`, appended to
  /// `codes`: its bits above the word's thresholds.
  func threshold(projected: UnsafePointer<Float>, word: Int, into codes: inout [UInt64]) {
    var words = [UInt64](repeating: 0, count: wordsPerCode)
    thresholds.withUnsafeBufferPointer { t in
      let limits = t.baseAddress! + word * bits
      var b = 0
      // Eight bits per compare: lane l of a block sets bit l of its byte.
      let weights = SIMD8<UInt32>(1, 2, 4, 8, 16, 32, 64, 128)
      while b + 8 <= bits {
        let above = UnsafeRawPointer(projected + b).loadUnaligned(as: SIMD8<Float>.self)
          .> UnsafeRawPointer(limits + b).loadUnaligned(as: SIMD8<Float>.self)
        let byte = UInt64(SIMD8<UInt32>(repeating: 0).replacing(with: weights, where: above).wrappedSum())
        words[b >> 6] |= byte << UInt64(b & 63)
        b += 8
      }
      for rest in b..<bits where projected[rest] > limits[rest] { words[rest >> 6] |= 1 << UInt64(rest & 63) }
    }
    codes.append(contentsOf: words)
  }

  /// The code of vector `x` in `word`, appended to `codes`.
  public func encode(_ x: UnsafePointer<Float>, word: Int, into codes: inout [UInt64]) {
    if usesProjection {
      project(x, count: 1).withUnsafeBufferPointer { threshold(projected: $0.baseAddress!, word: word, into: &codes) }
      return
    }
    var words = [UInt64](repeating: 0, count: wordsPerCode)
    for b in 0..<bits where x[b] > 0 { words[b >> 6] |= 1 << UInt64(b & 63) }
    codes.append(contentsOf: words)
  }
}

/// Hamming distance between two codes of `count` UInt64s.
@inlinable
public func hammingDistance(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int) -> Int {
  var h = 0
  for i in 0..<count { h += (a[i] ^ b[i]).nonzeroBitCount }
  return h
}

/// Random orthogonal projections: Gaussian rows orthonormalised by Gram–Schmidt (the rows of
/// Q in a QR decomposition), seeded so an index is reproducible.
public enum RandomRotation {
  /// `count` orthonormal rows of length `dimension` (count ≤ dimension), row-major.
  public static func rows(_ count: Int, of dimension: Int, seed: UInt64) -> [Float] {
    precondition(count <= dimension, "at most `dimension` orthonormal rows")
    var rng = SplitMix64(seed: seed)
    func gaussian() -> Double {
      let u = Swift.max(rng.unit(), 1e-300), v = rng.unit()
      return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
    var q = [Double](repeating: 0, count: count * dimension)
    var r = 0
    while r < count {
      var row = (0..<dimension).map { _ in gaussian() }
      for _ in 0..<2 {  // twice is enough for numerical orthogonality
        for k in 0..<r {
          var dot = 0.0
          for i in 0..<dimension { dot += row[i] * q[k * dimension + i] }
          for i in 0..<dimension { row[i] -= dot * q[k * dimension + i] }
        }
      }
      let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      guard norm > 1e-8 else { continue }
      for i in 0..<dimension { q[r * dimension + i] = row[i] / norm }
      r += 1
    }
    return q.map { Float($0) }
  }
}
