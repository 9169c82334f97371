import Foundation
import LociImage

/// Boundary strength and source heights (MFD S1) [R].
///
/// [V-doc] The distance map is computed "directly on the image gradient", "weighted by the
/// grey level of the gradient", with no edge detection. [R] g = ‖∇(G_σ * I)‖, normalised by
/// its `quantile` (found with a 4096-bin histogram, O(N)) and clipped, ĝ = min(1, g / g_q);
/// a pixel's height as a source is h = β·(1 − ĝ)^γ (plus the band relief of `heights`): strong edges are low sources, flat areas
/// sources β px above them.
public enum BoundaryStrength {
  /// g / g_q per pixel (not clipped: values above 1 order the saturated band, see `heights`).
  public static func normalisedGradient(_ image: GrayImage, sigma: Float, quantile: Float) -> [Float] {
    var g = image.gaussianBlurred(sigma: sigma).gradient().magnitude()
    var maximum: Float = 0
    for v in g { maximum = Swift.max(maximum, v) }
    guard maximum > 0 else { return g }
    let bins = 4096
    var histogram = [Int](repeating: 0, count: bins)
    let toBin = Float(bins - 1) / maximum
    for v in g { histogram[Int(v * toBin)] += 1 }
    let target = Int(Float(g.count) * quantile)
    var seen = 0, bin = 0
    while bin < bins - 1 && seen + histogram[bin] <= target {
      seen += histogram[bin]
      bin += 1
    }
    let reference = Swift.max(Float(bin + 1) / toBin, 1e-6)
    let inverse = 1 / reference
    for i in g.indices { g[i] *= inverse }
    return g
  }

  /// h = `bandRelief` + β·(1 − ĝ)^γ with ĝ = min(1, g/g_q). Pixels above the quantile (the
  /// saturated band along strong edges) are not flattened to one height: they fall linearly
  /// from `bandRelief` at g = g_q to 0 at the image's strongest gradient, so D keeps a valley
  /// along the middle of the band and the partition splits the band there, on the edge.
  /// With a flat band the split depended on flooding order and shrank the inside of a
  /// synthetic ellipse by 10–20 % (MFDDetectorTests).
  public static func heights(normalisedGradient g: [Float], heightScale beta: Float, exponent: Float = 1,
                             bandRelief: Float = 1) -> [Float] {
    var maximum: Float = 1
    for v in g { maximum = Swift.max(maximum, v) }
    let bandSlope = maximum > 1 ? bandRelief / (maximum - 1) : 0
    return g.map { v in
      if v >= 1 { return (maximum - v) * bandSlope }
      return bandRelief + (exponent == 1 ? beta * (1 - v) : beta * powf(1 - v, exponent))
    }
  }
}
