import LociCore

/// The component tree of the *empty space* of a weighted α-filtration (WαSH stage S5;
/// the idea is the paper's, the procedure reconstructed).
///
/// Regions are unions of triangles that are *not* in the α-complex: the holes and cavities
/// left by the α-shape of the edge samples. Sweeping α downwards, a triangle becomes empty
/// at α = ρ(t) and starts a component; an edge becomes empty at α = ρ(e) and joins the
/// components on its two sides (union-find). A component that reaches the convex hull's
/// outside is unbounded and never a feature. On a merge the larger component continues
/// (elder rule) and the smaller one's history ends.
package struct AlphaComponentTree: Sendable {
  /// One state of a component: at `alpha` it has this area and these moments.
  package struct State: Sendable, Equatable {
    package var alpha: Double
    package var area: Double
    /// First moments Σ A·m (x, y) and second moments Σ ∫ p pᵀ (xx, xy, yy).
    package var m1: (Double, Double)
    package var m2: (Double, Double, Double)

    package static func == (l: State, r: State) -> Bool {
      l.alpha == r.alpha && l.area == r.area && l.m1 == r.m1 && l.m2 == r.m2
    }

    /// Centre and covariance of the region.
    package var centre: (x: Double, y: Double) { (m1.0 / area, m1.1 / area) }
    package var covariance: SymmetricMatrix2 {
      let c = centre
      return SymmetricMatrix2(a: m2.0 / area - c.x * c.x, b: m2.1 / area - c.x * c.y, c: m2.2 / area - c.y * c.y)
    }
  }

  /// A component's life: its states, in decreasing α (growing area), are
  /// `tree.states[stateRange]`. `endedAt` is the α at which it was absorbed (nil: it
  /// survived to the end or became unbounded).
  package struct History: Sendable {
    package var stateRange: Range<Int>
    package var endedAt: Double?
    /// It touched the outside of the convex hull (its last state is before that).
    package var becameUnbounded: Bool
  }

  /// Every history's states, one history after another (see `History.stateRange`). One
  /// flat array rather than an array per history: a history starts at every triangle, and
  /// an allocation each was a tenth of WaSH's time.
  package let states: [State]
  package let histories: [History]

  /// The states of one history, in decreasing α.
  package func states(of history: History) -> ArraySlice<State> { states[history.stateRange] }

  /// Builds the tree from a filtration over `points` (their coordinates give the moments).
  package init(filtration f: WeightedAlphaFiltration, points: [WeightedPoint]) {
    let nt = f.triangles.count
    // Events: the triangles in order, then the edges, each interior edge once (from its
    // lower-numbered triangle), hull edges always. A stable sort by decreasing α then puts
    // triangles before edges at equal α, and keeps each kind in this order. The payload
    // packs the event's two triangles: (t, triangleEvent) or (t, neighbour or -1).
    var eventAlpha = [Double]()
    eventAlpha.reserveCapacity(nt * 3)
    var eventSides = [UInt64]()
    eventSides.reserveCapacity(nt * 3)
    func pack(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)) }
    // Area and moments of each triangle, then of each component at its root (index nt is OUT).
    var area = [Double](repeating: 0, count: nt + 1)
    var m1 = [(Double, Double)](repeating: (0, 0), count: nt + 1)
    var m2 = [(Double, Double, Double)](repeating: (0, 0, 0), count: nt + 1)
    // No arrays inside this loop: it runs for every triangle (tens of thousands per image),
    // and small array literals here were heap allocations each.
    for (t, tri) in f.triangles.enumerated() {
      let (p0, p1, p2) = (points[Int(tri.vertices.0)], points[Int(tri.vertices.1)], points[Int(tri.vertices.2)])
      let a = abs((p1.x - p0.x) * (p2.y - p0.y) - (p2.x - p0.x) * (p1.y - p0.y)) / 2
      let mx = (p0.x + p1.x + p2.x) / 3, my = (p0.y + p1.y + p2.y) / 3
      // ∫ p pᵀ over a triangle = A·(Σ vᵢvᵢᵀ + 9 m mᵀ) / 12.
      let sxx = p0.x * p0.x + p1.x * p1.x + p2.x * p2.x, sxy = p0.x * p0.y + p1.x * p1.y + p2.x * p2.y
      let syy = p0.y * p0.y + p1.y * p1.y + p2.y * p2.y
      area[t] = a
      m1[t] = (a * mx, a * my)
      m2[t] = (a * (sxx + 9 * mx * mx) / 12, a * (sxy + 9 * mx * my) / 12, a * (syy + 9 * my * my) / 12)
      eventAlpha.append(tri.alpha)
      eventSides.append(pack(Int32(t), Self.triangleEvent))
    }
    for (t, tri) in f.triangles.enumerated() {
      // Edge i is opposite vertex i and shared with neighbour i.
      func edge(_ neighbour: Int32, _ alpha: Double) {
        guard neighbour < 0 || neighbour > Int32(t) else { return }
        eventAlpha.append(alpha)
        eventSides.append(pack(Int32(t), neighbour))
      }
      edge(tri.neighbors.0, tri.edgeAlpha.0)
      edge(tri.neighbors.1, tri.edgeAlpha.1)
      edge(tri.neighbors.2, tri.edgeAlpha.2)
    }
    RadixSort.sortDescending(&eventAlpha, carrying: &eventSides)

    // Union-find over triangles; index nt is OUT. States go to one log, grouped by history
    // at the end.
    var parent = [Int32](unsafeUninitializedCapacity: nt + 1) { buffer, count in
      for i in 0...nt { buffer[i] = Int32(i) }
      count = nt + 1
    }
    var alive = [Bool](repeating: false, count: nt + 1)
    alive[nt] = true
    var historyOf = [Int32](repeating: -1, count: nt + 1)
    var endedAt = [Double?](), becameUnbounded = [Bool]()
    endedAt.reserveCapacity(nt)
    becameUnbounded.reserveCapacity(nt)
    var log: [State] = [], logHistory: [Int32] = []
    log.reserveCapacity(2 * nt)
    logHistory.reserveCapacity(2 * nt)
    func find(_ x: Int) -> Int {
      var r = x
      while parent[r] != Int32(r) { r = Int(parent[r]) }
      var y = x
      while parent[y] != Int32(r) { (y, parent[y]) = (Int(parent[y]), Int32(r)) }
      return r
    }
    func record(_ root: Int, _ alpha: Double) {
      log.append(State(alpha: alpha, area: area[root], m1: m1[root], m2: m2[root]))
      logHistory.append(historyOf[root])
    }
    for (alpha, sides) in zip(eventAlpha, eventSides) {
      let a = Int(sides >> 32), sideB = Int32(bitPattern: UInt32(truncatingIfNeeded: sides))
      if sideB == Self.triangleEvent {
        alive[a] = true
        historyOf[a] = Int32(endedAt.count)
        endedAt.append(nil)
        becameUnbounded.append(false)
        record(a, alpha)
        continue
      }
      let b = sideB < 0 ? nt : Int(sideB)
      // Both sides exist: ρ(e) ≤ ρ(t) for incident triangles, and triangles come first on ties.
      guard alive[a], alive[b] else { continue }
      let ra = find(a), rb = find(b)
      if ra == rb { continue }
      if ra == nt || rb == nt {
        // Joining the outside (OUT stays its set's root, the only unbounded one): the
        // bounded side's history ends here, unbounded.
        let drop = ra == nt ? rb : ra
        becameUnbounded[Int(historyOf[drop])] = true
        endedAt[Int(historyOf[drop])] = alpha
        parent[drop] = Int32(nt)
        continue
      }
      // Elder rule by area: the larger continues.
      let (keep, drop) = area[ra] >= area[rb] ? (ra, rb) : (rb, ra)
      endedAt[Int(historyOf[drop])] = alpha
      parent[drop] = Int32(keep)
      area[keep] += area[drop]
      m1[keep] = (m1[keep].0 + m1[drop].0, m1[keep].1 + m1[drop].1)
      m2[keep] = (m2[keep].0 + m2[drop].0, m2[keep].1 + m2[drop].1, m2[keep].2 + m2[drop].2)
      record(keep, alpha)
    }
    // Group the log by history (a stable counting sort keeps each history's α order).
    let historyCount = endedAt.count
    var start = [Int](repeating: 0, count: historyCount + 1)
    for h in logHistory { start[Int(h) + 1] += 1 }
    for h in 0..<historyCount { start[h + 1] += start[h] }
    var histories: [History] = []
    histories.reserveCapacity(historyCount)
    for h in 0..<historyCount {
      histories.append(History(stateRange: start[h]..<start[h + 1], endedAt: endedAt[h], becameUnbounded: becameUnbounded[h]))
    }
    var next = start
    self.states = [State](unsafeUninitializedCapacity: log.count) { grouped, count in
      // Every slot is written once: the ranges tile 0..<log.count.
      for (state, h) in zip(log, logHistory) {
        (grouped.baseAddress! + next[Int(h)]).initialize(to: state)
        next[Int(h)] += 1
      }
      count = log.count
    }
    self.histories = histories
  }

  /// The second side of a triangle's own event (edges use a neighbour index or -1).
  private static let triangleEvent: Int32 = -2
}
