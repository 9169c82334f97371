import Foundation
import LociCore
import LociKernels

/// Exact words, approximate search: the words of a flat vocabulary are grouped by a coarse
/// k-means over the words themselves, and a descriptor is compared only with the words of its
/// `probes` nearest groups. This is the inverted file with a coarse quantiser of Jégou, Douze
/// & Schmid (PAMI 2011, "Product quantization for nearest neighbor search", §IV) applied to
/// the vocabulary, with exact distances inside the probed groups.
///
/// Why it exists: a query of ~850 RootSIFT descriptors against 4,096 words spends most of its
/// search time in exact assignment (850 × 4,096 dot products and their k-best selection).
/// With 64 groups and 8 probes a descriptor meets about an eighth of the words. The words,
/// and so the index's codes and its fingerprint, stay those of `base`.
///
/// Descriptors are processed in chunks over all cores; inside a chunk they are bucketed by
/// probed group, so each group's words are scored against up to six descriptors at once with
/// the same register-blocked kernel as `FlatVocabulary`.
public struct GroupedVocabulary: CentroidVocabulary {
  public let base: FlatVocabulary
  /// How many of the nearest groups a descriptor is compared in (1…groupCount).
  public let probes: Int
  /// The coarse quantiser: one centroid per group.
  public let coarse: FlatVocabulary
  /// Group g's words occupy panel blocks `blockStart[g] ..< blockStart[g + 1]`.
  let blockStart: [Int]
  /// Panels of 8 words, dimension-major (as `FlatVocabulary.panels`), group after group.
  let panels: [Float]
  /// ‖c‖² per panel lane; +∞ for padding lanes, so they never win.
  let paddedNorms: [Float]
  /// The base word of each panel lane (padding lanes: 0, never chosen).
  let laneWords: [UInt32]

  public var dimension: Int { base.dimension }
  public var count: Int { base.count }
  public var centroids: [Float] { base.centroids }
  public var groupCount: Int { coarse.count }

  /// Groups `base`'s words into `groups` clusters (k-means, 10 iterations, seeded) and
  /// compares each descriptor with the words of its `probes` nearest groups.
  public init(base: FlatVocabulary, groups: Int = 64, probes: Int = 8, seed: UInt64 = 1) {
    let d = base.dimension, words = base.count
    let groupCount = Swift.max(1, Swift.min(groups, words))
    var options = KMeansOptions(k: groupCount)
    options.seed = seed
    options.initialisation = .plusPlus
    // k ≤ n and d > 0 hold by construction, so training cannot fail.
    let coarse = (try? KMeans.train(base.centroids, dimension: d, options: options).vocabulary)
      ?? FlatVocabulary(dimension: d, centroids: Array(base.centroids.prefix(d)))
    self.init(base: base, coarse: coarse, probes: probes)
  }

  /// Groups `base`'s words by their nearest centroid of `coarse`.
  public init(base: FlatVocabulary, coarse: FlatVocabulary, probes: Int) {
    precondition(coarse.dimension == base.dimension, "the coarse quantiser must have the words' dimension")
    self.base = base
    self.coarse = coarse
    self.probes = Swift.max(1, Swift.min(probes, coarse.count))
    let d = base.dimension
    let owner = coarse.assign(base.centroids, k: 1).words
    var members = [[Int]](repeating: [], count: coarse.count)
    for w in 0..<base.count { members[Int(owner[w])].append(w) }
    var blockStart = [0]
    var panels: [Float] = [], norms: [Float] = [], laneWords: [UInt32] = []
    for group in members {
      let blocks = (group.count + 7) / 8
      let rows = group.flatMap { base.centroids[($0 * d)..<(($0 + 1) * d)] }
      panels += PanelKernel.panels(of: rows, count: group.count, dimension: d)
      for slot in 0..<(blocks * 8) {
        norms.append(slot < group.count ? base.norms[group[slot]] : .infinity)
        laneWords.append(slot < group.count ? UInt32(group[slot]) : 0)
      }
      blockStart.append(blockStart.last! + blocks)
    }
    self.blockStart = blockStart
    self.panels = panels
    paddedNorms = norms
    self.laneWords = laneWords
  }

