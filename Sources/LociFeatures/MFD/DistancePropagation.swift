/// The working state of the weighted distance transform: per pixel its distance and its
/// source as coordinates plus height, so a candidate ‖q − s‖ + h(s) needs no index
/// arithmetic. Internal to `WeightedDistanceTransform`.
struct PropagationState {
  let width: Int
  let height: Int
  var distance: [Float]
  var sourceX: [Float]
  var sourceY: [Float]
  /// h(S(x)); +∞ while no source reaches the pixel.
  var sourceHeight: [Float]

  init(heights: [Float], width: Int, height: Int) {
    self.width = width
    self.height = height
    distance = heights
    sourceHeight = heights
    sourceX = [Float](repeating: 0, count: width * height)
    sourceY = [Float](repeating: 0, count: width * height)
    for y in 0..<height {
      for x in 0..<width {
        sourceX[y * width + x] = Float(x)
        sourceY[y * width + x] = Float(y)
      }
    }
  }

  /// Raster-scan source propagation: a forward pass (rows top to bottom; each pixel is
  /// offered the sources of its three upper neighbours and its left one, then the row is
  /// swept back right to left) and a backward pass (the mirror image). A straight path from a
  /// source to a pixel is monotone in y, so one of the two passes carries the source along
  /// it. The only offers the two passes miss are those of pixels improved in the backward
  /// pass to their lower neighbours (visited before them); those pixels then offer their
  /// source to their 8 neighbours, and every pixel so improved does the same, until nothing
  /// changes. Afterwards every pixel has been offered the final source of each of its 8
  /// neighbours, which is what `polish` assumes.
  ///
  /// Why not the bucket queue of group marching: releasing pixels in distance order reads
  /// memory at random; the scans read it in order. Same distances (the tests compare with
  /// brute force), MFD 20 % faster overall (docs/benchmarks.md).
  mutating func propagateByRasterScans() {
    let w = width, h = height
    let improved = distance.withUnsafeMutableBufferPointer { d in
      sourceX.withUnsafeMutableBufferPointer { sx in
        sourceY.withUnsafeMutableBufferPointer { sy in
          sourceHeight.withUnsafeMutableBufferPointer { sh in
            /// Offers pixel p at (x, y) the source held by pixel q; true when p improved.
            @inline(__always) func offer(_ p: Int, _ x: Float, _ y: Float, _ q: Int) -> Bool {
              let ex = x - sx[q], ey = y - sy[q]
              let candidate = (ex * ex + ey * ey).squareRoot() + sh[q]
              guard candidate < d[p] else { return false }
              d[p] = candidate
              sx[p] = sx[q]
              sy[p] = sy[q]
              sh[p] = sh[q]
              return true
            }
            for y in 0..<h {  // forward
              let fy = Float(y), row = y * w
              for x in 0..<w {
                let p = row + x, fx = Float(x)
                if y > 0 {
                  if x > 0 { _ = offer(p, fx, fy, p - w - 1) }
                  _ = offer(p, fx, fy, p - w)
                  if x < w - 1 { _ = offer(p, fx, fy, p - w + 1) }
                }
                if x > 0 { _ = offer(p, fx, fy, p - 1) }
              }
              for x in stride(from: w - 2, through: 0, by: -1) { _ = offer(row + x, Float(x), fy, row + x + 1) }
            }
            var improved: [Int32] = []
            for y in stride(from: h - 1, through: 0, by: -1) {  // backward
              let fy = Float(y), row = y * w
              for x in stride(from: w - 1, through: 0, by: -1) {
                let p = row + x, fx = Float(x)
                var better = false
                if y < h - 1 {
                  if x < w - 1 { better = offer(p, fx, fy, p + w + 1) || better }
                  better = offer(p, fx, fy, p + w) || better
                  if x > 0 { better = offer(p, fx, fy, p + w - 1) || better }
                }
                if x < w - 1 { better = offer(p, fx, fy, p + 1) || better }
                if better && y < h - 1 { improved.append(Int32(p)) }
              }
              for x in 1..<Swift.max(w, 1) where offer(row + x, Float(x), fy, row + x - 1) && y < h - 1 {
                improved.append(Int32(row + x))
              }
            }
            return improved
          }
        }
      }
    }
    pushSources(from: improved, radius: 1)  // the missed offers, and whatever they improve
  }

