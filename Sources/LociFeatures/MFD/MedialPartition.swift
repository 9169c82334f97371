import LociCore

/// The image partition dual to the medial axis: basins of −D seeded at the peaks of D,
/// with the saddle height between every pair of touching basins (MFD S4–S5).
///
/// [V-doc] Peaks (distance maxima in region interiors) and saddles (where the medial axis
/// meets partition boundaries) decompose the medial axis into a graph; labels are
/// back-propagated from the peaks "with the same marching method". [R] Pixels are released
/// level by level in decreasing D (a counting sort on D quantised to 1/32 px, so O(N)),
/// breadth-first inside a level; a pixel joins its labelled 8-neighbour with the highest D
/// (ties: the higher peak), and a piece of a level with no labelled neighbour is a new peak.
/// The first time a pixel touches two basins A ≠ B, D there is the highest pass between
/// them, the saddle height σ_AB. `MedialPartition(steepestAscentOf:)` is the alternative
/// drainage form (see there).
package struct MedialPartition: Sendable {
  /// One basin: its peak, inscribed radius ρ = D(peak), and pixel moments.
  package struct Basin: Sendable {
    package var peak: Int
    package var rho: Float
    package var moments: RegionMoments
  }

  /// Two touching basins and the height of the highest pass between them.
  package struct Saddle: Sendable, Equatable {
    package var a: Int32
    package var b: Int32
    package var height: Float
    package var pixel: Int32
  }

  package let width: Int
  package let height: Int
  /// The basin of every pixel.
  package var labels: [Int32]
  package var basins: [Basin]
  package var saddles: [Saddle]

  package init(map: DistanceMap, levelsPerPixel: Float = 32) {
    width = map.width
    height = map.height
    (labels, basins, saddles) = Self.flood(map, levelsPerPixel: levelsPerPixel)
  }

  /// Basins by steepest ascent (drainage): every pixel points to its 8-neighbour with the
  /// highest D (ties by index, so the order is strict and a plateau splits into pieces
  /// that merge at once in the tree), and belongs to the peak its path ends at. The saddle
  /// of two touching basins is the highest min(D(p), D(q)) over adjacent pixels p, q across
  /// them: where flooding would first join them. Raster-order passes only, so it avoids the
  /// cache misses of releasing pixels in D order.
  package init(steepestAscentOf map: DistanceMap) {
    width = map.width
    height = map.height
    let w = map.width, h = map.height, n = w * h
    let up = [Int32](unsafeUninitializedCapacity: n) { next, count in
      map.distance.withUnsafeBufferPointer { d in UphillNeighbours.compute(d, width: w, height: h, into: next) }
      count = n
    }
    var labels = [Int32](repeating: -1, count: n)
    var peaks: [Int] = []
    up.withUnsafeBufferPointer { next in
      labels.withUnsafeMutableBufferPointer { label in
        // Climb from each unlabelled pixel until a labelled pixel or a peak, then climb
        // the same path again writing the label: two walks over cached pixels are cheaper
        // than keeping the path in an array.
        for start in 0..<n where label[start] < 0 {
          var p = start
          while label[p] < 0 && Int(next[p]) != p { p = Int(next[p]) }
          if label[p] < 0 {
            label[p] = Int32(peaks.count)
            peaks.append(p)
          }
          let basin = label[p]
          var q = start
          while label[q] < 0 {
            label[q] = basin
            q = Int(next[q])
          }
        }
      }
    }
    var moments = [RegionMoments](repeating: RegionMoments(), count: peaks.count)
    let saddles = map.distance.withUnsafeBufferPointer { d in
      labels.withUnsafeBufferPointer { labels in
        moments.withUnsafeMutableBufferPointer { moments in
          var collector = SaddleCollector()
          let base = labels.baseAddress!
          for y in 0..<h {
            var runStart = 0  // moments are added per run of one basin along the row
            // Most pixels lie inside a basin: a pixel whose right and three lower neighbours
            // all carry its own label ends no run and touches no other basin. Eight pixels at
            // a time are compared as vectors; only those that differ are visited, in order.
            var next = 0, pending: UInt32 = 0, pendingBase = 0
            while true {
              let x: Int
              if pending != 0 {
                x = pendingBase + pending.trailingZeroBitCount
                pending &= pending - 1
              } else if next >= w {
                break
              } else if next > 0 && next + 8 < w && y + 1 < h {
                let p = base + y * w + next, below = p + w
                let a = p.loadSIMD8()
                let same = (a .== p.loadSIMD8(at: 1)) .& (a .== below.loadSIMD8(at: -1)) .& (a .== below.loadSIMD8())
                  .& (a .== below.loadSIMD8(at: 1))
                pending = UInt32(SIMD8<Int32>(repeating: 0).replacing(with: SIMD8(1, 2, 4, 8, 16, 32, 64, 128), where: .!same).wrappedSum())
                pendingBase = next
                next += 8
                continue
              } else {
                x = next
                next += 1
              }
              let p = y * w + x, a = labels[p]
              if x + 1 == w || labels[p + 1] != a {
                moments[Int(a)].addRun(from: runStart, through: x, y: y, width: w, height: h)
                runStart = x + 1
              }
              // Right, down-left, down and down-right: every adjacent pair once.
              if x + 1 < w, labels[p + 1] != a { collector.touch(p, p + 1, a, labels[p + 1], d) }
              guard y + 1 < h else { continue }
              let below = p + w
              if x > 0, labels[below - 1] != a { collector.touch(p, below - 1, a, labels[below - 1], d) }
              if labels[below] != a { collector.touch(p, below, a, labels[below], d) }
              if x + 1 < w, labels[below + 1] != a { collector.touch(p, below + 1, a, labels[below + 1], d) }
            }
          }
          return collector.saddles
        }
      }
    }
    self.labels = labels
    basins = peaks.indices.map { Basin(peak: peaks[$0], rho: map.distance[peaks[$0]], moments: moments[$0]) }
    self.saddles = saddles
  }

  /// The flooding itself, written as one flat loop over contiguous buffers (no nested
  /// functions capturing mutable state, which cost 4× here). Level by level: pixels next to
  /// labelled ones are queued first and flooded breadth-first inside the level, so a plateau
  /// (the low band along a saturated edge, above all) is split along its middle rather than
  /// in raster order (Vincent–Soille); whatever stays unreached starts a new basin.
  static func flood(_ map: DistanceMap, levelsPerPixel: Float) -> ([Int32], [Basin], [Saddle]) {
    let w = map.width, h = map.height, n = w * h
    let (order, level) = decreasingOrder(map.distance, levelsPerPixel: levelsPerPixel)
    var labels = [Int32](repeating: -1, count: n)
    var queued = [Bool](repeating: false, count: n)
    var queue: [Int32] = []
    queue.reserveCapacity(1024)
    // Basins as struct-of-arrays while flooding.
    var peaks: [Int] = [], rhos: [Float] = [], moments: [RegionMoments] = []
    var saddles: [Saddle] = []
    var saddleIndex = BasinPairTable()
    var touching = [Int32](repeating: 0, count: 9)
    map.distance.withUnsafeBufferPointer { d in
        labels.withUnsafeMutableBufferPointer { label in
          queued.withUnsafeMutableBufferPointer { isQueued in
            var start = 0
            while start < n {
              var end = start
              let current = level[Int(order[start])]
              while end < n && level[Int(order[end])] == current { end += 1 }
              for i in start..<end {
                let p = Int(order[i])
                let (x, y) = pixelCoordinates(p, width: w)
                var adjacent = false
                scan: for qy in Swift.max(0, y - 1)...Swift.min(h - 1, y + 1) {
                  for qx in Swift.max(0, x - 1)...Swift.min(w - 1, x + 1) where label[qy * w + qx] >= 0 {
                    adjacent = true
                    break scan
                  }
                }
                if adjacent {
                  isQueued[p] = true
                  queue.append(Int32(p))
                }
              }
              var head = 0, leftover = start
              while true {
                if head == queue.count {
                  while leftover < end && (label[Int(order[leftover])] >= 0 || isQueued[Int(order[leftover])]) { leftover += 1 }
                  if leftover == end { break }
                  isQueued[Int(order[leftover])] = true
                  queue.append(order[leftover])
                }
                let p = Int(queue[head])
                head += 1
                let (x, y) = pixelCoordinates(p, width: w)
                // Join the labelled neighbour with the highest D (ties: the higher peak).
                var best: Int32 = -1
                var bestD = -Float.infinity
                var touchingCount = 0
                for qy in Swift.max(0, y - 1)...Swift.min(h - 1, y + 1) {
                  for qx in Swift.max(0, x - 1)...Swift.min(w - 1, x + 1) {
                    let q = qy * w + qx
                    let l = label[q]
                    if l < 0 {
                      if !isQueued[q] && level[q] == current {
                        isQueued[q] = true
                        queue.append(Int32(q))
                      }
                      continue
                    }
                    var seen = false
                    for t in 0..<touchingCount where touching[t] == l { seen = true }
                    if !seen {
                      touching[touchingCount] = l
                      touchingCount += 1
                    }
                    if d[q] > bestD || (d[q] == bestD && best >= 0 && rhos[Int(l)] > rhos[Int(best)]) {
                      best = l
                      bestD = d[q]
                    }
                  }
                }
                if best < 0 {
                  best = Int32(peaks.count)
                  peaks.append(p)
                  rhos.append(d[p])
                  moments.append(RegionMoments())
                } else if touchingCount > 1 {
                  // The first contact of two basins is the highest pass between them.
                  for t in 0..<touchingCount where touching[t] != best {
                    let a = Swift.min(best, touching[t]), b = Swift.max(best, touching[t])
                    if saddleIndex.findOrInsert(BasinPairTable.key(a, b), Int32(saddles.count)).inserted {
                      saddles.append(Saddle(a: a, b: b, height: d[p], pixel: Int32(p)))
                    }
                  }
                }
                label[p] = best
                moments[Int(best)].add(x: x, y: y, onBorder: x == 0 || y == 0 || x == w - 1 || y == h - 1)
              }
              queue.removeAll(keepingCapacity: true)
              start = end
            }
          }
        }
    }
    let basins = peaks.indices.map { Basin(peak: peaks[$0], rho: rhos[$0], moments: moments[$0]) }
    return (labels, basins, saddles)
  }

  /// Pixel indices by decreasing D and each pixel's level (D quantised to 1/32 px): a
  /// counting sort, stable, so equal keys stay in raster order and the result is deterministic.
  static func decreasingOrder(_ d: [Float], levelsPerPixel: Float = 32) -> (order: [Int32], level: [Int32]) {
    var maxD: Float = 0
    for v in d where v.isFinite { maxD = Swift.max(maxD, v) }
    let bins = Int(maxD * levelsPerPixel) + 2
    var count = [Int](repeating: 0, count: bins + 1)
    var level = [Int32](repeating: 0, count: d.count)
    for i in d.indices {
      let v = d[i]
      let k = v.isFinite ? bins - 1 - Swift.min(Int(v * levelsPerPixel), bins - 1) : 0
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
package struct RegionMoments: Sendable, Equatable {
  package var area: Double = 0
  package var sumX: Double = 0
  package var sumY: Double = 0
  package var sumXX: Double = 0
  package var sumXY: Double = 0
  package var sumYY: Double = 0
  /// Whether any pixel lies on the image border.
  package var touchesBorder = false

  package init() {}

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

  /// Adds the pixels x0…x1 of row y at once. The sums are of integers, computed in integers
  /// (Σx² = F(x1) − F(x0 − 1) with F(n) = n(n + 1)(2n + 1)/6), so they equal pixel-by-pixel
  /// addition exactly: every partial sum stays far below 2⁵³.
  mutating func addRun(from x0: Int, through x1: Int, y: Int, width: Int, height: Int) {
    let length = x1 - x0 + 1
    let sx = (x0 + x1) * length / 2
    @inline(__always) func squares(_ n: Int) -> Int { n * (n + 1) * (2 * n + 1) / 6 }
    area += Double(length)
    sumX += Double(sx)
    sumY += Double(length * y)
    sumXX += Double(squares(x1) - squares(x0 - 1))
    sumXY += Double(sx * y)
    sumYY += Double(length * y * y)
    touchesBorder = touchesBorder || y == 0 || y == height - 1 || x0 == 0 || x1 == width - 1
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

  package var centre: (x: Double, y: Double) { (sumX / area, sumY / area) }

  /// The pixel covariance, with the 1/12 of a unit pixel's own spread added so that the
  /// moment ellipse of a region has the region's area (S = 4Σ).
  package var covariance: SymmetricMatrix2 {
    let (cx, cy) = centre
    return SymmetricMatrix2(a: sumXX / area - cx * cx + 1.0 / 12, b: sumXY / area - cx * cy,
                            c: sumYY / area - cy * cy + 1.0 / 12)
  }
}
