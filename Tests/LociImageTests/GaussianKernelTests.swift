import XCTest

@testable import LociImage
import LociCore
import LociKernels

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

  /// Every pixel, borders included and widths that are not a multiple of the eight pixels
  /// summed at once, equals the separable definition with replicated borders, taps summed
  /// in kernel order from 0: bit for bit.
  func testBlurEqualsItsDefinitionOnEveryPixel() {
    var state: UInt32 = 777
    let sigma: Float = 1.5
    let k = GaussianKernel(sigma: sigma), r = k.radius
    for (w, h) in [(1, 1), (3, 17), (8, 2), (13, 9), (29, 4)] {
      let image = GrayImage(width: w, height: h) { _, _ in
        state = state &* 1_664_525 &+ 1_013_904_223
        return Float(state >> 8) / Float(1 << 24)
      }
      let blurred = image.gaussianBlurred(sigma: sigma)
      var horizontal = [Float](repeating: 0, count: w * h)
      for y in 0..<h {
        for x in 0..<w {
          var sum: Float = 0
          for j in 0...(2 * r) { sum += k.weights[j] * image[min(max(x + j - r, 0), w - 1), y] }
          horizontal[y * w + x] = sum
        }
      }
      for y in 0..<h {
        for x in 0..<w {
          var sum: Float = 0
          for j in 0...(2 * r) { sum += k.weights[j] * horizontal[min(max(y + j - r, 0), h - 1) * w + x] }
          XCTAssertEqual(blurred[x, y], sum, "\(w)×\(h) at \(x), \(y)")
        }
      }
    }
  }
}

/// The blur's two kernels (portable Swift, C for AVX2) give the same bits: each pixel sums
/// its taps in the same order with separate multiplies and adds. Widths cover the 32-pixel
/// blocks, the 8-pixel blocks and the scalar tail.
final class BlurKernelTests: XCTestCase {
  func testAVX2KernelGivesThePortableKernelsBits() throws {
    #if arch(x86_64)
      guard CPUFeatures.hasAVX2AndFMA else { throw XCTSkip("no AVX2 + FMA on this CPU") }
      var rng = SplitMix64(seed: 5)
      let taps = 9
      let weights = (0..<taps).map { _ in Float(rng.unit()) }
      for width in [1, 7, 8, 31, 32, 45, 77, 200] {
        let rows = (0..<taps).map { _ in (0..<width).map { _ in Float(rng.unit()) * 255 } }
        var portable = [Float](repeating: 0, count: width), avx = portable
        let bases = rows.map { row -> UnsafeMutablePointer<Float> in
          let p = UnsafeMutablePointer<Float>.allocate(capacity: width)
          p.initialize(from: row, count: width)
          return p
        }
        defer { bases.forEach { $0.deallocate() } }
        let inputs = bases.map { UnsafePointer($0) }
        inputs.withUnsafeBufferPointer { input in
          BlurKernel.weightedSum(taps: taps, weights: weights, width: width, into: &portable, inputs: input.baseAddress!)
        }
        let optionalInputs: [UnsafePointer<Float>?] = inputs
        avx.withUnsafeMutableBufferPointer { out in
          loci_blur_weighted_sum_avx2(taps, weights, width, out.baseAddress!, optionalInputs)
        }
        XCTAssertEqual(portable.map(\.bitPattern), avx.map(\.bitPattern), "width \(width)")
      }
    #endif
  }
}
