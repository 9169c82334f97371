import XCTest

@testable import LociImage

final class DrawingTests: XCTestCase {
  func testEllipseOutlineLiesOnTheEllipse() {
    var canvas = RGBImage(width: 60, height: 60)
    // Axis-aligned ellipse with semi-axes 20 (x) and 10 (y): S = diag(400, 100).
    canvas.drawEllipse(center: (30, 30), shape: (400, 0, 100), color: (255, 0, 0))
    XCTAssertEqual(canvas.pixel(x: 50, y: 30).0, 255)
    XCTAssertEqual(canvas.pixel(x: 10, y: 30).0, 255)
    XCTAssertEqual(canvas.pixel(x: 30, y: 20).0, 255)
    XCTAssertEqual(canvas.pixel(x: 30, y: 40).0, 255)
    XCTAssertEqual(canvas.pixel(x: 30, y: 30).0, 0, "the inside is not filled")
    XCTAssertEqual(canvas.pixel(x: 30, y: 15).0, 0, "nothing beyond the minor axis")
  }

  func testLinesAreClippedAndAbsurdCoordinatesIgnored() {
    var canvas = RGBImage(width: 10, height: 10)
    canvas.drawLine(from: (-5, 5), to: (20, 5), color: (0, 255, 0))
    XCTAssertEqual((0..<10).filter { canvas.pixel(x: $0, y: 5).1 == 255 }.count, 10)
    canvas.drawLine(from: (0, 0), to: (.infinity, 1e12), color: (0, 0, 255))  // must not hang or trap
  }
}
