import Foundation

/// Trains a visual vocabulary by any of Loci's methods from a descriptor sample, as
/// `loci vocab train` does: the method's options from one set of settings, the parameter
/// string recorded in the `.lvoc` file, and the training set's quantisation error.
public struct VocabularyTrainer: Sendable {
  /// The training methods.
  public enum Method: String, CaseIterable, Sendable {
    /// Flat k-means (Lloyd iterations; exact assignment).
    case kmeans
    /// Approximate (expanding) Gaussian mixture (Avrithis & Kalantidis, ECCV 2012): `size` is
    /// the number of starting components; the number of words is found.
    case agm
    /// Dimensionality-recursive quantization (Avrithis, ICCV 2013): `size` words, the
    /// product over the books.
    case drvq
  }

  public var method: Method = .kmeans
  /// Words (k-means, DRVQ) or starting components (AGM).
  public var size = 4096
  /// Lloyd iterations (k-means), at most this many EM iterations (AGM), iterations per tree
  /// node (DRVQ, which also stops by its θ rule).
  public var iterations = 10
  public var seed: UInt64 = 1
  /// k-means seeding.
  public var initialisation: KMeansOptions.Initialisation = .random
  /// AGM's P-step rule and, for the merge rule, the scale of its BIC penalty.
  public var agmPurge: AGMOptions.PurgeRule = .merge
  public var agmPenalty = 1.0
  /// DRVQ: sub-vectors, each with its own tree (nil: one up to 4,096 words, else two; one
  /// root above that would need a K × J distance table per iteration, 65,536 × 1,024 floats
  /// twice, and K·cells seeding), and centroids per tree level, 1-D first (nil: derived from
  /// `size`).
  public var books: Int?
  public var capacities: [Int]?

  public init(method: Method = .kmeans, size: Int = 4096) {
    self.method = method
    self.size = size
  }

  /// A trained vocabulary with what its file records and what training reports.
  public struct Trained: Sendable {
    public var method: Method
    public var vocabulary: FlatVocabulary
    /// Per word σ and mixing weight π (AGM).
    public var sigmas: [Float]?
    public var weights: [Float]?
    /// The DRVQ tree, whose words are `vocabulary`'s centroids.
    public var drvq: DRVQVocabulary?
    /// The settings, as recorded in the `.lvoc` file.
    public var parameters: String
    /// k-means: empty clusters re-seeded. AGM: components alive after each iteration.
    public var repairedClusters = 0
    public var history: [Int]?
    /// Mean squared distance of the training descriptors to their nearest word.
    public var meanSquaredError: Double

    /// Writes the `.lvoc` file (atomically).
    public func write(to url: URL) throws {
      try VocabularyFile.write(vocabulary, method: method.rawValue, parameters: parameters, sigmas: sigmas,
                               weights: weights, drvq: drvq, to: url)
    }
  }

  /// Trains on `sample`; `progress(done, total)` follows the iterations (or DRVQ's nodes).
  public func train(_ sample: DescriptorSample, progress: ((Int, Int) -> Void)? = nil) throws -> Trained {
    let data = sample.descriptors, d = sample.dimension
    var parameters = "iterations=\(iterations) seed=\(seed) descriptors=\(sample.count)"
    var trained: Trained
    switch method {
    case .kmeans:
      var options = KMeansOptions(k: size)
      options.iterations = iterations
      options.seed = seed
      options.initialisation = initialisation
      let result = try KMeans.train(data, dimension: d, options: options) { i, _ in progress?(i, iterations) }
      parameters += " k=\(size) initialisation=\(initialisation.rawValue)"
      trained = Trained(method: method, vocabulary: result.vocabulary, parameters: parameters,
                        repairedClusters: result.repairedClusters, meanSquaredError: 0)
    case .agm:
      var agm = AGMOptions()
      agm.initialComponents = size
      agm.maxIterations = iterations
      agm.seed = seed
      agm.purgeRule = agmPurge
      agm.penaltyScale = agmPenalty
      let result = try AGM.train(data, dimension: d, options: agm) { i, _ in progress?(i, iterations) }
      parameters += " initialComponents=\(size) neighbours=\(agm.neighbours) purgeRule=\(agmPurge.rawValue)"
        + (agm.purgeRule == .merge ? " penalty=\(agmPenalty)" : " purge=\(agm.purgeThreshold)")
      trained = Trained(method: method, vocabulary: result.vocabulary, sigmas: result.sigmas.map(Float.init),
                        weights: result.weights.map(Float.init), parameters: parameters, history: result.history,
                        meanSquaredError: 0)
    case .drvq:
      let bookCount = books ?? (size <= 4096 ? 1 : 2)
      var options = DRVQOptions(words: size, dimension: d, books: bookCount)
      if let capacities { options.capacities = capacities }
      options.maxIterations = iterations
      options.seed = seed
      let tree = try DRVQ.train(data, dimension: d, options: options) { done, total in progress?(done, total) }
      parameters += " books=\(bookCount) capacities=\(options.capacities.map(String.init).joined(separator: ","))"
        + " range=\(options.range) theta=\(options.theta)"
      trained = Trained(method: method, vocabulary: FlatVocabulary(dimension: d, centroids: tree.centroids), drvq: tree,
                        parameters: parameters, meanSquaredError: 0)
    }
    // DRVQ's own exact encoder gives the same nearest words as the flat codebook, 20× faster
    // at 65,536 words.
    let assignment = trained.drvq?.assign(data, k: 1) ?? trained.vocabulary.assign(data, k: 1)
    trained.meanSquaredError = assignment.distances.reduce(0.0) { $0 + Double($1) } / Double(Swift.max(sample.count, 1))
    return trained
  }
}
