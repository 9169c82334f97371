import LociCore
import Foundation
import XCTest

@testable import LociQuantization
import LociKernels

final class KMeansTests: XCTestCase {
  /// n points around each of `centres` (Gaussian, σ), seeded.
  static func blobs(_ centres: [[Float]], perBlob n: Int, sigma: Float, seed: UInt64) -> [Float] {
    var rng = SplitMix64(seed: seed)
    var out: [Float] = []
    for c in centres {
      for _ in 0..<n {
        for v in c {
          // Box–Muller.
          let u1 = max(rng.unit(), 1e-12), u2 = rng.unit()
          out.append(v + sigma * Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)))
        }
      }
    }
    return out
  }

  /// k-means++ seeding finds every blob (random seeding can put two seeds in one blob and
  /// stay in that local minimum — seed 1 does here — which is why ++ exists).
  func testPlusPlusRecoversWellSeparatedCentres() throws {
    // 6 centres in 8-D, at least 10 apart; σ = 0.5.
    let centres: [[Float]] = (0..<6).map { i in (0..<8).map { j in j == i ? 10 : (j == 7 ? Float(i) * 3 : 0) } }
    let data = Self.blobs(centres, perBlob: 200, sigma: 0.5, seed: 3)
    for seed in UInt64(1)...3 {
      let initialisation = KMeansOptions.Initialisation.plusPlus
      var options = KMeansOptions(k: 6)
      options.seed = seed
      options.initialisation = initialisation
      options.iterations = 20
      let result = try KMeans.train(data, dimension: 8, options: options)
      for c in centres {
        let found = result.vocabulary.assign(c, k: 1)
        XCTAssertLessThan(found.distances[0], 0.05, "\(initialisation): a centroid within 0.22 of \(c)")
      }
      // MSE ≈ d·σ² = 8 · 0.25 for the right clustering.
      XCTAssertEqual(result.meanSquaredError, 2.0, accuracy: 0.2)
    }
  }

  func testSameSeedSameVocabulary() throws {
    let data = Self.blobs([[0, 0], [5, 5], [0, 5]], perBlob: 50, sigma: 1, seed: 1)
    let a = try KMeans.train(data, dimension: 2, options: KMeansOptions(k: 4))
    let b = try KMeans.train(data, dimension: 2, options: KMeansOptions(k: 4))
    XCTAssertEqual(a.vocabulary.centroids, b.vocabulary.centroids)
    XCTAssertTrue(zip(a.history, a.history.dropFirst()).allSatisfy { $1 <= $0 + 1e-9 }, "Lloyd never increases the error")
  }

  func testEmptyClustersAreRepaired() throws {
    // 3 distinct points repeated, k = 3, random init may pick duplicates: every word must end
    // up used, and the error must reach 0.
    let data: [Float] = Array(repeating: [0, 0, 10, 10, 20, 0], count: 20).flatMap { $0 }
    var options = KMeansOptions(k: 3)
    options.iterations = 10
    for seed in UInt64(1)...5 {
      options.seed = seed
      let result = try KMeans.train(data, dimension: 2, options: options)
      XCTAssertEqual(result.meanSquaredError, 0, accuracy: 1e-6, "seed \(seed)")
    }
    XCTAssertThrowsError(try KMeans.train([1, 2], dimension: 2, options: KMeansOptions(k: 2)))
  }

  func testExactAssignmentAgreesWithBruteForce() {
    var rng = SplitMix64(seed: 4)
    let d = 37, words = 50, n = 200  // an awkward dimension exercises the SIMD tail
    let centroids = (0..<(words * d)).map { _ in Float(rng.unit()) }
    let queries = (0..<(n * d)).map { _ in Float(rng.unit()) }
    let assignment = FlatVocabulary(dimension: d, centroids: centroids).assign(queries, k: 3)
    for i in 0..<n {
      let distances = (0..<words).map { w -> (Float, Int) in
        var s: Float = 0
        for j in 0..<d { s += (queries[i * d + j] - centroids[w * d + j]) * (queries[i * d + j] - centroids[w * d + j]) }
        return (s, w)
      }.sorted { $0.0 < $1.0 }
      XCTAssertEqual(assignment.words[(i * 3)..<(i * 3 + 3)].map(Int.init), distances.prefix(3).map(\.1))
      XCTAssertEqual(assignment.distances[i * 3], distances[0].0, accuracy: 1e-4)
    }
  }

  /// The k = 1 path (a running minimum per SIMD lane, no k-best list) against brute force,
  /// with every word duplicated further on so each query has an exact tie: the lower word wins.
  func testNearestWordPathAgreesWithBruteForceAndBreaksTiesLow() {
    var rng = SplitMix64(seed: 8)
    let d = 19, distinct = 45, n = 150
    let unique = (0..<(distinct * d)).map { _ in Float(rng.unit()) }
    let vocabulary = FlatVocabulary(dimension: d, centroids: unique + unique)  // word w and w + 45 coincide
    let queries = (0..<(n * d)).map { _ in Float(rng.unit()) }
    let assignment = vocabulary.assign(queries, k: 1)
    for i in 0..<n {
      var best = 0, bestDistance = Float.infinity
      for w in 0..<distinct {
        var s: Float = 0
        for j in 0..<d { s += (queries[i * d + j] - unique[w * d + j]) * (queries[i * d + j] - unique[w * d + j]) }
        if s < bestDistance { best = w; bestDistance = s }
      }
      XCTAssertEqual(Int(assignment.words[i]), best, "query \(i)")
      XCTAssertEqual(assignment.distances[i], bestDistance, accuracy: 1e-4)
    }
  }
}

