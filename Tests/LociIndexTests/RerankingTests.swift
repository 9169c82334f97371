import Foundation
import LociCore
import XCTest

@testable import LociGeometry
@testable import LociIndex

/// Spatial re-ranking on a synthetic database: the true image among distractors that share
/// its words (and even its descriptors) but not its geometry.
final class RerankingTests: XCTestCase {
  struct World {
    var vocabulary: FlatVocabulary
    var truth: FeatureSet
    var query: FeatureSet
    var rng = SplitMix64(seed: 5)

    static let dimension = 32

    init(seed: UInt64, queryGeometryMatches: Bool) {
      let d = Self.dimension
      rng = SplitMix64(seed: seed)
      var local = rng
      func gaussian() -> Float {
        let u = Swift.max(local.unit(), 1e-12), v = local.unit()
        return Float((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
      }
      let centroids = (0..<(64 * d)).map { _ in 3 * gaussian() }
      vocabulary = FlatVocabulary(dimension: d, centroids: centroids)
      // 40 features on 40 distinct words, spread over a 400 × 300 image.
      var regions: [AffineRegion] = [], descriptors: [Float] = []
      for f in 0..<40 {
        for j in 0..<d { descriptors.append(centroids[f * d + j] + 0.3 * gaussian()) }
        regions.append(AffineRegion(x: 20 + local.unit() * 360, y: 20 + local.unit() * 260, radius: 3 + local.unit() * 6,
                                    angle: local.unit() * 6 - 3))
      }
      truth = FeatureSet(imageWidth: 400, imageHeight: 300, detector: "test", descriptorKind: .rootsift, dimension: d,
                         regions: regions, descriptors: descriptors, sourcePath: "/db/truth.png")
      // The query: the same patches (descriptors a little noisier) seen rotated by 0.3 rad,
      // scaled by 0.8 and moved; or, when its geometry must not match, at random places.
      let (s, a) = (0.8, 0.3)
      let queryRegions = regions.map { r -> AffineRegion in
        guard queryGeometryMatches else {
          return AffineRegion(x: local.unit() * 400, y: local.unit() * 300, radius: r.scale, angle: local.unit() * 6 - 3)
        }
        return AffineRegion(x: s * (cos(a) * r.x - sin(a) * r.y) + 60, y: s * (sin(a) * r.x + cos(a) * r.y) + 10,
                            radius: r.scale * s, angle: r.angle! + a)
      }
      query = FeatureSet(imageWidth: 400, imageHeight: 300, detector: "test", descriptorKind: .rootsift, dimension: d,
                         regions: queryRegions, descriptors: descriptors.map { $0 + 0.05 * gaussian() })
      rng = local
    }

    /// A distractor with the true image's descriptors (so the kernel scores it as the true
    /// image) at random places.
    mutating func copyAtRandomPlaces(name: String) -> FeatureSet {
      let regions = truth.regions.map { r in
        AffineRegion(x: 20 + rng.unit() * 360, y: 20 + rng.unit() * 260, radius: r.scale, angle: rng.unit() * 6 - 3)
      }
      return FeatureSet(imageWidth: 400, imageHeight: 300, detector: "test", descriptorKind: .rootsift, dimension: Self.dimension,
                        regions: regions, descriptors: truth.descriptors, sourcePath: "/db/\(name).png")
    }

    /// A distractor of `count` features on the true image's words, fresh descriptors, random places.
    mutating func sharingWords(name: String, count: Int) -> FeatureSet {
      let d = Self.dimension
      var regions: [AffineRegion] = [], descriptors: [Float] = []
      for f in 0..<count {
        let word = f % 40
        for j in 0..<d {
          let u = Swift.max(rng.unit(), 1e-12), v = rng.unit()
          descriptors.append(vocabulary.centroids[word * d + j] + Float((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)))
        }
        regions.append(AffineRegion(x: rng.unit() * 400, y: rng.unit() * 300, radius: 3 + rng.unit() * 6, angle: rng.unit() * 6 - 3))
      }
      return FeatureSet(imageWidth: 400, imageHeight: 300, detector: "test", descriptorKind: .rootsift, dimension: d,
                        regions: regions, descriptors: descriptors, sourcePath: "/db/\(name).png")
    }
  }

  func index(_ world: inout World, truthFirst: Bool) throws -> RetrievalIndex {
    var options = IndexOptions()
    options.binarisation = .sign
    var index = try RetrievalIndex(vocabulary: world.vocabulary, options: options)
    let copy = world.copyAtRandomPlaces(name: "copy")
    let others = (0..<6).map { world.sharingWords(name: "other\($0)", count: 60) }
    // Equal kernel scores break ties by image id: the first added of truth and copy ranks first.
    try index.add(truthFirst ? [world.truth, copy] + others : [copy, world.truth] + others)
    return index
  }

  func rerank(_ method: SpatialReranker.Method, _ world: World, _ index: RetrievalIndex) throws
    -> (kernel: [Int], reranked: [Int], verified: [SpatialReranker.Verified]) {
    let assignments = index.queryAssignments(world.query)
    let kernel = try index.query(world.query, assignments: assignments)
    let (ranking, verified) = SpatialReranker(method: method, shortlist: 10)
      .rerank(kernel, query: world.query, assignments: assignments, index: index)
    return (kernel.map(\.image), ranking.map(\.image), verified)
  }

  /// The copy (same descriptors, scrambled geometry) ties with the true image in the kernel
  /// and comes first by id; verification confirms only the true image and lifts it to the top.
  func testRerankingMovesTheTrueImageToTheTop() throws {
    for method in [SpatialReranker.Method.hpm, .ransac] {
      var world = World(seed: 1, queryGeometryMatches: true)
      let index = try index(&world, truthFirst: false)
      let (kernel, reranked, verified) = try rerank(method, world, index)
      XCTAssertEqual(kernel.prefix(2), [0, 1], "\(method): the copy first in kernel order, the true image second")
      XCTAssertEqual(reranked.first, 1, "\(method): the true image first after re-ranking")
      let truthCheck = verified.first { $0.image == 1 }!
      XCTAssertTrue(truthCheck.verified)
      XCTAssertGreaterThanOrEqual(truthCheck.inliers, 30, "\(method)")
      XCTAssertLessThanOrEqual(truthCheck.inliers, 40, "one-to-one: at most one inlier per feature")
      XCTAssertFalse(verified.first { $0.image == 0 }!.verified, "\(method): the scrambled copy is not verified")
      XCTAssertEqual(reranked.dropFirst(), kernel.filter { $0 != 1 }[...], "\(method): the rest keep kernel order")
    }
  }

  /// The true image is the top kernel match but the query's geometry is scrambled, so
  /// nothing can be verified: the order must stay the kernel's.
  func testUnverifiableTopMatchKeepsItsPlace() throws {
    for method in [SpatialReranker.Method.hpm, .ransac] {
      var world = World(seed: 2, queryGeometryMatches: false)
      let index = try index(&world, truthFirst: true)
      let (kernel, reranked, verified) = try rerank(method, world, index)
      XCTAssertEqual(kernel.first, 0)
      XCTAssertTrue(verified.allSatisfy { !$0.verified }, "\(method): \(verified.map(\.inliers))")
      XCTAssertEqual(reranked, kernel, "\(method)")
    }
  }

  /// With a minimum of 0 every shortlisted image counts as verified: ordered by inliers the
  /// shortlist follows chance inliers, while the default (kernel order among verified
  /// images) leaves it as the kernel ranked it. The threshold and the order, not the data,
  /// keep weak verifications from reordering.
  func testWithoutAThresholdOnlyKernelOrderKeepsTheRanking() throws {
    var world = World(seed: 2, queryGeometryMatches: false)
    let index = try index(&world, truthFirst: true)
    let assignments = index.queryAssignments(world.query)
    let kernel = try index.query(world.query, assignments: assignments)
    var reranker = SpatialReranker(method: .ransac, shortlist: 10)
    reranker.minInliers = 0
    let (byKernel, _) = reranker.rerank(kernel, query: world.query, assignments: assignments, index: index)
    XCTAssertEqual(byKernel.map(\.image), kernel.map(\.image))
    reranker.order = .inliers
    let (byInliers, verified) = reranker.rerank(kernel, query: world.query, assignments: assignments, index: index)
    let inliers = verified.map(\.inliers)
    XCTAssertEqual(inliers, inliers.sorted(by: >))
    XCTAssertNotEqual(byInliers.map(\.image), kernel.map(\.image), "chance inliers differ between images")
  }

  /// HPM's similarity on three correspondences with one transform and a fourth far away,
  /// against the pyramid by hand (L = 5): the three share every level's bin, so each gains
  /// 2 at the finest level (affinity 1) and nothing new above it except the fourth, which
  /// joins only in the single coarsest bin (affinity 2⁻⁴): strength 2 + 1/16 = 33/16 each;
  /// the fourth's is 3/16. With idf 1, 2, 0.5, 3 on their words the idf²-weighted sum is
  /// (33·(1 + 4 + 0.25) + 3·9)/16 = 12.515625.
  func testHPMSimilarityEqualsTheHandComputedPyramid() {
    let pointsA = [(0.0, 0.0), (20.0, 0.0), (0.0, 20.0), (50.0, 50.0)]
    let framesA = pointsA.map { LocalFrame(x: $0.0, y: $0.1, scale: 4, angle: 0) }
    let framesB = [LocalFrame(x: 10, y: 10, scale: 4, angle: 0), LocalFrame(x: 30, y: 10, scale: 4, angle: 0),
                   LocalFrame(x: 10, y: 30, scale: 4, angle: 0), LocalFrame(x: -150, y: -150, scale: 4, angle: 0)]
    let c = (0..<4).map { Correspondence(a: Int32($0), b: Int32($0), word: Int32($0)) }
    let result = HoughPyramidMatcher().verify(c, framesA: framesA, framesB: framesB, imageSize: 100)
    XCTAssertEqual(result.strengths, [33, 33, 33, 3], "integer strengths, 2^(L−1) × the paper's")
    let similarity = SpatialReranker.hpmSimilarity(c, strengths: result.strengths, idf: [1, 2, 0.5, 3], levels: 5)
    XCTAssertEqual(similarity, 12.515625, accuracy: 1e-12)
  }
}
