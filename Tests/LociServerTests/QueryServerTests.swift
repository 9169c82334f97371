import Foundation
import Hummingbird
import HummingbirdTesting
import Loci
import NIOCore
import XCTest

@testable import LociServer

/// The server's routes through Hummingbird's router test client: an index of two fixture
/// images, queried by image bytes and by `.lfeat` bytes, bad inputs answered with 4xx.
final class QueryServerTests: XCTestCase {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")
  static let jpeg = fixtures.appendingPathComponent("scenes/image00-480.jpg")
  static let png = fixtures.appendingPathComponent("graf-img1-400.png")

  /// One index for every test: MFD + RootSIFT features of the two images, 32 words.
  static let service: QueryService = {
    let extractor = FeatureExtractor(detector: MFDDetector(), descriptor: SIFTDescriptorExtractor())
    let sets = [png, jpeg].map { url in
      try! extractor.extract(fromFile: url, relativePath: url.lastPathComponent)
    }
    let sample = DescriptorSample(dimension: 128, descriptors: sets.flatMap(\.descriptors))
    let vocabulary = try! VocabularyTrainer(method: .kmeans, size: 32).train(sample).vocabulary
    var index = try! RetrievalIndex(vocabulary: vocabulary, trainingFrom: sets)
    index.detector = "mfd"
    index.featureParameters = sets[0].parameters
    try! index.add(sets, ids: [700, 701])
    return try! QueryService(index: index, indexPath: "test.lidx")
  }()

  private func json(_ response: TestResponse) throws -> [String: Any] {
    try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
  }

  private func app(maxBodyBytes: Int = 32 << 20) -> some ApplicationProtocol {
    var server = QueryServer(service: Self.service)
    server.maxBodyBytes = maxBodyBytes
    return Application(router: server.router())
  }

  func testHealthAndStats() async throws {
    try await app().test(.router) { client in
      try await client.execute(uri: "/health", method: .get) { response in
        XCTAssertEqual(response.status, .ok)
        XCTAssertEqual(try self.json(response)["status"] as? String, "ok")
        XCTAssertEqual(try self.json(response)["images"] as? Int, 2)
      }
      try await client.execute(uri: "/stats", method: .get) { response in
        let stats = try self.json(response)
        XCTAssertEqual(stats["images"] as? Int, 2)
        XCTAssertEqual(stats["kernel"] as? String, "asmk-star")
        XCTAssertNotNil(stats["uptime_seconds"] as? Double)
      }
    }
  }

  func testAnImageQueryFindsItselfFirstWithItsIdentifier() async throws {
    let bytes = try Data(contentsOf: Self.jpeg)
    try await app().test(.router) { client in
      try await client.execute(uri: "/query?top=2&rerank=ransac", method: .post, body: ByteBuffer(bytes: bytes)) { response in
        XCTAssertEqual(response.status, .ok)
        let answer = try self.json(response)
        let ranking = try XCTUnwrap(answer["ranking"] as? [[String: Any]])
        XCTAssertEqual(ranking.count, 2)
        XCTAssertEqual(ranking[0]["id"] as? Int, 701)
        XCTAssertEqual(ranking[0]["relative_path"] as? String, "image00-480.jpg")
        XCTAssertEqual(ranking[0]["verified"] as? Bool, true)
        XCTAssertGreaterThan(try XCTUnwrap(answer["features"] as? Int), 100)
      }
    }
  }

  /// `queryMaxDimension` featurises uploads on a downscaled copy: the 480-px JPEG detected at
  /// 320 px gives the features the extractor gives at that size, mapped back to full-size
  /// coordinates, and still finds its own image first.
  func testQueryMaxDimensionFeaturisesADownscaledCopy() throws {
    let small = try QueryService(index: Self.service.index, indexPath: "test.lidx", queryMaxDimension: 320)
    let bytes = try Data(contentsOf: Self.jpeg)
    let full = try Self.service.features(of: bytes, name: "q"), reduced = try small.features(of: bytes, name: "q")
    var expected = FeatureExtractor(detector: MFDDetector(), descriptor: SIFTDescriptorExtractor())
    expected.maxDimension = 320
    let reference = try expected.extract(fromFile: Self.jpeg)
    XCTAssertEqual(reduced.count, reference.count)
    XCTAssertEqual(reduced.descriptors, reference.descriptors)
    XCTAssertNotEqual(reduced.count, full.count)
    XCTAssertEqual(reduced.imageWidth, full.imageWidth, "positions stay in the uploaded image's frame")
    XCTAssertLessThanOrEqual(reduced.regions.map(\.x).max() ?? 0, Double(full.imageWidth))
    XCTAssertEqual(try small.query(bytes, top: 1).ranking.first?.id, 701)
    XCTAssertThrowsError(try QueryService(index: Self.service.index, indexPath: "test.lidx", queryMaxDimension: -1))
  }

