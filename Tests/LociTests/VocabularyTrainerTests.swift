@testable import Loci
import LociCore
import XCTest

/// The trainer the `vocab train` command calls: each method's vocabulary, the parameters the
/// file records, and the training error against a brute-force nearest-word computation.
final class VocabularyTrainerTests: XCTestCase {
  /// Three tight clusters in 4-D around known centres.
  func sample() -> DescriptorSample {
    var rng = SplitMix64(seed: 4)
    let centres: [[Float]] = [[0, 0, 0, 0], [10, 0, 0, 0], [0, 10, 0, 0]]
    var data: [Float] = []
    for i in 0..<300 { data += centres[i % 3].map { $0 + Float(rng.unit() - 0.5) * 0.2 } }
    return DescriptorSample(dimension: 4, descriptors: data, files: 1)
  }

  func bruteForceMSE(_ sample: DescriptorSample, _ vocabulary: FlatVocabulary) -> Double {
    var total = 0.0
    for i in 0..<sample.count {
      let x = sample.descriptors[(i * 4)..<(i * 4 + 4)]
      total += (0..<vocabulary.count).map { w in
        zip(x, vocabulary.centroids[(w * 4)..<(w * 4 + 4)]).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
      }.min()!
    }
    return total / Double(sample.count)
  }

  func testEachMethodTrainsAndReportsItsError() throws {
    let data = sample()
    for method in VocabularyTrainer.Method.allCases {
      var trainer = VocabularyTrainer(method: method, size: method == .agm ? 12 : 4)
      trainer.iterations = 10
      let trained = try trainer.train(data)
      XCTAssertEqual(trained.method, method)
      XCTAssertEqual(trained.meanSquaredError, bruteForceMSE(data, trained.vocabulary), accuracy: 1e-4, "\(method)")
      XCTAssertLessThan(trained.meanSquaredError, 0.05, "\(method): the three clusters are found")
      XCTAssertTrue(trained.parameters.hasPrefix("iterations=10 seed=1 descriptors=300"), trained.parameters)
      switch method {
      case .kmeans: XCTAssertTrue(trained.parameters.contains("k=4 initialisation=random"), trained.parameters)
      case .agm:
        XCTAssertEqual(trained.sigmas?.count, trained.vocabulary.count)
        XCTAssertNotNil(trained.history)
      case .drvq:
        XCTAssertTrue(trained.parameters.contains("books=1"), "one tree up to 4,096 words: \(trained.parameters)")
        XCTAssertEqual(trained.drvq?.count, trained.vocabulary.count)
      }
    }
  }

  func testTrainedVocabularyRoundTripsThroughItsFile() throws {
    let trained = try VocabularyTrainer(method: .kmeans, size: 3).train(sample())
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("loci-trainer-\(UUID().uuidString).lvoc")
    defer { try? FileManager.default.removeItem(at: url) }
    try trained.write(to: url)
    let back = try VocabularyFile.read(from: url)
    XCTAssertEqual(back.vocabulary.centroids, trained.vocabulary.centroids)
    XCTAssertEqual(back.parameters, trained.parameters)
    XCTAssertEqual(back.method, "kmeans")
  }
}

/// What the ground truth's junk column means in the revisited protocols, pinned on one
/// hand-computed ranking: positives are the easy images, junk the hard ones; easy ignores
/// the hard ones, medium counts both, hard counts the hard ones and ignores the easy ones.
final class RevisitedProtocolTests: XCTestCase {
  func testJunkColumnIsTheHardPositives() {
    // Ranking 7, 3, 5, 9, 2; easy {3}, hard {9}.
    let query = RetrievalEvaluation.QueryOutcome(query: "q", averagePrecision: 0, positiveRanks: [2],
                                                 ranking: [7, 3, 5, 9, 2], verified: [], positives: [3], hard: [9],
                                                 seconds: 0, rerankSeconds: 0)
    let withJunk = RetrievalEvaluation(queries: [query], missingPositives: 0, hasJunkColumn: true)
    // revisitop's compute_ap after removing the ignored images: per positive i (0-based) at
    // 0-based rank r, (i / r (1 when r = 0) + (i + 1) / (r + 1)) / 2, averaged over positives.
    // easy: 9 ignored → 7 3 5 2, 3 at rank 1: (0 + 1/2) / 2 = 25 %.
    XCTAssertEqual(withJunk.revisited(.easy)!, 25, accuracy: 1e-9)
    // medium: 3 at rank 1 and 9 at rank 3: ((0 + 1/2) / 2 + (1/3 + 2/4) / 2) / 2 = 33.3 %.
    XCTAssertEqual(withJunk.revisited(.medium)!, 100.0 / 3, accuracy: 1e-9)
    // hard: 3 ignored → 7 5 9 2, 9 at rank 2: (0 + 1/3) / 2 = 16.7 %.
    XCTAssertEqual(withJunk.revisited(.hard)!, 100.0 / 6, accuracy: 1e-9)
    XCTAssertEqual(withJunk.meanAveragePrecision, 25, accuracy: 1e-9, "the plain mAP counts the positives column only")
    XCTAssertNil(RetrievalEvaluation(queries: [query], missingPositives: 0, hasJunkColumn: false).revisited(.easy))
  }
}
