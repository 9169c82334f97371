import XCTest

@testable import LociImage

final class GrayImagePyramidTests: XCTestCase {
  /// Level sizes shrink by the step from the previous level (rounded), factors are measured on
  /// the widths produced, and the pyramid stops before a side would drop below the minimum.
  func testLevelSizesFactorsAndStop() {
    let image = GrayImage(width: 200, height: 100) { x, y in Float((x * 7 + y * 3) % 11) / 10 }
    let levels = image.pyramid(levels: 10, step: 0.5, minimumSide: 12)
    XCTAssertEqual(levels.map { [$0.image.width, $0.image.height] }, [[200, 100], [100, 50], [50, 25], [25, 13]])
    XCTAssertEqual(levels.map(\.factor), [1, 0.5, 0.25, 0.125])
    XCTAssertEqual(levels[0].image, image, "the first level at factor 1 is the image itself")
    // A first factor below 1, then √½ steps: 200 → 140 → 99 → 70.
    let shifted = image.pyramid(levels: 3, first: 0.7, step: 0.5.squareRoot())
    XCTAssertEqual(shifted.map(\.image.width), [140, 99, 70])
    XCTAssertEqual(shifted.map(\.factor), [0.7, 0.495, 0.35])
    // Each level is resized from the previous one, not from the input.
    XCTAssertEqual(levels[2].image, levels[1].image.resized(by: 0.5))
  }

  /// A small image keeps its first level even below the minimum side; levels that would not
  /// shrink are not repeated.
  func testTinyImagesKeepOneLevel() {
    let tiny = GrayImage(width: 3, height: 2, value: 0.5)
    XCTAssertEqual(tiny.pyramid(levels: 5, step: 0.7).count, 1)
    XCTAssertEqual(GrayImage(width: 1, height: 1, value: 0).pyramid(levels: 4, step: 0.9, minimumSide: 1).count, 1)
  }
}
