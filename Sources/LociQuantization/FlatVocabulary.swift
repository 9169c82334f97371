import Foundation
import LociCore
import LociKernels

/// Words as explicit centroids, with exact assignment: the baseline and the oracle for the
/// approximate vocabularies.
///
/// Distances are ‖x‖² − 2x·c + ‖c‖² with the centroid norms precomputed. The dot products
/// are a small GEMM: centroids are stored a second time in blocks of 8, dimension-major
/// (`panels`), so one SIMD8 load holds coordinate j of 8 words and six descriptors
/// accumulate against it by broadcast (6 × 8 dot products per pass, no horizontal sums).
/// Descriptors are split into chunks over all cores; a k-best insertion list per descriptor
/// (no allocation per pair).
public struct FlatVocabulary: CentroidVocabulary {
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
    panels = PanelKernel.panels(of: centroids, count: count, dimension: dimension)
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
                // Cache blocking: 48 descriptors at a time are scored against a tile of 32
                // panels (256 words, 128 kB at d = 128, kept in L2) before the next tile, so
                // the centroids stream from memory once per 48 descriptors, not once per 6.
                let superGroup = 48, tile = 32, rowStride = blocks * 8
                var dots = [Float](repeating: 0, count: superGroup * rowStride)
                dots.withUnsafeMutableBufferPointer { out in
                  var start = range.lowerBound
                  while start < range.upperBound {
                    let end = Swift.min(start + superGroup, range.upperBound)
                    let last = end - 1
                    let row = { (i: Int) in x.baseAddress! + Swift.min(i, last) * d }
                    for t in stride(from: 0, to: blocks, by: tile) {
                      for i in Swift.stride(from: start, to: end, by: 6) {
                        let target = out.baseAddress! + (i - start) * rowStride
                        if CPUFeatures.hasAVX2AndFMA {
                          #if arch(x86_64)
                            loci_panel_dot_products_avx2_fma(row(i), row(i + 1), row(i + 2), row(i + 3), row(i + 4), row(i + 5),
                                                             panel.baseAddress!, t, Swift.min(t + tile, blocks), d, target, rowStride)
                          #endif
                        } else {
                          PanelKernel.dotProducts(row(i), row(i + 1), row(i + 2), row(i + 3), row(i + 4), row(i + 5),
                                                  panels: panel.baseAddress!, blocks: t..<Swift.min(t + tile, blocks),
                                                  dimension: d, into: target, rowStride: rowStride)
                        }
                      }
                    }
                    for i in start..<end {
                      let r = x.baseAddress! + i * d
                      let xn = SIMD8<Float>(repeating: dotProduct(r, r, count: d))
                      let words = ow.baseAddress! + i * kk, distances = od.baseAddress! + i * kk
                      let rowDots = UnsafeRawPointer(out.baseAddress! + (i - start) * rowStride)
                      if kk == 1 {
                        // Nearest word only: a running minimum per lane with the block it came
                        // from, no branch per block (the k-best list's lane loop costs more
                        // than the dot products when the compare keeps firing); ties go to the
                        // lowest word, as in the k-best list.
                        var bestDistance = SIMD8<Float>(repeating: .infinity), bestBlock = SIMD8<Int32>()
                        for b in 0..<blocks {
                          let norms = UnsafeRawPointer(cn.baseAddress! + b * 8).loadUnaligned(as: SIMD8<Float>.self)
                          let candidate = xn - 2 * rowDots.loadUnaligned(fromByteOffset: 32 * b, as: SIMD8<Float>.self) + norms
                          let better = candidate .< bestDistance
                          bestDistance.replace(with: candidate, where: better)
                          bestBlock.replace(with: SIMD8(repeating: Int32(b)), where: better)
                        }
                        var lane = 0
                        for l in 1..<8 {
                          let word = Int(bestBlock[l]) * 8 + l, current = Int(bestBlock[lane]) * 8 + lane
                          if bestDistance[l] < bestDistance[lane] || (bestDistance[l] == bestDistance[lane] && word < current) { lane = l }
                        }
                        words[0] = UInt32(Int(bestBlock[lane]) * 8 + lane)
                        distances[0] = Swift.max(0, bestDistance[lane])
                        continue
                      }
                      for b in 0..<blocks {
                        let norms = UnsafeRawPointer(cn.baseAddress! + b * 8).loadUnaligned(as: SIMD8<Float>.self)
                        let candidate = xn - 2 * rowDots.loadUnaligned(fromByteOffset: 32 * b, as: SIMD8<Float>.self) + norms
                        // Most blocks hold no candidate: their minimum is not below the k-th best.
                        // (A horizontal minimum instead of `any(candidate .< threshold)`: k = 5
                        // went from 26k to 40k descriptors/s at 4,096 words.)
                        guard smallestLane(candidate) < distances[kk - 1] else { continue }
                        for l in 0..<8 { insertIntoKBest(Swift.max(0, candidate[l]), b * 8 + l, words, distances, kk) }
                      }
                    }
                    start = end
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
