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
    // Every pixel starts as its own source.
    sourceX = [Float](unsafeUninitializedCapacity: width * height) { out, count in
      for y in 0..<height {
        for x in 0..<width { out[y * width + x] = Float(x) }
      }
      count = width * height
    }
    sourceY = [Float](unsafeUninitializedCapacity: width * height) { out, count in
      for y in 0..<height {
        let fy = Float(y)
        for x in 0..<width { out[y * width + x] = fy }
      }
      count = width * height
    }
  }

  /// Raster-scan source propagation: a forward pass (rows top to bottom; each pixel is
  /// offered the sources of its three upper neighbours and its left one, then the row is
  /// swept back right to left) and a backward pass (the mirror image). A straight path from a
  /// source to a pixel is monotone in y, so one of the two passes carries the source along
  /// it. The only offers the two passes miss are those of pixels improved in the backward
  /// pass to their lower neighbours (visited before them): each row, once done, is offered
  /// to the row below. Pixels that improve offer their source to their 8 neighbours, and
  /// every pixel so improved does the same, until nothing changes. Afterwards every pixel
  /// has been offered the final source of each of its 8 neighbours (the backward sweeps skip
  /// only offers already rejected, see `SourceRow.sweepChanged`), which is what `polish`
  /// assumes and `DistancePropagationTests` checks.
  ///
  /// Why not the bucket queue of group marching: releasing pixels in distance order reads
  /// memory at random; the scans read it in order. Same distances (the tests compare with
  /// brute force), MFD 20 % faster overall (docs/benchmarks.md).
  mutating func propagateByRasterScans() {
    let w = width, h = height
    let below = SourceRowBuffer(width: w), columns = below.columns
    let distanceBefore = UnsafeMutablePointer<Float>.allocate(capacity: w)
    let changed = UnsafeMutablePointer<UInt8>.allocate(capacity: w)
    defer {
      distanceBefore.deallocate()
      changed.deallocate()
    }
    let improved = distance.withUnsafeMutableBufferPointer { d in
      sourceX.withUnsafeMutableBufferPointer { sx in
        sourceY.withUnsafeMutableBufferPointer { sy in
          sourceHeight.withUnsafeMutableBufferPointer { sh in
            // Each row, in place: the three neighbours in the row behind (one vectorised
            // offer per offset, in the order up-left, up, up-right), then the sweep along the
            // row that follows the pass's direction, then the sweep back. Per pixel this is
            // the same sequence of offers as a pixel-by-pixel loop.
            for y in 0..<h {  // forward
              let row = SourceRow(d, sx, sy, sh, at: y * w), fy = Float(y)
              if y > 0 {
                let above = SourceRow(d, sx, sy, sh, at: (y - 1) * w)
                for ox in -1...1 { row.offer(from: above, offset: ox, width: w, y: fy, columns: columns) }
              }
              row.sweep(leftToRight: true, width: w, y: fy, columns: columns)
              row.sweep(leftToRight: false, width: w, y: fy, columns: columns)
            }
            var improved: [Int32] = []
            for y in stride(from: h - 1, through: 0, by: -1) {  // backward
              let row = SourceRow(d, sx, sy, sh, at: y * w), fy = Float(y)
              let next = y < h - 1 ? SourceRow(d, sx, sy, sh, at: (y + 1) * w) : nil
              if let next {
                // The row was swept both ways in the forward pass and nothing has touched it
                // since, so only the pixels the row below improves can start a change along
                // it: the sweeps follow those alone (same result as full sweeps, see
                // `sweepChanged`; when the row below improves nothing, both are skipped).
                distanceBefore.update(from: row.distance, count: w)
                for ox in [1, 0, -1] { row.offer(from: next, offset: ox, width: w, y: fy, columns: columns) }
                var any: UInt8 = 0
                for x in 0..<w {
                  let c: UInt8 = row.distance[x] < distanceBefore[x] ? 1 : 0
                  changed[x] = c
                  any |= c
                }
                if any != 0 {
                  row.sweepChanged(leftToRight: false, width: w, y: fy, columns: columns, changed: changed)
                  row.sweepChanged(leftToRight: true, width: w, y: fy, columns: columns, changed: changed)
                }
              }
              // The offers this pass misses: row y's new sources to the row below, which it
              // visited first. Made here by that row, three vectorised offers on a copy, since
              // about 40 % of the pixels improve in this pass (bark img1) and nearly no such offer
              // succeeds; the few pixels it does improve go on the work list.
              if let next {
                below.load(next)
                for ox in -1...1 { below.row.offer(from: row, offset: ox, width: w, y: fy + 1, columns: columns) }
                below.store(to: next, base: (y + 1) * w, changed: &improved)
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
  /// The pull pass works on a copy of each row (`SourceRowBuffer`), one ring offset at a
  /// time: for a fixed offset the neighbours of consecutive pixels are consecutive, so four
  /// are done at once. Each pixel sees the offsets in the same order as a pixel-by-pixel
  /// loop would; the one difference is that the pixel two to the left is read before its own
  /// pull in this pass, which the work list then makes up for.
  mutating func polish() {
    let w = width, h = height
    let ring2: [(Int, Int)] = (-2...2).flatMap { dy in (-2...2).map { dx in (dx, dy) } }
      .filter { Swift.max(abs($0.0), abs($0.1)) == 2 }
    let buffer = SourceRowBuffer(width: w)
    let changed = distance.withUnsafeMutableBufferPointer { d in
      sourceX.withUnsafeMutableBufferPointer { sx in
        sourceY.withUnsafeMutableBufferPointer { sy in
          sourceHeight.withUnsafeMutableBufferPointer { sh in
            var changed: [Int32] = []
            for y in 0..<h {
              let row = SourceRow(d, sx, sy, sh, at: y * w)
              buffer.load(row)
              for (ox, oy) in ring2 where y + oy >= 0 && y + oy < h {
                buffer.row.offer(from: SourceRow(d, sx, sy, sh, at: (y + oy) * w), offset: ox, width: w,
                                 y: Float(y), columns: buffer.columns)
              }
              buffer.store(to: row, base: y * w, changed: &changed)
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
                    if SourceRowKernel.offerOne(q, column: Float(qx), y: Float(qy), sourceX: fx, sourceY: fy, sourceHeight: fh,
                                                d.baseAddress!, sx.baseAddress!, sy.baseAddress!, sh.baseAddress!) {
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
