import Foundation
import Loci

/// The formats a fuzz run can target.
public enum FuzzFormat: String, CaseIterable, Sendable {
  case lfeat, lvoc, lidx
}

/// One format's fuzz target: seed files (valid files of every kind the format holds), and
/// what is done with a mutant: decode it and, when the reader accepts it, use it the way
/// the commands do. The reader must refuse with a typed error or hand back values every
/// later step can take; a trap, a hang or a huge allocation anywhere is a finding.
struct FuzzTarget {
  var seeds: [[UInt8]]
  /// Returns normally for an accepted file, throws the reader's error for a refused one.
  var exercise: ([UInt8]) throws -> Void

  static func make(_ format: FuzzFormat) throws -> FuzzTarget {
    let world = FuzzWorld()
    switch format {
    case .lfeat: return try featureTarget(world)
    case .lvoc: return try vocabularyTarget(world)
    case .lidx: return try indexTarget(world)
    }
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
