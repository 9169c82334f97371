import Foundation
import XCTest

@testable import LociQuantization

final class AGMTests: XCTestCase {
  /// The notes' toy example: 8 modes on a circle in 2-D, 100 points each; AGM started from
  /// 50 random points with σ₀ = 0.02 must settle on 8 components at the modes. This
  /// reconstruction also keeps one spurious component on a pair of outlying points (weight
  /// 0.25 %), which the overlap purge cannot see; the test bounds such leftovers to 1 %.
  func testFindsTheEightModesOfA2DMixture() throws {
    let modes: [[Float]] = (0..<8).map { i in
      let a = Double(i) * Double.pi / 4
      return [Float(cos(a)), Float(sin(a))]
    }
    let data = KMeansTests.blobs(modes, perBlob: 100, sigma: 0.08, seed: 5)
    var options = AGMOptions()
    options.initialComponents = 50
    options.initialSigma = 0.02
    let result = try AGM.train(data, dimension: 2, options: options)
    let major = result.weights.indices.filter { result.weights[$0] >= 0.05 }
    XCTAssertEqual(major.count, 8, "history \(result.history), weights \(result.weights)")
    XCTAssertLessThan(result.weights.indices.filter { result.weights[$0] < 0.05 }.map { result.weights[$0] }.reduce(0, +), 0.01)
    XCTAssertLessThanOrEqual(result.vocabulary.count, 9)
    for mode in modes {
      let nearest = major.min { i, j in
        hypot(Double(result.vocabulary.centroids[2 * i] - mode[0]), Double(result.vocabulary.centroids[2 * i + 1] - mode[1]))
          < hypot(Double(result.vocabulary.centroids[2 * j] - mode[0]), Double(result.vocabulary.centroids[2 * j + 1] - mode[1]))
      }!
      let c = result.vocabulary.centroids
      XCTAssertLessThan(hypot(Double(c[2 * nearest] - mode[0]), Double(c[2 * nearest + 1] - mode[1])), 0.03, "a component at \(mode)")
      XCTAssertEqual(result.weights[nearest], 0.125, accuracy: 0.01)
      XCTAssertEqual(result.sigmas[nearest], 0.08, accuracy: 0.02, "σ near the true 0.08")
    }
    XCTAssertEqual(result.weights.reduce(0, +), 1, accuracy: 1e-9)
  }
}
