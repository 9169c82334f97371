extension GrayImage {
  /// Separable Gaussian smoothing with replicated borders.
  ///
  /// Two passes over contiguous rows: horizontal into a padded row buffer (no clamping in
  /// the inner loop), then vertical as a weighted sum of whole rows, which vectorises.
  public func gaussianBlurred(sigma: Float) -> GrayImage {
    guard sigma > 0 else { return self }
    let kernel = GaussianKernel(sigma: sigma)
    let r = kernel.radius, w = width, h = height
    var horizontal = [Float](repeating: 0, count: w * h)
    var padded = [Float](repeating: 0, count: w + 2 * r)
    kernel.weights.withUnsafeBufferPointer { k in
      pixels.withUnsafeBufferPointer { src in
        horizontal.withUnsafeMutableBufferPointer { dst in
          padded.withUnsafeMutableBufferPointer { pad in
            for y in 0..<h {
              let row = y * w
              for i in 0..<r {
                pad[i] = src[row]
                pad[r + w + i] = src[row + w - 1]
              }
              for x in 0..<w { pad[r + x] = src[row + x] }
              // Tap by tap over the whole row (out[x] += k[j]·pad[x + j]) rather than pixel by
              // pixel: the inner loop is then element-wise, so it vectorises, and each pixel
              // still adds its taps in the same order from 0, so the sums are bit-identical.
              let out = dst.baseAddress! + row
              for j in 0...(2 * r) {
                let weight = k[j], input = pad.baseAddress! + j
                for x in 0..<w { out[x] += weight * input[x] }
              }
            }
          }
        }
      }
    }
    var output = [Float](repeating: 0, count: w * h)
    kernel.weights.withUnsafeBufferPointer { k in
      horizontal.withUnsafeBufferPointer { src in
        output.withUnsafeMutableBufferPointer { dst in
          for y in 0..<h {
            let out = dst.baseAddress! + y * w
            for j in 0...(2 * r) {
              let sy = Swift.min(Swift.max(y + j - r, 0), h - 1)
              let input = src.baseAddress! + sy * w
              let weight = k[j]
              for x in 0..<w { out[x] += weight * input[x] }
            }
          }
        }
      }
    }
    return try! GrayImage(width: w, height: h, pixels: output)
  }
}
