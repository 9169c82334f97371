/// The exact Euclidean distance transform of a binary boundary map, with sources (MFD's
/// binary-image mode, S3 "binary mode"): h = 0 on boundary pixels, +∞ elsewhere.
///
/// Felzenszwalb–Huttenlocher's separable lower-envelope algorithm on squared distances:
/// a column pass finds each pixel's nearest boundary row in its column, then a row pass takes
/// the lower envelope of the parabolas (x − q)² + f(q). Exact and linear; the argmin of the
/// row pass, with the column pass's row, is the source.
package enum EuclideanDistanceTransform {
  package static func compute(boundary: [Bool], width: Int, height: Int) -> DistanceMap {
    precondition(boundary.count == width * height && width > 0 && height > 0)
    let n = width * height
    let far = Float(width * width + height * height + 1)
    // Column pass: squared vertical distance to the nearest boundary pixel and its row.
    var columnSquared = [Float](repeating: far, count: n)
    var columnRow = [Int32](repeating: -1, count: n)
    for x in 0..<width {
      var last = -1
      for y in 0..<height {
        if boundary[y * width + x] { last = y }
        if last >= 0 {
          columnSquared[y * width + x] = Float((y - last) * (y - last))
          columnRow[y * width + x] = Int32(last)
        }
      }
      last = -1
      for y in stride(from: height - 1, through: 0, by: -1) {
        if boundary[y * width + x] { last = y }
        if last >= 0 {
          let d = Float((last - y) * (last - y))
          if d < columnSquared[y * width + x] {
            columnSquared[y * width + x] = d
            columnRow[y * width + x] = Int32(last)
          }
        }
      }
    }
    // Row pass: lower envelope of parabolas centred at columns q with offset f(q).
    var distance = [Float](repeating: .infinity, count: n)
    var source = [Int32](repeating: -1, count: n)
    var vertex = [Int](repeating: 0, count: width)
    var boundaryZ = [Float](repeating: 0, count: width + 1)
    for y in 0..<height {
      let row = y * width
      var k = -1
      for q in 0..<width where columnRow[row + q] >= 0 {
        let fq = columnSquared[row + q]
        while k >= 0 {
          let v = vertex[k]
          let fv = columnSquared[row + v]
          let s = ((fq + Float(q * q)) - (fv + Float(v * v))) / Float(2 * (q - v))
          if s <= boundaryZ[k] { k -= 1 } else {
            k += 1
            vertex[k] = q
            boundaryZ[k] = s
            boundaryZ[k + 1] = .infinity
            break
          }
        }
        if k < 0 {
          k = 0
          vertex[0] = q
          boundaryZ[0] = -.infinity
          boundaryZ[1] = .infinity
        }
      }
      guard k >= 0 else { continue }
      var j = 0
      for x in 0..<width {
        while boundaryZ[j + 1] < Float(x) { j += 1 }
        let q = vertex[j]
        let dx = Float(x - q)
        distance[row + x] = (dx * dx + columnSquared[row + q]).squareRoot()
        source[row + x] = columnRow[row + q] * Int32(width) + Int32(q)
      }
    }
    let heights = boundary.map { $0 ? Float(0) : Float.infinity }
    return DistanceMap(width: width, height: height, distance: distance, source: source, sourceHeight: heights)
  }
}
