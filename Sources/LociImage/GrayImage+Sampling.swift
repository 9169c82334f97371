import Foundation

extension GrayImage {
  /// Bilinear interpolation at a real position, with replicated borders.
  @inlinable public func sample(x: Float, y: Float) -> Float {
    pixels.withUnsafeBufferPointer { bilinear($0, width, height, x, y) }
  }

  /// Resamples to `newWidth × newHeight`, with Gaussian anti-aliasing when shrinking.
  /// Pixel centres map as `x_src = (x + 0.5) · width / newWidth − 0.5`.
  public func resized(width newWidth: Int, height newHeight: Int) -> GrayImage {
    precondition(newWidth > 0 && newHeight > 0, "target size must be positive")
    let sx = Float(width) / Float(newWidth), sy = Float(height) / Float(newHeight)
    let shrink = Swift.max(sx, sy)
    // Anti-aliasing: σ = ½·√(s² − 1) brings the bandwidth to the new sampling rate.
    let source = shrink > 1 ? gaussianBlurred(sigma: 0.5 * (shrink * shrink - 1).squareRoot()) : self
    // `bilinear` at every output pixel, with its per-column and per-row parts (clamped
    // position, the two taps, the fraction) computed once: the same operations in the same
    // order, so the same bits, at a fraction of the cost (the pyramid resizes every level).
    let columns = (0..<newWidth).map { x in BilinearTaps(position: (Float(x) + 0.5) * sx - 0.5, size: width) }
    var out = [Float](repeating: 0, count: newWidth * newHeight)
    source.pixels.withUnsafeBufferPointer { p in
      columns.withUnsafeBufferPointer { columns in
        out.withUnsafeMutableBufferPointer { out in
          for y in 0..<newHeight {
            let row = BilinearTaps(position: (Float(y) + 0.5) * sy - 0.5, size: height)
            let top = p.baseAddress! + row.low * width, bottom = p.baseAddress! + row.high * width
            let o = out.baseAddress! + y * newWidth
            for x in 0..<newWidth {
              let c = columns[x]
              let upper = top[c.low] + c.fraction * (top[c.high] - top[c.low])
              let lower = bottom[c.low] + c.fraction * (bottom[c.high] - bottom[c.low])
              o[x] = upper + row.fraction * (lower - upper)
            }
          }
        }
      }
    }
    return try! GrayImage(width: newWidth, height: newHeight, pixels: out)
  }

  /// The image shrunk so that its larger side is at most `maxDimension` (aspect kept),
  /// with the factor applied (`new = factor × old`); `self` and 1 when already small.
  public func limited(toMaxDimension maxDimension: Int) -> (image: GrayImage, factor: Double) {
    let largest = Swift.max(width, height)
    guard maxDimension > 0, largest > maxDimension else { return (self, 1) }
    let factor = Double(maxDimension) / Double(largest)
    return (resized(by: factor), factor)
  }

  /// Resampled so that each side is `factor` times as long, rounded, at least 1 pixel.
  public func resized(by factor: Double) -> GrayImage {
    resized(width: Swift.max(1, Int((Double(width) * factor).rounded())),
            height: Swift.max(1, Int((Double(height) * factor).rounded())))
  }

  /// Warps the image by an affine map: output pixel (u, v) takes the input at
  /// `A·(u, v) + t` (bilinear, replicated borders). `a` is row-major [a11, a12, a21, a22].
  public func warpedAffine(outputWidth: Int, outputHeight: Int, a: (Float, Float, Float, Float),
                           t: (Float, Float)) -> GrayImage {
    var out = [Float](repeating: 0, count: outputWidth * outputHeight)
    pixels.withUnsafeBufferPointer { p in
      for v in 0..<outputHeight {
        for u in 0..<outputWidth {
          let x = a.0 * Float(u) + a.1 * Float(v) + t.0
          let y = a.2 * Float(u) + a.3 * Float(v) + t.1
          out[v * outputWidth + u] = bilinear(p, width, height, x, y)
        }
      }
    }
    return try! GrayImage(width: outputWidth, height: outputHeight, pixels: out)
  }
}

/// One axis of `bilinear`: the two neighbouring sample indices and the fraction between
/// them, for a position clamped to [0, size − 1]. `resized` computes them once per row and
/// per column.
@usableFromInline struct BilinearTaps {
  @usableFromInline var low: Int
  @usableFromInline var high: Int
  @usableFromInline var fraction: Float

  @inlinable @inline(__always) init(position: Float, size: Int) {
    let clamped = Swift.min(Swift.max(position, 0), Float(size - 1))
    low = Int(clamped)
    high = Swift.min(low + 1, size - 1)
    fraction = clamped - Float(low)
  }
}

/// Bilinear interpolation in a row-major buffer with replicated borders.
@inlinable @inline(__always)
public func bilinear(_ p: UnsafeBufferPointer<Float>, _ width: Int, _ height: Int, _ x: Float, _ y: Float)
  -> Float
{
  let column = BilinearTaps(position: x, size: width), row = BilinearTaps(position: y, size: height)
  let top = p[row.low * width + column.low] + column.fraction * (p[row.low * width + column.high] - p[row.low * width + column.low])
  let bottom = p[row.high * width + column.low]
    + column.fraction * (p[row.high * width + column.high] - p[row.high * width + column.low])
  return top + row.fraction * (bottom - top)
}
