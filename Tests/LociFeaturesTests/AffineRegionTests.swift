import XCTest

@testable import LociFeatures

final class AffineRegionTests: XCTestCase {
  func testVGGConversionIsTheInverseShape() throws {
    let region = AffineRegion(x: 10, y: 20, shape: SymmetricMatrix2(a: 16, b: 3, c: 9))
    let e = region.vgg
    // S⁻¹ of [[16 3] [3 9]] = [[9 −3] [−3 16]] / 135
    XCTAssertEqual(e.a, 9.0 / 135, accuracy: 1e-12)
    XCTAssertEqual(e.b, -3.0 / 135, accuracy: 1e-12)
    XCTAssertEqual(e.c, 16.0 / 135, accuracy: 1e-12)
    let back = try XCTUnwrap(AffineRegion(vggU: e.u, v: e.v, a: e.a, b: e.b, c: e.c))
    XCTAssertEqual(back.shape.a, 16, accuracy: 1e-9)
    XCTAssertEqual(back.shape.b, 3, accuracy: 1e-9)
    XCTAssertEqual(back.shape.c, 9, accuracy: 1e-9)
    XCTAssertNil(AffineRegion(vggU: 0, v: 0, a: 1, b: 2, c: 1), "indefinite forms are refused")
  }

  func testScaleAxesAndFrame() {
    let circle = AffineRegion(x: 0, y: 0, radius: 5)
    XCTAssertEqual(circle.scale, 5, accuracy: 1e-12)
    let ellipse = AffineRegion(x: 0, y: 0, shape: SymmetricMatrix2(a: 25, b: 0, c: 4), angle: 0.3)
    XCTAssertEqual(ellipse.semiAxes.major, 5, accuracy: 1e-12)
    XCTAssertEqual(ellipse.semiAxes.minor, 2, accuracy: 1e-12)
    XCTAssertEqual(ellipse.scale, (10.0).squareRoot(), accuracy: 1e-12)
    // A·Aᵀ = S whatever the orientation.
    let a = ellipse.affineFrame
    let s = a * a.transposed
    XCTAssertEqual(s.m11, 25, accuracy: 1e-9)
    XCTAssertEqual(s.m12, 0, accuracy: 1e-9)
    XCTAssertEqual(s.m22, 4, accuracy: 1e-9)
  }

  func testSquareRootOfSymmetricMatrix() {
    let m = SymmetricMatrix2(a: 5, b: 2, c: 3)
    let r = Matrix2(m.squareRoot)
    let p = r * r
    XCTAssertEqual(p.m11, 5, accuracy: 1e-12)
    XCTAssertEqual(p.m12, 2, accuracy: 1e-12)
    XCTAssertEqual(p.m22, 3, accuracy: 1e-12)
  }

  func testScalingMapsPixelCentres() {
    // A region found at (3, 5) with radius 2 on a half-size image sits at (6.5, 10.5), radius 4.
    let r = AffineRegion(x: 3, y: 5, radius: 2).scaled(by: 2)
    XCTAssertEqual(r.x, 6.5)
    XCTAssertEqual(r.y, 10.5)
    XCTAssertEqual(r.scale, 4, accuracy: 1e-12)
  }

  func testInsideUsesTheEllipseBoundingBox() {
    let r = AffineRegion(x: 10, y: 10, shape: SymmetricMatrix2(a: 81, b: 0, c: 4))
    XCTAssertTrue(r.isInside(x0: 0, y0: 0, x1: 20, y1: 20))
    XCTAssertFalse(r.isInside(x0: 2, y0: 0, x1: 20, y1: 20))
    XCTAssertTrue(r.isInside(x0: 1, y0: 8, x1: 19, y1: 12))
  }
}
