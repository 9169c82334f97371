import LociCore
import LociGeometry

/// The query side of shared-word tentative correspondences, built once per query and used
/// for every shortlisted image: per visual word, the query features assigned to it (their
/// `depth` nearest words: the query's multiple assignment) with their residual codes.
struct QueryWordTable {
  /// Entries of word w are `start[w]..<start[w + 1]`.
  private var start: [Int32]
  private var feature: [Int32] = []
  private var codes: [UInt64] = []
  private let codeWords: Int
  /// The most query entries of one word (room for their distances to one database feature).
  private var widest: Int32 = 0

  /// `assignments[i]`: feature i's words, nearest first; only the first `depth` are used.
  init(assignments: [[UInt32]], depth: Int, descriptors: [Float], index: RetrievalIndex) {
    let size = index.vocabulary.count, d = index.dimension
    codeWords = ResidualCode.words(dimension: d)
    var counts = [Int32](repeating: 0, count: size + 1)
    for words in assignments { for w in words.prefix(depth) { counts[Int(w) + 1] += 1 } }
    widest = counts.max() ?? 0
    for w in 0..<size { counts[w + 1] += counts[w] }
    start = counts
    var next = counts
    let total = Int(counts[size])
    feature = [Int32](repeating: 0, count: total)
    codes = [UInt64](repeating: 0, count: total * codeWords)
    // Slots first (serial: they follow the counts), then the codes on all cores (each
    // reads its descriptor and a centroid: memory-bound, a tenth of a query's re-ranking).
    var slots = [Int32](repeating: 0, count: total)
    var pairs = 0
    for (i, words) in assignments.enumerated() {
      for w in words.prefix(depth) {
        let slot = Int(next[Int(w)])
        next[Int(w)] += 1
        feature[slot] = Int32(i)
        slots[pairs] = Int32(slot)
        pairs += 1
      }
    }
    var firstPair = [Int](repeating: 0, count: assignments.count + 1)
    for (i, words) in assignments.enumerated() { firstPair[i + 1] = firstPair[i] + Swift.min(depth, words.count) }
    let codeWords = codeWords
    descriptors.withUnsafeBufferPointer { x in
      index.centroids.withUnsafeBufferPointer { c in
        codes.withUnsafeMutableBufferPointer { codes in
          let out = codes.baseAddress!
          parallelChunks(assignments.count, minimumChunk: 256) { range in
            for i in range {
              for (k, w) in assignments[i].prefix(depth).enumerated() {
                ResidualCode.write(x.baseAddress! + i * d, centroid: c.baseAddress! + Int(w) * d, dimension: d,
                                   to: out + Int(slots[firstPair[i] + k]) * codeWords)
              }
            }
          }
        }
      }
    }
  }

  /// The correspondences (query feature a, database feature b) whose features share a word
  /// and, when both sides have residual codes, whose codes differ in at most `maxHamming`
  /// bits; at most `perWordCap` per word, so that a bursty word (repeated texture, text)
  /// cannot flood the verifier. `wordsB`, `codesB`: the database image's features.
  func correspondences(wordsB: ArraySlice<UInt32>, codesB: ArraySlice<UInt64>, maxHamming: Int,
                       perWordCap: Int, used usedArray: inout [Int32]) -> [Correspondence] {
    var out: [Correspondence] = []
    out.reserveCapacity(wordsB.count)
    let filter = !codesB.isEmpty && codeWords > 0
    let codeWords = codeWords
    var touched: [Int32] = []
    var distanceArray = [Int32](repeating: 0, count: Int(widest))
    distanceArray.withUnsafeMutableBufferPointer { distances in
    usedArray.withUnsafeMutableBufferPointer { used in
    start.withUnsafeBufferPointer { start in
      feature.withUnsafeBufferPointer { feature in
        codes.withUnsafeBufferPointer { qc in
          codesB.withUnsafeBufferPointer { dc in
            for (j, w32) in wordsB.enumerated() {
              let w = Int(w32)
              let lo = Int(start[w]), hi = Int(start[w + 1])
              guard lo < hi else { continue }
              if filter {
                hammingDistances(dc.baseAddress! + j * codeWords, qc.baseAddress! + lo * codeWords, count: hi - lo,
                                 words: codeWords, into: distances.baseAddress!)
              }
              for e in lo..<hi {
                if filter && distances[e - lo] > maxHamming { continue }
                if used[w] == 0 { touched.append(Int32(w)) }
                guard used[w] < perWordCap else { break }
                used[w] += 1
                out.append(Correspondence(a: feature[e], b: Int32(j), word: Int32(w)))
              }
            }
          }
        }
      }
    }
    for w in touched { used[Int(w)] = 0 }
    }
    }
    return out
  }
}
