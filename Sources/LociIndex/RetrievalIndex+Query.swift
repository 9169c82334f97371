import Foundation
import LociCore

extension RetrievalIndex {
  /// The query's visual words, nearest first: the `multipleAssignment` nearest per feature
  /// (one for BoW, which stays single-assignment on both sides); `options` default to the
  /// index's `queryOptions`.
  public func queryAssignments(_ set: FeatureSet, options query: QueryOptions? = nil) -> [[UInt32]] {
    guard set.count > 0 else { return [] }
    let k = Swift.min(options.kernel == .bow ? 1 : Swift.max(1, (query ?? queryOptions).multipleAssignment), vocabulary.count)
    let a = vocabulary.assign(set.descriptors, k: k)
    return (0..<set.count).map { Array(a.words[($0 * k)..<($0 * k + k)]) }
  }

  /// Scores every indexed image against `set` and returns the best `top` (all when nil),
  /// highest score first, ties by position. `excluded` holds positions in `images`.
  /// `assignments` are `queryAssignments(set)` when the caller already has them (re-ranking
  /// needs the nearest words too); `options` default to the index's `queryOptions`.
  public func query(_ set: FeatureSet, top: Int? = nil, excluding excluded: Set<Int> = [],
                    assignments: [[UInt32]]? = nil, options query: QueryOptions? = nil) throws -> [RankedImage] {
    let scores = try score(set, assignments: assignments, options: query)
    var ranked = scores.indices.filter { !excluded.contains($0) }.map { RankedImage(image: $0, id: images[$0].id, score: scores[$0]) }
    ranked.sort { $0.score > $1.score || ($0.score == $1.score && $0.image < $1.image) }
    if let top { ranked = Array(ranked.prefix(top)) }
    return ranked
  }

  /// The kernel similarity of `set` to every indexed image (normalised by both sides), by
  /// position in `images`. Descriptors of another dimension throw
  /// `IndexError.dimensionMismatch`, options that cannot score `.invalidQueryOptions`.
  public func score(_ set: FeatureSet, assignments: [[UInt32]]? = nil, options query: QueryOptions? = nil) throws -> [Float] {
    let query = query ?? queryOptions
    if let problem = query.problem { throw IndexError.invalidQueryOptions(problem) }
    let n = images.count
    guard n > 0, set.count > 0 else { return [Float](repeating: 0, count: n) }
    guard set.dimension == dimension else {
      throw IndexError.dimensionMismatch(expected: dimension, found: set.dimension, image: set.sourcePath)
    }
    let entries = Embedder(index: self).queryEntries(set.descriptors, assignments: assignments ?? queryAssignments(set, options: query))
    return score(entries: entries, query: query)
  }

  /// The kernel similarity of embedded query entries to every image. Indexes from one
  /// template embed a query alike, so `ShardedIndex` embeds it once for all its shards.
  func score(entries: [EmbeddedEntry], query: QueryOptions) -> [Float] {
    let n = images.count
    guard n > 0, !entries.isEmpty else { return [Float](repeating: 0, count: n) }
    let table = kernelTable(query)
    var total = [Float](repeating: 0, count: n)
    let lock = NSLock()
    // Parallel over query entries (HE: over query features, so burstiness groups stay whole),
    // each chunk with its own dense accumulator, summed at the end.
    let groups = options.kernel == .he ? Self.groupsByFeature(entries) : entries.indices.map { $0..<($0 + 1) }
    parallelChunks(groups.count, minimumChunk: 16) { range in
      var local = [Float](repeating: 0, count: n)
      var scratch = ScanScratch(count: options.kernel == .he ? n : 0)
      for g in range {
        for e in groups[g] { accumulate(entries[e], into: &local, scratch: &scratch, table: table, query: query) }
        scratch.flush(into: &local)
      }
      lock.lock()
      for i in 0..<n { total[i] += local[i] }
      lock.unlock()
    }
    var queryNormSquared: Float = 0
    switch options.kernel {
    case .bow: for e in entries { queryNormSquared += e.values[0] * e.values[0] * idf[e.word] * idf[e.word] }
    case .he:
      for g in groups { queryNormSquared += idf[entries[g.lowerBound].word] * idf[entries[g.lowerBound].word] }
    case .asmk, .asmkStar: for e in entries { queryNormSquared += idf[e.word] * idf[e.word] }
    }
    let queryNorm = queryNormSquared > 0 ? 1 / queryNormSquared.squareRoot() : 0
    for i in 0..<n { total[i] *= imageNorms[i] * queryNorm }
    return total
  }

