import LociCore
import XCTest

@testable import LociFeatures

final class WeightedAlphaFiltrationTests: XCTestCase {
  /// A fixture from a CGAL user discussion of weighted alpha shapes, recomputed independently
  /// by lifting to 3-D: P3 is hidden, two triangles, three unattached and two attached edges.
  func testPublishedFixture() throws {
    let points = [(4, 5.7, 16), (2.5, 5, 4), (3, 3, 0), (6, 4, -9), (8, 3, 0)]
      .map { WeightedPoint(x: $0.0, y: $0.1, weight: Double($0.2)) }
    let f = try WeightedAlphaFiltration(points: points)
    XCTAssertEqual(f.hiddenPoints, [3])
    XCTAssertEqual(f.triangles.count, 2)
    func triangleAlpha(_ set: Set<Int32>) -> Double? {
      f.triangles.first { Set([$0.vertices.0, $0.vertices.1, $0.vertices.2]) == set }?.alpha
    }
    XCTAssertEqual(try XCTUnwrap(triangleAlpha([0, 1, 2])), 6.06026, accuracy: 1e-5)
    XCTAssertEqual(try XCTUnwrap(triangleAlpha([0, 2, 4])), 11.7899, accuracy: 1e-4)
    var edges: [String: (Double, Bool)] = [:]
    for e in f.edges { edges["\(e.vertices.0)\(e.vertices.1)"] = (e.alpha, e.isAttached) }
    XCTAssertEqual(edges.count, 5)
    XCTAssertEqual(edges["04"]!.0, 0.57046, accuracy: 1e-5)
    XCTAssertEqual(edges["02"]!.0, 1.79264, accuracy: 1e-5)
    XCTAssertEqual(edges["01"]!.0, 3.82369, accuracy: 1e-5)
    XCTAssertFalse(edges["04"]!.1 || edges["02"]!.1 || edges["01"]!.1)
    XCTAssertTrue(edges["12"]!.1 && edges["24"]!.1)
    XCTAssertEqual(edges["12"]!.0, 6.06026, accuracy: 1e-5, "attached edges enter with their triangle")
    XCTAssertEqual(edges["24"]!.0, 11.7899, accuracy: 1e-4)
    // The two triangles are neighbours across edge 0–2; every other side is the hull.
    let neighbours = f.triangles.map { [$0.neighbors.0, $0.neighbors.1, $0.neighbors.2].sorted() }
    XCTAssertEqual(neighbours, [[-1, -1, 1], [-1, -1, 0]])
  }

  func testUnweightedRightTriangleHasItsCircumradius() throws {
    // Right triangle with legs 6 and 8: circumradius = hypotenuse / 2 = 5, α = 25.
    // Each leg's smallest circle (diameter = the leg) is empty → α = (leg/2)²; the
    // hypotenuse's diametral circle contains the right-angle vertex: attached.
    let f = try WeightedAlphaFiltration(points: [
      WeightedPoint(x: 0, y: 0, weight: 0), WeightedPoint(x: 6, y: 0, weight: 0), WeightedPoint(x: 0, y: 8, weight: 0),
    ])
    XCTAssertEqual(f.triangles.count, 1)
    XCTAssertEqual(f.triangles[0].alpha, 25, accuracy: 1e-9)
    let byLength = f.edges.sorted { $0.alpha < $1.alpha }
    XCTAssertEqual(byLength[0].alpha, 9, accuracy: 1e-9)
    XCTAssertEqual(byLength[1].alpha, 16, accuracy: 1e-9)
    // Right angle: the hypotenuse's diametral circle passes through the third vertex, so
    // it is not strictly attached and enters at 25 either way.
    XCTAssertEqual(byLength[2].alpha, 25, accuracy: 1e-9)
  }

  func testWeightsShiftAlphaByThePowerDistance() throws {
    // Equal weights w shift every orthoradius² by −w (power distance ‖x−p‖² − w).
    let base = [(0.0, 0.0), (10.0, 0.0), (3.0, 7.0)]
    let plain = try WeightedAlphaFiltration(points: base.map { WeightedPoint(x: $0.0, y: $0.1, weight: 0) })
    let weighted = try WeightedAlphaFiltration(points: base.map { WeightedPoint(x: $0.0, y: $0.1, weight: 2) })
    XCTAssertEqual(weighted.triangles[0].alpha, plain.triangles[0].alpha - 2, accuracy: 1e-9)
  }

