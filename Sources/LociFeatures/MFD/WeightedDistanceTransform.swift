import LociCore

/// The additively weighted Euclidean distance transform D(x) = min_y ‖x − y‖ + h(y) with
/// its sources, by source propagation (MFD stage S2).
///
/// [V-doc] The paper computes "a weighted distance map on the image gradient" with "an exact
/// linear-time algorithm, a variant of group marching for Euclidean space": heights are
/// weights, propagation is Euclidean cones. [R] How: every pixel starts as its own source at
/// D = h, and each pixel offers its *source* to its neighbours (candidate ‖n − S(x)‖ + h(S(x)),
/// so distances are true Euclidean, not chamfer). Raster scans (`propagateByRasterScans`)
/// give the same distances as a bucket queue releasing pixels in order of D (group
/// marching), reading memory in order, and MFD is about 20 % faster overall.
/// 8-neighbour source propagation can miss the true source in rare configurations
/// (Danielsson-type errors); `polish` then offers each pixel the sources of its 5×5
/// neighbourhood until nothing changes, which removed every error we could provoke against
/// brute force (see the tests). Cost: O(N) per pass, plus the rare corrections.
///
/// A source is kept as Float coordinates and height beside each pixel, so a candidate is one
/// square root with no index division; see `PropagationState`.
package enum WeightedDistanceTransform {
  /// The map of `heights` (row-major, `width`×`height`; +∞ marks a pixel that is no source).
  package static func compute(heights: [Float], width: Int, height: Int, polish: Bool = true) -> DistanceMap {
    precondition(heights.count == width * height && width > 0 && height > 0)
    var state = PropagationState(heights: heights, width: width, height: height)
    state.propagateByRasterScans()
    if polish { state.polish() }
    let source = [Int32](unsafeUninitializedCapacity: width * height) { out, count in
      state.sourceX.withUnsafeBufferPointer { sx in
        state.sourceY.withUnsafeBufferPointer { sy in
          state.sourceHeight.withUnsafeBufferPointer { sh in
            sourceIndices(sx, sy, sh, width: width, into: out)
          }
        }
      }
      count = width * height
    }
    return DistanceMap(width: width, height: height, distance: state.distance, source: source, sourceHeight: heights)
  }

  /// Source coordinates back to pixel indices, y·width + x, or −1 where no source reached
  /// (height +∞). Eight at a time: the coordinates are whole numbers below 2²³ and the index
  /// fits an Int32 (the map has fewer pixels), so the conversions need no checks, and the
  /// checked scalar ones were 4 % of MFD's time.
  private static func sourceIndices(_ sx: UnsafeBufferPointer<Float>, _ sy: UnsafeBufferPointer<Float>,
                                    _ sh: UnsafeBufferPointer<Float>, width: Int, into out: UnsafeMutableBufferPointer<Int32>) {
    precondition(sx.count < Int(Int32.max))
    let n = sx.count, x0 = sx.baseAddress!, y0 = sy.baseAddress!, h0 = sh.baseAddress!
    let w8 = SIMD8<Int32>(repeating: Int32(width)), none = SIMD8<Int32>(repeating: -1)
    var i = 0
    while i + 8 <= n {
      let x = truncatedToInt32(x0.loadSIMD8(at: i)), y = truncatedToInt32(y0.loadSIMD8(at: i))
      out.baseAddress!.storeSIMD8((y &* w8 &+ x).replacing(with: none, where: h0.loadSIMD8(at: i) .== .infinity), at: i)
      i += 8
    }
    while i < n {
      out[i] = sh[i].isFinite ? Int32(sy[i]) * Int32(width) + Int32(sx[i]) : -1
      i += 1
    }
  }

  /// The exact answer by brute force, O(N²): the oracle of the tests.
  package static func bruteForce(heights: [Float], width: Int, height: Int) -> [Float] {
    var result = [Float](repeating: .infinity, count: width * height)
    for p in 0..<(width * height) {
      let px = Float(p % width), py = Float(p / width)
      for s in 0..<(width * height) where heights[s].isFinite {
        let dx = px - Float(s % width), dy = py - Float(s / width)
        result[p] = Swift.min(result[p], (dx * dx + dy * dy).squareRoot() + heights[s])
      }
    }
    return result
  }
}