  public func assign(_ descriptors: [Float], k: Int) -> Assignment {
    let d = dimension, n = descriptors.count / d
    let kk = Swift.max(1, Swift.min(k, count))
    guard n > 0, count > 0 else { return Assignment(k: kk, words: [], distances: []) }
    var outWords = [UInt32](repeating: 0, count: n * kk)
    var outDistances = [Float](repeating: .infinity, count: n * kk)
    let probed = coarse.assign(descriptors, k: probes).words
    let p = probes, groups = groupCount
    let widest = (0..<groups).map { blockStart[$0 + 1] - blockStart[$0] }.max() ?? 0
    descriptors.withUnsafeBufferPointer { x in
      panels.withUnsafeBufferPointer { panel in
        paddedNorms.withUnsafeBufferPointer { cn in
          laneWords.withUnsafeBufferPointer { lw in
            outWords.withUnsafeMutableBufferPointer { ow in
              outDistances.withUnsafeMutableBufferPointer { od in
                parallelChunks(n, minimumChunk: 128) { range in
                  // Descriptors of this chunk that probe each group.
                  var byGroup = [[Int]](repeating: [], count: groups)
                  for i in range { for r in 0..<p { byGroup[Int(probed[i * p + r])].append(i) } }
                  let rowStride = widest * 8
                  var dots = [Float](repeating: 0, count: 6 * rowStride)
                  var squaredNorms = [Float](repeating: 0, count: range.count)
                  for i in range { squaredNorms[i - range.lowerBound] = dotProduct(x.baseAddress! + i * d, x.baseAddress! + i * d, count: d) }
                  dots.withUnsafeMutableBufferPointer { out in
                    for g in 0..<groups where !byGroup[g].isEmpty {
                      let rows = byGroup[g], first = blockStart[g], blocks = blockStart[g + 1] - first
                      let groupPanels = panel.baseAddress! + first * d * 8
                      for start in stride(from: 0, to: rows.count, by: 6) {
                        let batch = Swift.min(6, rows.count - start)
                        let row = { (r: Int) in x.baseAddress! + rows[start + Swift.min(r, batch - 1)] * d }
                        if CPUFeatures.hasAVX2AndFMA {
                          #if arch(x86_64)
                            loci_panel_dot_products_avx2_fma(row(0), row(1), row(2), row(3), row(4), row(5),
                                                             groupPanels, 0, blocks, d, out.baseAddress!, rowStride)
                          #endif
                        } else {
                          PanelKernel.dotProducts(row(0), row(1), row(2), row(3), row(4), row(5), panels: groupPanels,
                                                  blocks: 0..<blocks, dimension: d, into: out.baseAddress!, rowStride: rowStride)
                        }
                        for r in 0..<batch {
                          let i = rows[start + r]
                          let xn = SIMD8<Float>(repeating: squaredNorms[i - range.lowerBound])
                          let words = ow.baseAddress! + i * kk, distances = od.baseAddress! + i * kk
                          let rowDots = UnsafeRawPointer(out.baseAddress! + r * rowStride)
                          for b in 0..<blocks {
                            let norms = UnsafeRawPointer(cn.baseAddress! + (first + b) * 8).loadUnaligned(as: SIMD8<Float>.self)
                            let candidate = xn - 2 * rowDots.loadUnaligned(fromByteOffset: 32 * b, as: SIMD8<Float>.self) + norms
                            guard smallestLane(candidate) < distances[kk - 1] else { continue }
                            for l in 0..<8 {
                              insertIntoKBest(Swift.max(0, candidate[l]), Int(lw[(first + b) * 8 + l]), words, distances, kk)
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    // A descriptor whose probed groups hold fewer than k words (tiny vocabularies) is
    // assigned exactly, so every row holds k real words.
    let short = (0..<n).filter { outDistances[$0 * kk + kk - 1] == .infinity }
    if !short.isEmpty {
      let rows = short.flatMap { descriptors[($0 * d)..<(($0 + 1) * d)] }
      let exact = base.assign(rows, k: kk)
      for (r, i) in short.enumerated() {
        for j in 0..<kk {
          outWords[i * kk + j] = exact.words[r * kk + j]
          outDistances[i * kk + j] = exact.distances[r * kk + j]
        }
      }
    }
    return Assignment(k: kk, words: outWords, distances: outDistances)
  }
}
