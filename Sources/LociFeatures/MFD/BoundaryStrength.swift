import Foundation
import LociCore
import LociImage

/// Boundary strength and source heights (MFD S1) [R].
///
/// [V-doc] The distance map is computed "directly on the image gradient", "weighted by the
/// grey level of the gradient", with no edge detection. [R] g = ‖∇(G_σ * I)‖, normalised by
/// its `quantile` (found with a 4096-bin histogram, O(N)) and clipped, ĝ = min(1, g / g_q);
/// a pixel's height as a source is h = β·(1 − ĝ)^γ (plus the band relief of `heights`): strong edges are low sources, flat areas
/// sources β px above them.
package enum BoundaryStrength {
  /// g / g_q per pixel (not clipped: values above 1 order the saturated band, see `heights`).
  package static func normalisedGradient(_ image: GrayImage, sigma: Float, quantile: Float) -> [Float] {
    var g = gradientMagnitude(image, sigma: sigma)
    guard let (inverse, _) = inverseReference(of: g, quantile: quantile) else { return g }
    for i in g.indices { g[i] *= inverse }
    return g
  }

  /// The heights of `image` in one pass over the gradient: `heights(normalisedGradient:)` of
  /// `normalisedGradient(image, …)`, bit for bit, without storing the normalised gradient.
  /// (Scaling by a positive factor keeps the maximum where it was, and each height is
  /// computed from the same product g·(1/g_q).)
  static func heights(of image: GrayImage, sigma: Float, quantile: Float, heightScale beta: Float,
                      exponent: Float = 1, bandRelief: Float = 1) -> [Float] {
    let g = gradientMagnitude(image, sigma: sigma)
    guard let (inverse, maximumRaw) = inverseReference(of: g, quantile: quantile) else {
      return heights(normalisedGradient: g, heightScale: beta, exponent: exponent, bandRelief: bandRelief)
    }
    let maximum = Swift.max(1, maximumRaw * inverse)
    let bandSlope = maximum > 1 ? bandRelief / (maximum - 1) : 0
    return [Float](unsafeUninitializedCapacity: g.count) { out, count in
      g.withUnsafeBufferPointer { g in
        for i in 0..<g.count { out[i] = height(g[i] * inverse, maximum, bandSlope, beta, exponent, bandRelief) }
      }
      count = g.count
    }
  }

  private static func gradientMagnitude(_ image: GrayImage, sigma: Float) -> [Float] {
    image.gaussianBlurred(sigma: sigma).gradientMagnitude()
  }

  /// 1/g_q, with g_q the `quantile` of g from a 4096-bin histogram, and the maximum of g
  /// (which the histogram needs anyway); nil for a flat image.
  private static func inverseReference(of g: [Float], quantile: Float) -> (inverse: Float, maximum: Float)? {
    g.withUnsafeBufferPointer { g in
      let maximum = largest(of: g)
      guard maximum > 0 else { return nil }
      let bins = 4096
      var histogram = [Int](repeating: 0, count: bins)
      let toBin = Float(bins - 1) / maximum
      histogram.withUnsafeMutableBufferPointer { histogram in
        // 0 ≤ v·toBin ≤ bins − 1, so the conversion needs no checks: eight at a time.
        var i = 0
        let scale = SIMD8<Float>(repeating: toBin)
        while i + 8 <= g.count {
          let bin = truncatedToInt32(g.baseAddress!.loadSIMD8(at: i) * scale)
          for lane in 0..<8 { histogram[Int(bin[lane])] += 1 }
          i += 8
        }
        while i < g.count {
          histogram[Int(g[i] * toBin)] += 1
          i += 1
        }
      }
      let target = Int(Float(g.count) * quantile)
      var seen = 0, bin = 0
      while bin < bins - 1 && seen + histogram[bin] <= target {
        seen += histogram[bin]
        bin += 1
      }
      let reference = Swift.max(Float(bin + 1) / toBin, 1e-6)
      return (1 / reference, maximum)
    }
  }

  /// The largest of `g` (≥ 0, no NaN), or 0: eight lanes at a time, as `Swift.max` over
  /// floats that are never NaN does not vectorise on its own.
  private static func largest(of g: UnsafeBufferPointer<Float>) -> Float {
    var lanes = SIMD8<Float>(repeating: 0)
    var i = 0
    while i + 8 <= g.count {
      lanes = pointwiseMax(lanes, g.baseAddress!.loadSIMD8(at: i))
      i += 8
    }
    var maximum = lanes.max()
    while i < g.count {
      maximum = Swift.max(maximum, g[i])
      i += 1
    }
    return maximum
  }

  @inline(__always) private static func height(_ v: Float, _ maximum: Float, _ bandSlope: Float, _ beta: Float,
                                               _ exponent: Float, _ bandRelief: Float) -> Float {
    if v >= 1 { return (maximum - v) * bandSlope }
    return bandRelief + (exponent == 1 ? beta * (1 - v) : beta * powf(1 - v, exponent))
  }

  /// h = `bandRelief` + β·(1 − ĝ)^γ with ĝ = min(1, g/g_q). Pixels above the quantile (the
  /// saturated band along strong edges) are not flattened to one height: they fall linearly
  /// from `bandRelief` at g = g_q to 0 at the image's strongest gradient, so D keeps a valley
  /// along the middle of the band and the partition splits the band there, on the edge.
  /// With a flat band the split depended on flooding order and shrank the inside of a
  /// synthetic ellipse by 10–20 % (MFDDetectorTests).
  package static func heights(normalisedGradient g: [Float], heightScale beta: Float, exponent: Float = 1,
                             bandRelief: Float = 1) -> [Float] {
    var maximum: Float = 1
    for v in g { maximum = Swift.max(maximum, v) }
    let bandSlope = maximum > 1 ? bandRelief / (maximum - 1) : 0
    return g.map { height($0, maximum, bandSlope, beta, exponent, bandRelief) }
  }
}
