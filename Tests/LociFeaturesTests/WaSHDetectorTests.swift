import Foundation
import XCTest

@testable import LociFeatures
@testable import LociImage

final class WaSHDetectorTests: XCTestCase {
  /// Separated shapes on a mid-grey background: a bright disc (r = 18 at (50, 50)), a dark
  /// 36×36 square centred at (130.5, 50.5), a bright disc (r = 12 at (60, 130)), a dark
  /// 24×24 square centred at (140.5, 135.5); slight blur so gradients are smooth.
  static func shapes(scale: Double = 1) -> GrayImage {
    let w = Int(200 * scale), h = Int(180 * scale)
    return GrayImage(width: w, height: h) { px, py in
      let x = (Double(px) + 0.5) / scale - 0.5, y = (Double(py) + 0.5) / scale - 0.5
      if hypot(x - 50, y - 50) < 18 { return 0.85 }
      if abs(x - 130.5) < 18 && abs(y - 50.5) < 18 { return 0.15 }
      if hypot(x - 60, y - 130) < 12 { return 0.85 }
      if abs(x - 140.5) < 12 && abs(y - 135.5) < 12 { return 0.15 }
      return 0.5
    }.gaussianBlurred(sigma: Float(scale))
  }

  static let truth: [(x: Double, y: Double, area: Double)] = [
    (50, 50, Double.pi * 18 * 18), (130.5, 50.5, 36 * 36), (60, 130, Double.pi * 12 * 12), (140.5, 135.5, 24 * 24),
  ]

  func nearest(_ regions: [AffineRegion], to t: (x: Double, y: Double, area: Double), scale: Double = 1) -> AffineRegion? {
    regions.min {
      let a = abs(log(Double.pi * $0.shape.determinant.squareRoot() / (t.area * scale * scale))) + hypot($0.x - t.x * scale, $0.y - t.y * scale)
      let b = abs(log(Double.pi * $1.shape.determinant.squareRoot() / (t.area * scale * scale))) + hypot($1.x - t.x * scale, $1.y - t.y * scale)
      return a < b
    }
  }

  /// Edge sampling at σ = 1 traces the synthetic boundaries tightly, so the geometry
  /// checks use it; the default (dithering at σ = 2, tuned on real images) is tested below.
  static let edgeOptions: WaSHOptions = {
    var o = WaSHOptions()
    o.sampling = .edges
    o.gradientSigma = 1
    o.maxInstability = 0.25
    return o
  }()

  func testFindsTheSeparatedShapes() throws {
    let regions = try WaSHDetector(options: Self.edgeOptions).detect(in: Self.shapes())
    for t in Self.truth {
      let r = try XCTUnwrap(nearest(regions, to: t))
      XCTAssertEqual(r.x, t.x, accuracy: 1, "centre of shape at \(t)")
      XCTAssertEqual(r.y, t.y, accuracy: 1, "centre of shape at \(t)")
      let area = Double.pi * r.shape.determinant.squareRoot()
      XCTAssertEqual(area / t.area, 1, accuracy: 0.1, "area of shape at \(t)")
    }
  }

  func testCovariantUnderRotationBy90DegreesAndScaleTwo() throws {
    let image = Self.shapes()
    let h = image.height
    let rotated = GrayImage(width: image.height, height: image.width) { x, y in image[y, h - 1 - x] }
    let rotatedRegions = try WaSHDetector(options: Self.edgeOptions).detect(in: rotated)
    let doubled = try WaSHDetector(options: Self.edgeOptions).detect(in: Self.shapes(scale: 2))
    for t in Self.truth {
      // (x, y) ↦ (H − 1 − y, x) under the rotation.
      let r = try XCTUnwrap(nearest(rotatedRegions, to: (Double(h - 1) - t.y, t.x, t.area)))
      XCTAssertEqual(r.x, Double(h - 1) - t.y, accuracy: 1)
      XCTAssertEqual(r.y, t.x, accuracy: 1)
      // ×2: pixel centres map as p ↦ 2p + 0.5.
      let d = try XCTUnwrap(nearest(doubled, to: (t.x + 0.25, t.y + 0.25, t.area), scale: 2))
      XCTAssertEqual(d.x, 2 * t.x + 0.5, accuracy: 2)
      XCTAssertEqual(d.y, 2 * t.y + 0.5, accuracy: 2)
      XCTAssertEqual(Double.pi * d.shape.determinant.squareRoot() / (4 * t.area), 1, accuracy: 0.1)
    }
  }

  /// The cavity of an open C-shape (a bright ring, radii 22–30, with a 40° gap) is found
  /// through its mouth: a region centred on the ring's centre, about the size of its inside
  /// — not an intensity extremum of its own (§2A.2 "cavities of the boundary shape").
  func testFindsTheCavityOfAnOpenRing() throws {
    let image = GrayImage(width: 120, height: 120) { px, py in
      let dx = Double(px) - 60, dy = Double(py) - 60
      let r = hypot(dx, dy), angle = atan2(dy, dx) * 180 / Double.pi
      return r >= 22 && r <= 30 && abs(angle) > 20 ? 0.85 : 0.3
    }.gaussianBlurred(sigma: 1)
    let regions = try WaSHDetector(options: Self.edgeOptions).detect(in: image)
    let cavity = try XCTUnwrap(regions.min { hypot($0.x - 60, $0.y - 60) < hypot($1.x - 60, $1.y - 60) })
    XCTAssertEqual(cavity.x, 60, accuracy: 2.5)
    XCTAssertEqual(cavity.y, 60, accuracy: 2.5)
    XCTAssertEqual(cavity.scale, 22, accuracy: 4, "about the ring's inner radius")
  }

