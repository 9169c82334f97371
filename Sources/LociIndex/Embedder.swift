import LociCore

/// One inverted-file entry before it is stored or scored: a word and its code or values.
struct EmbeddedEntry {
  var word: Int
  var code: [UInt64]
  var values: [Float]
  /// The query feature it came from (HE burstiness groups by it); −1 for aggregated entries.
  var feature: Int = -1
}

/// Turns descriptors into inverted-file entries for the index's kernel (§6–§7).
struct Embedder {
  let index: RetrievalIndex

  var d: Int { index.dimension }

  /// Database side: single assignment `words`.
  func databaseEntries(_ descriptors: [Float], words: [UInt32]) -> [EmbeddedEntry] {
    switch index.options.kernel {
    case .bow:
      var tf: [Int: Float] = [:]
      for w in words { tf[Int(w), default: 0] += 1 }
      return tf.keys.sorted().map { EmbeddedEntry(word: $0, code: [], values: [tf[$0]!]) }
    case .he:
      return heEntries(descriptors, assignments: words.map { [$0] })
    case .asmk, .asmkStar:
      return aggregated(descriptors, assignments: words.map { [$0] })
    }
  }

  /// Query side: `assignments[i]` are feature i's multiple-assignment words, nearest first.
  func queryEntries(_ descriptors: [Float], assignments: [[UInt32]]) -> [EmbeddedEntry] {
    switch index.options.kernel {
    case .bow:
      // The BoW baseline stays single-assignment on both sides (`queryAssignments` gives it one word).
      return databaseEntries(descriptors, words: assignments.compactMap(\.first))
    case .he:
      return heEntries(descriptors, assignments: assignments)
    case .asmk, .asmkStar:
      // ICCV'13: the query is replicated over its words before aggregation.
      return aggregated(descriptors, assignments: assignments)
    }
  }

  /// HE entries, one per (feature, word) in feature order: every descriptor projected once,
  /// all in one GEMM, then thresholded at each of its words' medians.
  func heEntries(_ descriptors: [Float], assignments: [[UInt32]]) -> [EmbeddedEntry] {
    guard let embedding = index.embedding, !assignments.isEmpty else { return [] }
    let projected = descriptors.withUnsafeBufferPointer { embedding.project($0.baseAddress!, count: assignments.count) }
    let width = embedding.projectedWidth
    return projected.withUnsafeBufferPointer { p in
      assignments.indices.flatMap { i in
        assignments[i].map { w -> EmbeddedEntry in
          var code: [UInt64] = []
          embedding.threshold(projected: p.baseAddress! + i * width, word: Int(w), into: &code)
          return EmbeddedEntry(word: Int(w), code: code, values: [], feature: i)
        }
      }
    }
  }

  /// One entry per word: the summed residual Σ(x − c) of the features assigned to it
  /// (L2-normalised for ASMK, sign-binarised for ASMK* "sign"), or for ASMK* "medians" the
  /// mean descriptor, projected and thresholded at the word's medians.
  ///
  /// The (word, feature) pairs are sorted by word, so each word's features form one run.
  /// For "medians" the descriptors are projected first, all at once (one small GEMM), and the
  /// projections averaged per word: P·mean(x) = mean(P·x), and a query has fewer features
  /// than (feature, word) pairs, so this projects fewer vectors than projecting each word's
  /// mean would.
  func aggregated(_ descriptors: [Float], assignments: [[UInt32]]) -> [EmbeddedEntry] {
    let d = index.dimension, n = assignments.count
    let kernel = index.options.kernel
    let medians = kernel == .asmkStar && index.options.binarisation == .medians
    var pairs: [UInt64] = []
    pairs.reserveCapacity(assignments.reduce(0) { $0 + $1.count })
    for (i, words) in assignments.enumerated() { for w in words { pairs.append(UInt64(w) << 32 | UInt64(i)) } }
    pairs.sort()
    let embedding = index.embedding
    let projectFirst = medians && embedding?.usesProjection == true
    var width = d
    var projected: [Float] = []
    if projectFirst, let embedding, n > 0 {
      projected = descriptors.withUnsafeBufferPointer { embedding.project($0.baseAddress!, count: n) }
      width = embedding.projectedWidth
    }
    var entries: [EmbeddedEntry] = []
    var sum = [Float](repeating: 0, count: width)
    descriptors.withUnsafeBufferPointer { x in
      index.centroids.withUnsafeBufferPointer { c in
        projected.withUnsafeBufferPointer { px in
          sum.withUnsafeMutableBufferPointer { s in
            var start = 0
            while start < pairs.count {
              let w = Int(pairs[start] >> 32)
              var end = start
              for j in 0..<width { s[j] = 0 }
              while end < pairs.count && Int(pairs[end] >> 32) == w {
                let i = Int(pairs[end] & 0xffff_ffff)
                if projectFirst {
                  let row = px.baseAddress! + i * width
                  for j in 0..<width { s[j] += row[j] }
                } else if medians {
                  let row = x.baseAddress! + i * d
                  for j in 0..<d { s[j] += row[j] }
                } else {
                  let row = x.baseAddress! + i * d, word = c.baseAddress! + w * d
                  for j in 0..<d { s[j] += row[j] - word[j] }
                }
                end += 1
              }
              let count = Float(end - start)
              start = end
              switch kernel {
              case .asmk:
                let norm = (0..<d).reduce(Float(0)) { $0 + s[$1] * s[$1] }.squareRoot()
                guard norm > 0 else { continue }
                entries.append(EmbeddedEntry(word: w, code: [], values: (0..<d).map { s[$0] / norm }))
              default:
                if medians { for j in 0..<width { s[j] /= count } }
                var code: [UInt64] = []
                if projectFirst {
                  embedding!.threshold(projected: s.baseAddress!, word: w, into: &code)
                } else {
                  embedding!.encode(s.baseAddress!, word: w, into: &code)
                }
                entries.append(EmbeddedEntry(word: w, code: code, values: []))
              }
            }
          }
        }
      }
    }
    return entries
  }
}
