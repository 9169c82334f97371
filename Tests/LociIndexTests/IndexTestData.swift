import Foundation
import LociCore

@testable import LociIndex

/// Small random worlds for the index tests: a vocabulary and images whose descriptors sit
/// near its words, so that words are shared and kernels see real matches.
struct IndexTestData {
  var vocabulary: FlatVocabulary
  var images: [FeatureSet]

  init(seed: UInt64, dimension d: Int = 32, words k: Int = 8, images n: Int = 6, featuresPerImage m: Int = 24) {
    var rng = SplitMix64(seed: seed)
    func gaussian() -> Float {
      let u = Swift.max(rng.unit(), 1e-12), v = rng.unit()
      return Float((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
    }
    let centroids = (0..<(k * d)).map { _ in 3 * gaussian() }
    vocabulary = FlatVocabulary(dimension: d, centroids: centroids)
    images = (0..<n).map { i in
      var descriptors: [Float] = []
      var regions: [AffineRegion] = []
      for f in 0..<m {
        // Each image favours a few words, so idf varies.
        let word = Int(rng.next() % UInt64(i % 3 == 0 ? k : k / 2)) + (i % 2) * (k / 4)
        for j in 0..<d { descriptors.append(centroids[(word % k) * d + j] + gaussian()) }
        regions.append(AffineRegion(x: Double(f * 7 % 97), y: Double(f * 13 % 89), radius: 2 + Double(f % 5), angle: 0.1 * Double(f)))
      }
      return FeatureSet(imageWidth: 100, imageHeight: 100, detector: "test", descriptorKind: .rootsift, dimension: d,
                        regions: regions, descriptors: descriptors, sourcePath: "/data/img\(i).png", relativePath: "img\(i).png")
    }
  }

  /// A query: a noisy copy of part of image `i`.
  func query(near i: Int, seed: UInt64) -> FeatureSet {
    var rng = SplitMix64(seed: seed)
    let source = images[i], d = source.dimension
    let keep = Array(0..<(source.count * 2 / 3))
    let descriptors = keep.flatMap { f in (0..<d).map { j in source.descriptors[f * d + j] + Float(rng.unit() - 0.5) * 0.3 } }
    return FeatureSet(imageWidth: 100, imageHeight: 100, detector: "test", descriptorKind: .rootsift, dimension: d,
                      regions: keep.map { source.regions[$0] }, descriptors: descriptors)
  }
}
