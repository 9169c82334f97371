import LociCore
import XCTest

@testable import LociQuantization

/// Grouped assignment: exact when every group is probed, high recall with a few, real words
/// when the probed groups hold fewer than k; and the panel product it shares with exact
/// assignment against a plain triple loop.
final class GroupedVocabularyTests: XCTestCase {
  /// Clustered points, as descriptors are: 40 centres, points scattered around them.
  func data(_ n: Int, _ d: Int, seed: UInt64) -> [Float] {
    var centreRNG = SplitMix64(seed: 5)
    let centres = (0..<(40 * d)).map { _ in Float(centreRNG.unit()) }
    var rng = SplitMix64(seed: seed)
    return (0..<n).flatMap { _ -> [Float] in
      let c = Int(rng.next() % 40)
      return (0..<d).map { centres[c * d + $0] + 0.15 * Float(rng.unit() - 0.5) }
    }
  }

  func testProbingEveryGroupIsExactAssignment() {
    let d = 24
    let flat = FlatVocabulary(dimension: d, centroids: data(500, d, seed: 1))
    let grouped = GroupedVocabulary(base: flat, groups: 16, probes: 16)
    let queries = data(300, d, seed: 2)
    let exact = flat.assign(queries, k: 3), approximate = grouped.assign(queries, k: 3)
    XCTAssertEqual(approximate.words, exact.words)
    for (a, b) in zip(approximate.distances, exact.distances) { XCTAssertEqual(a, b, accuracy: 1e-4) }
  }

  func testFewProbesKeepHighRecallAndTheWordsOfTheBase() {
    let d = 32
    let flat = FlatVocabulary(dimension: d, centroids: data(2000, d, seed: 3))
    let queries = data(600, d, seed: 4)
    let exact = flat.assign(queries, k: 1)
    func recall(_ probes: Int) -> Double {
      let a = GroupedVocabulary(base: flat, groups: 32, probes: probes).assign(queries, k: 1)
      return Double((0..<600).filter { a.words[$0] == exact.words[$0] }.count) / 600
    }
    let one = recall(1), eight = recall(8)
    XCTAssertGreaterThan(eight, 0.95)
    XCTAssertGreaterThanOrEqual(eight, one)
    XCTAssertLessThan(one, 1, "one probe of 32 groups should miss some nearest words on this data")
    let grouped = GroupedVocabulary(base: flat, groups: 32, probes: 4)
    XCTAssertEqual(grouped.centroids, flat.centroids)
    XCTAssertEqual(grouped.count, flat.count)
    // Each reported distance is the true distance to the reported word.
    let a = grouped.assign(queries, k: 2)
    for i in 0..<20 {
      for j in 0..<2 {
        let w = Int(a.words[i * 2 + j])
        let truth = (0..<d).reduce(Float(0)) { s, t in
          let e = queries[i * d + t] - flat.centroids[w * d + t]
          return s + e * e
        }
        XCTAssertEqual(a.distances[i * 2 + j], truth, accuracy: 1e-3)
      }
    }
  }

  func testProbedGroupsSmallerThanKFallBackToExact() {
    // 12 words in 6 groups of about 2: one probed group cannot hold 5 words.
    let d = 8
    let flat = FlatVocabulary(dimension: d, centroids: data(12, d, seed: 6))
    let grouped = GroupedVocabulary(base: flat, groups: 6, probes: 1)
    let queries = data(40, d, seed: 7)
    let a = grouped.assign(queries, k: 5)
    XCTAssertFalse(a.distances.contains(.infinity))
    for i in 0..<40 {
      let words = a.words[(i * 5)..<(i * 5 + 5)], distances = Array(a.distances[(i * 5)..<(i * 5 + 5)])
      XCTAssertEqual(Set(words).count, 5, "row \(i) holds 5 distinct words")
      XCTAssertEqual(distances, distances.sorted())
      for (w, distance) in zip(words, distances) {
        let truth = (0..<d).reduce(Float(0)) { s, t in
          let e = queries[i * d + t] - flat.centroids[Int(w) * d + t]
          return s + e * e
        }
        XCTAssertEqual(distance, truth, accuracy: 1e-4)
      }
    }
  }

  func testPanelProductsEqualATripleLoop() {
    let d = 20, n = 13, m = 11
    var rng = SplitMix64(seed: 9)
    let a = (0..<(n * d)).map { _ in Float(rng.unit() - 0.5) }
    let b = (0..<(m * d)).map { _ in Float(rng.unit() - 0.5) }
    let panels = PanelKernel.panels(of: b, count: m, dimension: d)
    let out = a.withUnsafeBufferPointer { PanelKernel.products($0.baseAddress!, count: n, panels: panels, dimension: d) }
    let stride = 16  // 11 rows of B padded to two panels
    XCTAssertEqual(out.count, n * stride)
    for i in 0..<n {
      for w in 0..<stride {
        let expected = w < m ? (0..<d).reduce(Float(0)) { $0 + a[i * d + $1] * b[w * d + $1] } : 0
        XCTAssertEqual(out[i * stride + w], expected, accuracy: 1e-5)
      }
    }
  }
}
