/// The image gradient by central differences, `dx = (I(x+1) − I(x−1)) / 2` (one-sided at
/// the border), y pointing down.
public struct ImageGradient: Sendable {
  public let width: Int
  public let height: Int
  public var dx: [Float]
  public var dy: [Float]

  /// Gradient magnitude √(dx² + dy²) per pixel.
  public func magnitude() -> [Float] {
    var m = [Float](repeating: 0, count: dx.count)
    for i in m.indices { m[i] = (dx[i] * dx[i] + dy[i] * dy[i]).squareRoot() }
    return m
  }
}

extension GrayImage {
  /// `gradient().magnitude()`, bit for bit, in one pass: the same differences per pixel
  /// (`rowDifferences`), with no dx and dy images in memory. Row by row, dx and dy go
  /// through two row buffers so the magnitude loop vectorises.
  public func gradientMagnitude() -> [Float] {
    let w = width, h = height
    var dxRow = [Float](repeating: 0, count: w), dyRow = [Float](repeating: 0, count: w)
    return dxRow.withUnsafeMutableBufferPointer { gx in
      dyRow.withUnsafeMutableBufferPointer { gy in
        [Float](unsafeUninitializedCapacity: w * h) { out, count in
          for y in 0..<h {
            rowDifferences(y, dx: gx.baseAddress!, dy: gy.baseAddress!)
            let target = out.baseAddress! + y * w
            for x in 0..<w { target[x] = (gx[x] * gx[x] + gy[x] * gy[x]).squareRoot() }
          }
          count = w * h
        }
      }
    }
  }

  /// Central-difference gradient of this image (smooth first for Gaussian derivatives).
  public func gradient() -> ImageGradient {
    let w = width, h = height
    var dx = [Float](repeating: 0, count: w * h)
    var dy = [Float](repeating: 0, count: w * h)
    dx.withUnsafeMutableBufferPointer { gx in
      dy.withUnsafeMutableBufferPointer { gy in
        for y in 0..<h { rowDifferences(y, dx: gx.baseAddress! + y * w, dy: gy.baseAddress! + y * w) }
      }
    }
    return ImageGradient(width: w, height: h, dx: dx, dy: dy)
  }

  /// Row y's differences into `dx` and `dy` (`width` values each). Interior differences are
  /// halved by multiplying by ½, which rounds exactly like dividing by 2; the loops have no
  /// per-pixel branch or division, so they vectorise. Border pixels take the one-sided
  /// difference (divided by 1); a one-pixel-wide or -high image has 0 across that axis.
  private func rowDifferences(_ y: Int, dx gx: UnsafeMutablePointer<Float>, dy gy: UnsafeMutablePointer<Float>) {
    let w = width, h = height, row = y * w
    pixels.withUnsafeBufferPointer { p in
      let source = p.baseAddress! + row
      if w > 1 {
        gx[0] = source[1] - source[0]
        gx[w - 1] = source[w - 1] - source[w - 2]
        for x in 1..<(w - 1) { gx[x] = (source[x &+ 1] - source[x &- 1]) * 0.5 }
      } else {
        gx[0] = 0
      }
      if h > 1 {
        let up = y > 0 ? row - w : row, down = y < h - 1 ? row + w : row
        let scale: Float = (y > 0 && y < h - 1) ? 0.5 : 1
        let below = p.baseAddress! + down, above = p.baseAddress! + up
        for x in 0..<w { gy[x] = (below[x] - above[x]) * scale }
      } else {
        for x in 0..<w { gy[x] = 0 }
      }
    }
  }
}
