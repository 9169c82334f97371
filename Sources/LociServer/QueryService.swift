import Foundation
import Loci

/// What the query server does for each request, without HTTP: an index loaded once, queries
/// given as image bytes or `.lfeat` bytes, pair verification, and counters for `/stats`.
/// Thread-safe: the index and extractor are immutable values; the counters take a lock.
public final class QueryService: Sendable {
  /// The index: one file, or shards built from one template, queried as one.
  public let index: ShardedIndex
  public let indexPath: String
  let extractor: FeatureExtractor
  let reranker: SpatialReranker
  /// The pixel limit for uploaded images (as `featurize --max-pixels`).
  let maxPixels: Int
  private let counters = Counters()
  private let started = Date()

  /// A request the service cannot answer because of its input (HTTP 400).
  public struct BadInput: Error, CustomStringConvertible {
    public var description: String
  }

  /// `queryMaxDimension`: when given, uploaded images are detected on a copy downscaled to at
  /// most this many pixels on the larger side (as `featurize --max-dimension`), whatever the
  /// index's features used: fewer pixels to featurise per query, at some cost in accuracy.
  public init(index: ShardedIndex, indexPath: String, reranker: SpatialReranker = SpatialReranker(),
              maxPixels: Int = 64_000_000, queryMaxDimension: Int? = nil) throws {
    self.index = index
    self.indexPath = indexPath
    self.reranker = reranker
    self.maxPixels = maxPixels
    var extractor = try Retrieval.extractor(for: index.shards[0])
    if let queryMaxDimension {
      guard queryMaxDimension >= 0 else { throw BadInput(description: "query max dimension must be 0 or positive") }
      extractor.maxDimension = queryMaxDimension
    }
    self.extractor = extractor
  }

  public convenience init(index: RetrievalIndex, indexPath: String, reranker: SpatialReranker = SpatialReranker(),
                          maxPixels: Int = 64_000_000) throws {
    try self.init(index: try ShardedIndex(shards: [index]), indexPath: indexPath, reranker: reranker, maxPixels: maxPixels)
  }

  /// Features of an uploaded payload: a `.lfeat` file (recognised by its magic) or an image
  /// in any format `featurize` reads, featurised like the index's features.
  public func features(of payload: Data, name: String) throws -> FeatureSet {
    try featuresAndImage(of: payload, name: name).features
  }

  /// The features of an upload and, when it is an image, the image (for patch alignment).
  func featuresAndImage(of payload: Data, name: String) throws -> (features: FeatureSet, image: GrayImage?) {
    guard !payload.isEmpty else { throw BadInput(description: "\(name): empty body") }
    do {
      if payload.starts(with: FeatureFile.magic) {
        let set = try FeatureFile.decode([UInt8](payload), path: name)
        try Retrieval.checkQuery(set, index: index.shards[0], path: name)
        return (set, nil)
      }
      let image = try GrayImage(encoded: payload, name: name, maxPixels: maxPixels)
      return (try extractor.extract(from: image, sourcePath: name), image)
    } catch let error as BadInput {
      throw error
    } catch {
      throw BadInput(description: "\(error)")
    }
  }

  /// One ranked image as the server reports it.
  public struct Hit: Codable, Sendable {
    public var id: Int64
    public var path: String
    public var relative_path: String
    public var score: Float
    public var kernel_rank: Int?
    public var inliers: Int?
    public var verified: Bool?
  }

  public struct QueryAnswer: Codable, Sendable {
    public var features: Int
    public var seconds: Double
    public var search_seconds: Double
    public var ranking: [Hit]
  }

