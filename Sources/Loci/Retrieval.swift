import Foundation

/// The retrieval pipeline a search app calls: build or extend an index from `featurize`
/// output, and query it with images or feature files, with optional spatial re-ranking.
public enum Retrieval {
  /// How opened indexes assign query descriptors to words unless told otherwise.
  public static let defaultAssignment = WordAssignment.exact
  /// The probes of grouped assignment when none are given.
  public static let defaultAssignmentProbes = 8

  /// Reads feature files, checking their dimension against the vocabulary and that they all
  /// come from one detector: `detector` (the index's), or else the first file's. An index
  /// holds one detector's features; queries given as images are featurized with it.
  /// Their parameter strings must agree too (`parameters`, or else the first file's), except
  /// for files that record none (VGG text).
  ///
  /// A file that cannot be read (damaged, truncated, not a feature file) is passed to
  /// `skipUnreadable` and left out when that is given, so one bad file among thousands does
  /// not stop a build; without it, it is thrown. Files of another detector, dimension or
  /// settings are always thrown: mixing them would be a wrong index, not a smaller one.
  public static func loadFeatures(_ files: [URL], dimension: Int, detector: String = "", parameters: String = "",
                                  skipUnreadable: ((URL, Error) -> Void)? = nil) throws -> [FeatureSet] {
    var expected = detector, expectedParameters = parameters
    return try files.compactMap { url in
      let set: FeatureSet
      do { set = try FeatureFile.read(from: url) } catch {
        guard let skipUnreadable else { throw error }
        skipUnreadable(url, error)
        return nil
      }
      if set.count > 0 && set.dimension == 0 { throw FeatureFolder.FolderError.noDescriptors(path: url.path) }
      if set.count > 0 && set.dimension != dimension {
        throw FeatureFolder.FolderError.dimensionMismatch(path: url.path, expected: dimension, found: set.dimension)
      }
      if !set.detector.isEmpty {
        if expected.isEmpty { expected = set.detector }
        if set.detector != expected {
          throw FeatureFolder.FolderError.detectorMismatch(path: url.path, expected: expected, found: set.detector)
        }
      }
      if !set.parameters.isEmpty {
        if expectedParameters.isEmpty { expectedParameters = set.parameters }
        if set.parameters != expectedParameters {
          throw FeatureFolder.FolderError.settingsMismatch(path: url.path, expected: expectedParameters, found: set.parameters)
        }
      }
      return set
    }
  }

  /// A new index over the feature files under `folders`, with `queryOptions` as the defaults
  /// of its queries. The binary embedding (HE, ASMK* medians) is trained on a seeded sample
  /// of at most `trainingLimit` of their descriptors. Unreadable feature files go to
  /// `skipUnreadable` (see `loadFeatures`). Images get identifiers 0, 1, … in file order.
  /// The files are read `batchSize` at a time (`FeatureBatches`), so memory holds the index
  /// and one batch of descriptors, not the collection's.
  public static func buildIndex(folders: [URL], vocabularyURL: URL, options: IndexOptions,
                                queryOptions: QueryOptions = QueryOptions(), trainingLimit: Int = 200_000,
                                batchSize: Int = 256, skipUnreadable: ((URL, Error) -> Void)? = nil) throws -> RetrievalIndex {
    var (index, batches) = try trained(folders: folders, vocabularyURL: vocabularyURL, options: options, queryOptions: queryOptions,
                                       trainingLimit: trainingLimit, batchSize: batchSize, skipUnreadable: skipUnreadable)
    try index.add(batches: { try batches.next() }, firstID: 0)
    return index
  }

  /// An index template (`loci index init`): no images, but everything shards must share (the
  /// vocabulary, kernel and options, and the binary embedding trained on a seeded sample of
  /// at most `trainingLimit` descriptors of the feature files under `trainingFolders`).
  public static func makeTemplate(trainingFolders: [URL], vocabularyURL: URL, options: IndexOptions,
                                  queryOptions: QueryOptions = QueryOptions(), trainingLimit: Int = 200_000,
                                  skipUnreadable: ((URL, Error) -> Void)? = nil) throws -> RetrievalIndex {
    try trained(folders: trainingFolders, vocabularyURL: vocabularyURL, options: options, queryOptions: queryOptions,
                trainingLimit: trainingLimit, batchSize: 256, skipUnreadable: skipUnreadable).index
  }

