import Foundation
import LociFeatures

/// Overlap of two ellipses, ε = 1 − |A ∩ B| / |A ∪ B|.
///
/// Each ellipse is replaced by a 64-gon inscribed in it and scaled so that its area is
/// exactly the ellipse's; the intersection of the two convex polygons is found by
/// Sutherland–Hodgman clipping. This is exact for nested shapes and within ~0.2 % otherwise
/// (tests compare it with closed forms), and much finer than the 50×50 raster of the
/// original Mikolajczyk code. Keeps its own scratch buffers: one instance per thread.
public struct EllipseOverlap {
  static let sides = 64
  private static let unitPolygon: [(Double, Double)] = {
    let n = Double(sides)
    // Inscribed regular n-gon area = (n/2)·sin(2π/n); scale its radius to area π.
    let k = (Double.pi / (n / 2 * sin(2 * Double.pi / n))).squareRoot()
    return (0..<sides).map { i in
      let t = Double(i) * 2 * Double.pi / n
      return (k * cos(t), k * sin(t))
    }
  }()

  private var subject: [(Double, Double)] = []
  private var clipped: [(Double, Double)] = []
  private var clipper: [(Double, Double)] = []

  public init() {
    subject.reserveCapacity(2 * Self.sides)
    clipped.reserveCapacity(2 * Self.sides)
    clipper.reserveCapacity(Self.sides)
  }

  /// ε for ellipses (ca, Sa) and (cb, Sb), both given as regions; 1 when disjoint.
  public mutating func error(_ a: AffineRegion, _ b: AffineRegion) -> Double {
    let areaA = Double.pi * a.shape.determinant.squareRoot()
    let areaB = Double.pi * b.shape.determinant.squareRoot()
    // Bounding boxes first: most candidate pairs end here.
    let ax = a.shape.a.squareRoot(), ay = a.shape.c.squareRoot()
    let bx = b.shape.a.squareRoot(), by = b.shape.c.squareRoot()
    if abs(a.x - b.x) > ax + bx || abs(a.y - b.y) > ay + by { return 1 }
    Self.fill(&clipper, a)
    Self.fill(&subject, b)
    let intersection = clipConvex()
    let union = areaA + areaB - intersection
    guard union > 0 else { return 1 }
    return Swift.max(0, Swift.min(1, 1 - intersection / union))
  }

  private static func fill(_ polygon: inout [(Double, Double)], _ r: AffineRegion) {
    polygon.removeAll(keepingCapacity: true)
    let l = Matrix2(r.shape.squareRoot)
    for (ux, uy) in unitPolygon {
      let (dx, dy) = l.apply(ux, uy)
      polygon.append((r.x + dx, r.y + dy))
    }
  }

  /// Clips `subject` by the convex, counter-clockwise-or-not `clipper`; returns the area.
  private mutating func clipConvex() -> Double {
    // Orientation of the clipper decides which side is inside.
    let orientation: Double = Self.signedArea(clipper) >= 0 ? 1 : -1
    let m = clipper.count
    for i in 0..<m where !subject.isEmpty {
      let p = clipper[i], q = clipper[(i + 1) % m]
      let ex = q.0 - p.0, ey = q.1 - p.1
      @inline(__always) func side(_ s: (Double, Double)) -> Double {
        orientation * (ex * (s.1 - p.1) - ey * (s.0 - p.0))
      }
      clipped.removeAll(keepingCapacity: true)
      var previous = subject[subject.count - 1]
      var previousSide = side(previous)
      for current in subject {
        let currentSide = side(current)
        if currentSide >= 0 {
          if previousSide < 0 { clipped.append(Self.cross(previous, current, previousSide, currentSide)) }
          clipped.append(current)
        } else if previousSide >= 0 {
          clipped.append(Self.cross(previous, current, previousSide, currentSide))
        }
        previous = current
        previousSide = currentSide
      }
      swap(&subject, &clipped)
    }
    return abs(Self.signedArea(subject))
  }

  @inline(__always) private static func cross(_ a: (Double, Double), _ b: (Double, Double), _ sa: Double,
                                              _ sb: Double) -> (Double, Double) {
    let t = sa / (sa - sb)
    return (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
  }

  private static func signedArea(_ p: [(Double, Double)]) -> Double {
    guard p.count >= 3 else { return 0 }
    var s = 0.0
    for i in 0..<p.count {
      let a = p[i], b = p[(i + 1) % p.count]
      s += a.0 * b.1 - b.0 * a.1
    }
    return s / 2
  }
}
