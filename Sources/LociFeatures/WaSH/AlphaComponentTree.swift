/// The component tree of the *empty space* of a weighted α-filtration (WαSH, ALGORITHMS.md
/// §2A.4 S5 [M idea, R procedure]).
///
/// Regions are unions of triangles that are *not* in the α-complex: the holes and cavities
/// left by the α-shape of the edge samples. Sweeping α downwards, a triangle becomes empty
/// at α = ρ(t) and starts a component; an edge becomes empty at α = ρ(e) and joins the
/// components on its two sides (union-find). A component that reaches the convex hull's
/// outside is unbounded and never a feature. On a merge the larger component continues
/// (elder rule) and the smaller one's history ends.
public struct AlphaComponentTree: Sendable {
  /// One state of a component: at `alpha` it has this area and these moments.
  public struct State: Sendable, Equatable {
    public var alpha: Double
    public var area: Double
    /// First moments Σ A·m (x, y) and second moments Σ ∫ p pᵀ (xx, xy, yy).
    public var m1: (Double, Double)
    public var m2: (Double, Double, Double)

    public static func == (l: State, r: State) -> Bool {
      l.alpha == r.alpha && l.area == r.area && l.m1 == r.m1 && l.m2 == r.m2
    }

    /// Centre and covariance of the region.
    public var centre: (x: Double, y: Double) { (m1.0 / area, m1.1 / area) }
    public var covariance: SymmetricMatrix2 {
      let c = centre
      return SymmetricMatrix2(a: m2.0 / area - c.x * c.x, b: m2.1 / area - c.x * c.y, c: m2.2 / area - c.y * c.y)
    }
  }

  /// A component's life: states in decreasing α (growing area). `ended` is the α at which
  /// it was absorbed (nil: it survived to the end or became unbounded).
  public struct History: Sendable {
    public var states: [State]
    public var endedAt: Double?
    /// It touched the outside of the convex hull (its last state is before that).
    public var becameUnbounded: Bool
  }

  public let histories: [History]

