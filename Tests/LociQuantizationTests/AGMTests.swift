import Foundation
import XCTest

@testable import LociQuantization

final class AGMTests: XCTestCase {
  /// The notes' toy example: 8 modes on a circle in 2-D, 100 points each; AGM started from
  /// 50 random points with σ₀ = 0.02 must settle on 8 components at the modes. This
  /// reconstruction also keeps one spurious component on a pair of outlying points (weight
  /// 0.25 %), which the overlap purge cannot see; the test bounds such leftovers to 1 %.
  func testFindsTheEightModesOfA2DMixture() throws {
    for rule in AGMOptions.PurgeRule.allCases {
      for starts in [50, 200] { try checkEightModes(rule: rule, starts: starts) }
    }
  }

  func checkEightModes(rule: AGMOptions.PurgeRule, starts: Int) throws {
    let modes: [[Float]] = (0..<8).map { i in
      let a = Double(i) * Double.pi / 4
      return [Float(cos(a)), Float(sin(a))]
    }
    let data = KMeansTests.blobs(modes, perBlob: 100, sigma: 0.08, seed: 5)
    var options = AGMOptions()
    options.initialComponents = starts
    options.initialSigma = 0.02
    options.purgeRule = rule
    let result = try AGM.train(data, dimension: 2, options: options)
    let major = result.weights.indices.filter { result.weights[$0] >= 0.05 }
    XCTAssertEqual(major.count, 8, "\(rule), \(starts) starts: history \(result.history), weights \(result.weights)")
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

  /// The merge rule's cost on two components whose numbers can be done by hand (d = 2, mass
  /// 10 each, unit variance, means 4 apart): ℓ = 10 log ½ each, the merged variance is
  /// (10 + 10)/20 + 10·10·16/(20²·2) = 3 and ℓ = 20 (log 1 − log 3), so merging costs
  /// 20 log 3 − 20 log 2 = 8.109 nats. A penalty just above merges, just below does not.
  func testMergeCostAgainstHandComputedValue() {
    let cost = 20 * log(3.0) - 20 * log(2.0)
    for (penalty, merges) in [(cost + 0.01, true), (cost - 0.01, false)] {
      var means: [Float] = [0, 0, 4, 0]
      var variances = [1.0, 1.0], masses = [10.0, 10.0]
      let alive = AGM.mergeRedundant(means: &means, variances: &variances, masses: &masses, dimension: 2,
                                     neighbours: 5, penalty: penalty)
      XCTAssertEqual(alive.filter { !$0 }.count, merges ? 1 : 0, "penalty \(penalty)")
      if merges {
        let survivor = alive.firstIndex(of: true)!
        XCTAssertEqual(means[2 * survivor], 2, accuracy: 1e-6, "moment-matched mean")
        XCTAssertEqual(means[2 * survivor + 1], 0, accuracy: 1e-6)
        XCTAssertEqual(variances[survivor], 3, accuracy: 1e-9, "moment-matched variance")
        XCTAssertEqual(masses[survivor], 20, accuracy: 1e-12)
      } else {
        XCTAssertEqual(variances, [1, 1])
      }
    }
  }

  /// A component merges at most once per P-step, as giver or taker: of three equal
  /// components in a row, 1 apart, only one pair merges, however large the penalty.
  func testEachComponentMergesAtMostOncePerStep() {
    var means: [Float] = [0, 0, 1, 0, 2, 0]
    var variances = [1.0, 1.0, 1.0], masses = [10.0, 10.0, 10.0]
    let alive = AGM.mergeRedundant(means: &means, variances: &variances, masses: &masses, dimension: 2,
                                   neighbours: 5, penalty: 1e9)
    XCTAssertEqual(alive.filter { !$0 }.count, 1)
    XCTAssertEqual(masses.enumerated().filter { alive[$0.offset] }.map(\.element).sorted(), [10, 20])
  }
}
