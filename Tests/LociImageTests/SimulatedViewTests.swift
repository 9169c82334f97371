import Foundation
import XCTest

@testable import LociImage

/// Simulated views (rotation, then a tilt along x with ASIFT's anti-aliasing): the returned
/// map sends image points to where the view shows them.
final class SimulatedViewTests: XCTestCase {
  /// A bright dot, blurred so that its peak is well defined, at a known place.
  static func dot(at p: (Double, Double), width: Int = 120, height: Int = 90) -> GrayImage {
    GrayImage(width: width, height: height) { x, y in
      let (dx, dy) = (Double(x) - p.0, Double(y) - p.1)
      return Float(exp(-(dx * dx + dy * dy) / (2 * 2.5 * 2.5)))
    }
  }

  /// The intensity-weighted centre of the view's bright pixels.
  static func brightCentre(_ image: GrayImage) -> (x: Double, y: Double) {
    var (sx, sy, sw) = (0.0, 0.0, 0.0)
    for y in 0..<image.height {
      for x in 0..<image.width {
        let v = Double(image.pixels[y * image.width + x])
        guard v > 0.2 else { continue }
        (sx, sy, sw) = (sx + v * Double(x), sy + v * Double(y), sw + v)
      }
    }
    return (sx / sw, sy / sw)
  }

  func testTheMapSendsPointsWhereTheViewShowsThem() {
    let p = (70.0, 35.0)
    let image = Self.dot(at: p)
    for (tilt, degrees) in [(1.0, 0.0), (2.0, 0.0), (2.0, 36.0), (4.0, 108.0), (1.0, 90.0)] {
      let (view, map) = image.simulatedView(tilt: tilt, rotation: degrees * .pi / 180)
      let expected = map.apply(p.0, p.1), found = Self.brightCentre(view)
      XCTAssertEqual(found.x, expected.x, accuracy: 0.3, "tilt \(tilt), \(degrees)°")
      XCTAssertEqual(found.y, expected.y, accuracy: 0.3, "tilt \(tilt), \(degrees)°")
    }
  }

  func testViewSizesFollowTheTilt() {
    let image = GrayImage(width: 120, height: 90, value: 0.5)
    let (flat, _) = image.simulatedView(tilt: 2, rotation: 0)
    XCTAssertEqual([flat.width, flat.height], [60, 90])
    let (turned, _) = image.simulatedView(tilt: 1, rotation: .pi / 2)
    XCTAssertEqual([turned.width, turned.height], [90, 120])
    // A constant image stays constant (the blur's weights sum to one, borders repeat).
    let (tilted, _) = image.simulatedView(tilt: 4, rotation: 0.6)
    XCTAssertEqual(tilted.pixels.min()!, 0.5, accuracy: 1e-5)
    XCTAssertEqual(tilted.pixels.max()!, 0.5, accuracy: 1e-5)
  }

  func testTheInverseUndoesTheMap() throws {
    let map = PlaneAffinity(m11: 0.4, m12: -0.3, m21: 0.9, m22: 1.1, tx: 5, ty: -7)
    let inverse = try XCTUnwrap(map.inverse)
    let q = map.apply(12, -4), back = inverse.apply(q.x, q.y)
    XCTAssertEqual(back.x, 12, accuracy: 1e-12)
    XCTAssertEqual(back.y, -4, accuracy: 1e-12)
    XCTAssertNil(PlaneAffinity(m11: 1, m12: 2, m21: 2, m22: 4, tx: 0, ty: 0).inverse)
  }

  /// The blur acts along rows only: a horizontal edge stays sharp, a vertical one spreads.
  func testHorizontalBlurLeavesColumnsAlone() {
    let rows = GrayImage(width: 20, height: 20) { _, y in y < 10 ? 0 : 1 }
    XCTAssertEqual(rows.horizontallyBlurred(sigma: 2).pixels, rows.pixels)
    let columns = GrayImage(width: 20, height: 20) { x, _ in x < 10 ? 0 : 1 }
    let blurred = columns.horizontallyBlurred(sigma: 2)
    XCTAssertEqual(blurred.pixels[5 * 20 + 9], 0.5 - 0.5 * Float(erf(0.5 / (2 * 2.0.squareRoot()))), accuracy: 0.01)
  }
}
