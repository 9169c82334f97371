import LociCore

/// Draws histogram bins with probability proportional to their population, never the same
/// bin twice within one training (reference `sample_search` with its `chosen` mask): DRVQ
/// seeds and re-seeds centroids this way, on bins instead of data points.
struct PopulationSampler {
  private let bins: [Int]
  private let cumulative: [Double]
  private var chosen: Set<Int> = []

  /// `population[b]` for every bin; only populated bins can be drawn.
  init(population: [UInt32]) {
    var bins = [Int](), cumulative = [Double](), total = 0.0
    for (b, p) in population.enumerated() where p > 0 {
      total += Double(p)
      bins.append(b)
      cumulative.append(total)
    }
    self.bins = bins
    self.cumulative = cumulative
  }

  var populatedCount: Int { bins.count }

  /// A populated bin not drawn before (any populated bin once all have been drawn).
  mutating func draw(_ rng: inout SplitMix64) -> Int {
    precondition(!bins.isEmpty, "nothing to sample")
    for _ in 0..<32 {
      let u = rng.unit() * cumulative.last!
      var lo = 0, hi = cumulative.count - 1
      while lo < hi {
        let mid = (lo + hi) / 2
        if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
      }
      if chosen.insert(bins[lo]).inserted { return bins[lo] }
    }
    // Heavy bins keep coming back: take the first one left, in a random rotation.
    let start = Int(rng.next() % UInt64(bins.count))
    for i in 0..<bins.count {
      let b = bins[(start + i) % bins.count]
      if chosen.insert(b).inserted { return b }
    }
    return bins[start]
  }
}
