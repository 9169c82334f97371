import LociImage

/// Boundary strength and source heights (MFD S1) [R].
///
/// [V-doc] The distance map is computed "directly on the image gradient", "weighted by the
/// grey level of the gradient", with no edge detection. [R] g = ‖∇(G_σ * I)‖, normalised by
/// its `quantile` (found with a 4096-bin histogram, O(N)) and clipped, ĝ = min(1, g / g_q);
/// a pixel's height as a source is h = β·(1 − ĝ): strong edges are low sources, flat areas
/// sources β px above them.
public enum BoundaryStrength {
  /// ĝ ∈ [0, 1] per pixel.
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
    for i in g.indices { g[i] = Swift.min(1, g[i] / reference) }
    return g
  }

  /// h = β·(1 − ĝ).
  public static func heights(normalisedGradient g: [Float], heightScale beta: Float) -> [Float] {
    g.map { beta * (1 - $0) }
  }
}
