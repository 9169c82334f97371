import Foundation
import XCTest

@testable import LociEval
@testable import LociIndex

final class KernelTests: XCTestCase {
  /// ASMK on hand-computed residuals. Words c0 = (0, 0), c1 = (10, 0). Image A: (1, 0) and
  /// (0, 1) in c0, aggregated V̂ = (1, 1)/√2 at 45°; image B: one feature in c1. N = 2, so
  /// idf(c0) = log 2 and both norms are 1/idf: score = σ_α(u) = u³ with u = cos(angle between
  /// the query's residual and 45°).
  func testASMKKernelOnHandComputedResiduals() throws {
    let vocabulary = FlatVocabulary(dimension: 2, centroids: [0, 0, 10, 0])
    var options = IndexOptions()
    options.kernel = .asmk
    options.useIDF = true
    var index = try RetrievalIndex(vocabulary: vocabulary, options: options)
    index.queryOptions.multipleAssignment = 1
    func set(_ points: [(Float, Float)]) -> FeatureSet {
      FeatureSet(imageWidth: 10, imageHeight: 10, detector: "t", descriptorKind: .rootsift, dimension: 2,
                 regions: points.map { _ in AffineRegion(x: 1, y: 1, radius: 1) }, descriptors: points.flatMap { [$0.0, $0.1] })
    }
    try index.add([set([(1, 0), (0, 1)]), set([(10, 1)])])
    XCTAssertEqual(index.idf[0], Float(log(2.0)), accuracy: 1e-6)
    let at = { (degrees: Double) -> FeatureSet in set([(Float(cos(degrees * .pi / 180)), Float(sin(degrees * .pi / 180)))]) }
    XCTAssertEqual(try index.score(at(-15))[0], 0.125, accuracy: 1e-5, "u = cos 60° = 0.5, σ = 0.5³")
    XCTAssertEqual(try index.score(at(45))[0], 1, accuracy: 1e-5)
    XCTAssertEqual(try index.score(at(145))[0], 0, "u = cos 100° < τ = 0")
    XCTAssertEqual(try index.score(at(45))[1], 0)
  }

  /// The ASMK* lookup table: σ_α(1 − 2h/B), zero at and beyond h = B/2 for τ = 0.
  func testASMKStarKernelTable() throws {
    var options = IndexOptions()
    options.binarisation = .sign
    let index = try RetrievalIndex(vocabulary: FlatVocabulary(dimension: 128, centroids: [Float](repeating: 0, count: 128)),
                               options: options)
    let table = index.kernelTable(QueryOptions())
    XCTAssertEqual(table.count, 129)
    XCTAssertEqual(table[0], 1)
    XCTAssertEqual(table[32], 0.125, accuracy: 1e-6)  // u = 0.5
    XCTAssertEqual(table[64], 0)
    XCTAssertEqual(table[100], 0)
  }

  /// compute_map on a hand-computed ranking with junk: ids [1, 9, 2, 7, 3], positives
  /// {1, 2, 3}, junk {7} → positions 0, 2, 3 after removing junk; AP = (1 + 0.58333 + 0.70833)/3.
  func testAveragePrecisionWithJunkAsRevisitop() throws {
    let truth = QueryTruth(positives: [1, 2, 3], junk: [7])
    let ap = try XCTUnwrap(MeanAveragePrecision.averagePrecision(ranking: [1, 9, 2, 7, 3], truth: truth))
    XCTAssertEqual(ap, (1 + (0.5 + 2.0 / 3) / 2 + (2.0 / 3 + 0.75) / 2) / 3, accuracy: 1e-12)
    // An unretrieved positive counts 0; a query without positives is excluded from the mean.
    let missing = try XCTUnwrap(MeanAveragePrecision.averagePrecision(ranking: [1, 9, 2, 7, 3], truth: QueryTruth(positives: [1, 2, 3, 4], junk: [7])))
    XCTAssertEqual(missing, ap * 3 / 4, accuracy: 1e-12)
    XCTAssertNil(MeanAveragePrecision.averagePrecision(ranking: [1, 2], truth: QueryTruth(positives: [])))
    XCTAssertEqual(MeanAveragePrecision.meanAveragePrecision(rankings: [[1, 2], [5, 1]], truths: [QueryTruth(positives: [1]), QueryTruth(positives: [])]), 1)
    // A single positive at rank 2: the trapezoid from precision 0 to 1/2 (revisitop gives 0.25).
    XCTAssertEqual(try XCTUnwrap(MeanAveragePrecision.averagePrecision(ranking: [4, 1], truth: QueryTruth(positives: [1]))), 0.25, accuracy: 1e-12)
    // Protocols: hard treats easy as junk.
    let hard = MeanAveragePrecision.RevisitedProtocol.hard.truth(easy: [1], hard: [2], junk: [3])
    XCTAssertEqual(hard, QueryTruth(positives: [2], junk: [1, 3]))
  }

