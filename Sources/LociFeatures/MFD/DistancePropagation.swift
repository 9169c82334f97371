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
  /// pass to their lower neighbours (visited before them): each row, once done, is offered
  /// to the row below. Pixels that improves offer their source to their 8 neighbours, and
  /// every pixel so improved does the same, until nothing changes. Afterwards every pixel
  /// has been offered the final source of each of its 8 neighbours, which is what `polish`
  /// assumes.
  ///
  /// Why not the bucket queue of group marching: releasing pixels in distance order reads
  /// memory at random; the scans read it in order. Same distances (the tests compare with
  /// brute force), MFD 20 % faster overall (docs/benchmarks.md).
  mutating func propagateByRasterScans() {
    let w = width, h = height
    var row = SourcePullRow(width: w), below = SourcePullRow(width: w)
    let improved = distance.withUnsafeMutableBufferPointer { d in
      sourceX.withUnsafeMutableBufferPointer { sx in
        sourceY.withUnsafeMutableBufferPointer { sy in
          sourceHeight.withUnsafeMutableBufferPointer { sh in
            // Each row: the three neighbours in the row behind (one vectorised pull per
            // offset, in the order up-left, up, up-right), then the sweep along the row that
            // follows the pass's direction, then the sweep back. Per pixel this is the same
            // sequence of offers as a pixel-by-pixel loop.
            for y in 0..<h {  // forward
              let base = y * w
              row.load(from: base, d, sx, sy, sh)
              if y > 0 {
                for ox in -1...1 { row.pull(offset: ox, y: Float(y), neighbourRow: base - w, sx, sy, sh) }
              }
              row.sweep(leftToRight: true, y: Float(y))
              row.sweep(leftToRight: false, y: Float(y))
              var unused: [Int32] = []
              row.store(to: base, d, sx, sy, sh, changed: &unused, listing: false)
            }
            var improved: [Int32] = []
            for y in stride(from: h - 1, through: 0, by: -1) {  // backward
              let base = y * w
              row.load(from: base, d, sx, sy, sh)
              if y < h - 1 {
                for ox in [1, 0, -1] { row.pull(offset: ox, y: Float(y), neighbourRow: base + w, sx, sy, sh) }
              }
              row.sweep(leftToRight: false, y: Float(y))
              row.sweep(leftToRight: true, y: Float(y))
              var unused: [Int32] = []
              row.store(to: base, d, sx, sy, sh, changed: &unused, listing: false)
              // The offers this pass misses: row y's new sources to the row below, which it
              // visited first. Made here as three vectorised pulls by that row, since about
              // 40 % of the pixels improve in this pass (graf) and nearly no offer succeeds;
              // the few pixels they do improve go on the work list.
              if y < h - 1 {
                below.load(from: base + w, d, sx, sy, sh)
                for ox in -1...1 { below.pull(offset: ox, y: Float(y + 1), neighbourRow: base, sx, sy, sh) }
                below.store(to: base + w, d, sx, sy, sh, changed: &improved, listing: true)
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
  ///
  /// The pull pass runs one ring offset at a time over a whole row (`pullRingIntoRow`): for a
  /// fixed offset the neighbours of consecutive pixels are consecutive, so the loop
  /// vectorises (four square roots at once). Each pixel sees the offsets in the same order
  /// as a pixel-by-pixel loop would; the one difference is that the pixel two to the left
  /// is read before its own pull in this pass, which the work list then makes up for.
  mutating func polish() {
    let w = width, h = height
    let ring2: [(Int, Int)] = (-2...2).flatMap { dy in (-2...2).map { dx in (dx, dy) } }
      .filter { Swift.max(abs($0.0), abs($0.1)) == 2 }
    var row = SourcePullRow(width: w)
    let changed = distance.withUnsafeMutableBufferPointer { d in
      sourceX.withUnsafeMutableBufferPointer { sx in
        sourceY.withUnsafeMutableBufferPointer { sy in
          sourceHeight.withUnsafeMutableBufferPointer { sh in
            var changed: [Int32] = []
            for y in 0..<h {
              let base = y * w
              row.load(from: base, d, sx, sy, sh)
              for (ox, oy) in ring2 where y + oy >= 0 && y + oy < h {
                row.pull(offset: ox, y: Float(y), neighbourRow: base + oy * w, sx, sy, sh)
              }
              row.store(to: base, d, sx, sy, sh, changed: &changed, listing: true)
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
