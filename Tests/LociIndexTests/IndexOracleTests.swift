import Foundation
import XCTest

@testable import LociIndex

/// The inverted file's scores against brute-force pairwise implementations written
/// independently of it (only the binarisation of one vector is shared).
final class IndexOracleTests: XCTestCase {
  func idf(_ data: IndexTestData, _ vocabulary: FlatVocabulary) -> [Float] {
    var containing = [Int](repeating: 0, count: vocabulary.count)
    for set in data.images { for w in Set(vocabulary.assign(set.descriptors, k: 1).words) { containing[Int(w)] += 1 } }
    return containing.map { $0 > 0 ? Float(log(Double(data.images.count) / Double($0))) : 0 }
  }

  func testHammingEmbeddingMatchesBruteForce() throws {
    let data = IndexTestData(seed: 11, dimension: 64)
    var options = IndexOptions()
    options.useIDF = true  // the oracle weighs by idf
    options.kernel = .he
    var index = try RetrievalIndex(vocabulary: data.vocabulary, options: options,
                               training: data.images.flatMap(\.descriptors))
    index.queryOptions.multipleAssignment = 2
    try index.add(data.images)
    let embedding = index.embedding!
    let idf = idf(data, data.vocabulary)
    let query = data.query(near: 2, seed: 5)
    let d = 64
    func code(_ x: ArraySlice<Float>, _ word: Int) -> [UInt64] {
      var c: [UInt64] = []
      Array(x).withUnsafeBufferPointer { embedding.encode($0.baseAddress!, word: word, into: &c) }
      return c
    }
    let qa = data.vocabulary.assign(query.descriptors, k: 2).words
    var expected = [Float](repeating: 0, count: data.images.count)
    var queryNorm: Float = 0
    for f in 0..<query.count { queryNorm += idf[Int(qa[2 * f])] * idf[Int(qa[2 * f])] }
    for (j, image) in data.images.enumerated() {
      let words = data.vocabulary.assign(image.descriptors, k: 1).words
      var imageNorm: Float = 0
      for w in words { imageNorm += idf[Int(w)] * idf[Int(w)] }
      var s: Float = 0
      for f in 0..<query.count {
        var sum: Float = 0, votes = 0
        for w in qa[(2 * f)..<(2 * f + 2)] {
          let cq = code(query.descriptor(f), Int(w))
          for g in 0..<image.count where words[g] == w {
            let cg = code(image.descriptor(g), Int(w))
            let h = zip(cq, cg).reduce(0) { $0 + ($1.0 ^ $1.1).nonzeroBitCount }
            // A match counts (and is a vote for burstiness) when its weight is non-zero.
            if h <= 24 && idf[Int(w)] > 0 {
              sum += expf(-Float(h * h) / 256) * idf[Int(w)] * idf[Int(w)]
              votes += 1
            }
          }
        }
        if votes > 0 { s += sum / Float(votes).squareRoot() }
      }
      expected[j] = imageNorm > 0 && queryNorm > 0 ? s / imageNorm.squareRoot() / queryNorm.squareRoot() : 0
      _ = d
    }
    let got = try index.score(query)
    for j in expected.indices { XCTAssertEqual(got[j], expected[j], accuracy: 1e-5 * Swift.max(1, expected[j]), "image \(j)") }
    XCTAssertGreaterThan(expected[2], 0)
  }

