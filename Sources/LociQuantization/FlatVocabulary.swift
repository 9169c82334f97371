import Foundation
import LociCore

/// Words as explicit centroids, with exact assignment: the baseline and the oracle for the
/// approximate vocabularies.
///
/// Distances are ‖x‖² − 2x·c + ‖c‖² with the centroid norms precomputed: one SIMD dot
/// product per (descriptor, word) over contiguous Floats, descriptors split into chunks
/// over all cores, a k-best insertion list per descriptor (no allocation per pair).
public struct FlatVocabulary: Vocabulary {
  public let dimension: Int
  /// count × dimension, row-major.
  public let centroids: [Float]
  let norms: [Float]

  public init(dimension: Int, centroids: [Float]) {
    precondition(dimension > 0 && centroids.count % dimension == 0, "centroids must be count × dimension")
    self.dimension = dimension
    self.centroids = centroids
    norms = stride(from: 0, to: centroids.count, by: dimension).map { start in
      centroids[start..<(start + dimension)].reduce(0) { $0 + $1 * $1 }
    }
  }

  public var count: Int { centroids.count / dimension }

  public func assign(_ descriptors: [Float], k: Int) -> Assignment {
    let d = dimension, n = descriptors.count / d, words = count
    let kk = Swift.max(1, Swift.min(k, words))
    var outWords = [UInt32](repeating: 0, count: n * kk)
    var outDistances = [Float](repeating: .infinity, count: n * kk)
    guard n > 0, words > 0 else { return Assignment(k: kk, words: [], distances: []) }
    descriptors.withUnsafeBufferPointer { x in
      centroids.withUnsafeBufferPointer { c in
        norms.withUnsafeBufferPointer { cn in
          outWords.withUnsafeMutableBufferPointer { ow in
            outDistances.withUnsafeMutableBufferPointer { od in
              parallelChunks(n, minimumChunk: 32) { range in
                var i = range.lowerBound
                // Four descriptors at a time: each centroid row is loaded once for four dot
                // products (register blocking), which halves the memory traffic.
                var dots = (Float(0), Float(0), Float(0), Float(0))
                while i < range.upperBound {
                  let group = Swift.min(4, range.upperBound - i)
                  let base = x.baseAddress! + i * d
                  var xn = (Float(0), Float(0), Float(0), Float(0))
                  for g in 0..<group {
                    let v = dotProduct(base + g * d, base + g * d, count: d)
                    switch g { case 0: xn.0 = v; case 1: xn.1 = v; case 2: xn.2 = v; default: xn.3 = v }
                  }
                  for w in 0..<words {
                    let cw = c.baseAddress! + w * d
                    if group == 4 {
                      dots = dotProduct4(base, d, cw, count: d)
                    } else {
                      dots.0 = dotProduct(base, cw, count: d)
                      dots.1 = group > 1 ? dotProduct(base + d, cw, count: d) : 0
                      dots.2 = group > 2 ? dotProduct(base + 2 * d, cw, count: d) : 0
                      dots.3 = 0
                    }
                    for g in 0..<group {
                      let (xg, dg): (Float, Float)
                      switch g { case 0: (xg, dg) = (xn.0, dots.0); case 1: (xg, dg) = (xn.1, dots.1)
                      case 2: (xg, dg) = (xn.2, dots.2); default: (xg, dg) = (xn.3, dots.3) }
                      let dist = Swift.max(0, xg - 2 * dg + cn[w])
                      insertIntoKBest(dist, w, ow.baseAddress! + (i + g) * kk, od.baseAddress! + (i + g) * kk, kk)
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

/// Dot products of four consecutive rows (`stride` apart) with one vector, sharing its loads.
@inline(__always)
func dotProduct4(_ rows: UnsafePointer<Float>, _ stride: Int, _ v: UnsafePointer<Float>, count: Int)
  -> (Float, Float, Float, Float)
{
  var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
  let r = UnsafeRawPointer(rows), rv = UnsafeRawPointer(v)
  var k = 0
  while k + 8 <= count {
    let c = rv.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
    a0 += r.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self) * c
    a1 += r.loadUnaligned(fromByteOffset: 4 * (stride + k), as: SIMD8<Float>.self) * c
    a2 += r.loadUnaligned(fromByteOffset: 4 * (2 * stride + k), as: SIMD8<Float>.self) * c
    a3 += r.loadUnaligned(fromByteOffset: 4 * (3 * stride + k), as: SIMD8<Float>.self) * c
    k += 8
  }
  var s = (a0.sum(), a1.sum(), a2.sum(), a3.sum())
  while k < count {
    s.0 += rows[k] * v[k]
    s.1 += rows[stride + k] * v[k]
    s.2 += rows[2 * stride + k] * v[k]
    s.3 += rows[3 * stride + k] * v[k]
    k += 1
  }
  return s
}
