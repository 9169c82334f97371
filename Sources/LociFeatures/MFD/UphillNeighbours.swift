import LociCore

/// The step of MFD's steepest-ascent partition (S5): for every pixel, the pixel of its 3×3
/// neighbourhood (itself included) with the highest D, ties to the larger index, so the order
/// is strict and every climb ends. Internal to `MedialPartition(steepestAscentOf:)`.
///
/// The 3×3 maximum is separable: the best of three columns in each row (kept for three rows
/// in turn), then the best of those three rows, 4 comparisons a pixel rather than 8. Eight
/// pixels go at once as vectors of (D, index) with compare-and-select, so the random order of
/// neighbours' D costs no mispredicted branches. Taking a later candidate when its D is ≥ the
/// best so far is the tie rule itself, because candidates come in increasing index order
/// (left, centre, right; the row above, this row, the row below). D ≥ 0 and is never NaN.
enum UphillNeighbours {
  /// `next[p]` for every pixel p of the `width`×`height` map `d`.
  static func compute(_ d: UnsafeBufferPointer<Float>, width w: Int, height h: Int,
                      into next: UnsafeMutableBufferPointer<Int32>) {
    precondition(d.count == w * h && next.count == w * h && w * h < Int(Int32.max))
    guard w > 0, h > 0 else { return }
    // Three rows of horizontal winners: values, then indices.
    let values = UnsafeMutablePointer<Float>.allocate(capacity: 3 * w)
    let indices = UnsafeMutablePointer<Int32>.allocate(capacity: 3 * w)
    defer {
      values.deallocate()
      indices.deallocate()
    }
    func rowBest(_ y: Int) -> (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Int32>) {
      (values + (y % 3) * w, indices + (y % 3) * w)
    }
    horizontal(d.baseAddress!, y: 0, width: w, into: rowBest(0))
    for y in 0..<h {
      if y + 1 < h { horizontal(d.baseAddress!, y: y + 1, width: w, into: rowBest(y + 1)) }
      let middle = rowBest(y)
      let above = y > 0 ? rowBest(y - 1) : middle, below = y + 1 < h ? rowBest(y + 1) : middle
      let out = next.baseAddress! + y * w
      var x = 0
      while x + 8 <= w {
        var value = above.0.loadSIMD8(at: x), index = above.1.loadSIMD8(at: x)
        select(middle.0.loadSIMD8(at: x), middle.1.loadSIMD8(at: x), into: &value, &index)
        select(below.0.loadSIMD8(at: x), below.1.loadSIMD8(at: x), into: &value, &index)
        out.storeSIMD8(index, at: x)
        x += 8
      }
      while x < w {
        var value = above.0[x], index = above.1[x]
        if middle.0[x] >= value { (value, index) = (middle.0[x], middle.1[x]) }
        if below.0[x] >= value { (value, index) = (below.0[x], below.1[x]) }
        out[x] = index
        x += 1
      }
    }
  }

  /// Row y's winners over columns x − 1, x, x + 1 (those that exist).
  private static func horizontal(_ d: UnsafePointer<Float>, y: Int, width w: Int,
                                 into best: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Int32>)) {
    let row = y * w, p = d + row
    @inline(__always) func scalar(_ x: Int) {
      var value = p[Swift.max(x - 1, 0)], index = Int32(row + Swift.max(x - 1, 0))
      for q in x..<Swift.min(x + 2, w) where p[q] >= value { (value, index) = (p[q], Int32(row + q)) }
      best.0[x] = value
      best.1[x] = index
    }
    scalar(0)
    var x = 1
    let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
    while x + 9 <= w {  // x + 8 ≤ w − 1: every lane has a right neighbour
      let centre = SIMD8<Int32>(repeating: Int32(row + x)) &+ lanes
      var value = p.loadSIMD8(at: x - 1), index = centre &- 1
      select(p.loadSIMD8(at: x), centre, into: &value, &index)
      select(p.loadSIMD8(at: x + 1), centre &+ 1, into: &value, &index)
      best.0.storeSIMD8(value, at: x)
      best.1.storeSIMD8(index, at: x)
      x += 8
    }
    while x < w {
      scalar(x)
      x += 1
    }
  }

  /// Takes the candidate lanes whose D is ≥ the best so far.
  @inline(__always)
  private static func select(_ candidate: SIMD8<Float>, _ candidateIndex: SIMD8<Int32>,
                             into value: inout SIMD8<Float>, _ index: inout SIMD8<Int32>) {
    let take = candidate .>= value
    value.replace(with: candidate, where: take)
    index.replace(with: candidateIndex, where: take)
  }
}
