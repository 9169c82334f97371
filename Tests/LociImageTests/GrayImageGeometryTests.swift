import XCTest

@testable import LociImage

final class GrayImageGeometryTests: XCTestCase {
  let ramp = GrayImage(width: 32, height: 24) { x, y in 0.01 * Float(x) + 0.02 * Float(y) }

  func testCentralDifferenceGradientOfARamp() {
    let g = ramp.gradient()
    XCTAssertEqual(g.dx[10 * 32 + 10], 0.01, accuracy: 1e-6)
    XCTAssertEqual(g.dy[10 * 32 + 10], 0.02, accuracy: 1e-6)
    XCTAssertEqual(g.dx[0], 0.01, accuracy: 1e-6, "one-sided at the border")
    XCTAssertEqual(g.magnitude()[5 * 32 + 5], (0.0001 + 0.0004 as Float).squareRoot(), accuracy: 1e-6)
  }

  /// Every pixel, border rows and columns and one-pixel-wide images included, equals the
  /// definition (central difference divided by 2, one-sided divided by 1) bit for bit.
  func testGradientEqualsItsDefinitionOnEveryPixel() {
    var state: UInt32 = 12345
    for (w, h) in [(1, 1), (1, 6), (6, 1), (2, 2), (7, 5), (33, 9)] {
      let image = GrayImage(width: w, height: h) { _, _ in
        state = state &* 1_664_525 &+ 1_013_904_223
        return Float(state >> 8) / Float(1 << 24)
      }
      let g = image.gradient()
      XCTAssertEqual(image.gradientMagnitude(), g.magnitude(), "\(w)×\(h): the one-pass magnitude, bit for bit")
      for y in 0..<h {
        for x in 0..<w {
          let xl = max(x - 1, 0), xr = min(x + 1, w - 1), yu = max(y - 1, 0), yd = min(y + 1, h - 1)
          XCTAssertEqual(g.dx[y * w + x], (image[xr, y] - image[xl, y]) / Float(max(xr - xl, 1)), "\(w)×\(h) dx at \(x), \(y)")
          XCTAssertEqual(g.dy[y * w + x], (image[x, yd] - image[x, yu]) / Float(max(yd - yu, 1)), "\(w)×\(h) dy at \(x), \(y)")
        }
      }
    }
  }

  func testBilinearSamplingIsExactOnLinearFunctionsAndClampsAtBorders() {
    XCTAssertEqual(ramp.sample(x: 3.25, y: 7.5), 0.01 * 3.25 + 0.02 * 7.5, accuracy: 1e-6)
    XCTAssertEqual(ramp.sample(x: -5, y: -5), ramp[0, 0])
    XCTAssertEqual(ramp.sample(x: 100, y: 100), ramp[31, 23])
  }

  func testResizeUsesPixelCentreConvention() {
    let half = ramp.resized(width: 16, height: 12)
    // new x ↦ old (x + 0.5)·2 − 0.5 = 2x + 0.5: a linear function stays linear (blur keeps it).
    XCTAssertEqual(half[4, 3], 0.01 * 8.5 + 0.02 * 6.5, accuracy: 1e-4)
    let (limited, factor) = ramp.limited(toMaxDimension: 16)
    XCTAssertEqual(factor, 0.5)
    XCTAssertEqual(limited.width, 16)
    XCTAssertEqual(limited.height, 12)
    XCTAssertEqual(ramp.limited(toMaxDimension: 100).factor, 1)
  }

  /// Every output pixel of `resized` is `bilinear` of the anti-aliased input at the pixel
  /// centre's position, bit for bit (the per-row and per-column taps are precomputed).
  func testResizeEqualsBilinearAtEveryPixel() throws {
    var state: UInt64 = 11
    func next() -> Float {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Float(state >> 40) / Float(1 << 24)
    }
    for (w, h, nw, nh) in [(1, 1, 3, 2), (7, 5, 3, 2), (33, 21, 23, 15), (20, 9, 41, 30), (64, 48, 64, 24)] {
      let image = try GrayImage(width: w, height: h, pixels: (0..<(w * h)).map { _ in next() })
      let out = image.resized(width: nw, height: nh)
      let sx = Float(w) / Float(nw), sy = Float(h) / Float(nh), shrink = max(sx, sy)
      let source = shrink > 1 ? image.gaussianBlurred(sigma: 0.5 * (shrink * shrink - 1).squareRoot()) : image
      source.pixels.withUnsafeBufferPointer { p in
        for y in 0..<nh {
          for x in 0..<nw {
            let expected = bilinear(p, w, h, (Float(x) + 0.5) * sx - 0.5, (Float(y) + 0.5) * sy - 0.5)
            XCTAssertEqual(out[x, y].bitPattern, expected.bitPattern, "\(w)×\(h) → \(nw)×\(nh) at \(x), \(y)")
          }
        }
      }
    }
  }

  func testAffineWarpByTranslationShiftsTheImage() {
    let warped = ramp.warpedAffine(outputWidth: 10, outputHeight: 10, a: (1, 0, 0, 1), t: (2, 3))
    XCTAssertEqual(warped[4, 5], ramp[6, 8], accuracy: 1e-6)
    let scaled = ramp.warpedAffine(outputWidth: 10, outputHeight: 10, a: (2, 0, 0, 2), t: (0, 0))
    XCTAssertEqual(scaled[3, 4], ramp[6, 8], accuracy: 1e-6)
  }

  func testInitRejectsMismatchedSampleCount() {
    XCTAssertThrowsError(try GrayImage(width: 3, height: 3, pixels: [0, 1])) { error in
      guard case ImageError.invalidArgument = error else { return XCTFail("\(error)") }
    }
  }
}