  /// σ_α(u) = sign(u)·|u|^α for u > τ, else 0.
  func selectivity(_ u: Float, _ query: QueryOptions) -> Float {
    guard u > query.tau else { return 0 }
    return u >= 0 ? powf(u, query.alpha) : -powf(-u, query.alpha)
  }

  /// ASMK*: σ_α(1 − 2h/B) per Hamming distance h. HE: exp(−h²/σ²) up to the threshold.
  func kernelTable(_ query: QueryOptions) -> [Float] {
    guard let embedding else { return [] }
    let b = embedding.bits
    if options.kernel == .he {
      return (0...b).map { h in h <= query.heThreshold ? expf(-Float(h * h) / (query.heSigma * query.heSigma)) : 0 }
    }
    return (0...b).map { h in selectivity(1 - 2 * Float(h) / Float(b), query) }
  }

  private func accumulate(_ entry: EmbeddedEntry, into scores: inout [Float], scratch: inout ScanScratch,
                          table: [Float], query: QueryOptions) {
    let list = lists[entry.word]
    let w2 = idf[entry.word] * idf[entry.word]
    guard w2 > 0, list.count > 0 else { return }
    switch options.kernel {
    case .bow:
      let q = entry.values[0]
      for e in 0..<list.count { scores[Int(list.images[e])] += q * list.values[e] * w2 }
    case .asmk:
      list.values.withUnsafeBufferPointer { v in
        entry.values.withUnsafeBufferPointer { q in
          for e in 0..<list.count {
            let u = dotProduct(q.baseAddress!, v.baseAddress! + e * dimension, count: dimension)
            let s = selectivity(u, query)
            if s != 0 { scores[Int(list.images[e])] += s * w2 }
          }
        }
      }
    case .asmkStar, .he:
      let wpc = embedding!.wordsPerCode
      // The distance block leaves the scratch while HE votes go into it.
      var block: [Int32] = []
      swap(&block, &scratch.distances)
      defer { swap(&block, &scratch.distances) }
      list.codes.withUnsafeBufferPointer { c in
        entry.code.withUnsafeBufferPointer { q in
          block.withUnsafeMutableBufferPointer { distances in
            // A block of the list's distances at a time (one kernel call), then their votes.
            var start = 0
            while start < list.count {
              let end = Swift.min(list.count, start + distances.count)
              hammingDistances(q.baseAddress!, c.baseAddress! + start * wpc, count: end - start, words: wpc,
                               into: distances.baseAddress!)
              for e in start..<end {
                let s = table[Int(distances[e - start])]
                guard s != 0 else { continue }
                if options.kernel == .he {
                  scratch.vote(image: Int(list.images[e]), weight: s * w2)
                } else {
                  scores[Int(list.images[e])] += s * w2
                }
              }
              start = end
            }
          }
        }
      }
    }
  }

  /// Consecutive runs of entries from the same query feature.
  static func groupsByFeature(_ entries: [EmbeddedEntry]) -> [Range<Int>] {
    var groups: [Range<Int>] = []
    var start = 0
    for i in 1...entries.count where i == entries.count || entries[i].feature != entries[start].feature {
      groups.append(start..<i)
      start = i
    }
    return entries.isEmpty ? [] : groups
  }
}

/// One thread's working memory for scanning posting lists: a block of Hamming distances, and
/// HE burstiness (COLMAP's form of Jégou et al. 2009): the votes of one query feature for
/// one database image are summed and divided by √(number of votes) before they count.
struct ScanScratch {
  var distances = [Int32](repeating: 0, count: 1024)
  var sum: [Float]
  var votes: [Int32]
  var touched: [Int32] = []

  init(count: Int) {
    sum = [Float](repeating: 0, count: count)
    votes = [Int32](repeating: 0, count: count)
  }

  mutating func vote(image: Int, weight: Float) {
    if votes[image] == 0 { touched.append(Int32(image)) }
    votes[image] += 1
    sum[image] += weight
  }

  mutating func flush(into scores: inout [Float]) {
    for i32 in touched {
      let i = Int(i32)
      scores[i] += sum[i] / Float(votes[i]).squareRoot()
      sum[i] = 0
      votes[i] = 0
    }
    touched.removeAll(keepingCapacity: true)
  }
}
