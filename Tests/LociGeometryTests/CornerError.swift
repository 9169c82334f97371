import LociGeometry

/// Mean distance between the corners of a `width` × `height` region (from the origin) mapped
/// by `h` and by `truth`: how far a fitted homography strays at the image's edges.
func meanCornerError(_ h: Homography, _ truth: Homography, width: Double, height: Double) -> Double {
  [(0.0, 0.0), (width, 0), (width, height), (0, height)].map { c in
    let (e, t) = (h.apply(c.0, c.1), truth.apply(c.0, c.1))
    return ((e.x - t.x) * (e.x - t.x) + (e.y - t.y) * (e.y - t.y)).squareRoot()
  }.reduce(0, +) / 4
}
