import Foundation

/// An affine-covariant region: the ellipse (p − c)ᵀ S⁻¹ (p − c) = 1 and an optional
/// orientation.
///
/// - `shape` is S, the "covariance" form: a circle of radius r has S = r²I.
/// - `angle` (radians) is measured in the *normalised* frame, i.e. after mapping the ellipse
///   onto the unit circle with S^{-1/2}; for a circle this is the image angle from +x
///   towards +y (y points down, as in OpenCV). `nil` means not (yet) oriented.
/// - Coordinates are pixels with pixel (0, 0) centred at the origin.
public struct AffineRegion: Sendable, Equatable {
  public var x: Double
  public var y: Double
  public var shape: SymmetricMatrix2
  public var angle: Double?
  /// Detector-specific strength (contrast, stability, area…); larger is stronger.
  public var response: Double

  public init(x: Double, y: Double, shape: SymmetricMatrix2, angle: Double? = nil, response: Double = 0) {
    self.x = x
    self.y = y
    self.shape = shape
    self.angle = angle
    self.response = response
  }

  /// A circle of the given radius.
  public init(x: Double, y: Double, radius: Double, angle: Double? = nil, response: Double = 0) {
    self.init(x: x, y: y, shape: .scaledIdentity(radius * radius), angle: angle, response: response)
  }

  /// The moment ellipse of a region with this centre and pixel covariance Σ: S = 4Σ, which
  /// has the region's area for an elliptical region (the MSER convention; MFD and WaSH use it).
  /// Nil when Σ is degenerate.
  public init?(momentsCentre centre: (x: Double, y: Double), covariance: SymmetricMatrix2, response: Double = 0) {
    let shape = covariance * 4
    guard shape.isPositiveDefinite else { return nil }
    self.init(x: centre.x, y: centre.y, shape: shape, angle: nil, response: response)
  }

  /// From the VGG/Oxford text form `u v a b c`: a(x−u)² + 2b(x−u)(y−v) + c(y−v)² = 1, i.e.
  /// [[a b] [b c]] = S⁻¹. Returns nil when [[a b] [b c]] is not positive definite.
  public init?(vggU u: Double, v: Double, a: Double, b: Double, c: Double) {
    let m = SymmetricMatrix2(a: a, b: b, c: c)
    guard m.isPositiveDefinite else { return nil }
    self.init(x: u, y: v, shape: m.inverse)
  }

  /// The VGG/Oxford text form (u, v, a, b, c) with [[a b] [b c]] = S⁻¹.
  public var vgg: (u: Double, v: Double, a: Double, b: Double, c: Double) {
    let m = shape.inverse
    return (x, y, m.a, m.b, m.c)
  }

  /// The equal-area radius (det S)^¼: the characteristic scale.
  public var scale: Double { shape.determinant.squareRoot().squareRoot() }

  /// Semi-axes of the ellipse, larger first.
  public var semiAxes: (major: Double, minor: Double) {
    let (l1, l2) = shape.eigenvalues
    return (Swift.max(l1, 0).squareRoot(), Swift.max(l2, 0).squareRoot())
  }

  /// The affine frame A = S^{1/2}·R(angle), with A·Aᵀ = S: it maps the unit circle of the
  /// normalised patch onto the ellipse, its first column pointing along the orientation.
  public var affineFrame: Matrix2 {
    Matrix2(shape.squareRoot) * Matrix2.rotation(angle ?? 0)
  }

  /// The region after scaling image coordinates by `factor` (new = factor × old), e.g. to
  /// map regions found on a downscaled image back to the original.
  public func scaled(by factor: Double) -> AffineRegion {
    // Pixel centres: new + 0.5 = factor · (old + 0.5).
    AffineRegion(x: (x + 0.5) * factor - 0.5, y: (y + 0.5) * factor - 0.5,
                 shape: shape * (factor * factor), angle: angle, response: response)
  }

  /// Whether the ellipse lies entirely within [x0, x1] × [y0, y1].
  public func isInside(x0: Double, y0: Double, x1: Double, y1: Double) -> Bool {
    let hx = shape.a.squareRoot(), hy = shape.c.squareRoot() // half extents of the bounding box
    return x - hx >= x0 && x + hx <= x1 && y - hy >= y0 && y + hy <= y1
  }
}
