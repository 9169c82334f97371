import Foundation
import LociCore

/// Options of AGM/EGM (Avrithis & Kalantidis, ECCV 2012); ALGORITHMS.md §4 marks the
/// iteration structure [V-doc] and the exact rules [M/R].
public struct AGMOptions: Sendable, Equatable {
  /// Components to start from: a seeded sample of this many points (0: every point).
  public var initialComponents: Int = 0
  /// Initial σ of every component; nil: ¼ of the RMS distance of a point to its nearest
  /// other initial centre [R].
  public var initialSigma: Double? = nil
  /// Nearest components kept per point (the approximate E-step) and per component (P-step).
  public var neighbours: Int = 5
  /// Purge a component whose responsibility for itself relative to the kept ones, ρ_{i,K},
  /// falls below this (the rule is verified; the value is [R]).
  public var purgeThreshold: Double = 0.8
  /// Estimate σ² around the previous mean (over-estimation: the "expanding" EGM) [M].
  public var expand: Bool = true
  /// Components explaining at most this many points' worth of responsibility are dropped.
  public var minimumMass: Double = 1.5
  public var maxIterations: Int = 30
  public var seed: UInt64 = 1

  public init() {}
}

/// An isotropic Gaussian mixture whose number of components is found, not given: start
/// from many components, run an approximate EM restricted to each point's m nearest
/// components, and purge components that overlap their neighbours too much.
public enum AGM {
  public struct Result: Sendable {
    /// Component means as a vocabulary.
    public var vocabulary: FlatVocabulary
    public var sigmas: [Double]
    public var weights: [Double]
    /// Components alive after each iteration.
    public var history: [Int]
  }

  public static func train(_ data: [Float], dimension d: Int, options: AGMOptions,
                           progress: ((Int, Int) -> Void)? = nil) throws -> Result {
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
      // N-step: each point's m nearest components (exact; a kd-forest above 2000 components).
      let vocabulary = FlatVocabulary(dimension: d, centroids: means)
      let mm = Swift.min(m, k)
      let nearest: Assignment = k > 2000
        ? KDForestVocabulary(base: vocabulary, maxChecks: 256, seed: options.seed).assign(data, k: mm)
        : vocabulary.assign(data, k: mm)
      // P-step (verified on the authors' project page): with K the components kept so far,
      // component i's responsibility for itself relative to K is
      //   ρ_{i,K} = ‖p_i‖² / (‖p_i‖² + Σ_{j∈K} ⟨p_i, p_j⟩),
      // and i is redundant, so purged, when ρ_{i,K} < τ. Components are visited strongest
      // (largest π) first, so K grows from the heaviest; the sum runs over i's m nearest
      // components that are in K [R: order and neighbourhood].
      let neighbourhoods = vocabulary.assign(means, k: Swift.min(m + 1, k))
      var alive = [Bool](repeating: true, count: k), decided = [Bool](repeating: false, count: k)
      for c in (0..<k).sorted(by: { weights[$0] > weights[$1] || (weights[$0] == weights[$1] && $0 < $1) }) {
        let own = logOverlap(c, c, means, sigmas, weights, d)
        var logs = [own]
        for j in 0..<neighbourhoods.k {
          let other = Int(neighbourhoods.words[c * neighbourhoods.k + j])
          guard other != c, decided[other], alive[other] else { continue }
          logs.append(logOverlap(c, other, means, sigmas, weights, d))
        }
        decided[c] = true
        if exp(own - logSumExp(logs)) < options.purgeThreshold { alive[c] = false }
      }
      // E-step over the alive components among each point's m nearest, then M-step.
      var mass = [Double](repeating: 0, count: k)
      var sum = [Double](repeating: 0, count: k * d)
      var spread = [Double](repeating: 0, count: k)
      data.withUnsafeBufferPointer { x in
        for i in 0..<n {
          var logs: [(Int, Double)] = []
          for j in 0..<nearest.k {
            let c = Int(nearest.words[i * nearest.k + j])
            guard alive[c] else { continue }
            let s2 = sigmas[c] * sigmas[c]
            logs.append((c, log(weights[c]) - Double(d) / 2 * log(2 * Double.pi * s2)
              - Double(nearest.distances[i * nearest.k + j]) / (2 * s2)))
          }
          if logs.isEmpty { continue }  // its components were all purged: no vote this round
          let norm = logSumExp(logs.map(\.1))
          for (c, l) in logs {
            let r = exp(l - norm)
            mass[c] += r
            let row = x.baseAddress! + i * d
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
      var newMeans: [Float] = [], newSigmas: [Double] = [], newWeights: [Double] = []
      // A component must explain more than one point's worth of mass [R]: a singleton sits
      // on one point with σ → 0 and no overlap left to purge it.
      for c in 0..<k where alive[c] && mass[c] > options.minimumMass {
        let mean = (0..<d).map { sum[c * d + $0] / mass[c] }
        var variance = spread[c] / (Double(d) * mass[c])
        if !options.expand {
          // Around the new mean instead: subtract the shift ‖μ_new − μ_prev‖².
          let shift = (0..<d).reduce(0.0) { $0 + pow(mean[$1] - Double(means[c * d + $1]), 2) }
          variance = Swift.max(variance - shift / Double(d), 1e-12)
        }
        newMeans += mean.map(Float.init)
        // σ never falls below σ₀ [R]: a component shrinking onto a few points inside a broad
        // one would otherwise keep a self-overlap that no neighbour can outweigh.
        newSigmas.append(Swift.max(variance.squareRoot(), sigma0))
        newWeights.append(mass[c] / Double(n))
      }
      let total = newWeights.reduce(0, +)
      means = newMeans
      sigmas = newSigmas
      weights = newWeights.map { $0 / total }
      let before = k
      k = sigmas.count
      history.append(k)
      progress?(iteration + 1, k)
      if k == before && iteration > 0 && history.count >= 3 && history.suffix(3).allSatisfy({ $0 == k }) { break }
    }
    return Result(vocabulary: FlatVocabulary(dimension: d, centroids: means), sigmas: sigmas, weights: weights,
                  history: history)
  }

  /// log ⟨p_i, p_j⟩ = log π_i + log π_j − d/2 log(2π(σ_i² + σ_j²)) − ‖μ_i − μ_j‖² / 2(σ_i² + σ_j²).
  static func logOverlap(_ i: Int, _ j: Int, _ means: [Float], _ sigmas: [Double], _ weights: [Double], _ d: Int) -> Double {
    let s = sigmas[i] * sigmas[i] + sigmas[j] * sigmas[j]
    var dist2 = 0.0
    for t in 0..<d {
      let diff = Double(means[i * d + t] - means[j * d + t])
      dist2 += diff * diff
    }
    return log(weights[i]) + log(weights[j]) - Double(d) / 2 * log(2 * Double.pi * s) - dist2 / (2 * s)
  }

  static func logSumExp(_ values: [Double]) -> Double {
    guard let top = values.max(), top > -Double.infinity else { return -Double.infinity }
    return top + log(values.reduce(0) { $0 + exp($1 - top) })
  }
}