  func testDegenerateImagesGiveEmptyOrSensibleResults() throws {
    XCTAssertTrue(try WaSHDetector().detect(in: GrayImage(width: 64, height: 64, value: 0.5)).isEmpty)
    XCTAssertTrue(try WaSHDetector().detect(in: GrayImage(width: 2, height: 2, value: 0.5)).isEmpty)
    // A single straight edge: samples are collinear-ish; no enclosed region is stable.
    let edge = GrayImage(width: 80, height: 60) { x, _ in x < 40 ? 0.2 : 0.8 }
    let regions = try WaSHDetector().detect(in: edge)
    XCTAssertTrue(regions.allSatisfy { $0.shape.isPositiveDefinite })
  }

  func testDefaultDitherSamplingFindsTheShapes() throws {
    let regions = try WaSHDetector().detect(in: Self.shapes())
    for t in Self.truth {
      let r = try XCTUnwrap(nearest(regions, to: t))
      XCTAssertEqual(r.x, t.x, accuracy: 1.5)
      XCTAssertEqual(r.y, t.y, accuracy: 1.5)
      // Dithered samples fill the whole σ = 2 gradient band (±~3 px) around each boundary, so
      // the empty region inside is smaller than the shape: 0.7–0.9 of its area here.
      let ratio = Double.pi * r.shape.determinant.squareRoot() / t.area
      XCTAssertGreaterThan(ratio, 0.65)
      XCTAssertLessThan(ratio, 1.0)
    }
  }

  /// The tree's layout that the selection relies on: the histories' state ranges tile
  /// `states` in order, and along each history α never rises and the area never falls (so
  /// A(α) can be found by binary search, and histories below minArea skipped whole).
  func testComponentTreeHistoriesAreContiguousAndMonotone() throws {
    let analysis = try WaSHDetector().analyse(Self.shapes())
    let tree = analysis.tree
    XCTAssertEqual(tree.histories.count, analysis.filtration.triangles.count, "one history per triangle")
    var next = 0
    for history in tree.histories {
      XCTAssertEqual(history.stateRange.lowerBound, next)
      XCTAssertFalse(history.stateRange.isEmpty)
      next = history.stateRange.upperBound
      let states = tree.states(of: history)
      for (a, b) in zip(states, states.dropFirst()) {
        XCTAssertGreaterThanOrEqual(a.alpha, b.alpha)
        XCTAssertLessThanOrEqual(a.area, b.area)
      }
      if let end = history.endedAt { XCTAssertLessThanOrEqual(end, try XCTUnwrap(states.last).alpha) }
    }
    XCTAssertEqual(next, tree.states.count)
    XCTAssertGreaterThan(tree.states.count, tree.histories.count, "merges add states")
  }

  func testComponentTreeOfASquareOfPoints() throws {
    // Points on the boundary of a 20×20 square (every 2 px): the empty interior is one
    // component of area 400. It is born at α = 10² = 100, the squared radius of the largest
    // empty circle (the inscribed one, which the central Delaunay triangles' circumcircles
    // approach), and reaches the outside only when the 2-px gaps open: α = 1² = 1.
    var points: [WeightedPoint] = []
    for i in stride(from: 0, to: 20, by: 2) {
      for (x, y) in [(i, 0), (20, i), (20 - i, 20), (0, 20 - i)] {
        let j = WaSHDetector.jitter(x, y)
        points.append(WeightedPoint(x: Double(x) + j.0, y: Double(y) + j.1, weight: 0))
      }
    }
    let f = try WeightedAlphaFiltration(points: points)
    let tree = AlphaComponentTree(filtration: f, points: points)
    let largest = try XCTUnwrap(tree.histories.max {
      (tree.states(of: $0).last?.area ?? 0) < (tree.states(of: $1).last?.area ?? 0)
    })
    let last = try XCTUnwrap(tree.states(of: largest).last)
    XCTAssertEqual(last.area, 400, accuracy: 1)
    XCTAssertEqual(last.centre.x, 10, accuracy: 0.01)
    XCTAssertEqual(last.centre.y, 10, accuracy: 0.01)
    XCTAssertEqual(try XCTUnwrap(tree.states(of: largest).first).alpha, 100, accuracy: 1)
    XCTAssertTrue(largest.becameUnbounded)
    XCTAssertEqual(try XCTUnwrap(largest.endedAt), 1, accuracy: 0.1)
  }

  /// With scale levels, `detect` holds every region of the full-resolution level unchanged
  /// and adds the coarser levels' regions, mapped back onto the same shapes; one level is
  /// exactly `analyse`.
  func testScaleLevelsKeepTheFullResolutionRegionsAndFindTheShapesAgain() throws {
    var options = Self.edgeOptions
    options.minArea = 30
    let image = Self.shapes(scale: 2)
    let fullResolution = try WaSHDetector(options: options).analyse(image).regions
    options.scaleLevels = 1
    XCTAssertEqual(try WaSHDetector(options: options).detect(in: image), fullResolution)
    options.scaleLevels = 3
    let all = try WaSHDetector(options: options).detect(in: image)
    XCTAssertGreaterThan(all.count, fullResolution.count)
    for r in fullResolution { XCTAssertTrue(all.contains(r), "\(r) kept") }
    for t in Self.truth {
      let matches = all.filter { r in
        hypot(r.x - (2 * t.x + 0.5), r.y - (2 * t.y + 0.5)) < 2
          && abs(Double.pi * r.shape.determinant.squareRoot() / (4 * t.area) - 1) < 0.15
      }
      XCTAssertGreaterThanOrEqual(matches.count, 2, "shape at \(t) found at two levels")
    }
  }
}
