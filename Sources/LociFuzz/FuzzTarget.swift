import Foundation
import Loci

/// The formats a fuzz run can target.
public enum FuzzFormat: String, CaseIterable, Sendable {
  case lfeat, lvoc, lidx
  /// VGG text feature files.
  case vgg
  /// Encoded images (JPEG, PNG, BMP, TIFF, WebP, PNM): the header size check and decoding.
  case image
}

/// One format's fuzz target: seed files (valid files of every kind the format holds), and
/// what is done with a mutant: decode it and, when the reader accepts it, use it the way
/// the commands do. The reader must refuse with a typed error or hand back values every
/// later step can take; a trap, a hang or a huge allocation anywhere is a finding.
struct FuzzTarget {
  var seeds: [[UInt8]]
  /// Whether the format ends in a CRC-32C that mutants should get recomputed.
  var checksummed = true
  /// Returns normally for an accepted file, throws the reader's error for a refused one.
  var exercise: ([UInt8]) throws -> Void

  static func make(_ format: FuzzFormat) throws -> FuzzTarget {
    let world = FuzzWorld()
    switch format {
    case .lfeat: return try featureTarget(world)
    case .lvoc: return try vocabularyTarget(world)
    case .lidx: return try indexTarget(world)
    case .vgg: return try vggTarget(world)
    case .image: return try imageTarget()
    }
  }

  /// VGG text: sets with and without descriptors; accepted sets are used as feature files are.
  static func vggTarget(_ world: FuzzWorld) throws -> FuzzTarget {
    var bare = world.images[1]
    bare.dimension = 0
    bare.descriptors = []
    let seeds = [world.images[0], bare].map { Array(FeatureFile.encodeVGG($0).utf8) }
    let features = try featureTarget(world)
    var target = FuzzTarget(seeds: seeds) { bytes in
      let set = try FeatureFile.decodeVGG(String(decoding: bytes, as: UTF8.self), path: "mutant.vgg")
      try features.exercise(FeatureFile.encode(set))
    }
    target.checksummed = false
    return target
  }

  /// Encoded images of every format the decoder knows; accepted ones are detected on (MFD),
  /// as `featurize` does. The pixel limit is 4 MP, so a header that claims more is refused
  /// before decoding.
  static func imageTarget() throws -> FuzzTarget {
    let gray = GrayImage(width: 48, height: 36) { x, y in Float((x * 7 + y * 5) % 64) / 64 + (x > 20 && y > 12 ? 0.3 : 0) }
    let colour = RGBImage(gray: gray)
    var seeds = try [".png", ".jpg", ".bmp", ".tif", ".webp", ".ppm"].map { [UInt8](try colour.encoded(as: $0)) }
    seeds.append([UInt8](try colour.encoded(as: ".jpg", quality: 60)))
    let detector = MFDDetector()
    var target = FuzzTarget(seeds: seeds) { bytes in
      let image = try GrayImage(encoded: Data(bytes), name: "mutant", maxPixels: 4_000_000)
      _ = try detector.detect(in: image)
    }
    target.checksummed = false
    return target
  }

  /// Feature files: sets with and without descriptors; accepted sets are verified against
  /// themselves (ratio-test correspondences, HPM and RANSAC) and used as a query of an
  /// index with re-ranking, as `loci verify` and `loci query` do.
  static func featureTarget(_ world: FuzzWorld) throws -> FuzzTarget {
    var bare = world.images[1]
    bare.dimension = 0
    bare.descriptors = []
    let seeds = [world.images[0], bare, world.query].map { FeatureFile.encode($0) }
    let index = try world.indexes()[0]
    return FuzzTarget(seeds: seeds) { bytes in
      let set = try FeatureFile.decode(bytes, path: "mutant.lfeat")
      _ = FeatureFile.encode(set)
      let correspondences = TentativeCorrespondences.ratioTest(set, set)
      let frames = set.regions.map(LocalFrame.init)
      let size = Double(Swift.max(set.imageWidth, set.imageHeight, 1))
      _ = HoughPyramidMatcher().verify(correspondences, framesA: frames, framesB: frames, imageSize: size)
      _ = RANSACVerifier().verify(correspondences, framesA: frames, framesB: frames)
      for method in [SpatialReranker.Method.ransac, .hpm] {
        _ = try Retrieval.search(index, query: set, reranker: SpatialReranker(method: method))
      }
    }
  }

  /// Vocabularies: k-means, a Gaussian mixture (σ, π) and a DRVQ tree; accepted ones assign
  /// the world's descriptors (every DRVQ encoder too) and index the world's images.
  static func vocabularyTarget(_ world: FuzzWorld) throws -> FuzzTarget {
    let v = world.vocabulary
    let k = v.count
    let tree = try DRVQ.train(world.images.flatMap(\.descriptors), dimension: FuzzWorld.dimension,
                              options: DRVQOptions(words: 64, dimension: FuzzWorld.dimension, books: 2))
    let seeds = [
      VocabularyFile.encode(v, method: "kmeans", parameters: "k=\(k)"),
      VocabularyFile.encode(v, method: "agm", parameters: "", sigmas: Array(repeating: 0.5, count: k),
                            weights: Array(repeating: 1 / Float(k), count: k)),
      VocabularyFile.encode(FlatVocabulary(dimension: tree.dimension, centroids: tree.centroids), method: "drvq",
                            parameters: "", drvq: tree),
    ]
    return FuzzTarget(seeds: seeds) { bytes in
      let contents = try VocabularyFile.decode(bytes, path: "mutant.lvoc")
      let vocabulary = contents.vocabulary
      let descriptors = world.query.dimension == vocabulary.dimension
        ? world.query.descriptors : [Float](repeating: 0.25, count: vocabulary.dimension * 3)
      _ = vocabulary.assign(descriptors, k: 3)
      if let drvq = contents.drvq {
        _ = drvq.assign(descriptors, k: 3)
        for encoder in DRVQVocabulary.Encoder.allCases { _ = drvq.encode(descriptors, with: encoder) }
      }
      if vocabulary.dimension == FuzzWorld.dimension {
        var index = try RetrievalIndex(vocabulary: vocabulary, training: world.images.flatMap(\.descriptors))
        try index.add(world.images)
        _ = try Retrieval.search(index, query: world.query)
      }
    }
  }

  /// Indexes of every kernel; accepted ones are searched with and without re-ranking (both
  /// verifiers), extended by one image and searched again, as `loci query` and `index add` do.
  static func indexTarget(_ world: FuzzWorld) throws -> FuzzTarget {
    let seeds = try world.indexes().map { IndexFile.encode($0) }
    return FuzzTarget(seeds: seeds) { bytes in
      var index = try IndexFile.decode(bytes, path: "mutant.lidx") { _ in world.vocabulary }
      for method in [SpatialReranker.Method.none, .ransac, .hpm] {
        _ = try Retrieval.search(index, query: world.query, reranker: SpatialReranker(method: method))
      }
      try index.add([world.images[2]])
      _ = try Retrieval.search(index, query: world.query, reranker: SpatialReranker(method: .hpm))
    }
  }
}
