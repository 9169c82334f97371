import LociCore
import XCTest

@testable import LociQuantization

final class KDForestTests: XCTestCase {
  /// Points of low intrinsic dimension, as real descriptors are: a 5-D latent variable
  /// mapped linearly into d dimensions (one fixed map), plus small noise.
  func data(_ n: Int, _ d: Int, seed: UInt64) -> [Float] {
    var mapRNG = SplitMix64(seed: 99)
    let map = (0..<(5 * d)).map { _ in Float(mapRNG.unit() - 0.5) }
    var rng = SplitMix64(seed: seed)
    return (0..<n).flatMap { _ -> [Float] in
      let z = (0..<5).map { _ in Float(rng.unit()) }
      return (0..<d).map { j in (0..<5).reduce(0) { $0 + z[$1] * map[$1 * d + j] } + 0.01 * Float(rng.unit() - 0.5) }
    }
  }

  func recallAt1(_ approximate: Assignment, _ exact: Assignment) -> Double {
    let n = exact.count
    let hits = (0..<n).filter { approximate.words[$0 * approximate.k] == exact.words[$0 * exact.k] }.count
    return Double(hits) / Double(n)
  }

  func testExhaustiveChecksEqualExactAssignment() {
    let d = 16
    let flat = FlatVocabulary(dimension: d, centroids: data(600, d, seed: 1))
    let queries = data(200, d, seed: 2)
    let forest = KDForestVocabulary(base: flat, treeCount: 2, maxChecks: flat.count)
    let exact = flat.assign(queries, k: 3), approximate = forest.assign(queries, k: 3)
    XCTAssertEqual(approximate.words, exact.words)
    for (a, b) in zip(approximate.distances, exact.distances) { XCTAssertEqual(a, b, accuracy: 1e-4) }
  }

  func testBoundedChecksKeepHighRecall() {
    let d = 32
    let flat = FlatVocabulary(dimension: d, centroids: data(4000, d, seed: 3))
    let queries = data(500, d, seed: 4)
    let exact = flat.assign(queries, k: 1)
    let few = recallAt1(KDForestVocabulary(base: flat, treeCount: 4, maxChecks: 64).assign(queries, k: 1), exact)
    let more = recallAt1(KDForestVocabulary(base: flat, treeCount: 4, maxChecks: 512).assign(queries, k: 1), exact)
    XCTAssertGreaterThan(more, 0.9, "512 checks of 4000 words")
    XCTAssertGreaterThanOrEqual(more, few, "more checks never hurt")
    XCTAssertLessThan(few, 1.0, "64 checks must miss some: the bound is real")
  }
}
