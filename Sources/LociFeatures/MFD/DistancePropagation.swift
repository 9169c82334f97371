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

  /// Bucket-queue propagation of sources to 8-neighbours (see `WeightedDistanceTransform`).
  mutating func propagate(bucketWidth: Float) {
    let n = width * height
    var minH = Float.infinity, maxH: Float = 0
    for v in sourceHeight where v.isFinite {
      minH = Swift.min(minH, v)
      maxH = Swift.max(maxH, v)
    }
    guard minH.isFinite else { return }
    let diagonal = Float(width * width + height * height).squareRoot()
    let bound = Swift.min(maxH, minH + diagonal) - minH
    let inverseWidth = 1 / bucketWidth
    let bucketCount = Int(bound * inverseWidth) + 2
    // Bucket queue as singly linked lists in flat arrays: head[b] → entry → next entry.
    var head = [Int32](repeating: -1, count: bucketCount)
    var entryPixel: [Int32] = []
    var entryNext: [Int32] = []
    entryPixel.reserveCapacity(n + n / 2)
    entryNext.reserveCapacity(n + n / 2)
    for i in stride(from: n - 1, through: 0, by: -1) where sourceHeight[i].isFinite {
      let b = Swift.min(Int((distance[i] - minH) * inverseWidth), bucketCount - 1)
      entryPixel.append(Int32(i))
      entryNext.append(head[b])
      head[b] = Int32(entryPixel.count - 1)
    }
    var settled = [Float](repeating: .infinity, count: n)
    let w = width, h = height
    distance.withUnsafeMutableBufferPointer { d in
      sourceX.withUnsafeMutableBufferPointer { sx in
        sourceY.withUnsafeMutableBufferPointer { sy in
          sourceHeight.withUnsafeMutableBufferPointer { sh in
            settled.withUnsafeMutableBufferPointer { done in
              for b in 0..<bucketCount {
                while head[b] >= 0 {
                  let e = Int(head[b])
                  head[b] = entryNext[e]
                  let p = Int(entryPixel[e])
                  let dp = d[p]
                  if dp >= done[p] { continue }  // stale: already released at this distance
                  done[p] = dp
                  let (px, py) = pixelCoordinates(p, width: w)
                  let fx = sx[p], fy = sy[p], fh = sh[p]
                  for qy in Swift.max(0, py - 1)...Swift.min(h - 1, py + 1) {
                    let ey = Float(qy) - fy
                    for qx in Swift.max(0, px - 1)...Swift.min(w - 1, px + 1) {
                      let q = qy * w + qx
                      let ex = Float(qx) - fx
                      let candidate = (ex * ex + ey * ey).squareRoot() + fh
                      guard candidate < d[q] else { continue }
                      d[q] = candidate
                      sx[q] = fx
                      sy[q] = fy
                      sh[q] = fh
                      let target = Swift.max(b, Swift.min(Int((candidate - minH) * inverseWidth), bucketCount - 1))
                      entryPixel.append(Int32(q))
                      entryNext.append(head[target])
                      head[target] = Int32(entryPixel.count - 1)
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// Offers every pixel the sources of its 5×5 neighbourhood. After propagation every
  /// pixel's final source has already been offered to its 8 neighbours, so one pass over the
  /// ring at distance 2 comes first; pixels improved by it offer their new source to their
  /// own 5×5 neighbourhood, as a work list, until nothing changes.
  mutating func polish() {
    let w = width, h = height
    var changed: [Int32] = []
    let ring2: [(Int, Int)] = (-2...2).flatMap { dy in (-2...2).map { dx in (dx, dy) } }
      .filter { Swift.max(abs($0.0), abs($0.1)) == 2 }
    distance.withUnsafeMutableBufferPointer { d in
      sourceX.withUnsafeMutableBufferPointer { sx in
        sourceY.withUnsafeMutableBufferPointer { sy in
          sourceHeight.withUnsafeMutableBufferPointer { sh in
            // Pull pass: each pixel looks at the sources held two pixels away.
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
            // Push passes: improved pixels offer their source to their 5×5 neighbourhood.
            while !changed.isEmpty {
              var next: [Int32] = []
              for p32 in changed {
                let p = Int(p32)
                let (px, py) = pixelCoordinates(p, width: w)
                let fx = sx[p], fy = sy[p], fh = sh[p]
                for qy in Swift.max(0, py - 2)...Swift.min(h - 1, py + 2) {
                  for qx in Swift.max(0, px - 2)...Swift.min(w - 1, px + 2) {
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
              changed = next
            }
          }
        }
      }
    }
  }
}
