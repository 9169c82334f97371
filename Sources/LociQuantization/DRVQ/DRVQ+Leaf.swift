import Foundation
import LociCore

extension DRVQ {
  // MARK: Leaves

  /// 1-D k-means on a K·R-bin histogram of dimension `at` (reference `train_leaf`): seeds
  /// by k-means++ over the bins, labels by nearest-midpoint intervals, centroids = bin
  /// mass ÷ population, empty centroids re-seeded; the graph links k to k ± 1, weight (Δc)².
  static func trainLeaf(_ data: [Float], dimension: Int, at: Int, capacity: Int, options: DRVQOptions,
                        rng: inout SplitMix64) -> (node: DRVQNode, labels: [UInt16]) {
    let n = data.count / dimension
    var lo = Float.infinity, hi = -Float.infinity
    for i in 0..<n { let v = data[i * dimension + at]; lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
    let binCount = Swift.max(1, capacity * options.binsPerCentroid)
    // A little slack so the maximum falls in the last bin, not one past it.
    let binWidth = Swift.max((hi - lo) * (1 + 1e-6), Float.ulpOfOne) / Float(binCount)
    var code = [Int32](repeating: 0, count: n)
    var population = [UInt32](repeating: 0, count: binCount), mass = [Double](repeating: 0, count: binCount)
    for i in 0..<n {
      let v = data[i * dimension + at]
      let b = Swift.min(binCount - 1, Swift.max(0, Int((v - lo) / binWidth)))
      code[i] = Int32(b)
      population[b] += 1
      mass[b] += Double(v)
    }
    var sampler = PopulationSampler(population: population)
    let k = Swift.min(capacity, sampler.populatedCount)
    let binValue = { (b: Int) in Float(mass[b] / Double(population[b])) }
    let bins = (0..<binCount).filter { population[$0] > 0 }, values = bins.map(binValue)
    var centroids = kMeansPlusPlus(weights: bins.map { Double(population[$0]) }, k: k, rng: &rng) { seed, nearest in
      for j in values.indices { nearest[j] = Swift.min(nearest[j], Double((values[j] - values[seed]) * (values[j] - values[seed]))) }
    }.map { values[$0] }.sorted()
    var source = [UInt16](repeating: 0, count: binCount)
    func assign() {
      // Sorted 1-D centroids: the cells are intervals split at the midpoints.
      var c = 0
      for b in 0..<binCount {
        let centre = lo + (Float(b) + 0.5) * binWidth
        while c + 1 < k && centre > (centroids[c] + centroids[c + 1]) / 2 { c += 1 }
        source[b] = UInt16(c)
      }
    }
    func update() {
      var pop = [Double](repeating: 0, count: k), sum = [Double](repeating: 0, count: k)
      for b in 0..<binCount where population[b] > 0 {
        pop[Int(source[b])] += Double(population[b]); sum[Int(source[b])] += mass[b]
      }
      for c in 0..<k { centroids[c] = pop[c] > 0 ? Float(sum[c] / pop[c]) : binValue(sampler.draw(&rng)) }
      centroids.sort()
    }
    assign()
    for it in 0..<options.maxIterations {
      let previous = source
      update()
      assign()
      var changed = 0
      for b in 0..<binCount where source[b] != previous[b] { changed += 1 }
      if Double(changed) < Double(binCount) * options.theta * pow(0.01 * Double(it), 2) { break }
    }
    var node = DRVQNode(offset: at, width: 1, codewords: centroids)
    node.binBase = lo
    node.binWidth = binWidth
    node.binLabels = source
    for c in 0..<k {
      for e in [c - 1, c + 1] where e >= 0 && e < k {
        node.edgeTarget.append(UInt16(e))
        node.edgeWeight.append((centroids[e] - centroids[c]) * (centroids[e] - centroids[c]))
      }
      node.edgeStart.append(Int32(node.edgeTarget.count))
    }
    return (node, code.map { source[Int($0)] })
  }
}
