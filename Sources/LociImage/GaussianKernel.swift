import Foundation

/// A sampled, normalised 1-D Gaussian: `weights[i]` ∝ exp(−(i − radius)² / 2σ²), summing
/// to 1, with radius ⌈truncation·σ⌉ (default 4σ: the dropped mass is below 1e-4, like
/// OpenCV's float kernels).
public struct GaussianKernel: Sendable, Equatable {
  public let sigma: Float
  public let radius: Int
  public let weights: [Float]

  public init(sigma: Float, truncation: Float = 4) {
    precondition(sigma > 0, "sigma must be positive")
    self.sigma = sigma
    radius = max(1, Int((truncation * sigma).rounded(.up)))
    var w = (-radius...radius).map { i -> Float in
      let x = Float(i)
      return Foundation.exp(-x * x / (2 * sigma * sigma))
    }
    let total = w.reduce(0, +)
    for i in w.indices { w[i] /= total }
    weights = w
  }
}
