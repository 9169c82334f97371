import Foundation
import LociCore

/// Options of AGM/EGM (Avrithis & Kalantidis, "Approximate Gaussian Mixtures for Large
/// Scale Vocabularies", ECCV 2012). The iteration structure follows the paper; the exact
/// purge and merge rules are reconstructed where it does not spell them out.
public struct AGMOptions: Sendable, Equatable {
  /// How the P-step decides that a component is redundant.
  public enum PurgeRule: String, Sendable, Equatable, CaseIterable {
    /// Merge a component into a neighbour when that loses less log-likelihood than one
    /// component's share of the BIC penalty, (d + 2)/2 · log N [R: this project's rule; see
    /// `AGM.mergeRedundant`]. It finds a number of words on real descriptors.
    case merge
    /// The project page's overlap rule: purge when ρ_{i,K} < `purgeThreshold` [V-doc rule,
    /// R threshold]. It finds the modes of low-dimensional mixtures, but on 128-D
    /// descriptors it keeps every start or collapses to one word (docs/benchmarks.md).
    case overlap
  }

  /// Components to start from: a seeded sample of this many points (0: every point).
  public var initialComponents: Int = 0
  /// Initial σ of every component; nil: ¼ of the RMS distance of a point to its nearest
  /// other initial centre [R].
  public var initialSigma: Double? = nil
  /// Nearest components kept per point (the approximate E-step) and per component (P-step).
  public var neighbours: Int = 5
  public var purgeRule: PurgeRule = .merge
  /// `.merge`: multiplies the BIC penalty per component; larger gives fewer words.
  public var penaltyScale: Double = 1
  /// `.overlap`: purge a component whose responsibility for itself relative to the kept
  /// ones, ρ_{i,K}, falls below this (the rule is verified; the value is [R]).
  public var purgeThreshold: Double = 0.8
  /// Estimate σ² around the previous mean (over-estimation: the "expanding" EGM) [M].
  public var expand: Bool = true
  /// Components explaining at most this many points' worth of responsibility are dropped.
  public var minimumMass: Double = 1.5
  /// At most this many iterations; training also stops once the count has settled (under
  /// 1 % fewer components over three iterations).
  public var maxIterations: Int = 30
  public var seed: UInt64 = 1

  public init() {}
}

/// An isotropic Gaussian mixture whose number of components is found, not given: start
/// from many components, run an approximate EM restricted to each point's m nearest
/// components, and purge components that are redundant next to their neighbours.
public enum AGM {
  public struct TrainingResult: Sendable {
    /// Component means as a vocabulary.
    public var vocabulary: FlatVocabulary
    public var sigmas: [Double]
    public var weights: [Double]
    /// Components alive after each iteration.
    public var history: [Int]
  }

