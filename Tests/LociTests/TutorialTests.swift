import Loci
import XCTest

/// The steps of the documentation's tutorial (Loci.docc, "From images to a verified
/// match") on two fixture images, so the tutorial's calls stay real.
final class TutorialTests: XCTestCase {
  func testTheTutorialStepsRunAndFindTheImage() throws {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Fixtures")
    let imageURLs = ["graf-img1-400.png", "scenes/image00-480.jpg"].map { fixtures.appendingPathComponent($0) }
    let extractor = FeatureExtractor(detector: MFDDetector(), descriptor: SIFTDescriptorExtractor())
    let database = try imageURLs.map { try extractor.extract(fromFile: $0) }

    var descriptors: [Float] = []
    for set in database { descriptors += set.descriptors }
    let sample = DescriptorSample(dimension: 128, descriptors: descriptors)
    let trained = try VocabularyTrainer(method: .kmeans, size: 64).train(sample)

    var index = try RetrievalIndex(vocabulary: trained.vocabulary, trainingFrom: database)
    try index.add(database, ids: database.indices.map { Int64(1000 + $0) })

    let query = try extractor.extract(fromFile: imageURLs[1])
    let result = try Retrieval.search(index, query: query, reranker: SpatialReranker(method: .ransac))
    XCTAssertEqual(index.images[result.ranking[0].image].path, database[1].sourcePath)
    XCTAssertEqual(result.ranking[0].id, 1001)
    XCTAssertEqual(result.verified.first { $0.image == 1 }?.verified, true)

    let correspondences = TentativeCorrespondences.ratioTest(query, database[1])
    let verifier: any SpatialVerifier = HoughPyramidMatcher()
    let verdict = verifier.verify(correspondences, framesA: query.regions.map(LocalFrame.init),
                                  framesB: database[1].regions.map(LocalFrame.init), imageSize: 1024)
    XCTAssertGreaterThan(verdict.inlierCount, correspondences.count / 2, "an image against itself")
    let p = try XCTUnwrap(verdict.bFromA).apply(100, 100)
    XCTAssertEqual(p.x, 100, accuracy: 1)
    XCTAssertEqual(p.y, 100, accuracy: 1)
  }
}
