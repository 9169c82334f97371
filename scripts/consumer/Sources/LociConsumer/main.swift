// What a retrieval app does with Loci as a dependency, on a small synthetic world: build an
// index, query it with re-ranking, and verify a pair from plain correspondences. Exits
// non-zero when a result is wrong. Built twice by scripts/consumer-check.sh: against the
// `Loci` product, and (with the import changed) against `LociIndex` alone, which must link
// no OpenCV or CGAL.
import Foundation
import Loci

var state: UInt64 = 7
func unit() -> Double {
  state = state &* 6364136223846793005 &+ 1442695040888963407
  return Double(state >> 11) / Double(1 << 53)
}

let d = 32, words = 64
let centroids = (0..<(words * d)).map { _ in Float(unit() * 6 - 3) }
let vocabulary = FlatVocabulary(dimension: d, centroids: centroids)
/// Image `id`: 30 features on words of its own choosing, on a grid.
func image(_ id: Int) -> FeatureSet {
  var regions: [AffineRegion] = [], descriptors: [Float] = []
  for f in 0..<30 {
    let w = Int(unit() * Double(words))
    descriptors += (0..<d).map { centroids[w * d + $0] + Float(unit() * 0.2 - 0.1) }
    regions.append(AffineRegion(x: 10 + Double(f % 6) * 50, y: 10 + Double(f / 6) * 40, radius: 4, angle: 0.2))
  }
  return FeatureSet(imageWidth: 320, imageHeight: 240, detector: "consumer", descriptorKind: .rootsift, dimension: d,
                    regions: regions, descriptors: descriptors, sourcePath: "/consumer/\(id).png")
}
let database = (0..<5).map(image)
var index = try RetrievalIndex(vocabulary: vocabulary, training: database.flatMap(\.descriptors))
try index.add(database)
// The query: image 2 seen again, moved by 5 pixels, its descriptors a little noisier.
var query = database[2]
query.regions = query.regions.map { AffineRegion(x: $0.x + 5, y: $0.y, radius: 4, angle: 0.2) }
query.descriptors = query.descriptors.map { $0 + Float(unit() * 0.1 - 0.05) }
let assignments = index.queryAssignments(query)
let (ranking, _) = SpatialReranker().rerank(try index.query(query, assignments: assignments), query: query,
                                            assignments: assignments, index: index)
guard let best = ranking.first, index.images[best.image].path == "/consumer/2.png" else {
  print("wrong top result: \(ranking.prefix(3))")
  exit(1)
}
let correspondences = (0..<30).map { Correspondence(a: Int32($0), b: Int32($0)) }
let verdict = RANSACVerifier().verify(correspondences, framesA: database[2].regions.map(LocalFrame.init),
                                      framesB: query.regions.map(LocalFrame.init))
guard verdict.inlierCount == 30 else {
  print("verification found \(verdict.inlierCount) of 30 inliers")
  exit(1)
}
print("consumer: top result \(index.images[best.image].path), \(verdict.inlierCount) inliers")