final class VocabularyFileTests: XCTestCase {
  func testRoundTripAndMalformedFiles() throws {
    let vocabulary = FlatVocabulary(dimension: 3, centroids: [1, 2, 3, 4, 5, 6.5])
    let bytes = VocabularyFile.encode(vocabulary, method: "kmeans", parameters: "k=2")
    let back = try VocabularyFile.decode(bytes, path: "v")
    XCTAssertEqual(back.vocabulary.centroids, vocabulary.centroids)
    XCTAssertEqual(back.method, "kmeans")
    for length in 0..<bytes.count {
      XCTAssertThrowsError(try VocabularyFile.decode(Array(bytes[0..<length]), path: "v")) {
        XCTAssertTrue($0 is VocabularyFileError, "length \(length)")
      }
    }
    var flipped = bytes
    flipped[20] ^= 1
    XCTAssertThrowsError(try VocabularyFile.decode(flipped, path: "v")) {
      XCTAssertEqual($0 as? VocabularyFileError, .checksumMismatch(path: "v"))
    }
    let mixture = VocabularyFile.encode(vocabulary, method: "agm", parameters: "", sigmas: [0.5, 0.25], weights: [0.75, 0.25])
    let decoded = try VocabularyFile.decode(mixture, path: "m")
    XCTAssertEqual(decoded.sigmas, [0.5, 0.25])
    XCTAssertEqual(decoded.weights, [0.75, 0.25])
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("loci-\(UUID().uuidString).lvoc")
    defer { try? FileManager.default.removeItem(at: url) }
    try VocabularyFile.write(vocabulary, method: "kmeans", parameters: "", to: url)
    XCTAssertEqual(try VocabularyFile.read(from: url).vocabulary.count, 2)
  }

  /// A CRC proves the file is intact, not that its values make sense: NaN centroids once gave
  /// all-zero scores, and a NaN σ or a negative π poisoned AGM's likelihoods. Written by
  /// the encoder (so sealed with a valid checksum), each is refused naming the value.
  func testChecksumValidButSenselessValuesAreRefused() {
    func refused(_ bytes: [UInt8], _ expected: String, line: UInt = #line) {
      XCTAssertThrowsError(try VocabularyFile.decode(bytes, path: "v"), line: line) {
        guard case let .implausible(_, reason) = $0 as? VocabularyFileError else { return XCTFail("\($0)", line: line) }
        XCTAssertTrue(reason.contains(expected), reason, line: line)
      }
    }
    for bad: Float in [.nan, .infinity, -.infinity, 3e7] {
      let vocabulary = FlatVocabulary(dimension: 3, centroids: [1, 2, 3, 4, bad, 6])
      refused(VocabularyFile.encode(vocabulary, method: "kmeans", parameters: ""), "centroid 1, component 1")
    }
    let good = FlatVocabulary(dimension: 3, centroids: [1, 2, 3, 4, 5, 6])
    refused(VocabularyFile.encode(good, method: "agm", parameters: "", sigmas: [0.5, .nan], weights: [0.5, 0.5]), "word 1: σ")
    refused(VocabularyFile.encode(good, method: "agm", parameters: "", sigmas: [0, 0.5], weights: [0.5, 0.5]), "word 0: σ")
    refused(VocabularyFile.encode(good, method: "agm", parameters: "", sigmas: [0.5, 0.5], weights: [-1, 0.5]), "word 0: weight")
  }
}

/// Both panel kernels (portable Swift and the C AVX2 + FMA one) against plain dot products.
final class PanelKernelTests: XCTestCase {
  func testBothKernelBuildsMatchPlainDotProducts() {
    var rng = SplitMix64(seed: 12)
    let d = 37, words = 21  // an awkward dimension and a partial last panel
    let vocabulary = FlatVocabulary(dimension: d, centroids: (0..<(words * d)).map { _ in Float(rng.unit()) - 0.5 })
    let rows = (0..<(6 * d)).map { _ in Float(rng.unit()) - 0.5 }
    let blocks = (words + 7) / 8, stride = blocks * 8
    var portable = [Float](repeating: 0, count: 6 * stride), avx = portable
    rows.withUnsafeBufferPointer { r in
      vocabulary.panels.withUnsafeBufferPointer { p in
        let row = { (g: Int) in r.baseAddress! + g * d }
        LociQuantization.PanelKernel.dotProducts(row(0), row(1), row(2), row(3), row(4), row(5), panels: p.baseAddress!, blocks: 0..<blocks,
                                dimension: d, into: &portable, rowStride: stride)
        #if arch(x86_64)
          if CPUFeatures.hasAVX2AndFMA {
            avx.withUnsafeMutableBufferPointer {
              loci_panel_dot_products_avx2_fma(row(0), row(1), row(2), row(3), row(4), row(5), p.baseAddress!, 0, blocks, d,
                                               $0.baseAddress!, stride)
            }
          }
        #endif
      }
    }
    for g in 0..<6 {
      for w in 0..<words {
        var expected: Float = 0
        for j in 0..<d { expected += rows[g * d + j] * vocabulary.centroids[w * d + j] }
        XCTAssertEqual(portable[g * stride + w], expected, accuracy: 1e-5, "row \(g) word \(w)")
        if CPUFeatures.hasAVX2AndFMA { XCTAssertEqual(avx[g * stride + w], expected, accuracy: 1e-5, "AVX2 row \(g) word \(w)") }
      }
    }
  }
}