  /// Featurises (or decodes) the payload, searches and re-ranks with `reranker` (the
  /// service's defaults unless given), and returns the best `top`.
  public func query(_ payload: Data, top: Int, reranker override: SpatialReranker? = nil) throws -> QueryAnswer {
    let start = DispatchTime.now().uptimeNanoseconds
    let set = try features(of: payload, name: "query")
    let result = try index.search(set, reranker: override ?? reranker, top: top)
    let checks = Dictionary(result.verified.map { (index.offsets[$0.shard] + $0.check.image, $0.check) },
                            uniquingKeysWith: { first, _ in first })
    let hits = result.ranking.prefix(top).map { hit -> Hit in
      let image = index.image(hit), check = checks[index.collectionPosition(hit)]
      return Hit(id: hit.id, path: image.path, relative_path: image.relativePath, score: hit.score,
                 kernel_rank: check.map { $0.kernelRank + 1 }, inliers: check?.inliers, verified: check?.verified)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    counters.recordQuery(seconds: seconds)
    return QueryAnswer(features: set.count, seconds: seconds, search_seconds: result.seconds, ranking: Array(hits))
  }

  public struct VerifyRequest: Codable, Sendable {
    /// Base64 of each side: an image or a `.lfeat` file.
    public var a: String
    public var b: String
    public var method: String?
  }

  public struct VerifyAnswer: Codable, Sendable {
    public var method: String
    public var correspondences: Int
    public var inliers: Int
    public var score: Double
    public var transform: [Double]?
    public var seconds: Double
    /// Correspondences moved by patch alignment and added by guided matching (both 0 unless
    /// both uploads are images).
    public var aligned: Int
    public var guided: Int
  }

  /// Verifies two uploaded images or feature files (ratio-test correspondences, then HPM or
  /// RANSAC, as `loci verify`); when both are images, with patch alignment and guided
  /// matching, as `loci verify` on images.
  public func verify(_ request: VerifyRequest) throws -> VerifyAnswer {
    guard let a = Data(base64Encoded: request.a), let b = Data(base64Encoded: request.b) else {
      throw BadInput(description: "a and b must be base64")
    }
    var verification = PairVerification()
    if let method = request.method {
      guard let chosen = VerificationMethod(rawValue: method) else {
        throw BadInput(description: "method must be hpm or ransac, not \(method)")
      }
      verification.method = chosen
    }
    verification.extractor = extractor
    let first = try featuresAndImage(of: a, name: "a"), second = try featuresAndImage(of: b, name: "b")
    let start = DispatchTime.now().uptimeNanoseconds
    var images: (a: AlignmentPyramid, b: AlignmentPyramid)? = nil
    if let imageA = first.image, let imageB = second.image { images = (AlignmentPyramid(imageA), AlignmentPyramid(imageB)) }
    let preparing = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let outcome = verification.verify(first.features, second.features, images: images)
    counters.recordVerification()
    return VerifyAnswer(method: verification.method.rawValue, correspondences: outcome.correspondences.count,
                        inliers: outcome.result.inlierCount, score: outcome.result.score,
                        transform: outcome.result.bFromA?.m, seconds: outcome.seconds + preparing,
                        aligned: outcome.aligned, guided: outcome.guided)
  }

  public struct Stats: Codable, Sendable {
    public var index: String
    public var shards: Int
    public var images: Int
    public var features: Int
    public var kernel: String
    public var detector: String
    public var queries: Int
    public var verifications: Int
    public var failed_requests: Int
    public var mean_query_seconds: Double
    public var uptime_seconds: Double
  }

  public func stats() -> Stats {
    let c = counters.snapshot()
    return Stats(index: indexPath, shards: index.shards.count, images: index.imageCount,
                 features: index.shards.reduce(0) { $0 + $1.images.reduce(0) { $0 + $1.featureCount } },
                 kernel: index.shards[0].options.kernel.rawValue, detector: index.shards[0].detector, queries: c.queries,
                 verifications: c.verifications, failed_requests: c.failed,
                 mean_query_seconds: c.queries > 0 ? c.querySeconds / Double(c.queries) : 0,
                 uptime_seconds: Date().timeIntervalSince(started))
  }

  func recordFailure() { counters.recordFailure() }
}

/// The server's counters, under a lock.
final class Counters: @unchecked Sendable {
  private let lock = NSLock()
  private var queries = 0, verifications = 0, failed = 0
  private var querySeconds = 0.0

  func recordQuery(seconds: Double) { lock.lock(); queries += 1; querySeconds += seconds; lock.unlock() }
  func recordVerification() { lock.lock(); verifications += 1; lock.unlock() }
  func recordFailure() { lock.lock(); failed += 1; lock.unlock() }
  func snapshot() -> (queries: Int, verifications: Int, failed: Int, querySeconds: Double) {
    lock.lock(); defer { lock.unlock() }
    return (queries, verifications, failed, querySeconds)
  }
}