  public static func train(_ data: [Float], dimension d: Int, options: AGMOptions,
                           progress: ((Int, Int) -> Void)? = nil) throws -> TrainingResult {
    guard d > 0, data.count % d == 0 else { throw KMeans.TrainingError.badDimension }
    let n = data.count / d
    guard n >= 2 else { throw KMeans.TrainingError.notEnoughData(points: n, k: 2) }
    var rng = SplitMix64(seed: options.seed)
    var starts = KMeansOptions(k: options.initialComponents > 0 ? Swift.min(options.initialComponents, n) : n)
    starts.seed = options.seed
    var means = KMeans.initialCentroids(data, n: n, d: d, options: starts, rng: &rng)
    var k = means.count / d
    let m = Swift.max(2, options.neighbours)
    let sigma0: Double = options.initialSigma ?? {
      let nearest = FlatVocabulary(dimension: d, centroids: means).assign(means, k: Swift.min(2, k))
      let second = stride(from: 1, to: nearest.distances.count, by: nearest.k).map { Double(nearest.distances[$0]) }
      return 0.25 * (second.reduce(0, +) / Double(Swift.max(second.count, 1))).squareRoot()
    }()
    var sigmas = [Double](repeating: Swift.max(sigma0, 1e-6), count: k)
    var weights = [Double](repeating: 1 / Double(k), count: k)
    var history: [Int] = []

    for iteration in 0..<options.maxIterations {
      // N-step: each point's m nearest components.
      let mm = Swift.min(m, k)
      let nearest = nearestComponents(of: data, among: means, dimension: d, k: mm, seed: options.seed)
      // E-step over each point's m nearest components, then the M-step's sums.
      var mass = [Double](repeating: 0, count: k)
      var sum = [Double](repeating: 0, count: k * d)
      var spread = [Double](repeating: 0, count: k)
      // Per component, once per iteration rather than per point: log π_c − d/2 log(2πσ_c²)
      // and 2σ_c².
      let logNormalisers = (0..<k).map { log(weights[$0]) - Double(d) / 2 * log(2 * Double.pi * (sigmas[$0] * sigmas[$0])) }
      let twiceVariances = sigmas.map { 2 * ($0 * $0) }
      data.withUnsafeBufferPointer { x in
        var shares = [Double](repeating: 0, count: mm)
        for i in 0..<n {
          // log π_c 𝒩(x_i | μ_c, σ_c² I), then responsibilities normalised over the m.
          var top = -Double.infinity
          for j in 0..<mm {
            let c = Int(nearest.words[i * mm + j])
            shares[j] = logNormalisers[c] - Double(nearest.distances[i * mm + j]) / twiceVariances[c]
            top = Swift.max(top, shares[j])
          }
          var total = 0.0
          for j in 0..<mm {
            shares[j] = exp(shares[j] - top)
            total += shares[j]
          }
          let row = x.baseAddress! + i * d
          for j in 0..<mm {
            let c = Int(nearest.words[i * mm + j])
            let r = shares[j] / total
            guard r > 0 else { continue }
            mass[c] += r
            var dist2 = 0.0
            for t in 0..<d {
              let v = Double(row[t])
              sum[c * d + t] += r * v
              let diff = v - Double(means[c * d + t])  // previous mean: σ over-estimated
              dist2 += diff * diff
            }
            spread[c] += r * dist2
          }
        }
      }
      // M-step. A component must explain more than one point's worth of mass [R]: a
      // singleton sits on one point with σ → 0 and an unbounded likelihood.
      var newMeans: [Float] = [], variances: [Double] = [], masses: [Double] = []
      for c in 0..<k where mass[c] > options.minimumMass {
        let mean = (0..<d).map { sum[c * d + $0] / mass[c] }
        var variance = spread[c] / (Double(d) * mass[c])
        if !options.expand {
          // Around the new mean instead: subtract the shift ‖μ_new − μ_prev‖².
          let shift = (0..<d).reduce(0.0) { $0 + pow(mean[$1] - Double(means[c * d + $1]), 2) }
          variance = Swift.max(variance - shift / Double(d), 1e-12)
        }
        newMeans += mean.map(Float.init)
        variances.append(Swift.max(variance, 1e-18))
        masses.append(mass[c])
      }
      // P-step on the new parameters; the survivors go on to the next N-step.
      let alive: [Bool]
      switch options.purgeRule {
      case .merge:
        let penalty = options.penaltyScale * Double(d + 2) / 2 * log(Double(n))
        alive = mergeRedundant(means: &newMeans, variances: &variances, masses: &masses, dimension: d,
                               neighbours: m, penalty: penalty, seed: options.seed)
      case .overlap:
        // σ never falls below σ₀ under this rule [R]: a component shrinking onto a few
        // points inside a broad one would keep a self-overlap no neighbour outweighs.
        let floored = variances.map { Swift.max($0.squareRoot(), sigma0) }
        let total = masses.reduce(0, +)
        alive = purgeByOverlap(means: newMeans, sigmas: floored, weights: masses.map { $0 / total }, dimension: d,
                               neighbours: m, threshold: options.purgeThreshold)
        variances = floored.map { $0 * $0 }
      }
      var survivors: [Float] = []
      var newSigmas: [Double] = [], newWeights: [Double] = []
      for c in alive.indices where alive[c] {
        survivors += newMeans[c * d..<(c + 1) * d]
        newSigmas.append(variances[c].squareRoot())
        newWeights.append(masses[c])
      }
      let total = newWeights.reduce(0, +)
      means = survivors
      sigmas = newSigmas
      weights = newWeights.map { $0 / total }
      k = sigmas.count
      history.append(k)
      progress?(iteration + 1, k)
      // Settled: fewer than 1 % of the components went in the last three iterations. On
      // RootSIFT the count then only creeps (200k descriptors: 2,958 → 2,886 over sixteen
      // more iterations), and each iteration costs a full N-step.
      if history.count >= 4 && Double(history[history.count - 4] - k) <= 0.01 * Double(k) { break }
    }
    return TrainingResult(vocabulary: FlatVocabulary(dimension: d, centroids: means), sigmas: sigmas, weights: weights,
                  history: history)
  }

  /// The k nearest components of each query. Exact up to 16,384 components: the blocked
  /// exact kernel outruns a 256-check kd-forest below that and has recall 1
  /// (docs/benchmarks.md, assignment throughput: 77k against 29k descriptors/s at 4,096).
  static func nearestComponents(of queries: [Float], among means: [Float], dimension d: Int, k: Int,
                                seed: UInt64) -> Assignment {
    let vocabulary = FlatVocabulary(dimension: d, centroids: means)
    return vocabulary.count > 16384
      ? KDForestVocabulary(base: vocabulary, maxChecks: 256, seed: seed).assign(queries, k: k)
      : vocabulary.assign(queries, k: k)
  }
}
