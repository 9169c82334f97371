/// Assignment of a node's J0 × J1 grid cells to its centroids by propagation (ICCV 2013 §4;
/// reference `train+/prop.hpp`): a Dijkstra-like front starts at each centroid's own cell
/// and moves one child-edge at a time (edges lighter than `range` only). The distance
/// written to a cell is not a path length but the true squared distance from the front's
/// centroid, `dist0[k][c0] + dist1[k][c1]`, which squared Euclidean distance makes exact
/// over the two disjoint halves. A cell keeps the nearest front that reaches it.
struct DRVQPropagation {
  let j0: Int, j1: Int, centroids: Int
  /// `centroids × j0` and `centroids × j1`: squared distances from each centroid's halves
  /// to the children's codewords.
  let dist0: [Float], dist1: [Float]
  let code0: [UInt16], code1: [UInt16]
  /// The children's graphs already cut to edges lighter than `range`
  /// (`DRVQPropagation.edges(of:below:)`, once per node training, not per pass).
  let graph0: (start: [Int32], target: [UInt16]), graph1: (start: [Int32], target: [UInt16])
  let range: Float

  /// The cells, their nearest centroid so far, and (when `buildGraph`) the centroid graph:
  /// an edge wherever two fronts meet, weighted by (d_from + d_to) / max(far_from, far_to)
  /// and kept below 1.5·range, with far_k the mean of centroid k's distance tables.
  ///
  /// Without `buildGraph` the front stops once every populated cell (`population > 0`) is
  /// burnt, leaving the other cells' labels from the previous pass (training needs only the
  /// populated ones); with it, the whole grid is labelled for table-lookup encoding.
  func run(source: inout [UInt16], population: [UInt32], populatedCount: Int, buildGraph: Bool)
    -> (start: [Int32], target: [UInt16], weight: [Float])? {
    let cells = j0 * j1
    var distance = [Float](repeating: .infinity, count: cells)
    var burnt = [Bool](repeating: false, count: cells)
    var heap = CellHeap()
    heap.reserve(cells / 4)
    for k in 0..<centroids {
      let cell = Int(code0[k]) + j0 * Int(code1[k])
      distance[cell] = 0
      source[cell] = UInt16(k)
      heap.push(0, UInt32(cell))
    }
    var far = [Float](repeating: 0, count: centroids)
    var neighbours = [[UInt16]](repeating: [], count: buildGraph ? centroids : 0)
    var weights = [[Float]](repeating: [], count: buildGraph ? centroids : 0)
    if buildGraph {
      for k in 0..<centroids {
        var s0: Float = 0, s1: Float = 0
        for j in 0..<j0 { s0 += dist0[k * j0 + j] }
        for j in 0..<j1 { s1 += dist1[k * j1 + j] }
        far[k] = s0 / Float(j0) + s1 / Float(j1)
      }
    }
    let (start0, target0) = graph0, (start1, target1) = graph1
    var visited = 0
    let j0 = self.j0
    dist0.withUnsafeBufferPointer { d0 in
      dist1.withUnsafeBufferPointer { d1 in
        distance.withUnsafeMutableBufferPointer { distance in
          burnt.withUnsafeMutableBufferPointer { burnt in
            source.withUnsafeMutableBufferPointer { source in
              population.withUnsafeBufferPointer { population in
                while let (d, cell32) = heap.pop() {
                  let cell = Int(cell32)
                  if burnt[cell] || d > distance[cell] { continue }
                  burnt[cell] = true
                  let src = Int(source[cell]), c0 = cell % j0, c1 = cell / j0
                  let row0 = d0.baseAddress! + src * j0, row1 = d1.baseAddress! + src * j1
                  // Along child 0's edges the right half stays at c1, and vice versa.
                  let base0 = row1[c1], base1 = row0[c0]
                  for e in Int(start0[c0])..<Int(start0[c0 + 1]) {
                    let e0 = Int(target0[e]), n = e0 + j0 * c1, nd = row0[e0] + base0
                    if burnt[n] {
                      if buildGraph { join(src, Int(source[n]), nd + distance[n], far, &neighbours, &weights) }
                    } else if nd < distance[n] {
                      distance[n] = nd
                      source[n] = UInt16(truncatingIfNeeded: src)
                      heap.push(nd, UInt32(n))
                    }
                  }
                  for e in Int(start1[c1])..<Int(start1[c1 + 1]) {
                    let e1 = Int(target1[e]), n = c0 + j0 * e1, nd = base1 + row1[e1]
                    if burnt[n] {
                      if buildGraph { join(src, Int(source[n]), nd + distance[n], far, &neighbours, &weights) }
                    } else if nd < distance[n] {
                      distance[n] = nd
                      source[n] = UInt16(truncatingIfNeeded: src)
                      heap.push(nd, UInt32(n))
                    }
                  }
                  if !buildGraph {
                    if population[cell] > 0 { visited += 1 }
                    if visited == populatedCount { break }
                  }
                }
              }
            }
          }
        }
      }
    }
    guard buildGraph else { return nil }
    var start: [Int32] = [0], target = [UInt16](), weight = [Float]()
    for k in 0..<centroids {
      target += neighbours[k]
      weight += weights[k]
      start.append(Int32(target.count))
    }
    return (start, target, weight)
  }
}