  /// Offers every pixel the sources of its 5×5 neighbourhood. After propagation every
  /// pixel's final source has already been offered to its 8 neighbours, so one pass over the
  /// ring at distance 2 comes first; pixels improved by it offer their new source to their
  /// own 5×5 neighbourhood, as a work list, until nothing changes.
  mutating func polish() {
    let w = width, h = height
    let ring2: [(Int, Int)] = (-2...2).flatMap { dy in (-2...2).map { dx in (dx, dy) } }
      .filter { Swift.max(abs($0.0), abs($0.1)) == 2 }
    let changed = distance.withUnsafeMutableBufferPointer { d in
      sourceX.withUnsafeMutableBufferPointer { sx in
        sourceY.withUnsafeMutableBufferPointer { sy in
          sourceHeight.withUnsafeMutableBufferPointer { sh in
            // Pull pass: each pixel looks at the sources held two pixels away.
            var changed: [Int32] = []
            for y in 0..<h {
              let fy = Float(y)
              for x in 0..<w {
                let p = y * w + x
                var best = d[p], bx = sx[p], by = sy[p], bh = sh[p]
                let interior = x >= 2 && y >= 2 && x < w - 2 && y < h - 2
                for (ox, oy) in ring2 {
                  if !interior && (x + ox < 0 || x + ox >= w || y + oy < 0 || y + oy >= h) { continue }
                  let q = p + oy * w + ox
                  let ex = Float(x) - sx[q], ey = fy - sy[q]
                  let candidate = (ex * ex + ey * ey).squareRoot() + sh[q]
                  if candidate < best {
                    best = candidate
                    bx = sx[q]
                    by = sy[q]
                    bh = sh[q]
                  }
                }
                if best < d[p] {
                  d[p] = best
                  sx[p] = bx
                  sy[p] = by
                  sh[p] = bh
                  changed.append(Int32(p))
                }
              }
            }
            return changed
          }
        }
      }
    }
    pushSources(from: changed, radius: 2)  // improved pixels offer their source to their 5×5 neighbourhood
  }

  /// Work-list propagation: each listed pixel offers its source to the pixels within
  /// `radius` of it (a (2·radius + 1)² square), and every pixel so improved does the same,
  /// until nothing changes. Shared by the raster scans' missed offers and the polish.
  private mutating func pushSources(from start: [Int32], radius: Int) {
    let w = width, h = height
    var list = start
    distance.withUnsafeMutableBufferPointer { d in
      sourceX.withUnsafeMutableBufferPointer { sx in
        sourceY.withUnsafeMutableBufferPointer { sy in
          sourceHeight.withUnsafeMutableBufferPointer { sh in
            while !list.isEmpty {
              var next: [Int32] = []
              for p32 in list {
                let p = Int(p32)
                let (px, py) = pixelCoordinates(p, width: w)
                let fx = sx[p], fy = sy[p], fh = sh[p]
                for qy in Swift.max(0, py - radius)...Swift.min(h - 1, py + radius) {
                  for qx in Swift.max(0, px - radius)...Swift.min(w - 1, px + radius) {
                    let q = qy * w + qx
                    let ex = Float(qx) - fx, ey = Float(qy) - fy
                    let candidate = (ex * ex + ey * ey).squareRoot() + fh
                    if candidate < d[q] {
                      d[q] = candidate
                      sx[q] = fx
                      sy[q] = fy
                      sh[q] = fh
                      next.append(Int32(q))
                    }
                  }
                }
              }
              list = next
            }
          }
        }
      }
    }
  }
}
