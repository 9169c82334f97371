import Foundation
import LociCore

/// An inverted-file index over a visual vocabulary with one of four kernels (BoW, HE, ASMK,
/// ASMK*), plus the geometry of every indexed feature for spatial re-ranking.
///
/// Build: `RetrievalIndex(vocabulary:options:training:)` learns the binary embedding (HE and
/// ASMK* "medians" need per-word medians, and refuse to start without training descriptors)
/// from training descriptors, then `add` indexes
/// feature sets one image at a time. idf and image norms are recomputed exactly after
/// every `add` batch (`prepare()`, one pass over the postings), so incremental adds rank
/// exactly as a full rebuild would.
public struct RetrievalIndex: Sendable {
  public let options: IndexOptions
  /// Assigns descriptors to words: any vocabulary with these words (`replacingVocabulary`).
  public internal(set) var vocabulary: any CentroidVocabulary
  /// The words, `count × dimension` (residuals are taken from them).
  public let centroids: [Float]
  /// How queries are scored unless they pass their own (`query(_:top:excluding:options:)`);
  /// stored in `.lidx`, so an index answers as it was built to.
  public var queryOptions = QueryOptions()
  /// Identifies the vocabulary (CRC-32C of its size and centroids); stored in `.lidx`.
  public let vocabularyFingerprint: UInt32
  /// HE (64 bits) or ASMK* codes; nil for BoW and ASMK.
  public let embedding: BinaryEmbedding?
  public internal(set) var lists: [PostingList]
  public internal(set) var images: [IndexedImage] = []
  public internal(set) var geometry = GeometryStore()
  /// False: images are added with no features in the geometry store (their words, regions
  /// and residual codes, 80 % of an index's bytes), so the index can search but not re-rank.
  /// Only for measuring the search of collections whose geometry would not fit in memory
  /// (`loci-bench scale --search-only-from`); every index built by the tools keeps it.
  package var keepsGeometry = true
  /// Where the vocabulary file was, for commands that reopen the index.
  public var vocabularyPath: String = ""
  /// Detector of the indexed features, so queries from images are featurised alike.
  public var detector: String = ""
  /// The `parameters` string of the indexed feature files (detector options, descriptor,
  /// feature cap), so queries given as images are featurised with the same settings.
  public var featureParameters: String = ""

  /// idf_c = log(N / n_c) (0 for empty words), and per-image normalisation 1/√(self-similarity).
  public internal(set) var idf: [Float] = []
  public internal(set) var imageNorms: [Float] = []
  /// Per image, 1 / the L2 norm of its tf-idf bag of words (from the geometry store's
  /// words): HPM's re-ranking similarity is normalised by it whatever the kernel.
  public internal(set) var bowNorms: [Float] = []
  /// Position in `images` of each image identifier.
  private var positionsByID: [Int64: Int] = [:]

  public var dimension: Int { vocabulary.dimension }

  /// Throws `IndexError.untrainedEmbedding` when the kernel learns an embedding (HE, ASMK*
  /// with median thresholds) and `training` is empty, and `.malformedTraining` when it is not
  /// whole descriptors.
  public init(vocabulary: any CentroidVocabulary, options: IndexOptions = IndexOptions(), training: [Float] = []) throws {
    guard training.count % vocabulary.dimension == 0 else {
      throw IndexError.malformedTraining(count: training.count, dimension: vocabulary.dimension)
    }
    if options.learnsEmbedding && training.isEmpty { throw IndexError.untrainedEmbedding(kernel: options.kernel.rawValue) }
    self.options = options
    self.vocabulary = vocabulary
    centroids = vocabulary.centroids
    vocabularyFingerprint = Self.fingerprint(vocabulary)
    lists = [PostingList](repeating: PostingList(), count: vocabulary.count)
    let d = vocabulary.dimension
    switch options.kernel {
    case .bow, .asmk: embedding = nil
    case .he, .asmkStar:
      let bits = options.kernel == .he ? Swift.min(64, d) : d
      if options.kernel == .asmkStar && options.binarisation == .sign {
        embedding = .sign(dimension: d)
      } else {
        let words = vocabulary.assign(training, k: 1).words
        embedding = BinaryEmbedding.train(descriptors: training, words: words, dimension: d, bits: bits,
                                          vocabularySize: vocabulary.count, seed: options.seed,
                                          minimumPerWord: options.minimumTrainingPerWord)
      }
    }
    prepare()
  }