  func testGroundTruthFileResolvesPathsAndRejectsBadHeaders() throws {
    let base = URL(fileURLWithPath: "/data/set")
    let gt = try GroundTruthFile(text: "query\tpositives\tjunk\nq/a.png\tb.png,/abs/c.png\tj.png\nq/d.png\t\t\n", base: base)
    XCTAssertTrue(gt.hasJunkColumn)
    XCTAssertEqual(gt.rows.count, 2)
    XCTAssertEqual(gt.rows[0], .init(query: "/data/set/q/a.png", positives: ["/data/set/b.png", "/abs/c.png"], junk: ["/data/set/j.png"]))
    XCTAssertEqual(gt.rows[1].positives, [])
    XCTAssertThrowsError(try GroundTruthFile(text: "image\tgood\n", base: base))
  }
}

/// Calls a library user can get wrong throw a typed error instead of trapping: an embedding
/// with nothing to learn from, training that is not whole descriptors, and descriptors of
/// another dimension in `add` (nothing added) and in `score`.
final class IndexMisuseTests: XCTestCase {
  func testMisuseThrowsInsteadOfTrapping() throws {
    let data = IndexTestData(seed: 3, dimension: 32, images: 2, featuresPerImage: 8)
    for (kernel, binarisation) in [(IndexKernel.he, Binarisation.medians), (.asmkStar, .medians)] {
      var options = IndexOptions()
      options.kernel = kernel
      options.binarisation = binarisation
      XCTAssertThrowsError(try RetrievalIndex(vocabulary: data.vocabulary, options: options)) {
        XCTAssertEqual($0 as? IndexError, .untrainedEmbedding(kernel: kernel.rawValue))
      }
    }
    var sign = IndexOptions()
    sign.binarisation = .sign
    XCTAssertNoThrow(try RetrievalIndex(vocabulary: data.vocabulary, options: sign), "sign codes learn nothing")
    XCTAssertThrowsError(try RetrievalIndex(vocabulary: data.vocabulary, training: [1, 2, 3])) {
      XCTAssertEqual($0 as? IndexError, .malformedTraining(count: 3, dimension: 32))
    }

    var index = try RetrievalIndex(vocabulary: data.vocabulary, training: data.images.flatMap(\.descriptors))
    try index.add([data.images[0]])
    var wrong = data.images[1]
    wrong.dimension = 16
    wrong.descriptors = Array(wrong.descriptors.prefix(16 * wrong.count))
    wrong.sourcePath = "/data/wrong.png"
    XCTAssertThrowsError(try index.add([data.images[1], wrong])) {
      XCTAssertEqual($0 as? IndexError, .dimensionMismatch(expected: 32, found: 16, image: "/data/wrong.png"))
    }
    XCTAssertEqual(index.images.count, 1, "nothing of the refused batch was added")
    XCTAssertThrowsError(try index.score(wrong)) {
      XCTAssertEqual($0 as? IndexError, .dimensionMismatch(expected: 32, found: 16, image: "/data/wrong.png"))
    }
  }
}

/// An index that samples its own training descriptors: every k-th in order, at most the
/// limit, the same embedding as training on that sample by hand; nothing to sample throws.
final class SelfTrainingIndexTests: XCTestCase {
  func testIndexSamplesItsTrainingFromTheSets() throws {
    let data = IndexTestData(seed: 8, dimension: 32, images: 6, featuresPerImage: 24)  // 144 descriptors
    let own = try RetrievalIndex(vocabulary: data.vocabulary, trainingFrom: data.images, limit: 50)
    // 144 / 50 → every 2nd descriptor: 72 of them.
    let all = data.images.flatMap(\.descriptors)
    var sample: [Float] = []
    for f in Swift.stride(from: 0, to: 144, by: 2) { sample += all[(f * 32)..<((f + 1) * 32)] }
    let byHand = try RetrievalIndex(vocabulary: data.vocabulary, training: sample)
    XCTAssertEqual(own.embedding?.thresholds, byHand.embedding?.thresholds)
    XCTAssertNotEqual(own.embedding?.thresholds,
                      try RetrievalIndex(vocabulary: data.vocabulary, training: all).embedding?.thresholds,
                      "the limit changed the sample")
    XCTAssertThrowsError(try RetrievalIndex(vocabulary: data.vocabulary, trainingFrom: [])) {
      XCTAssertEqual($0 as? IndexError, .untrainedEmbedding(kernel: IndexKernel.asmkStar.rawValue))
    }
  }
}
