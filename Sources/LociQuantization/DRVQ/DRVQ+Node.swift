import Foundation
import LociCore

extension DRVQ {
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
          populated.withUnsafeBufferPointer { cells in
            nearest.withUnsafeMutableBufferPointer { nearest in
              // The root's grid has ~10⁵ populated cells and K = 4,096 seeds: both cores.
              parallelChunks(cells.count, minimumChunk: 16384) { range in
                for j in range {
                  let cell = cells[j]
                  nearest[j] = Swift.min(nearest[j], Double(t0[s0 * j0 + cell % j0] + t1[s1 * j1 + cell / j0]))
                }
              }
            }
          }
        }
      }
    }
    for (c, seed) in seeds.enumerated() { setCell(c, populated[seed]) }

    // The children's graphs never change while this node trains: cut them to `range` once.
    let graph0 = DRVQPropagation.edges(of: left.node, below: options.range)
    let graph1 = DRVQPropagation.edges(of: right.node, below: options.range)
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
                                        code1: code1, graph0: graph0, graph1: graph1, range: options.range)
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
