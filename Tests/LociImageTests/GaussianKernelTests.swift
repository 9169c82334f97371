import XCTest

@testable import LociImage

final class GaussianKernelTests: XCTestCase {
  func testSigmaOneKernelMatchesHandComputedWeights() {
    let k = GaussianKernel(sigma: 1)
    XCTAssertEqual(k.radius, 4)
    XCTAssertEqual(k.weights.count, 9)
    // Σ_{i=-4..4} e^{-i²/2} = 1 + 2(0.6065307 + 0.1353353 + 0.0111090 + 0.0003355) = 2.5066209
    let total = 2.5066209
    XCTAssertEqual(Double(k.weights[4]), 1 / total, accuracy: 1e-6)
    XCTAssertEqual(Double(k.weights[5]), 0.6065307 / total, accuracy: 1e-6)
    XCTAssertEqual(Double(k.weights[8]), 0.0003355 / total, accuracy: 1e-6)
    XCTAssertEqual(Double(k.weights.reduce(0, +)), 1, accuracy: 1e-6)
    XCTAssertEqual(k.weights[0], k.weights[8])
  }

  func testBlurOfImpulseIsTheSeparableKernel() {
    var image = GrayImage(width: 21, height: 21)
    image[10, 10] = 1
    let sigma: Float = 1.5
    let blurred = image.gaussianBlurred(sigma: sigma)
    let k = GaussianKernel(sigma: sigma)
    for (dx, dy) in [(0, 0), (1, 0), (2, 3), (-4, 1), (5, -5)] {
      let expected = k.weights[k.radius + dx] * k.weights[k.radius + dy]
      XCTAssertEqual(blurred[10 + dx, 10 + dy], expected, accuracy: 1e-7, "offset (\(dx), \(dy))")
    }
    XCTAssertEqual(blurred.pixels.reduce(0, +), 1, accuracy: 1e-5, "mass is preserved away from the border")
  }

  func testBlurKeepsConstantImagesAndLinearRampsInTheInterior() {
    let ramp = GrayImage(width: 40, height: 30) { x, y in 0.01 * Float(x) + 0.005 * Float(y) }
    let blurred = ramp.gaussianBlurred(sigma: 2)
    for (x, y) in [(20, 15), (10, 10), (29, 20)] {
      XCTAssertEqual(blurred[x, y], ramp[x, y], accuracy: 1e-5)  // symmetric kernel: linear functions are fixed
    }
    let flat = GrayImage(width: 9, height: 7, value: 0.3).gaussianBlurred(sigma: 3)
    XCTAssertTrue(flat.pixels.allSatisfy { abs($0 - 0.3) < 1e-6 })
  }
}