  /// An index whose binary embedding (HE, ASMK* medians) learns from the descriptors of
  /// `sets` themselves: every k-th descriptor in order, k chosen so that at most `limit` are
  /// taken (all when there are fewer). The sets are not added; pass them to `add`. Throws
  /// like `init(vocabulary:options:training:)` when they hold no descriptors.
  public init(vocabulary: any CentroidVocabulary, options: IndexOptions = IndexOptions(), trainingFrom sets: [FeatureSet],
              limit: Int = 200_000) throws {
    var sample = TrainingSample(dimension: vocabulary.dimension, sets: sets, limit: limit)
    if options.learnsEmbedding { for set in sets { sample.take(from: set) } }
    try self.init(vocabulary: vocabulary, options: options, training: sample.descriptors)
  }

  /// Rebuilds an index from its stored parts (the `.lidx` reader).
  init(options: IndexOptions, queryOptions: QueryOptions, vocabulary: any CentroidVocabulary, embedding: BinaryEmbedding?,
       lists: [PostingList], images: [IndexedImage], geometry: GeometryStore) {
    self.options = options
    self.queryOptions = queryOptions
    self.vocabulary = vocabulary
    centroids = vocabulary.centroids
    vocabularyFingerprint = Self.fingerprint(vocabulary)
    self.embedding = embedding
    self.lists = lists
    self.images = images
    self.geometry = geometry
    prepare()
  }

  /// This index assigning with `vocabulary` instead, which must have the same words (the
  /// same fingerprint): a `KDForestVocabulary` over the index's words, say, for approximate
  /// and faster assignment. Throws `IndexError.differentWords` for other words.
  public func replacingVocabulary(with vocabulary: any CentroidVocabulary) throws -> RetrievalIndex {
    let found = Self.fingerprint(vocabulary)
    guard found == vocabularyFingerprint, vocabulary.dimension == dimension, vocabulary.count == self.vocabulary.count else {
      throw IndexError.differentWords(expected: vocabularyFingerprint, found: found)
    }
    var copy = self
    copy.vocabulary = vocabulary
    return copy
  }

  public static func fingerprint(_ vocabulary: any CentroidVocabulary) -> UInt32 {
    var w = BinaryWriter()
    w.write(UInt32(vocabulary.dimension))
    w.write(UInt32(vocabulary.count))
    w.write(floats: vocabulary.centroids)
    return CRC32C.checksum(w.bytes)
  }

  // MARK: Adding

  /// Indexes feature sets (one per image, descriptors of the vocabulary's dimension) under
  /// the caller's identifiers `ids` (by default the next free ones, one more than the
  /// largest so far) and brings idf and norms up to date. Returns the new images' positions
  /// in `images`. Nothing is added when a set has another dimension
  /// (`IndexError.dimensionMismatch`) or an identifier is repeated or already indexed.
  @discardableResult
  public mutating func add(_ sets: [FeatureSet], ids: [Int64]? = nil) throws -> Range<Int> {
    let first = images.count
    try append(sets, ids: ids)
    prepare()
    return first..<images.count
  }

  /// Adds images batch by batch: `nextBatch()` gives the next sets, nil when there are no
  /// more. Only one batch's descriptors need to be in memory, so a collection whose
  /// descriptors do not fit is indexed in one pass; idf and norms are brought up to date once,
  /// at the end (adding each batch with `add(_:ids:)` would recompute them every time).
  /// Identifiers run from `firstID` (the next free one when nil) in batch order. A batch that
  /// fails (another dimension, a taken identifier) adds nothing and ends the call; the
  /// batches before it stay added.
  @discardableResult
  public mutating func add(batches nextBatch: () throws -> [FeatureSet]?, firstID: Int64? = nil) throws -> Range<Int> {
    let first = images.count
    var next = firstID ?? ((images.map(\.id).max() ?? -1) + 1)
    defer { prepare() }
    while let batch = try nextBatch() {
      try append(batch, ids: (0..<batch.count).map { next + Int64($0) })
      next += Int64(batch.count)
    }
    return first..<images.count
  }