  func testDegenerateInputs() throws {
    XCTAssertTrue(try WeightedAlphaFiltration(points: []).triangles.isEmpty)
    let collinear = try WeightedAlphaFiltration(points: (0..<5).map { WeightedPoint(x: Double($0), y: 2 * Double($0), weight: 0) })
    XCTAssertTrue(collinear.triangles.isEmpty)
    let duplicates = try WeightedAlphaFiltration(points: Array(repeating: WeightedPoint(x: 1, y: 1, weight: 0), count: 3))
    XCTAssertEqual(duplicates.hiddenPoints.count, 2)
    XCTAssertThrowsError(try WeightedAlphaFiltration(points: [WeightedPoint(x: .nan, y: 0, weight: 0)]))
  }

  /// The defining property of a regular triangulation, checked by brute force: no visible
  /// point is closer (in power distance) to a triangle's orthocentre than the triangle's own
  /// vertices, and each triangle's α is that orthocircle's squared radius. Run on random
  /// weighted points and on an integer grid with integer weights, where four co-circular
  /// points are everywhere and the shim's double-precision filters must hand the tie to
  /// CGAL's exact predicates. A wrong sign in either filter breaks this.
  func testTrianglesAreRegularOnRandomAndDegenerateInputs() throws {
    var random = SplitMix64(seed: 11)
    var scattered: [WeightedPoint] = []
    for _ in 0..<400 {
      let x: Double = 100 * random.unit(), y: Double = 100 * random.unit(), w: Double = 4 * random.unit()
      scattered.append(WeightedPoint(x: x, y: y, weight: w))
    }
    var grid: [WeightedPoint] = []
    for i in 0..<144 {
      let w: Double = i % 5 == 0 ? 0.25 : 0
      grid.append(WeightedPoint(x: Double(i % 12), y: Double(i / 12), weight: w))
    }
    for (name, points) in [("scattered", scattered), ("grid", grid)] {
      let f = try WeightedAlphaFiltration(points: points)
      let hidden = Set(f.hiddenPoints)
      XCTAssertGreaterThan(f.triangles.count, points.count / 2, name)
      var violations = 0
      for t in f.triangles {
        let a = points[Int(t.vertices.0)], b = points[Int(t.vertices.1)], c = points[Int(t.vertices.2)]
        let (cx, cy) = Self.orthocentre(a, b, c)
        let alpha = Self.power(a, cx, cy)
        let tolerance: Double = 1e-6 * Swift.max(1, abs(alpha))
        XCTAssertEqual(t.alpha, alpha, accuracy: tolerance, name)
        for (i, p) in points.enumerated() where !hidden.contains(i) && Self.power(p, cx, cy) < alpha - tolerance {
          violations += 1
        }
      }
      XCTAssertEqual(violations, 0, "\(name): a point lies inside some triangle's orthocircle")
      // Each triangle's edge α (opposite vertex k) is that edge's α in the edge list.
      var edgeAlpha: [[Int32]: Double] = [:]
      for e in f.edges { edgeAlpha[[e.vertices.0, e.vertices.1]] = e.alpha }
      for t in f.triangles {
        let v = [t.vertices.0, t.vertices.1, t.vertices.2], opposite = [t.edgeAlpha.0, t.edgeAlpha.1, t.edgeAlpha.2]
        for k in 0..<3 {
          let pair = [v[(k + 1) % 3], v[(k + 2) % 3]].sorted()
          XCTAssertEqual(opposite[k], try XCTUnwrap(edgeAlpha[pair]), name)
        }
      }
    }
  }

  /// The power distance |c − p|² − w of the point c from the weighted point p.
  static func power(_ p: WeightedPoint, _ cx: Double, _ cy: Double) -> Double {
    let dx: Double = cx - p.x, dy: Double = cy - p.y
    return dx * dx + dy * dy - p.weight
  }

  /// The point whose power distance is the same from a, b and c (two linear equations).
  static func orthocentre(_ a: WeightedPoint, _ b: WeightedPoint, _ c: WeightedPoint) -> (Double, Double) {
    func row(_ q: WeightedPoint) -> (Double, Double, Double) {
      let lq: Double = q.x * q.x + q.y * q.y - q.weight, la: Double = a.x * a.x + a.y * a.y - a.weight
      return (2 * (q.x - a.x), 2 * (q.y - a.y), lq - la)
    }
    let (a1, b1, c1) = row(b), (a2, b2, c2) = row(c)
    let det: Double = a1 * b2 - a2 * b1
    return ((c1 * b2 - c2 * b1) / det, (a1 * c2 - a2 * c1) / det)
  }
}
