/// The image partition dual to the medial axis: basins of −D seeded at the peaks of D,
/// with the saddle height between every pair of touching basins (MFD S4–S5).
///
/// [V-doc] Peaks (distance maxima in region interiors) and saddles (where the medial axis
/// meets partition boundaries) decompose the medial axis into a graph; labels are
/// back-propagated from the peaks "with the same marching method". [R] Pixels are released
/// level by level in decreasing D (a counting sort on D quantised to 1/32 px, so O(N)),
/// breadth-first inside a level; a pixel joins its labelled 8-neighbour with the highest D
/// (ties: the higher peak), and a piece of a level with no labelled neighbour is a new peak. The first time a pixel touches two basins
/// A ≠ B, D there is the highest pass between them, the saddle height σ_AB.
public struct MedialPartition: Sendable {
  /// One basin: its peak, inscribed radius ρ = D(peak), and pixel moments.
  public struct Basin: Sendable {
    public var peak: Int
    public var rho: Float
    /// The lowest source height h(S(x)) over the basin's pixels: its boundary's floor.
    public var floor: Float
    public var moments: RegionMoments
  }

  /// Two touching basins and the height of the highest pass between them.
  public struct Saddle: Sendable, Equatable {
    public var a: Int32
    public var b: Int32
    public var height: Float
    public var pixel: Int32
  }

  public let width: Int
  public let height: Int
  /// The basin of every pixel.
  public var labels: [Int32]
  public var basins: [Basin]
  public var saddles: [Saddle]

  public init(map: DistanceMap) {
    width = map.width
    height = map.height
    let w = map.width, h = map.height, n = w * h
    let d = map.distance
    let (order, level) = Self.decreasingOrder(d)
    var labels = [Int32](repeating: -1, count: n)
    var queued = [Bool](repeating: false, count: n)
    var basins: [Basin] = []
    var saddles: [Saddle] = []
    var saddleIndex: [UInt64: Int] = [:]
    var touching: [Int32] = []
    touching.reserveCapacity(8)
    var queue: [Int32] = []

    /// Labels p from its labelled neighbour with the highest D (a new basin if none) and
    /// records the saddles it reveals.
    func assign(_ p: Int) {
      let x = p % w, y = p / w
      var best: Int32 = -1
      var bestD = -Float.infinity
      touching.removeAll(keepingCapacity: true)
      for qy in Swift.max(0, y - 1)...Swift.min(h - 1, y + 1) {
        for qx in Swift.max(0, x - 1)...Swift.min(w - 1, x + 1) {
          let q = qy * w + qx
          let label = labels[q]
          guard label >= 0, q != p else { continue }
          if !touching.contains(label) { touching.append(label) }
          if d[q] > bestD || (d[q] == bestD && best >= 0 && basins[Int(label)].rho > basins[Int(best)].rho) {
            best = label
            bestD = d[q]
          }
        }
      }
      if best < 0 {
        best = Int32(basins.count)
        basins.append(Basin(peak: p, rho: d[p], floor: .infinity, moments: RegionMoments()))
      } else if touching.count > 1 {
        for other in touching where other != best {
          let key = UInt64(UInt32(Swift.min(best, other))) << 32 | UInt64(UInt32(Swift.max(best, other)))
          if saddleIndex[key] == nil {
            saddleIndex[key] = saddles.count
            saddles.append(Saddle(a: Swift.min(best, other), b: Swift.max(best, other), height: d[p], pixel: Int32(p)))
          }
        }
      }
      labels[p] = best
      let s = Int(map.source[p])
      if s >= 0 { basins[Int(best)].floor = Swift.min(basins[Int(best)].floor, map.sourceHeight[s]) }
      basins[Int(best)].moments.add(x: x, y: y, onBorder: x == 0 || y == 0 || x == w - 1 || y == h - 1)
    }

    /// Breadth-first over the unlabelled pixels of the same level reachable from `queue`,
    /// so a plateau (the D = 0 band of a saturated edge, above all) is split along its
    /// middle instead of in raster order (Vincent–Soille plateau handling).
    func flood() {
      var head = 0
      while head < queue.count {
        let p = Int(queue[head])
        head += 1
        assign(p)
        let x = p % w, y = p / w
        for qy in Swift.max(0, y - 1)...Swift.min(h - 1, y + 1) {
          for qx in Swift.max(0, x - 1)...Swift.min(w - 1, x + 1) {
            let q = qy * w + qx
            if labels[q] < 0 && !queued[q] && level[q] == level[p] {
              queued[q] = true
              queue.append(Int32(q))
            }
          }
        }
      }
      queue.removeAll(keepingCapacity: true)
    }

    var start = 0
    while start < n {
      var end = start
      let current = level[Int(order[start])]
      while end < n && level[Int(order[end])] == current { end += 1 }
      // Pixels of this level next to labelled ones grow those basins first…
      for i in start..<end {
        let p = Int(order[i])
        let x = p % w, y = p / w
        var adjacent = false
        for qy in Swift.max(0, y - 1)...Swift.min(h - 1, y + 1) where !adjacent {
          for qx in Swift.max(0, x - 1)...Swift.min(w - 1, x + 1) where labels[qy * w + qx] >= 0 { adjacent = true }
        }
        if adjacent {
          queued[p] = true
          queue.append(Int32(p))
        }
      }
      flood()
      // …what is left is the top of new peaks (plateau-aware: one basin per connected piece).
      for i in start..<end where labels[Int(order[i])] < 0 {
        queued[Int(order[i])] = true
        queue.append(order[i])
        flood()
      }
      start = end
    }
    self.labels = labels
    self.basins = basins
    self.saddles = saddles
  }