  /// An index without images whose embedding learnt from the feature files under `folders`,
  /// with the files' detector and settings recorded, and those files as batches to add.
  /// The files are read twice before adding: once to count their descriptors, once to take
  /// the sample (the same sample as `RetrievalIndex(vocabulary:options:trainingFrom:)` takes
  /// from the sets in memory). Files skipped there are reported when the batches are added.
  private static func trained(folders: [URL], vocabularyURL: URL, options: IndexOptions, queryOptions: QueryOptions,
                              trainingLimit: Int, batchSize: Int, skipUnreadable: ((URL, Error) -> Void)?) throws
    -> (index: RetrievalIndex, batches: FeatureBatches) {
    let vocabulary = try VocabularyFile.read(from: vocabularyURL).vocabulary
    let d = vocabulary.dimension
    let files = try FeatureFolder.files(in: folders)
    var counting = FeatureBatches(files: files, dimension: d, batchSize: batchSize,
                                  skipUnreadable: skipUnreadable.map { _ in { _, _ in } })
    var total = 0
    while let batch = try counting.next() { total += TrainingSample.count(batch, dimension: d) }
    var sample = TrainingSample(dimension: d, total: total, limit: trainingLimit)
    if options.learnsEmbedding {
      var sampling = counting.rewound()
      while let batch = try sampling.next() { for set in batch { sample.take(from: set) } }
    }
    var index = try RetrievalIndex(vocabulary: vocabulary, options: options, training: sample.descriptors)
    index.queryOptions = queryOptions
    index.vocabularyPath = vocabularyURL.standardizedFileURL.path
    index.detector = counting.detector
    index.featureParameters = counting.parameters
    return (index, FeatureBatches(files: files, dimension: d, detector: counting.detector, parameters: counting.parameters,
                                  batchSize: batchSize, skipUnreadable: skipUnreadable))
  }

  /// A shard: the template with the feature files under `folders` added, under identifiers
  /// `firstID`, `firstID + 1`, … in file order (shards of one collection need disjoint ranges).
  /// Read `batchSize` files at a time.
  public static func buildShard(folders: [URL], template: RetrievalIndex, firstID: Int64, batchSize: Int = 256,
                                skipUnreadable: ((URL, Error) -> Void)? = nil) throws -> RetrievalIndex {
    var index = template
    var batches = FeatureBatches(files: try FeatureFolder.files(in: folders), dimension: template.dimension,
                                 detector: template.detector, parameters: template.featureParameters, batchSize: batchSize,
                                 skipUnreadable: skipUnreadable)
    try index.add(batches: { try batches.next() }, firstID: firstID)
    if index.detector.isEmpty { index.detector = batches.detector }
    if index.featureParameters.isEmpty { index.featureParameters = batches.parameters }
    return index
  }

  /// An index file, or a folder of shard files (`*.lidx`, in name order) queried as one,
  /// its queries assigned to words as `assignment` says.
  public static func openShards(_ url: URL, vocabularyURL: URL? = nil,
                                assignment: WordAssignment = defaultAssignment) throws -> ShardedIndex {
    try openShardsAssigningExactly(url, vocabularyURL: vocabularyURL).assigning(assignment)
  }

