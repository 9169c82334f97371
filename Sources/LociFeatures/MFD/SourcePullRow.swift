/// One row of the distance transform's passes (`PropagationState`): the best candidate so
/// far for each pixel of the row, improved one neighbour offset at a time. Offers from
/// another row do not depend on each other, so `pull` handles four pixels at once (SSE
/// square roots, compares and selects); offers along the row depend on the pixel just
/// improved, so `sweep` is scalar. Internal to the distance transform.
struct SourcePullRow {
  private var best: [Float]
  private var bestX: [Float]
  private var bestY: [Float]
  private var bestHeight: [Float]
  /// 0, 1, 2, …: the x coordinate of each pixel as a Float, so the loop converts nothing.
  private let columns: [Float]

  init(width: Int) {
    best = [Float](repeating: 0, count: width)
    bestX = best
    bestY = best
    bestHeight = best
    columns = (0..<width).map(Float.init)
  }

  /// Starts the row from the pixels' current distances and sources.
  mutating func load(from base: Int, _ d: UnsafeMutableBufferPointer<Float>, _ sx: UnsafeMutableBufferPointer<Float>,
                     _ sy: UnsafeMutableBufferPointer<Float>, _ sh: UnsafeMutableBufferPointer<Float>) {
    let n = best.count
    best.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: d.baseAddress! + base, count: n) }
    bestX.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: sx.baseAddress! + base, count: n) }
    bestY.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: sy.baseAddress! + base, count: n) }
    bestHeight.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: sh.baseAddress! + base, count: n) }
  }

  /// Offers each pixel x of the row (at height `y`) the source held by the pixel at column
  /// x + `offset` of the row starting at `neighbourRow`, where that column exists; a strictly
  /// smaller candidate replaces the best one.
  mutating func pull(offset: Int, y: Float, neighbourRow: Int, _ sx: UnsafeMutableBufferPointer<Float>,
                     _ sy: UnsafeMutableBufferPointer<Float>, _ sh: UnsafeMutableBufferPointer<Float>) {
    let first = Swift.max(0, -offset), end = Swift.min(best.count, best.count - offset)
    guard first < end else { return }  // a row narrower than the offset
    let range = first..<end
    let neighbourBase = neighbourRow + offset
    let qx = sx.baseAddress! + neighbourBase, qy = sy.baseAddress! + neighbourBase, qh = sh.baseAddress! + neighbourBase
    columns.withUnsafeBufferPointer { xs in
      best.withUnsafeMutableBufferPointer { b in
        bestX.withUnsafeMutableBufferPointer { bx in
          bestY.withUnsafeMutableBufferPointer { by in
            bestHeight.withUnsafeMutableBufferPointer { bh in
              var x = range.lowerBound
              let yy = SIMD4<Float>(repeating: y)
              while x + 4 <= range.upperBound {
                let nx = load4(qx + x), ny = load4(qy + x), nh = load4(qh + x)
                let ex = load4(xs.baseAddress! + x) - nx, ey = yy - ny
                let candidate = (ex * ex + ey * ey).squareRoot() + nh
                let better = candidate .< load4(b.baseAddress! + x)
                store4(load4(b.baseAddress! + x).replacing(with: candidate, where: better), b.baseAddress! + x)
                store4(load4(bx.baseAddress! + x).replacing(with: nx, where: better), bx.baseAddress! + x)
                store4(load4(by.baseAddress! + x).replacing(with: ny, where: better), by.baseAddress! + x)
                store4(load4(bh.baseAddress! + x).replacing(with: nh, where: better), bh.baseAddress! + x)
                x += 4
              }
              while x < range.upperBound {
                let ex = xs[x] - qx[x], ey = y - qy[x]
                let candidate = (ex * ex + ey * ey).squareRoot() + qh[x]
                if candidate < b[x] {
                  b[x] = candidate
                  bx[x] = qx[x]
                  by[x] = qy[x]
                  bh[x] = qh[x]
                }
                x += 1
              }
            }
          }
        }
      }
    }
  }

  /// Offers each pixel the source its neighbour along the row holds by then, visiting the
  /// row from left to right (the left neighbour offers) or from right to left.
  mutating func sweep(leftToRight: Bool, y: Float) {
    let n = best.count
    guard n > 1 else { return }
    columns.withUnsafeBufferPointer { xs in
      best.withUnsafeMutableBufferPointer { b in
        bestX.withUnsafeMutableBufferPointer { bx in
          bestY.withUnsafeMutableBufferPointer { by in
            bestHeight.withUnsafeMutableBufferPointer { bh in
              @inline(__always) func offer(_ x: Int, from q: Int) {
                let ex = xs[x] - bx[q], ey = y - by[q]
                let candidate = (ex * ex + ey * ey).squareRoot() + bh[q]
                if candidate < b[x] {
                  b[x] = candidate
                  bx[x] = bx[q]
                  by[x] = by[q]
                  bh[x] = bh[q]
                }
              }
              if leftToRight {
                for x in 1..<n { offer(x, from: x - 1) }
              } else {
                for x in stride(from: n - 2, through: 0, by: -1) { offer(x, from: x + 1) }
              }
            }
          }
        }
      }
    }
  }

  /// Writes back the pixels whose distance fell and, when `listing`, appends them to
  /// `changed`.
  func store(to base: Int, _ d: UnsafeMutableBufferPointer<Float>, _ sx: UnsafeMutableBufferPointer<Float>,
             _ sy: UnsafeMutableBufferPointer<Float>, _ sh: UnsafeMutableBufferPointer<Float>,
             changed: inout [Int32], listing: Bool) {
    for x in best.indices where best[x] < d[base + x] {
      d[base + x] = best[x]
      sx[base + x] = bestX[x]
      sy[base + x] = bestY[x]
      sh[base + x] = bestHeight[x]
      if listing { changed.append(Int32(base + x)) }
    }
  }
}

@inline(__always) private func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
}

@inline(__always) private func load4(_ p: UnsafeMutablePointer<Float>) -> SIMD4<Float> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
}

@inline(__always) private func store4(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self)
}
