import Foundation
import LociCore

/// Why DRVQ training refused its input.
public enum DRVQError: Error, CustomStringConvertible, Equatable, Sendable {
  case noData
  case badShape(dimension: Int, books: Int)
  case badCapacities(expected: Int, got: [Int])
  case tooManyWords(Int)

  public var description: String {
    switch self {
    case .noData: return "DRVQ needs at least one descriptor"
    case let .badShape(d, b): return "DRVQ splits \(d)-D descriptors into \(b) books of 2^n dimensions: \(d) ÷ \(b) is not a power of two"
    case let .badCapacities(n, got): return "DRVQ needs \(n) capacities (one per tree level, 1-D first), got \(got)"
    case let .tooManyWords(n): return "DRVQ would give \(n) words; a vocabulary holds at most 2^24 (lower the top capacity or the books)"
    }
  }
}

/// Dimensionality-recursive training (ICCV 2013 §3–4; reference `train+/leaf.hpp`,
/// `node.hpp`): each dimension is clustered alone on a 1-D histogram; each node then
/// clusters the J0 × J1 grid of its two children's labels, weighted by cell populations, so
/// above the leaves the data are never touched again and the cost depends on the grid, not on N.
public enum DRVQ {
  public static func train(_ data: [Float], dimension: Int, options: DRVQOptions,
                           progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> DRVQVocabulary {
    let n = data.count / Swift.max(dimension, 1)
    guard n > 0, dimension > 0 else { throw DRVQError.noData }
    guard let levels = DRVQOptions.levelCount(dimension: dimension, books: options.books) else {
      throw DRVQError.badShape(dimension: dimension, books: options.books)
    }
    guard options.capacities.count == levels, options.capacities.allSatisfy({ $0 >= 1 && $0 <= 1 << 16 }) else {
      throw DRVQError.badCapacities(expected: levels, got: options.capacities)
    }
    let total = pow(Double(options.capacities.last!), Double(options.books))
    guard total <= Double(1 << 24) else { throw DRVQError.tooManyWords(Int(Swift.min(total, 1e18))) }

    let width = dimension / options.books
    let nodesPerBook = 2 * width - 1
    var done = 0
    let lock = NSLock()
    var books = [[DRVQNode]]()
    for b in 0..<options.books {
      // Level by level: the nodes of one level are independent, so they train in parallel.
      var level: [(node: DRVQNode, labels: [UInt16])] = []
      var book = [DRVQNode]()
      for l in 0..<levels {
        let span = 1 << l, count = width / span
        var next = [(node: DRVQNode, labels: [UInt16])?](repeating: nil, count: count)
        let previous = level, childBase = book.count - previous.count
        next.withUnsafeMutableBufferPointer { out in
          DispatchQueue.concurrentPerform(iterations: count) { i in
            let offset = b * width + i * span
            var rng = SplitMix64(seed: options.seed &+ UInt64(offset &* 7919 &+ l &* 104729 &+ 1))
            if l == 0 {
              out[i] = trainLeaf(data, dimension: dimension, at: offset, capacity: options.capacities[0],
                                 options: options, rng: &rng)
            } else {
              let (left, right) = (previous[2 * i], previous[2 * i + 1])
              var trained = trainNode(left: left, right: right, offset: offset, capacity: options.capacities[l],
                                      options: options, rng: &rng)
              trained.node.child0 = childBase + 2 * i
              trained.node.child1 = childBase + 2 * i + 1
              out[i] = trained
            }
            lock.lock(); done += 1; let d = done; lock.unlock()
            progress?(d, nodesPerBook * options.books)
          }
        }
        level = next.map { $0! }
        book += level.map(\.node)
      }
      books.append(book)
    }
    return DRVQVocabulary(dimension: dimension, books: books, approximateRange: options.approximateRange)
  }

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

  /// k-means++ seeding over weighted items (histogram bins or grid cells): the first seed
  /// is drawn by weight, each next one by weight × squared distance to the nearest seed so
  /// far. `lower(i, nearest)` lowers `nearest[j]` to the distance from item i, for every j.
  ///
  /// Choice: the reference draws seeds by population alone. On eight separated clusters
  /// that gives one seed per cluster in 8!/8⁸ = 0.2 % of draws, and Lloyd iterations never
  /// leave the resulting local minimum (measured: the 8-blob test misses two blobs). Cost
  /// K × items per node, beside the iterations' grid propagation.
  static func kMeansPlusPlus(weights: [Double], k: Int, rng: inout SplitMix64,
                             lower: (_ seed: Int, _ nearest: inout [Double]) -> Void) -> [Int] {
    var nearest = [Double](repeating: 1, count: weights.count)
    var seeds = [Int]()
    var used = [Bool](repeating: false, count: weights.count)
    while seeds.count < Swift.min(k, weights.count) {
      var total = 0.0
      for i in weights.indices where !used[i] { total += weights[i] * nearest[i] }
      var pick = weights.indices.first { !used[$0] }!
      if total > 0 {
        var u = rng.unit() * total
        for i in weights.indices where !used[i] {
          u -= weights[i] * nearest[i]
          pick = i
          if u <= 0 { break }
        }
      }
      used[pick] = true
      seeds.append(pick)
      if seeds.count == 1 { for i in nearest.indices { nearest[i] = .infinity } }
      lower(pick, &nearest)
    }
    return seeds
  }

  // MARK: Inner nodes

  /// k-means on the children's J0 × J1 label grid (reference `train_node`): cells weighted
  /// by population, assignment by propagation, centroid = population-weighted mean of the
  /// cells' concatenated child codewords, snapped to its nearest cell (the codeword it
  /// becomes); empty centroids re-seeded. The last pass labels the whole grid and builds the
  /// codeword graph the parent propagates along.
  ///
  /// Choice (the reference mixes two codebooks here: means for distances, snapped cells for
  /// search): the mean is accumulated from the children's *codewords*, the vectors the grid
  /// cells stand for, so training and encoding see one codebook.
  static func trainNode(left: (node: DRVQNode, labels: [UInt16]), right: (node: DRVQNode, labels: [UInt16]),
                        offset: Int, capacity: Int, options: DRVQOptions,
                        rng: inout SplitMix64) -> (node: DRVQNode, labels: [UInt16]) {
    let j0 = left.node.count, j1 = right.node.count, w0 = left.node.width, w1 = right.node.width
    let width = w0 + w1, cells = j0 * j1
    let n = left.labels.count
    var cell = [Int32](repeating: 0, count: n)
    var population = [UInt32](repeating: 0, count: cells)
    for i in 0..<n {
      let c = Int(left.labels[i]) + j0 * Int(right.labels[i])
      cell[i] = Int32(c)
      population[c] += 1
    }
    let populated = (0..<cells).filter { population[$0] > 0 }
    var sampler = PopulationSampler(population: population)
    let k = Swift.min(capacity, populated.count)
    var code0 = [UInt16](repeating: 0, count: k), code1 = [UInt16](repeating: 0, count: k)
    var means = [Float](repeating: 0, count: k * width)
    let leftWords = left.node.codewords, rightWords = right.node.codewords
    func setCell(_ c: Int, _ cellIndex: Int) {
      code0[c] = UInt16(cellIndex % j0); code1[c] = UInt16(cellIndex / j0)
      for j in 0..<w0 { means[c * width + j] = leftWords[(cellIndex % j0) * w0 + j] }
      for j in 0..<w1 { means[c * width + w0 + j] = rightWords[(cellIndex / j0) * w1 + j] }
    }
    // k-means++ over the populated cells; the distance between two cells is additive over
    // the halves, read from the children's codeword distance tables.
    let (table0, table1) = (codewordDistances(left.node), codewordDistances(right.node))
    let seeds = kMeansPlusPlus(weights: populated.map { Double(population[$0]) }, k: k, rng: &rng) { seed, nearest in
      let s0 = populated[seed] % j0, s1 = populated[seed] / j0
      table0.withUnsafeBufferPointer { t0 in
        table1.withUnsafeBufferPointer { t1 in
          for (j, cell) in populated.enumerated() {
            nearest[j] = Swift.min(nearest[j], Double(t0[s0 * j0 + cell % j0] + t1[s1 * j1 + cell / j0]))
          }
        }
      }
    }
    for (c, seed) in seeds.enumerated() { setCell(c, populated[seed]) }

    var source = [UInt16](repeating: 0, count: cells)
    func propagate(buildGraph: Bool) -> (start: [Int32], target: [UInt16], weight: [Float])? {
      let (dist0, dist1) = halfDistances(means, k: k, width: width, left: left.node, right: right.node)
      // Snap each centroid to its nearest cell (additive: the nearest codeword of each half);
      // a centroid whose cell is taken is re-seeded (reference: "re-sampling when sources coincide").
      var taken = Set<Int>()
      for c in 0..<k {
        code0[c] = UInt16(argmin(dist0, row: c, columns: j0))
        code1[c] = UInt16(argmin(dist1, row: c, columns: j1))
        while !taken.insert(Int(code0[c]) + j0 * Int(code1[c])).inserted { setCell(c, sampler.draw(&rng)) }
      }
      let propagation = DRVQPropagation(j0: j0, j1: j1, centroids: k, dist0: dist0, dist1: dist1, code0: code0,
                                        code1: code1, child0: left.node, child1: right.node, range: options.range)
      return propagation.run(source: &source, population: population, populatedCount: populated.count,
                             buildGraph: buildGraph)
    }
    func update() {
      var pop = [Double](repeating: 0, count: k), sums = [Double](repeating: 0, count: k * width)
      for c in populated {
        let label = Int(source[c]), p = Double(population[c])
        pop[label] += p
        let l0 = c % j0, l1 = c / j0
        for j in 0..<w0 { sums[label * width + j] += p * Double(leftWords[l0 * w0 + j]) }
        for j in 0..<w1 { sums[label * width + w0 + j] += p * Double(rightWords[l1 * w1 + j]) }
      }
      for c in 0..<k {
        if pop[c] > 0 {
          for j in 0..<width { means[c * width + j] = Float(sums[c * width + j] / pop[c]) }
        } else {
          setCell(c, sampler.draw(&rng))
        }
      }
    }
    _ = propagate(buildGraph: false)
    for it in 0..<options.maxIterations {
      let previous = source
      update()
      _ = propagate(buildGraph: false)
      var changed = 0
      for c in populated where source[c] != previous[c] { changed += 1 }
      if Double(changed) < Double(populated.count) * options.theta * pow(0.01 * Double(it), 2) { break }
    }
    // Re-seed centroids the last pass left empty; then the final pass measures distances to
    // the snapped codewords themselves (reference: `assign(quantized = true)`), so the cell
    // table agrees with the codebook that exact encoding searches.
    var empty = [Bool](repeating: true, count: k)
    for c in populated { empty[Int(source[c])] = false }
    for c in 0..<k { setCell(c, empty[c] ? sampler.draw(&rng) : Int(code0[c]) + j0 * Int(code1[c])) }
    let graph = propagate(buildGraph: true)!
    var node = DRVQNode(offset: offset, width: width, codewords: means)
    node.code0 = code0
    node.code1 = code1
    node.source = source
    node.edgeStart = graph.start
    node.edgeTarget = graph.target
    node.edgeWeight = graph.weight
    return (node, cell.map { source[Int($0)] })
  }

  /// Squared distances from each centroid's two halves to the children's codewords
  /// (`k × j0` and `k × j1`), on all cores.
  static func halfDistances(_ means: [Float], k: Int, width: Int, left: DRVQNode,
                            right: DRVQNode) -> ([Float], [Float]) {
    let j0 = left.count, j1 = right.count, w0 = left.width, w1 = right.width
    var dist0 = [Float](repeating: 0, count: k * j0), dist1 = [Float](repeating: 0, count: k * j1)
    means.withUnsafeBufferPointer { m in
      left.codewords.withUnsafeBufferPointer { c0 in
        right.codewords.withUnsafeBufferPointer { c1 in
          dist0.withUnsafeMutableBufferPointer { d0 in
            dist1.withUnsafeMutableBufferPointer { d1 in
              parallelChunks(k, minimumChunk: Swift.max(1, 65536 / Swift.max(1, j0 * w0))) { range in
                for c in range {
                  let row = m.baseAddress! + c * width
                  for j in 0..<j0 { d0[c * j0 + j] = squaredDistance(row, c0.baseAddress! + j * w0, count: w0) }
                  for j in 0..<j1 { d1[c * j1 + j] = squaredDistance(row + w0, c1.baseAddress! + j * w1, count: w1) }
                }
              }
            }
          }
        }
      }
    }
    return (dist0, dist1)
  }

  /// Squared distances between a node's codewords, `count × count`.
  static func codewordDistances(_ node: DRVQNode) -> [Float] {
    let k = node.count, w = node.width
    var dist = [Float](repeating: 0, count: k * k)
    node.codewords.withUnsafeBufferPointer { c in
      for a in 0..<k {
        for b in 0..<a {
          let d = squaredDistance(c.baseAddress! + a * w, c.baseAddress! + b * w, count: w)
          dist[a * k + b] = d
          dist[b * k + a] = d
        }
      }
    }
    return dist
  }

  static func argmin(_ table: [Float], row: Int, columns: Int) -> Int {
    var best = 0
    for j in 1..<Swift.max(1, columns) where table[row * columns + j] < table[row * columns + best] { best = j }
    return best
  }
}