  func testASMKStarMatchesBruteForceInBothBinarisationsWithAndWithoutIDF() throws {
    for binarisation in Binarisation.allCases {
     for useIDF in [true, false] {
      let data = IndexTestData(seed: 21, dimension: 64)
      var options = IndexOptions()
      options.kernel = .asmkStar
      options.binarisation = binarisation
      options.useIDF = useIDF
      var index = try RetrievalIndex(vocabulary: data.vocabulary, options: options, training: data.images.flatMap(\.descriptors))
      index.queryOptions.multipleAssignment = 3
      try index.add(data.images)
      let embedding = index.embedding!
      // Without idf every word present in the index weighs 1 (absent words 0, as with idf).
      let idf = idf(data, data.vocabulary).enumerated().map { w, v in useIDF ? v : (index.lists[w].count > 0 ? 1 : 0) }
      let d = 64, c = data.vocabulary.centroids
      /// Per word: the aggregated code of the features assigned to it (several words per feature allowed).
      func codes(_ set: FeatureSet, k: Int) -> [Int: [UInt64]] {
        let a = data.vocabulary.assign(set.descriptors, k: k).words
        var sums: [Int: [Float]] = [:], counts: [Int: Int] = [:]
        for f in 0..<set.count {
          for w32 in a[(k * f)..<(k * f + k)] {
            let w = Int(w32)
            var v = sums[w] ?? [Float](repeating: 0, count: d)
            for j in 0..<d { v[j] += binarisation == .medians ? set.descriptors[f * d + j] : set.descriptors[f * d + j] - c[w * d + j] }
            sums[w] = v
            counts[w, default: 0] += 1
          }
        }
        return sums.mapValues { $0 }.reduce(into: [:]) { out, kv in
          var v = kv.value
          if binarisation == .medians { v = v.map { $0 / Float(counts[kv.key]!) } }
          var code: [UInt64] = []
          v.withUnsafeBufferPointer { embedding.encode($0.baseAddress!, word: kv.key, into: &code) }
          out[kv.key] = code
        }
      }
      let query = data.query(near: 4, seed: 9)
      let q = codes(query, k: 3)
      let queryNorm = q.keys.reduce(Float(0)) { $0 + idf[$1] * idf[$1] }
      for (j, image) in data.images.enumerated() {
        let x = codes(image, k: 1)
        let imageNorm = x.keys.reduce(Float(0)) { $0 + idf[$1] * idf[$1] }
        var s: Float = 0
        for (w, cq) in q {
          guard let cx = x[w] else { continue }
          let h = zip(cq, cx).reduce(0) { $0 + ($1.0 ^ $1.1).nonzeroBitCount }
          let u = 1 - 2 * Float(h) / Float(d)
          if u > 0 { s += powf(u, 3) * idf[w] * idf[w] }
        }
        let expected = s / imageNorm.squareRoot() / queryNorm.squareRoot()
        XCTAssertEqual(try index.score(query)[j], expected, accuracy: 1e-5, "\(binarisation) idf \(useIDF) image \(j)")
      }
      XCTAssertEqual(try index.query(query, top: 1).first?.image, 4, "\(binarisation): the source image ranks first")
     }
    }
  }

  /// Adding in two batches ranks exactly as building at once (idf and norms stay exact).
  func testIncrementalAddEqualsFullBuild() throws {
    for kernel in IndexKernel.allCases {
      let data = IndexTestData(seed: 3, dimension: 64)
      var options = IndexOptions()
      options.kernel = kernel
      options.useIDF = true  // idf is what a second batch changes
      let training = data.images.flatMap(\.descriptors)
      var whole = try RetrievalIndex(vocabulary: data.vocabulary, options: options, training: training)
      try whole.add(data.images)
      var parts = try RetrievalIndex(vocabulary: data.vocabulary, options: options, training: training)
      try parts.add(Array(data.images[0..<2]))
      try parts.add(Array(data.images[2...]))
      let query = data.query(near: 1, seed: 2)
      XCTAssertEqual(try whole.score(query), try parts.score(query), "\(kernel)")
      XCTAssertEqual(whole.geometry, parts.geometry)
    }
  }

  /// Every kernel ranks an indexed image first when queried with it. Single assignment on
  /// the query side: with only 8 words, 5-fold assignment would replicate every feature over
  /// most of the vocabulary (the CLI test checks the default on real images).
  func testQueryingAnIndexedImageReturnsItFirst() throws {
    for kernel in IndexKernel.allCases {
      let data = IndexTestData(seed: 8, dimension: 64)
      var options = IndexOptions()
      options.kernel = kernel
      var index = try RetrievalIndex(vocabulary: data.vocabulary, options: options, training: data.images.flatMap(\.descriptors))
      index.queryOptions.multipleAssignment = 1
      try index.add(data.images)
      for i in data.images.indices {
        XCTAssertEqual(try index.query(data.images[i], top: 1).first?.image, i, "\(kernel) image \(i)")
      }
    }
  }
}
