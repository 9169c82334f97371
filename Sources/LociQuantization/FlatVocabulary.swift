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
    let chunks = Swift.max(1, Swift.min(n / 32, 8 * ProcessInfo.processInfo.activeProcessorCount))
    descriptors.withUnsafeBufferPointer { x in
      centroids.withUnsafeBufferPointer { c in
        norms.withUnsafeBufferPointer { cn in
          outWords.withUnsafeMutableBufferPointer { ow in
            outDistances.withUnsafeMutableBufferPointer { od in
              DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for i in (n * chunk / chunks)..<(n * (chunk + 1) / chunks) {
                  let xi = x.baseAddress! + i * d
                  let xn = dotProduct(xi, xi, count: d)
                  let bestW = ow.baseAddress! + i * kk, bestD = od.baseAddress! + i * kk
                  for w in 0..<words {
                    let dist = Swift.max(0, xn - 2 * dotProduct(xi, c.baseAddress! + w * d, count: d) + cn[w])
                    if dist >= bestD[kk - 1] { continue }
                    // Insert into the sorted k-best list.
                    var j = kk - 1
                    while j > 0 && bestD[j - 1] > dist {
                      bestD[j] = bestD[j - 1]
                      bestW[j] = bestW[j - 1]
                      j -= 1
                    }
                    bestD[j] = dist
                    bestW[j] = UInt32(w)
                  }
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
