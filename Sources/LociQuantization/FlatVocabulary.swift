import Foundation
import LociCore

/// Words as explicit centroids, with exact assignment: the baseline and the oracle for the
/// approximate vocabularies.
///
/// Distances are ‖x‖² − 2x·c + ‖c‖² with the centroid norms precomputed. The dot products
/// are a small GEMM: centroids are stored a second time in blocks of 8, dimension-major
/// (`panels`), so one SIMD8 load holds coordinate j of 8 words and six descriptors
/// accumulate against it by broadcast (6 × 8 dot products per pass, no horizontal sums).
/// Descriptors are split into chunks over all cores; a k-best insertion list per descriptor
/// (no allocation per pair).
public struct FlatVocabulary: Vocabulary {
  public let dimension: Int
  /// count × dimension, row-major.
  public let centroids: [Float]
  let norms: [Float]
  /// ⌈count/8⌉ panels of dimension × 8 Floats: panel b, coordinate j, lane l = word 8b + l
  /// (padding words are zero with norm +∞, so they never win).
  let panels: [Float]
  let paddedNorms: [Float]

  public init(dimension: Int, centroids: [Float]) {
    precondition(dimension > 0 && centroids.count % dimension == 0, "centroids must be count × dimension")
    self.dimension = dimension
    self.centroids = centroids
    let norms = stride(from: 0, to: centroids.count, by: dimension).map { start in
      centroids[start..<(start + dimension)].reduce(0) { $0 + $1 * $1 }
    }
    self.norms = norms
    let count = centroids.count / dimension, blocks = (count + 7) / 8
    var panels = [Float](repeating: 0, count: blocks * dimension * 8)
    for w in 0..<count {
      for j in 0..<dimension { panels[((w / 8) * dimension + j) * 8 + w % 8] = centroids[w * dimension + j] }
    }
    self.panels = panels
    paddedNorms = (0..<(blocks * 8)).map { $0 < count ? norms[$0] : .infinity }
  }

  public var count: Int { centroids.count / dimension }

  public func assign(_ descriptors: [Float], k: Int) -> Assignment {
    let d = dimension, n = descriptors.count / d, words = count
    let kk = Swift.max(1, Swift.min(k, words))
    var outWords = [UInt32](repeating: 0, count: n * kk)
    var outDistances = [Float](repeating: .infinity, count: n * kk)
    guard n > 0, words > 0 else { return Assignment(k: kk, words: [], distances: []) }
    let blocks = (words + 7) / 8
    descriptors.withUnsafeBufferPointer { x in
      panels.withUnsafeBufferPointer { panel in
        paddedNorms.withUnsafeBufferPointer { cn in
          outWords.withUnsafeMutableBufferPointer { ow in
            outDistances.withUnsafeMutableBufferPointer { od in
              parallelChunks(n, minimumChunk: 32) { range in
                var i = range.lowerBound
                while i < range.upperBound {
                  let group = Swift.min(6, range.upperBound - i)
                  // Rows past the group repeat its last row (their results are dropped).
                  let rows = (0..<6).map { x.baseAddress! + (i + Swift.min($0, group - 1)) * d }
                  var xn = SIMD8<Float>()
                  for g in 0..<6 { xn[g] = dotProduct(rows[g], rows[g], count: d) }
                  for b in 0..<blocks {
                    let a = dotProducts6x8(rows[0], rows[1], rows[2], rows[3], rows[4], rows[5],
                                           panel.baseAddress! + b * d * 8, count: d)
                    let norms = UnsafeRawPointer(cn.baseAddress! + b * 8).loadUnaligned(as: SIMD8<Float>.self)
                    for g in 0..<group {
                      let dots = g == 0 ? a.0 : g == 1 ? a.1 : g == 2 ? a.2 : g == 3 ? a.3 : g == 4 ? a.4 : a.5
                      let distances = SIMD8<Float>(repeating: xn[g]) - 2 * dots + norms
                      let worst = od[(i + g) * kk + kk - 1]
                      // Most blocks hold no candidate: one vector compare skips them.
                      guard any(distances .< SIMD8(repeating: worst)) else { continue }
                      for l in 0..<8 {
                        insertIntoKBest(Swift.max(0, distances[l]), b * 8 + l, ow.baseAddress! + (i + g) * kk,
                                        od.baseAddress! + (i + g) * kk, kk)
                      }
                    }
                  }
                  i += group
                }
              }
            }
          }
        }
      }
    }
    return Assignment(k: kk, words: outWords, distances: outDistances)
  }
}

/// Dot products of six rows with the 8 words of one panel: coordinate j of the panel is a
/// SIMD8 multiplied by each row's x_j broadcast. Six rows keep the twelve accumulator halves,
/// the panel load and a broadcast within the 16 SSE registers.
@inline(__always)
func dotProducts6x8(_ r0: UnsafePointer<Float>, _ r1: UnsafePointer<Float>, _ r2: UnsafePointer<Float>,
                    _ r3: UnsafePointer<Float>, _ r4: UnsafePointer<Float>, _ r5: UnsafePointer<Float>,
                    _ panel: UnsafePointer<Float>, count: Int)
  -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)
{
  var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>()
  var a3 = SIMD8<Float>(), a4 = SIMD8<Float>(), a5 = SIMD8<Float>()
  let p = UnsafeRawPointer(panel)
  for j in 0..<count {
    let c = p.loadUnaligned(fromByteOffset: 32 * j, as: SIMD8<Float>.self)
    a0 += SIMD8(repeating: r0[j]) * c
    a1 += SIMD8(repeating: r1[j]) * c
    a2 += SIMD8(repeating: r2[j]) * c
    a3 += SIMD8(repeating: r3[j]) * c
    a4 += SIMD8(repeating: r4[j]) * c
    a5 += SIMD8(repeating: r5[j]) * c
  }
  return (a0, a1, a2, a3, a4, a5)
}
