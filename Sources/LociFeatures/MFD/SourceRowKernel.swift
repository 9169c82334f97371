// The portable build of the row offers (SSE on x86-64, four pixels at a time). On CPUs with
// AVX2, `SourceRow.offer` runs the C version in LociKernels (`loci_source_row_offer_avx2`,
// eight at a time) first and this one finishes the row. Both give the same bits: every
// operation is an exactly rounded IEEE one (no fused multiply-add is formed), so lane width
// changes nothing.

/// The distance transform's hot loop: offers from one row to another (MFD S2).
package enum SourceRowKernel {
  /// For x in `first..<end`: the candidate ‖(x, y) − s‖ + h(s), with s the source held by
  /// the neighbour (`fromX`, `fromY`, `fromHeight`, already shifted by the column offset), replaces
  /// pixel x's distance and source (`distance`, `sourceX`, `sourceY`, `sourceHeight`) when
  /// strictly smaller. `columns[x]` is x as a Float.
  package static func offer(distance b: UnsafeMutablePointer<Float>, sourceX bx: UnsafeMutablePointer<Float>,
                           sourceY by: UnsafeMutablePointer<Float>, sourceHeight bh: UnsafeMutablePointer<Float>,
                           fromX qx: UnsafePointer<Float>, fromY qy: UnsafePointer<Float>, fromHeight qh: UnsafePointer<Float>,
                           first: Int, end: Int, y: Float, columns: UnsafePointer<Float>) {
    var x = first
    // Most offers change nothing (in the polish, all but about 0.2 %), so a block of lanes
    // none of which improves writes nothing: the four stores were most of the kernel's time.
    // Written out over SIMD4: a generic version over `SIMD` measured 3× slower (not
    // specialised into vector code).
    let y4 = SIMD4<Float>(repeating: y)
    while x + 4 <= end {
      let nx = load4(qx + x), ny = load4(qy + x), nh = load4(qh + x)
      let ex = load4(columns + x) - nx, ey = y4 - ny
      let candidate = (ex * ex + ey * ey).squareRoot() + nh
      let current = load4(b + x)
      let better = candidate .< current
      if any(better) {
        store4(current.replacing(with: candidate, where: better), b + x)
        store4(load4(bx + x).replacing(with: nx, where: better), bx + x)
        store4(load4(by + x).replacing(with: ny, where: better), by + x)
        store4(load4(bh + x).replacing(with: nh, where: better), bh + x)
      }
      x += 4
    }
    while x < end {
      offerOne(x, column: columns[x], y: y, sourceX: qx[x], sourceY: qy[x], sourceHeight: qh[x], b, bx, by, bh)
      x += 1
    }
  }

  /// Pixel x is offered the source (`sourceX`, `sourceY`) of height `sourceHeight`; true when
  /// it took it. The scalar offer, shared with the sweeps along a row and the work list.
  @inline(__always) @discardableResult
  static func offerOne(_ x: Int, column: Float, y: Float, sourceX: Float, sourceY: Float, sourceHeight: Float,
                       _ b: UnsafeMutablePointer<Float>, _ bx: UnsafeMutablePointer<Float>,
                       _ by: UnsafeMutablePointer<Float>, _ bh: UnsafeMutablePointer<Float>) -> Bool {
    let ex = column - sourceX, ey = y - sourceY
    let candidate = (ex * ex + ey * ey).squareRoot() + sourceHeight
    if candidate < b[x] {
      b[x] = candidate
      bx[x] = sourceX
      by[x] = sourceY
      bh[x] = sourceHeight
      return true
    }
    return false
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
