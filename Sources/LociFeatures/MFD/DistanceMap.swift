/// A distance map with the source (generating pixel) of every pixel: the result of the
/// additively weighted distance transform (MFD S2) or of the exact Euclidean one (binary mode).
package struct DistanceMap: Sendable {
  package let width: Int
  package let height: Int
  /// D(x) = min_y ‖x − y‖ + h(y), row-major.
  package var distance: [Float]
  /// The linear index of the minimising y (−1 where no source reaches, e.g. an empty binary map).
  package var source: [Int32]
  /// The height h(y) each pixel had as a source (0 for boundary pixels in binary mode).
  package var sourceHeight: [Float]

  /// The source of pixel (x, y) as coordinates, or nil.
  package func sourcePoint(x: Int, y: Int) -> (x: Int, y: Int)? {
    let s = Int(source[y * width + x])
    return s < 0 ? nil : (s % width, s / width)
  }
}
