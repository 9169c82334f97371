import Foundation
import LociFeatureTypes

/// A planar projective map, 3×3 row-major, acting on pixel coordinates (origin at pixel
/// (0, 0)'s centre). Named `bFromA` by its users: it maps points of image A into image B.
public struct Homography: Sendable, Equatable {
  public var m: [Double]

  public init(_ m: [Double]) {
    precondition(m.count == 9, "a homography has 9 entries")
    self.m = m
  }

  public static let identity = Homography([1, 0, 0, 0, 1, 0, 0, 0, 1])

  /// Parses the Oxford text form: three rows of three numbers (any whitespace).
  public init(text: String) throws {
    let values = text.split(whereSeparator: { $0.isWhitespace }).compactMap { Double($0) }
    guard values.count == 9, values.allSatisfy(\.isFinite) else {
      throw GeometryError.malformedHomography("expected 9 numbers, found \(values.count)")
    }
    self.init(values)
  }

  public init(contentsOf url: URL) throws {
    let text: String
    do { text = try String(contentsOf: url, encoding: .utf8) } catch {
      throw GeometryError.malformedHomography("\(url.path): \(error.localizedDescription)")
    }
    do { try self.init(text: text) } catch GeometryError.malformedHomography(let reason) {
      throw GeometryError.malformedHomography("\(url.path): \(reason)")
    }
  }

  public var determinant: Double {
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])
  }

  /// The inverse map (adjugate / determinant).
  public var inverse: Homography {
    let d = determinant
    let a = m
    return Homography([
      (a[4] * a[8] - a[5] * a[7]) / d, (a[2] * a[7] - a[1] * a[8]) / d, (a[1] * a[5] - a[2] * a[4]) / d,
      (a[5] * a[6] - a[3] * a[8]) / d, (a[0] * a[8] - a[2] * a[6]) / d, (a[2] * a[3] - a[0] * a[5]) / d,
      (a[3] * a[7] - a[4] * a[6]) / d, (a[1] * a[6] - a[0] * a[7]) / d, (a[0] * a[4] - a[1] * a[3]) / d,
    ])
  }

  /// Maps a point (homogeneous divide).
  public func apply(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
    let w = m[6] * x + m[7] * y + m[8]
    return ((m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w)
  }

  /// The Jacobian of the map at (x, y): its local affine approximation.
  public func jacobian(atX x: Double, y: Double) -> Matrix2 {
    let w = m[6] * x + m[7] * y + m[8]
    let u = (m[0] * x + m[1] * y + m[2]) / w, v = (m[3] * x + m[4] * y + m[5]) / w
    return Matrix2((m[0] - u * m[6]) / w, (m[1] - u * m[7]) / w, (m[3] - v * m[6]) / w, (m[4] - v * m[7]) / w)
  }

  /// An elliptical region mapped by the local affine approximation at its centre:
  /// c' = H(c), S' = J S Jᵀ (Mikolajczyk et al. 2005). Orientation is dropped.
  public func warp(_ region: AffineRegion) -> AffineRegion {
    let c = apply(region.x, region.y)
    let j = jacobian(atX: region.x, y: region.y)
    return AffineRegion(x: c.x, y: c.y, shape: j.congruence(region.shape), angle: nil, response: region.response)
  }
}

public enum GeometryError: Error, CustomStringConvertible, Equatable, Sendable {
  case malformedHomography(String)
  public var description: String {
    switch self {
    case let .malformedHomography(reason): return "malformed homography: \(reason)"
    }
  }
}
