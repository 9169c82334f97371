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
      return words.indices.map { i in heEntry(descriptors, feature: i, word: Int(words[i])) }
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
      return assignments.indices.flatMap { i in assignments[i].map { heEntry(descriptors, feature: i, word: Int($0)) } }
    case .asmk, .asmkStar:
      // ICCV'13: the query is replicated over its words before aggregation.
      return aggregated(descriptors, assignments: assignments)
    }
  }

  func heEntry(_ descriptors: [Float], feature i: Int, word: Int) -> EmbeddedEntry {
    var code: [UInt64] = []
    descriptors.withUnsafeBufferPointer { p in index.embedding!.encode(p.baseAddress! + i * d, word: word, into: &code) }
    return EmbeddedEntry(word: word, code: code, values: [], feature: i)
  }

  /// One entry per word: the summed residual Σ(x − c) of the features assigned to it
  /// (L2-normalised for ASMK, sign-binarised for ASMK* "sign"), or for ASMK* "medians" the
  /// mean descriptor, projected and thresholded at the word's medians.
  func aggregated(_ descriptors: [Float], assignments: [[UInt32]]) -> [EmbeddedEntry] {
    var sums: [Int: [Float]] = [:]
    var counts: [Int: Int] = [:]
    let medians = index.options.kernel == .asmkStar && index.options.binarisation == .medians
    let centroids = index.centroids
    for (i, words) in assignments.enumerated() {
      for w32 in words {
        let w = Int(w32)
        // Taken out and put back, so the array is mutated in place rather than copied.
        var sum = sums.removeValue(forKey: w) ?? [Float](repeating: 0, count: d)
        for j in 0..<d {
          let x = descriptors[i * d + j]
          sum[j] += medians ? x : x - centroids[w * d + j]
        }
        sums[w] = sum
        counts[w, default: 0] += 1
      }
    }
    return sums.keys.sorted().compactMap { w -> EmbeddedEntry? in
      var v = sums[w]!
      switch index.options.kernel {
      case .asmk:
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return nil }
        for j in 0..<d { v[j] /= norm }
        return EmbeddedEntry(word: w, code: [], values: v)
      default:
        if medians { for j in 0..<d { v[j] /= Float(counts[w]!) } }
        var code: [UInt64] = []
        v.withUnsafeBufferPointer { index.embedding!.encode($0.baseAddress!, word: w, into: &code) }
        return EmbeddedEntry(word: w, code: code, values: [])
      }
    }
  }
}