  /// Pixel indices by decreasing D and each pixel's level (D quantised to 1/32 px): a
  /// counting sort, stable, so equal keys stay in raster order and the result is deterministic.
  static func decreasingOrder(_ d: [Float]) -> (order: [Int32], level: [Int32]) {
    var maxD: Float = 0
    for v in d where v.isFinite { maxD = Swift.max(maxD, v) }
    let bins = Int(maxD * 32) + 2
    var count = [Int](repeating: 0, count: bins + 1)
    var level = [Int32](repeating: 0, count: d.count)
    for i in d.indices {
      let v = d[i]
      let k = v.isFinite ? bins - 1 - Swift.min(Int(v * 32), bins - 1) : 0
      level[i] = Int32(k)
      count[k + 1] += 1
    }
    for b in 0..<bins { count[b + 1] += count[b] }
    var order = [Int32](repeating: 0, count: d.count)
    for i in d.indices {
      let k = Int(level[i])
      order[count[k]] = Int32(i)
      count[k] += 1
    }
    return (order, level)
  }
}

/// Area and first/second pixel moments of a region, summable under merging.
public struct RegionMoments: Sendable, Equatable {
  public var area: Double = 0
  public var sumX: Double = 0
  public var sumY: Double = 0
  public var sumXX: Double = 0
  public var sumXY: Double = 0
  public var sumYY: Double = 0
  /// Whether any pixel lies on the image border.
  public var touchesBorder = false

  public init() {}

  mutating func add(x: Int, y: Int, onBorder: Bool) {
    let fx = Double(x), fy = Double(y)
    area += 1
    sumX += fx
    sumY += fy
    sumXX += fx * fx
    sumXY += fx * fy
    sumYY += fy * fy
    touchesBorder = touchesBorder || onBorder
  }

  static func + (l: RegionMoments, r: RegionMoments) -> RegionMoments {
    var m = l
    m.area += r.area
    m.sumX += r.sumX
    m.sumY += r.sumY
    m.sumXX += r.sumXX
    m.sumXY += r.sumXY
    m.sumYY += r.sumYY
    m.touchesBorder = l.touchesBorder || r.touchesBorder
    return m
  }

  public var centre: (x: Double, y: Double) { (sumX / area, sumY / area) }

  /// The pixel covariance, with the 1/12 of a unit pixel's own spread added so that the
  /// moment ellipse of a region has the region's area (S = 4Σ).
  public var covariance: SymmetricMatrix2 {
    let (cx, cy) = centre
    return SymmetricMatrix2(a: sumXX / area - cx * cx + 1.0 / 12, b: sumXY / area - cx * cy,
                            c: sumYY / area - cy * cy + 1.0 / 12)
  }
}