  /// Builds the tree from a filtration over `points` (their coordinates give the moments).
  public init(filtration f: WeightedAlphaFiltration, points: [WeightedPoint]) {
    let nt = f.triangles.count
    // Edge alpha by its sorted vertex pair.
    var edgeAlpha: [UInt64: Double] = [:]
    edgeAlpha.reserveCapacity(f.edges.count)
    for e in f.edges { edgeAlpha[Self.key(e.vertices.0, e.vertices.1)] = e.alpha }

    // Events: triangles (kind 0) before edges (kind 1) at equal α; α decreasing.
    struct Event { var alpha: Double; var kind: UInt8; var a: Int32; var b: Int32 }
    var events: [Event] = []
    events.reserveCapacity(nt * 3)
    var triangleArea = [Double](repeating: 0, count: nt)
    var triangleM1 = [(Double, Double)](repeating: (0, 0), count: nt)
    var triangleM2 = [(Double, Double, Double)](repeating: (0, 0, 0), count: nt)
    // No arrays inside this loop: it runs for every triangle (tens of thousands per image),
    // and small array literals here were heap allocations each.
    for (t, tri) in f.triangles.enumerated() {
      let (p0, p1, p2) = (points[Int(tri.vertices.0)], points[Int(tri.vertices.1)], points[Int(tri.vertices.2)])
      let area = abs((p1.x - p0.x) * (p2.y - p0.y) - (p2.x - p0.x) * (p1.y - p0.y)) / 2
      let mx = (p0.x + p1.x + p2.x) / 3, my = (p0.y + p1.y + p2.y) / 3
      // ∫ p pᵀ over a triangle = A·(Σ vᵢvᵢᵀ + 9 m mᵀ) / 12.
      let sxx = p0.x * p0.x + p1.x * p1.x + p2.x * p2.x, sxy = p0.x * p0.y + p1.x * p1.y + p2.x * p2.y
      let syy = p0.y * p0.y + p1.y * p1.y + p2.y * p2.y
      triangleArea[t] = area
      triangleM1[t] = (area * mx, area * my)
      triangleM2[t] = (area * (sxx + 9 * mx * mx) / 12, area * (sxy + 9 * mx * my) / 12, area * (syy + 9 * my * my) / 12)
      events.append(Event(alpha: tri.alpha, kind: 0, a: Int32(t), b: -1))
      // Edge i is opposite vertex i: between vertices i+1 and i+2, shared with neighbour i.
      func edge(_ neighbour: Int32, _ u: Int32, _ w: Int32) {
        // Each interior edge once (from its lower-numbered triangle); hull edges always.
        guard neighbour < 0 || neighbour > Int32(t) else { return }
        let alpha = edgeAlpha[Self.key(u, w)] ?? tri.alpha
        events.append(Event(alpha: alpha, kind: 1, a: Int32(t), b: neighbour))
      }
      edge(tri.neighbors.0, tri.vertices.1, tri.vertices.2)
      edge(tri.neighbors.1, tri.vertices.2, tri.vertices.0)
      edge(tri.neighbors.2, tri.vertices.0, tri.vertices.1)
    }
    events.sort { $0.alpha > $1.alpha || ($0.alpha == $1.alpha && $0.kind < $1.kind) }

    // Union-find over triangles; index nt is OUT.
    var parent = Array(0...nt)
    var alive = [Bool](repeating: false, count: nt + 1)
    alive[nt] = true
    var area = triangleArea + [0], m1 = triangleM1 + [(0, 0)], m2 = triangleM2 + [(0, 0, 0)]
    var historyOf = [Int](repeating: -1, count: nt + 1)
    var unbounded = [Bool](repeating: false, count: nt + 1)
    unbounded[nt] = true
    var histories: [History] = []
    func find(_ x: Int) -> Int {
      var r = x
      while parent[r] != r { r = parent[r] }
      var y = x
      while parent[y] != r { (y, parent[y]) = (parent[y], r) }
      return r
    }
    func state(_ root: Int, _ alpha: Double) -> State {
      State(alpha: alpha, area: area[root], m1: m1[root], m2: m2[root])
    }
    for event in events {
      if event.kind == 0 {
        let t = Int(event.a)
        alive[t] = true
        historyOf[t] = histories.count
        histories.append(History(states: [state(t, event.alpha)], endedAt: nil, becameUnbounded: false))
        continue
      }
      let a = Int(event.a), b = event.b < 0 ? nt : Int(event.b)
      // Both sides exist: ρ(e) ≤ ρ(t) for incident triangles, and triangles come first on ties.
      guard alive[a], alive[b] else { continue }
      let ra = find(a), rb = find(b)
      if ra == rb { continue }
      if unbounded[ra] || unbounded[rb] {
        // Joining the outside: the bounded side's history ends here, unbounded.
        for r in [ra, rb] where !unbounded[r] && historyOf[r] >= 0 {
          histories[historyOf[r]].becameUnbounded = true
          histories[historyOf[r]].endedAt = event.alpha
        }
        let (keep, drop) = unbounded[ra] ? (ra, rb) : (rb, ra)
        parent[drop] = keep
        continue
      }
      // Elder rule by area: the larger continues.
      let (keep, drop) = area[ra] >= area[rb] ? (ra, rb) : (rb, ra)
      histories[historyOf[drop]].endedAt = event.alpha
      parent[drop] = keep
      area[keep] += area[drop]
      m1[keep] = (m1[keep].0 + m1[drop].0, m1[keep].1 + m1[drop].1)
      m2[keep] = (m2[keep].0 + m2[drop].0, m2[keep].1 + m2[drop].1, m2[keep].2 + m2[drop].2)
      histories[historyOf[keep]].states.append(state(keep, event.alpha))
    }
    self.histories = histories
  }

  static func key(_ a: Int32, _ b: Int32) -> UInt64 {
    let (lo, hi) = a < b ? (a, b) : (b, a)
    return UInt64(UInt32(bitPattern: lo)) << 32 | UInt64(UInt32(bitPattern: hi))
  }
}
