import LociCore
import Foundation
import Loci

/// A small random retrieval world the fuzz targets are seeded from and exercised against: a
/// vocabulary, images whose descriptors sit near its words (so kernels and re-ranking see
/// shared words), and a query that is a perturbed copy of one image.
struct FuzzWorld {
  static let dimension = 64
  var vocabulary: FlatVocabulary
  var images: [FeatureSet]
  var query: FeatureSet

  init(seed: UInt64 = 1, words k: Int = 16, images n: Int = 6, featuresPerImage m: Int = 24) {
    let d = Self.dimension
    var rng = SplitMix64(seed: seed)
    func gaussian() -> Float {
      let u = Swift.max(rng.unit(), 1e-12), v = rng.unit()
      return Float((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
    }
    let centroids = (0..<(k * d)).map { _ in 3 * gaussian() }
    vocabulary = FlatVocabulary(dimension: d, centroids: centroids)
    var made: [FeatureSet] = []
    for i in 0..<n {
      var descriptors: [Float] = [], regions: [AffineRegion] = []
      for f in 0..<m {
        let word = Int(rng.next() % UInt64(k))
        for j in 0..<d { descriptors.append(centroids[word * d + j] + gaussian()) }
        regions.append(AffineRegion(x: Double(f * 7 % 97), y: Double(f * 13 % 89), radius: 2 + Double(f % 5),
                                    angle: f % 4 == 0 ? nil : 0.1 * Double(f)))
      }
      made.append(FeatureSet(imageWidth: 100, imageHeight: 100, detector: "fuzz", descriptorKind: .rootsift, dimension: d,
                             regions: regions, descriptors: descriptors, sourcePath: "/fuzz/img\(i).png",
                             relativePath: "img\(i).png"))
    }
    images = made
    var q = made[0]
    q.descriptors = q.descriptors.map { $0 + 0.1 * gaussian() }
    q.sourcePath = "/fuzz/query.png"
    query = q
  }

  /// An index of every kernel and binarisation over the world's images.
  func indexes() throws -> [RetrievalIndex] {
    var options: [IndexOptions] = []
    for kernel in IndexKernel.allCases {
      var o = IndexOptions()
      o.kernel = kernel
      options.append(o)
      if kernel == .asmkStar {
        o.binarisation = .sign
        o.useIDF = true
        options.append(o)
      }
    }
    return try options.map { o in
      var index = try RetrievalIndex(vocabulary: vocabulary, options: o, training: images.flatMap(\.descriptors))
      index.detector = "fuzz"
      try index.add(images)
      return index
    }
  }
}