  func testAFeatureFileQueryIsAnsweredWithoutFeaturising() async throws {
    let set = try FeatureExtractor(detector: MFDDetector(), descriptor: SIFTDescriptorExtractor()).extract(fromFile: Self.png)
    let bytes = Data(FeatureFile.encode(set))
    try await app().test(.router) { client in
      try await client.execute(uri: "/query?rerank=none", method: .post, body: ByteBuffer(bytes: bytes)) { response in
        XCTAssertEqual(response.status, .ok)
        let ranking = try XCTUnwrap(try self.json(response)["ranking"] as? [[String: Any]])
        XCTAssertEqual(ranking.first?["id"] as? Int, 700)
        XCTAssertNil(ranking.first?["inliers"] as? Int, "no re-ranking was asked for")
      }
    }
  }

  func testBadInputsGetClientErrors() async throws {
    let before = Self.service.stats().failed_requests
    try await app(maxBodyBytes: 1 << 20).test(.router) { client in
      try await client.execute(uri: "/query", method: .post, body: ByteBuffer(string: "not an image")) { response in
        XCTAssertEqual(response.status, .badRequest)
        XCTAssertTrue(String(buffer: response.body).contains("not a recognised image format"), String(buffer: response.body))
      }
      try await client.execute(uri: "/query", method: .post, body: ByteBuffer(bytes: [UInt8](repeating: 0, count: 2 << 20))) { response in
        XCTAssertEqual(response.status, .contentTooLarge)
      }
      try await client.execute(uri: "/query?rerank=sometimes", method: .post, body: ByteBuffer(string: "x")) { response in
        XCTAssertEqual(response.status, .badRequest)
      }
      try await client.execute(uri: "/query?top=0", method: .post, body: ByteBuffer(string: "x")) { response in
        XCTAssertEqual(response.status, .badRequest)
      }
      try await client.execute(uri: "/query", method: .post) { response in
        XCTAssertEqual(response.status, .badRequest, "an empty body")
      }
      try await client.execute(uri: "/verify", method: .post, body: ByteBuffer(string: "{}")) { response in
        XCTAssertEqual(response.status, .badRequest)
      }
      try await client.execute(uri: "/nowhere", method: .get) { response in
        XCTAssertEqual(response.status, .notFound)
      }
    }
    XCTAssertGreaterThanOrEqual(Self.service.stats().failed_requests - before, 3)
  }

  /// Two shards of the same two images answer as the single index does.
  func testAShardedServiceAnswersAsTheSingleIndex() throws {
    let single = Self.service.index.shards[0]
    let extractor = FeatureExtractor(detector: MFDDetector(), descriptor: SIFTDescriptorExtractor())
    let sets = [Self.png, Self.jpeg].map { try! extractor.extract(fromFile: $0, relativePath: $0.lastPathComponent) }
    var template = try RetrievalIndex(vocabulary: single.vocabulary,
                                      trainingFrom: sets)
    template.detector = single.detector
    template.featureParameters = single.featureParameters
    var first = template, second = template
    try first.add([sets[0]], ids: [700])
    try second.add([sets[1]], ids: [701])
    var whole = template
    try whole.add(sets, ids: [700, 701])
    let sharded = try QueryService(index: try ShardedIndex(shards: [first, second]), indexPath: "shards")
    let reference = try QueryService(index: whole, indexPath: "whole")
    let photo = try Data(contentsOf: Self.jpeg)
    let (a, b) = (try sharded.query(photo, top: 2), try reference.query(photo, top: 2))
    XCTAssertEqual(a.ranking.map(\.id), b.ranking.map(\.id))
    XCTAssertEqual(a.ranking.map(\.inliers), b.ranking.map(\.inliers))
    for (x, y) in zip(a.ranking, b.ranking) { XCTAssertEqual(x.score, y.score, accuracy: 1e-5) }
    XCTAssertEqual(sharded.stats().shards, 2)
    XCTAssertEqual(sharded.stats().images, 2)
  }

  func testVerifyTakesTwoUploads() async throws {
    let image = try Data(contentsOf: Self.jpeg).base64EncodedString()
    let body = try JSONEncoder().encode(QueryService.VerifyRequest(a: image, b: image, method: "ransac"))
    try await app().test(.router) { client in
      try await client.execute(uri: "/verify", method: .post, body: ByteBuffer(bytes: body)) { response in
        XCTAssertEqual(response.status, .ok)
        let answer = try self.json(response)
        let correspondences = try XCTUnwrap(answer["correspondences"] as? Int)
        XCTAssertGreaterThan(correspondences, 100)
        XCTAssertEqual(answer["inliers"] as? Int, correspondences, "an image against itself")
        let h = try XCTUnwrap(answer["transform"] as? [Double])
        for (value, expected) in zip(h, [1.0, 0, 0, 0, 1, 0, 0, 0, 1]) { XCTAssertEqual(value, expected, accuracy: 1e-3) }
        // Two images: their correspondences are aligned, as by `loci verify` on images.
        XCTAssertGreaterThan(try XCTUnwrap(answer["aligned"] as? Int), correspondences / 2)
        XCTAssertNotNil(answer["guided"] as? Int)
      }
    }
  }
}
