/// The weighted medial axis of a distance map, found by residues (MFD S3).
///
/// [V-doc] "The weighted medial axis is found by extending residues, as used in Voronoi
/// skeletons". [R] The residue of a pair of 4-neighbours x, x′ is the chord between their
/// sources, made insensitive to sources that are only "height-close" by subtracting the
/// source-height difference: r_w = ‖S(x) − S(x′)‖ − |h(S(x)) − h(S(x′))|. The higher of the
/// two (by D) is medial when r_w ≥ τ_r = max(τ_abs, τ_rel·D(x)) (defaults in `MFDOptions`); the relative part prunes
/// branches scale-covariantly, in the spirit of Ogniewicz's residual thresholds. Each medial
/// point also gets a sub-pixel position where the bisector of its two sources crosses the
/// segment x x′ (the binary mode's sub-pixel axis; harmless in the weighted one).
package struct MedialAxis: Sendable {
  /// One medial point.
  package struct Point: Sendable, Equatable {
    /// The pixel and the sub-pixel position on the bisector of its two sources.
    package var pixel: Int
    package var x: Float
    package var y: Float
    /// The largest residue over the pixel's 4-neighbours, and D at the pixel.
    package var residue: Float
    package var distance: Float
  }

  package let width: Int
  package let height: Int
  /// Residue per pixel, 0 off the axis.
  package var residue: [Float]
  /// The medial points in raster order.
  package var points: [Point]

  package func isMedial(x: Int, y: Int) -> Bool { residue[y * width + x] > 0 }

  package init(map: DistanceMap, absoluteThreshold: Float = 4, relativeThreshold: Float = 1) {
    width = map.width
    height = map.height
    let w = map.width, n = w * map.height
    var residue = [Float](repeating: 0, count: n)
    var subpixelX = [Float](repeating: 0, count: n), subpixelY = subpixelX
    map.distance.withUnsafeBufferPointer { d in
      map.source.withUnsafeBufferPointer { src in
        map.sourceHeight.withUnsafeBufferPointer { h in
          residue.withUnsafeMutableBufferPointer { residue in
            subpixelX.withUnsafeMutableBufferPointer { subX in
              subpixelY.withUnsafeMutableBufferPointer { subY in
                @inline(__always) func consider(_ p: Int, _ q: Int, _ px: Float, _ py: Float, _ qx: Float, _ qy: Float) {
                  let sp = Int(src[p]), sq = Int(src[q])
                  guard sp != sq, sp >= 0, sq >= 0 else { return }
                  // Most neighbouring pixels share their source, so coordinates are found
                  // only here, with 32-bit divisions.
                  let a = pixelCoordinates(sp, width: w), b = pixelCoordinates(sq, width: w)
                  let ax = Float(a.x), ay = Float(a.y), bx = Float(b.x), by = Float(b.y)
                  let chord = ((ax - bx) * (ax - bx) + (ay - by) * (ay - by)).squareRoot()
                  let r = chord - abs(h[sp] - h[sq])
                  let pTop = d[p] >= d[q]
                  let top = pTop ? p : q
                  guard r >= Swift.max(absoluteThreshold, relativeThreshold * d[top]), r > residue[top] else { return }
                  residue[top] = r
                  // Where the bisector of the sources crosses the segment top→other: 2p·(b − a) = |b|² − |a|².
                  let (tx, ty) = pTop ? (px, py) : (qx, qy)
                  let ex = (pTop ? qx : px) - tx, ey = (pTop ? qy : py) - ty
                  let nx = bx - ax, ny = by - ay
                  let denominator = 2 * (ex * nx + ey * ny)
                  var t: Float = 0
                  if denominator != 0 {
                    t = ((bx * bx + by * by) - (ax * ax + ay * ay) - 2 * (tx * nx + ty * ny)) / denominator
                    t = Swift.min(Swift.max(t, 0), 0.5)
                  }
                  subX[top] = tx + t * ex
                  subY[top] = ty + t * ey
                }
                for y in 0..<map.height {
                  let fy = Float(y)
                  for x in 0..<w {
                    let p = y * w + x, fx = Float(x)
                    if x + 1 < w { consider(p, p + 1, fx, fy, fx + 1, fy) }
                    if y + 1 < map.height { consider(p, p + w, fx, fy, fx, fy + 1) }
                  }
                }
              }
            }
          }
        }
      }
    }
    var points: [Point] = []
    for p in residue.indices where residue[p] > 0 {
      points.append(Point(pixel: p, x: subpixelX[p], y: subpixelY[p], residue: residue[p], distance: map.distance[p]))
    }
    self.residue = residue
    self.points = points
  }
}
