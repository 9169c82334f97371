import Foundation

/// A symmetric 2×2 matrix [[a b] [b c]], the shape of an ellipse.
public struct SymmetricMatrix2: Sendable, Equatable, Hashable {
  public var a: Double
  public var b: Double
  public var c: Double

  public init(a: Double, b: Double, c: Double) {
    self.a = a
    self.b = b
    self.c = c
  }

  public static func scaledIdentity(_ s: Double) -> SymmetricMatrix2 { .init(a: s, b: 0, c: s) }

  public var determinant: Double { a * c - b * b }
  public var trace: Double { a + c }

  /// Positive definite (a real, non-degenerate ellipse).
  public var isPositiveDefinite: Bool { a > 0 && determinant > 0 && a.isFinite && c.isFinite && b.isFinite }

  public var inverse: SymmetricMatrix2 {
    let d = determinant
    return .init(a: c / d, b: -b / d, c: a / d)
  }

  /// Eigenvalues, larger first.
  public var eigenvalues: (Double, Double) {
    let m = trace / 2
    let r = ((a - c) * (a - c) / 4 + b * b).squareRoot()
    return (m + r, m - r)
  }

  /// The symmetric positive square root R (R·R = self), for a positive definite matrix.
  public var squareRoot: SymmetricMatrix2 {
    // For 2×2 SPD: √M = (M + √det·I) / √(tr M + 2√det).
    let s = determinant.squareRoot()
    let t = (trace + 2 * s).squareRoot()
    return .init(a: (a + s) / t, b: b / t, c: (c + s) / t)
  }

  public static func * (m: SymmetricMatrix2, k: Double) -> SymmetricMatrix2 {
    .init(a: m.a * k, b: m.b * k, c: m.c * k)
  }
}

/// A general 2×2 matrix [[m11 m12] [m21 m22]].
public struct Matrix2: Sendable, Equatable {
  public var m11: Double, m12: Double, m21: Double, m22: Double

  public init(_ m11: Double, _ m12: Double, _ m21: Double, _ m22: Double) {
    self.m11 = m11
    self.m12 = m12
    self.m21 = m21
    self.m22 = m22
  }

  public init(_ s: SymmetricMatrix2) { self.init(s.a, s.b, s.b, s.c) }

  public static func rotation(_ angle: Double) -> Matrix2 {
    let c = cos(angle), s = sin(angle)
    return Matrix2(c, -s, s, c)
  }

  public var determinant: Double { m11 * m22 - m12 * m21 }
  public var transposed: Matrix2 { Matrix2(m11, m21, m12, m22) }
  /// The inverse (adjugate / determinant); the caller checks the determinant is not 0.
  public var inverse: Matrix2 {
    let d = determinant
    return Matrix2(m22 / d, -m12 / d, -m21 / d, m11 / d)
  }

  public static func * (l: Matrix2, r: Matrix2) -> Matrix2 {
    Matrix2(l.m11 * r.m11 + l.m12 * r.m21, l.m11 * r.m12 + l.m12 * r.m22,
            l.m21 * r.m11 + l.m22 * r.m21, l.m21 * r.m12 + l.m22 * r.m22)
  }

  /// M·S·Mᵀ, how a shape matrix transforms under the linear map M.
  public func congruence(_ s: SymmetricMatrix2) -> SymmetricMatrix2 {
    let p = self * Matrix2(s) * transposed
    return SymmetricMatrix2(a: p.m11, b: (p.m12 + p.m21) / 2, c: p.m22)
  }

  public func apply(_ x: Double, _ y: Double) -> (Double, Double) {
    (m11 * x + m12 * y, m21 * x + m22 * y)
  }
}