extension DRVQPropagation {
  /// Two fronts met: link their centroids unless already linked or the normalised gap
  /// (d_from + d_to) / max(far_from, far_to) reaches 1.5·range.
  func join(_ from: Int, _ to: Int, _ gap: Float, _ far: [Float], _ neighbours: inout [[UInt16]], _ weights: inout [[Float]]) {
    guard to != from, !neighbours[from].contains(UInt16(to)) else { return }
    let w = gap / Swift.max(far[from], far[to], .leastNormalMagnitude)
    guard w < 1.5 * range else { return }
    neighbours[from].append(UInt16(to)); weights[from].append(w)
    neighbours[to].append(UInt16(from)); weights[to].append(w)
  }

  /// A node's graph without the edges whose weight reaches `range` (compressed rows).
  static func edges(of node: DRVQNode, below range: Float) -> (start: [Int32], target: [UInt16]) {
    var start: [Int32] = [0], target = [UInt16]()
    target.reserveCapacity(node.edgeTarget.count)
    for k in 0..<node.count {
      for e in Int(node.edgeStart[k])..<Int(node.edgeStart[k + 1]) where node.edgeWeight[e] < range {
        target.append(node.edgeTarget[e])
      }
      start.append(Int32(target.count))
    }
    return (start, target)
  }
}

/// A binary min-heap of (distance, cell) with lazy deletion: a cell may be pushed again with
/// a smaller distance; stale entries are skipped when popped.
struct CellHeap {
  private var keys = [Float](), cells = [UInt32]()

  mutating func reserve(_ n: Int) { keys.reserveCapacity(n); cells.reserveCapacity(n) }

  mutating func push(_ key: Float, _ cell: UInt32) {
    var i = keys.count
    keys.append(key); cells.append(cell)
    while i > 0 {
      let parent = (i - 1) / 2
      guard keys[parent] > key else { break }
      keys[i] = keys[parent]; cells[i] = cells[parent]
      i = parent
    }
    keys[i] = key; cells[i] = cell
  }

  mutating func pop() -> (Float, UInt32)? {
    guard let top = keys.first else { return nil }
    let topCell = cells[0]
    let lastKey = keys.removeLast(), lastCell = cells.removeLast()
    let n = keys.count
    if n > 0 {
      var i = 0
      while true {
        var child = 2 * i + 1
        if child >= n { break }
        if child + 1 < n && keys[child + 1] < keys[child] { child += 1 }
        guard keys[child] < lastKey else { break }
        keys[i] = keys[child]; cells[i] = cells[child]
        i = child
      }
      keys[i] = lastKey; cells[i] = lastCell
    }
    return (top, topCell)
  }
}
