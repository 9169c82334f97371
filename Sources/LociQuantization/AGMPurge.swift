import Foundation

/// AGM's P-step: which components survive this iteration. Two rules; `AGMOptions.PurgeRule`
/// says which one runs and docs/benchmarks.md ("AGM/EGM on real descriptors") why the
/// merge rule is the default.
extension AGM {
  /// The merge rule [R: this project's reading of "purge by overlap", chosen on real
  /// descriptors; docs/benchmarks.md]. Component c is redundant when a neighbour can take
  /// over its points for less log-likelihood than one component is worth, the BIC share
  /// (d + 2)/2 · log N of an isotropic component (mean, σ, weight). The neighbour that takes
  /// over is moment-matched to both, so it grows to cover c's points: the notes' "clusters
  /// neighbouring purged ones expand towards empty space".
  ///
  /// With hard assignments, a component holding mass n with weight π and per-coordinate
  /// variance s² contributes n(log π − d/2 log s²) to the log-likelihood, up to terms that
  /// do not change under a merge. Merging c into j costs
  ///   ℓ_c + ℓ_j − ℓ_{c∪j},  s²_{c∪j} = (n_c s_c² + n_j s_j²)/n + n_c n_j ‖μ_c − μ_j‖² / (n² d).
  /// Each c takes its cheapest neighbour among its m nearest; merges run cheapest first, and
  /// a component merges at most once per iteration, as giver or taker.
  ///
  /// Why not the notes' overlap ρ: it is scale-free, and RootSIFT has no preferred scale, so
  /// on real descriptors it purges nothing or cascades to one word (the probe
  /// `bench/agm_probe.py`). The penalty is the absolute scale a found count needs. A first
  /// version judged a purge by the points' likelihood under the neighbours as they stood,
  /// not grown; it kept a component on each half of a 2-D blob (26 components for the 8
  /// modes of the unit test), because a neighbour fitted to one half explains the other
  /// half badly until it has been refitted.
  ///
  /// - Returns: `alive[c]`; the survivors' `means`, `variances` and `masses` include what
  ///   they absorbed.
  static func mergeRedundant(means: inout [Float], variances: inout [Double], masses: inout [Double],
                             dimension d: Int, neighbours m: Int, penalty: Double, seed: UInt64 = 1) -> [Bool] {
    let k = masses.count
    guard k > 1 else { return [Bool](repeating: true, count: k) }
    let total = masses.reduce(0, +)
    let half = Double(d) / 2
    func logLikelihood(_ mass: Double, _ variance: Double) -> Double {
      mass * (log(mass / total) - half * log(variance))
    }
    func mergedVariance(_ c: Int, _ j: Int, _ distance2: Double) -> Double {
      let n = masses[c] + masses[j]
      return (masses[c] * variances[c] + masses[j] * variances[j]) / n
        + masses[c] * masses[j] * distance2 / (n * n * Double(d))
    }
    let neighbourhoods = nearestComponents(of: means, among: means, dimension: d, k: Swift.min(m + 1, k), seed: seed)
    var cost = [Double](repeating: .infinity, count: k), partner = [Int](repeating: -1, count: k)
    for c in 0..<k {
      let own = logLikelihood(masses[c], variances[c])
      for slot in c * neighbourhoods.k..<(c + 1) * neighbourhoods.k {
        let j = Int(neighbourhoods.words[slot])
        guard j != c else { continue }
        let merged = logLikelihood(masses[c] + masses[j], mergedVariance(c, j, Double(neighbourhoods.distances[slot])))
        let loss = own + logLikelihood(masses[j], variances[j]) - merged
        if loss < cost[c] { (cost[c], partner[c]) = (loss, j) }
      }
    }
    var alive = [Bool](repeating: true, count: k), touched = [Bool](repeating: false, count: k)
    for c in (0..<k).sorted(by: { cost[$0] < cost[$1] || (cost[$0] == cost[$1] && $0 < $1) }) {
      guard cost[c] < penalty else { break }
      let j = partner[c]
      guard !touched[c], !touched[j] else { continue }
      var distance2 = 0.0
      for t in 0..<d { distance2 += pow(Double(means[c * d + t] - means[j * d + t]), 2) }
      let n = masses[c] + masses[j]
      variances[j] = mergedVariance(c, j, distance2)
      for t in 0..<d {
        means[j * d + t] = Float((masses[c] * Double(means[c * d + t]) + masses[j] * Double(means[j * d + t])) / n)
      }
      masses[j] = n
      alive[c] = false
      touched[c] = true
      touched[j] = true
    }
    return alive
  }

  /// The overlap rule (verified on the authors' project page): with K the components kept
  /// so far, component i's responsibility for itself relative to K is
  ///   ρ_{i,K} = ‖p_i‖² / (‖p_i‖² + Σ_{j∈K} ⟨p_i, p_j⟩),
  /// and i is redundant, so purged, when ρ_{i,K} < τ. Components are visited strongest
  /// (largest π) first, so K grows from the heaviest; the sum runs over i's m nearest
  /// components that are in K [R: order and neighbourhood].
  static func purgeByOverlap(means: [Float], sigmas: [Double], weights: [Double], dimension d: Int,
                             neighbours m: Int, threshold: Double) -> [Bool] {
    let k = weights.count
    let neighbourhoods = FlatVocabulary(dimension: d, centroids: means).assign(means, k: Swift.min(m + 1, k))
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
      if exp(own - logSumExp(logs)) < threshold { alive[c] = false }
    }
    return alive
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
