import LociImage

/// A Gaussian pyramid sampled at image points, for anti-aliased patch extraction.
///
/// Level k is the image decimated by 2^k after smoothing to σ_k = 0.8·2^k original pixels
/// (level 0: the image itself, assumed to carry σ₀ = 0.5 of camera blur). A point p of the
/// original image is at p / 2^k in level k. Levels are built on demand, once.
struct ScaleSpacePyramid {
  private(set) var levels: [GrayImage]

  static let nativeBlur = 0.5
  static let levelBlur = 0.8

  /// Builds the levels needed to serve blurs up to `maxBlur` (original pixels); afterwards
  /// the pyramid is read-only and can be shared by threads.
  init(_ image: GrayImage, maxBlur: Double) {
    levels = [image]
    while Self.blur(ofLevel: levels.count) <= maxBlur,
          let next = Self.decimated(levels[levels.count - 1], level: levels.count - 1) {
      levels.append(next)
    }
  }

  /// Blur (σ, original pixels) carried by level k.
  static func blur(ofLevel k: Int) -> Double { k == 0 ? nativeBlur : levelBlur * Double(1 << k) }

  /// The coarsest built level whose blur is at most `sigma` (original pixels).
  func level(forBlur sigma: Double) -> Int {
    var k = 0
    while k + 1 < levels.count && Self.blur(ofLevel: k + 1) <= sigma { k += 1 }
    return k
  }

  /// Level k + 1 from level k: smooth to σ_{k+1} then keep every other sample.
  private static func decimated(_ image: GrayImage, level k: Int) -> GrayImage? {
    guard image.width >= 16, image.height >= 16 else { return nil }
    // Both blurs in level-k pixels: target 2·levelBlur, present blur(k)/2^k.
    let present = blur(ofLevel: k) / Double(1 << k)
    let target = 2 * levelBlur
    let smoothed = image.gaussianBlurred(sigma: Float((target * target - present * present).squareRoot()))
    let w = (image.width + 1) / 2, h = (image.height + 1) / 2
    var out = [Float](repeating: 0, count: w * h)
    smoothed.pixels.withUnsafeBufferPointer { p in
      for y in 0..<h {
        for x in 0..<w { out[y * w + x] = p[(2 * y) * image.width + 2 * x] }
      }
    }
    return try? GrayImage(width: w, height: h, pixels: out)
  }
}