  private static func openShardsAssigningExactly(_ url: URL, vocabularyURL: URL?) throws -> ShardedIndex {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue else {
      return try ShardedIndex(shards: [try IndexFile.read(from: url, vocabularyURL: vocabularyURL)])
    }
    let files = try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
      .filter { $0.pathExtension == "lidx" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    guard !files.isEmpty else { throw ShardedIndex.Mismatch(description: "\(url.path): no .lidx shards in the folder") }
    return try ShardedIndex(shards: try files.map { try IndexFile.read(from: $0, vocabularyURL: vocabularyURL) })
  }

  /// Adds the feature files under `folders`, skipping images already indexed (by source
  /// path), so an interrupted `index add` can simply be rerun. Returns how many were added.
  @discardableResult
  public static func add(folders: [URL], to index: inout RetrievalIndex, batchSize: Int = 256,
                         skipUnreadable: ((URL, Error) -> Void)? = nil) throws -> Int {
    let known = Set(index.images.map(\.path))
    var batches = FeatureBatches(files: try FeatureFolder.files(in: folders), dimension: index.dimension,
                                 detector: index.detector, parameters: index.featureParameters, batchSize: batchSize,
                                 skipUnreadable: skipUnreadable)
    return try index.add(batches: {
      try batches.next().map { $0.filter { $0.sourcePath.isEmpty || !known.contains($0.sourcePath) } }
    }).count
  }

  /// Query features: a feature file as is, or an image featurised like the index (its
  /// detector with the settings its features record, the same descriptor and cap).
  public static func queryFeatures(_ url: URL, index: RetrievalIndex) throws -> FeatureSet {
    let set: FeatureSet
    if url.pathExtension == FeatureFileFormat.lfeat.fileExtension || url.pathExtension == FeatureFileFormat.vgg.fileExtension {
      set = try FeatureFile.read(from: url)
    } else {
      set = try extractor(for: index).extract(fromFile: url)
    }
    try checkQuery(set, index: index, path: url.path)
    return set
  }

  /// Refuses query features the index cannot score: without descriptors, or of another
  /// dimension than the vocabulary's (a feature file is only checked for damage, not for
  /// fitting this index).
  public static func checkQuery(_ set: FeatureSet, index: RetrievalIndex, path: String) throws {
    guard set.count > 0 else { return }
    if set.dimension == 0 { throw FeatureFolder.FolderError.noDescriptors(path: path) }
    if set.dimension != index.dimension {
      throw FeatureFolder.FolderError.dimensionMismatch(path: path, expected: index.dimension, found: set.dimension)
    }
  }

  /// The extractor that made the index's features, rebuilt from its detector name and
  /// parameter string (an index from VGG files, which record none, gets the defaults).
  public static func extractor(for index: RetrievalIndex) throws -> FeatureExtractor {
    let p = index.featureParameters
    let extractor = try DetectorSettings.extractor(detector: index.detector, parameters: p)
    guard p.isEmpty || extractor.parameters == p else {
      throw DetectorSettings.SettingError(message: "cannot featurise queries like this index's features (\(p)); "
        + "featurize the queries with the same settings and pass the .lfeat files")
    }
    return extractor
  }

  /// One query's outcome.
  public struct SearchResult: Sendable {
    public var ranking: [RankedImage]
    public var verified: [SpatialReranker.Verified]
    public var seconds: Double
    public var rerankSeconds: Double
  }

  /// Kernel ranking of every image (minus the positions `excluding`), then spatial
  /// re-ranking of the shortlist; `SpatialReranker()` holds the defaults `loci query` and
  /// `loci eval map` use, and `options` default to the index's `queryOptions`. Throws when
  /// the query's descriptors do not fit the index (`checkQuery`) or the options cannot score.
  public static func search(_ index: RetrievalIndex, query set: FeatureSet, reranker: SpatialReranker = SpatialReranker(),
                            excluding: Set<Int> = [], options: QueryOptions? = nil) throws -> SearchResult {
    try checkQuery(set, index: index, path: set.sourcePath)
    let t0 = DispatchTime.now().uptimeNanoseconds
    // One quantisation serves the kernel (all assigned words) and re-ranking (the nearest).
    let assignments = index.queryAssignments(set, options: options)
    var ranking = try index.query(set, excluding: excluding, assignments: assignments, options: options)
    let t1 = DispatchTime.now().uptimeNanoseconds
    var verified: [SpatialReranker.Verified] = []
    if reranker.method != .none && set.count > 0 {
      (ranking, verified) = reranker.rerank(ranking, query: set, assignments: assignments, index: index)
    }
    let t2 = DispatchTime.now().uptimeNanoseconds
    return SearchResult(ranking: ranking, verified: verified, seconds: Double(t2 - t0) / 1e9, rerankSeconds: Double(t2 - t1) / 1e9)
  }
}
