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
  /// Central-difference gradient of this image (smooth first for Gaussian derivatives).
  public func gradient() -> ImageGradient {
    let w = width, h = height
    var dx = [Float](repeating: 0, count: w * h)
    var dy = [Float](repeating: 0, count: w * h)
    pixels.withUnsafeBufferPointer { p in
      for y in 0..<h {
        let row = y * w
        for x in 0..<w {
          let xl = x > 0 ? x - 1 : 0, xr = x < w - 1 ? x + 1 : w - 1
          let yu = y > 0 ? y - 1 : 0, yd = y < h - 1 ? y + 1 : h - 1
          dx[row + x] = (p[row + xr] - p[row + xl]) / Float(Swift.max(xr - xl, 1))
          dy[row + x] = (p[yd * w + x] - p[yu * w + x]) / Float(Swift.max(yd - yu, 1))
        }
      }
    }
    return ImageGradient(width: w, height: h, dx: dx, dy: dy)
  }
}