  /// Appends the sets' entries and geometry, leaving idf and norms to `prepare()`. Checks
  /// everything before it changes anything.
  private mutating func append(_ sets: [FeatureSet], ids: [Int64]?) throws {
    if let bad = sets.first(where: { $0.count > 0 && $0.dimension != dimension }) {
      throw IndexError.dimensionMismatch(expected: dimension, found: bad.dimension, image: bad.sourcePath)
    }
    let newIDs = try identifiers(for: sets.count, given: ids)
    geometry.codeWords = ResidualCode.words(dimension: dimension)
    for (set, imageID) in zip(sets, newIDs) {
      let id = UInt32(images.count)
      let words = set.count > 0 ? vocabulary.assign(set.descriptors, k: 1).words : []
      for entry in Embedder(index: self).databaseEntries(set.descriptors, words: words) {
        lists[entry.word].append(image: id, code: entry.code[...], values: entry.values[...])
      }
      if keepsGeometry {
        geometry.append(words: words, regions: set.regions,
                        codes: ResidualCode.codes(set.descriptors, words: words, centroids: vocabulary.centroids, dimension: dimension))
      } else {
        geometry.append(words: [], regions: [])
      }
      positionsByID[imageID] = images.count
      images.append(IndexedImage(id: imageID, path: set.sourcePath, relativePath: set.relativePath, featureCount: set.count))
    }
  }

  /// `given`, checked to be one per set and new, or else the next `count` free identifiers.
  private func identifiers(for count: Int, given: [Int64]?) throws -> [Int64] {
    guard let given else {
      let next = (images.map(\.id).max() ?? -1) + 1
      return (0..<count).map { next + Int64($0) }
    }
    guard given.count == count else { throw IndexError.imageIDCountMismatch(sets: count, ids: given.count) }
    var seen = Set<Int64>()
    for id in given where positionsByID[id] != nil || !seen.insert(id).inserted {
      throw IndexError.duplicateImageID(id)
    }
    return given
  }

  /// The position in `images` of the image with identifier `id`, nil when none has it.
  public func position(ofImageID id: Int64) -> Int? { positionsByID[id] }

  /// Recomputes idf from the lists' image counts and every image's norm, in one pass.
  mutating func prepare() {
    adoptCollectionStatistics(imageCount: images.count, documentFrequency: lists.map(\.imageCount))
  }

  /// Sets idf from the statistics of a whole collection, of which this index may hold only a
  /// part (a shard: `ShardedIndex` passes the sums over its shards), and recomputes every
  /// image's norms with it. `documentFrequency[w]` is the number of images holding word w.
  /// With idf off, every word present somewhere in the collection weighs 1, so a shard
  /// scores exactly as the single index over the whole collection would.
  mutating func adoptCollectionStatistics(imageCount: Int, documentFrequency: [Int]) {
    let n = Double(imageCount)
    idf = documentFrequency.map { count in
      guard count > 0 else { return 0 }
      return options.useIDF ? Float(log(n / Double(count))) : 1
    }
    var selfSimilarity = [Float](repeating: 0, count: images.count)
    let valuesPerEntry = options.kernel == .bow ? 1 : 0
    for (word, list) in lists.enumerated() {
      let w2 = idf[word] * idf[word]
      for (e, image) in list.images.enumerated() {
        if valuesPerEntry == 1 {
          let tf = list.values[e]
          selfSimilarity[Int(image)] += tf * tf * w2
        } else {
          // HE: one entry per feature; ASMK/ASMK*: one per (image, word) with M(X_c, X_c) = 1.
          selfSimilarity[Int(image)] += w2
        }
      }
    }
    imageNorms = selfSimilarity.map { $0 > 0 ? 1 / $0.squareRoot() : 0 }
    positionsByID = Dictionary(uniqueKeysWithValues: images.enumerated().map { ($1.id, $0) })
    bowNorms = (0..<geometry.imageCount).map { bowNorm(geometry.words(ofImage: $0)) }
  }

  /// 1 / the L2 norm of the tf-idf vector of `words` (0 when empty).
  public func bowNorm<Words: Collection>(_ words: Words) -> Float where Words.Element == UInt32 {
    var tf: [UInt32: Int] = [:]
    for w in words { tf[w, default: 0] += 1 }
    var sum: Float = 0
    for (w, n) in tf {
      let v = Float(n) * idf[Int(w)]
      sum += v * v
    }
    return sum > 0 ? 1 / sum.squareRoot() : 0
  }
}
