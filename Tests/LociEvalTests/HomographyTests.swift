import Foundation
import XCTest

@testable import LociFeatures
@testable import LociGeometry

final class HomographyTests: XCTestCase {
  func testParsesOxfordTextAndInverts() throws {
    let h = try Homography(text: " 8.7976964e-01   3.1245438e-01  -3.9430589e+01\n -1.8389418e-01   9.3847198e-01   1.5315784e+02\n  1.9641425e-04  -1.6015275e-05   1.0000000e+00\n")
    let p = h.apply(100, 200)
    let back = h.inverse.apply(p.x, p.y)
    XCTAssertEqual(back.x, 100, accuracy: 1e-9)
    XCTAssertEqual(back.y, 200, accuracy: 1e-9)
    XCTAssertThrowsError(try Homography(text: "1 0 0\n0 1"))
  }

  func testJacobianMatchesFiniteDifferences() {
    let h = Homography([0.9, 0.2, 5, -0.1, 1.1, 3, 0.0003, -0.0002, 1])
    let j = h.jacobian(atX: 120, y: 80)
    let eps = 1e-5
    let p = h.apply(120, 80), px = h.apply(120 + eps, 80), py = h.apply(120, 80 + eps)
    XCTAssertEqual(j.m11, (px.x - p.x) / eps, accuracy: 1e-5)
    XCTAssertEqual(j.m21, (px.y - p.y) / eps, accuracy: 1e-5)
    XCTAssertEqual(j.m12, (py.x - p.x) / eps, accuracy: 1e-5)
    XCTAssertEqual(j.m22, (py.y - p.y) / eps, accuracy: 1e-5)
  }

  func testWarpOfACircleByAScaling() {
    let h = Homography([2, 0, 10, 0, 2, -4, 0, 0, 1])
    let w = h.warp(AffineRegion(x: 3, y: 4, radius: 5))
    XCTAssertEqual(w.x, 16)
    XCTAssertEqual(w.y, 4)
    XCTAssertEqual(w.scale, 10, accuracy: 1e-12)
    XCTAssertEqual(w.shape.b, 0, accuracy: 1e-12)
  }
}
