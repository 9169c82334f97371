import Foundation
import XCTest

@testable import LociFeatures
@testable import LociGeometry
import LociCore

final class SpatialVerificationTests: XCTestCase {
  struct Scene {
    var framesA: [LocalFrame] = []
    var framesB: [LocalFrame] = []
    var correspondences: [Correspondence] = []
    var truth: Set<Int> = []
  }

  /// `inliers` features of A mapped into B by x ↦ s·R(θ)·x + t, plus `outliers` random
  /// correspondences between random frames; seeded.
  static func scene(inliers: Int, outliers: Int, scale s: Double, angle: Double, translation t: (Double, Double),
                    seed: UInt64, into scene: inout Scene) {
    var state = seed
    func unit() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53)
    }
    let c = cos(angle), sn = sin(angle)
    for _ in 0..<inliers {
      let p = LocalFrame(x: 50 + unit() * 400, y: 50 + unit() * 300, scale: 2 + unit() * 10, angle: unit() * 6 - 3)
      let q = LocalFrame(x: s * (c * p.x - sn * p.y) + t.0 + (unit() - 0.5), y: s * (sn * p.x + c * p.y) + t.1 + (unit() - 0.5),
                         scale: p.scale * s * (1 + 0.05 * (unit() - 0.5)), angle: p.angle + angle + 0.05 * (unit() - 0.5))
      scene.truth.insert(scene.correspondences.count)
      scene.correspondences.append(Correspondence(a: Int32(scene.framesA.count), b: Int32(scene.framesB.count)))
      scene.framesA.append(p)
      scene.framesB.append(q)
    }
    for _ in 0..<outliers {
      scene.correspondences.append(Correspondence(a: Int32(scene.framesA.count), b: Int32(scene.framesB.count)))
      scene.framesA.append(LocalFrame(x: unit() * 500, y: unit() * 400, scale: 2 + unit() * 10, angle: unit() * 6 - 3))
      scene.framesB.append(LocalFrame(x: unit() * 500, y: unit() * 400, scale: 2 + unit() * 10, angle: unit() * 6 - 3))
    }
  }

  func testHPMStrongestCorrespondencesAreTheTrueOnesUnder70PercentOutliers() {
    var scene = Scene()
    // Negative rotation on purpose: the angle wrap-around must hold.
    Self.scene(inliers: 90, outliers: 210, scale: 1.4, angle: -0.6, translation: (30, -20), seed: 1, into: &scene)
    let result = HoughPyramidMatcher().verify(scene.correspondences, framesA: scene.framesA, framesB: scene.framesB,
                                              imageSize: 500)
    let ranked = result.strengths.indices.sorted { result.strengths[$0] > result.strengths[$1] }
    XCTAssertEqual(Set(ranked.prefix(scene.truth.count)), scene.truth, "the 90 strongest are the 90 true ones")
    let weakestTrue = scene.truth.map { result.strengths[$0] }.min()!
    let strongestFalse = (0..<300).filter { !scene.truth.contains($0) }.map { result.strengths[$0] }.max()!
    XCTAssertGreaterThan(weakestTrue, strongestFalse)
    let h = try! XCTUnwrap(result.bFromA)
    let p = h.apply(200, 100)
    XCTAssertEqual(p.x, 1.4 * (cos(-0.6) * 200 - sin(-0.6) * 100) + 30, accuracy: 2)
    XCTAssertEqual(p.y, 1.4 * (sin(-0.6) * 200 + cos(-0.6) * 100) - 20, accuracy: 2)
  }

  func testRANSACRecoversTheTransformUnder70PercentOutliers() throws {
    var scene = Scene()
    Self.scene(inliers: 90, outliers: 210, scale: 0.8, angle: 0.5, translation: (60, 10), seed: 2, into: &scene)
    let result = RANSACVerifier().verify(scene.correspondences, framesA: scene.framesA, framesB: scene.framesB)
    let found = Set(result.inliers.indices.filter { result.inliers[$0] })
    XCTAssertTrue(scene.truth.isSubset(of: found))
    XCTAssertLessThanOrEqual(found.count - scene.truth.count, 2, "at most a couple of lucky outliers")
    let h = try XCTUnwrap(result.bFromA)
    let p = h.apply(300, 200)
    XCTAssertEqual(p.x, 0.8 * (cos(0.5) * 300 - sin(0.5) * 200) + 60, accuracy: 1.5)
    XCTAssertEqual(p.y, 0.8 * (sin(0.5) * 300 + cos(0.5) * 200) + 10, accuracy: 1.5)
  }

  /// Both verifiers behind `any SpatialVerifier` (what a pipeline holds) recover the same
  /// similarity, and the protocol call gives RANSAC's own result.
  func testBothVerifiersThroughTheProtocolRecoverTheTransform() throws {
    var scene = Scene()
    Self.scene(inliers: 60, outliers: 60, scale: 1.2, angle: 0.3, translation: (-25, 40), seed: 9, into: &scene)
    let verifiers: [any SpatialVerifier] = [HoughPyramidMatcher(), RANSACVerifier()]
    for verifier in verifiers {
      let result = verifier.verify(scene.correspondences, framesA: scene.framesA, framesB: scene.framesB, imageSize: 500)
      let p = try XCTUnwrap(result.bFromA, "\(type(of: verifier))").apply(250, 150)
      XCTAssertEqual(p.x, 1.2 * (cos(0.3) * 250 - sin(0.3) * 150) - 25, accuracy: 2, "\(type(of: verifier))")
      XCTAssertEqual(p.y, 1.2 * (sin(0.3) * 250 + cos(0.3) * 150) + 40, accuracy: 2, "\(type(of: verifier))")
      XCTAssertGreaterThanOrEqual(result.inlierCount, 60, "\(type(of: verifier))")
    }
    let direct = RANSACVerifier().verify(scene.correspondences, framesA: scene.framesA, framesB: scene.framesB)
    let viaProtocol = (RANSACVerifier() as any SpatialVerifier).verify(scene.correspondences, framesA: scene.framesA,
                                                                        framesB: scene.framesB, imageSize: 1)
    XCTAssertEqual(direct.inliers, viaProtocol.inliers)
    // Without the reported homography (what re-ranking asks for): the same inliers, strengths
    // and score, no map.
    var bare = RANSACVerifier()
    bare.options.fitsHomography = false
    let unfitted = bare.verify(scene.correspondences, framesA: scene.framesA, framesB: scene.framesB)
    XCTAssertEqual([unfitted.inliers, unfitted.strengths.map { $0 > 0 }], [direct.inliers, direct.strengths.map { $0 > 0 }])
    XCTAssertEqual(unfitted.score, direct.score)
    XCTAssertNil(unfitted.bFromA)
    var unrefined = HoughPyramidMatcher()
    unrefined.options.refitsHomography = false
    let (hpm, plainHPM) = (HoughPyramidMatcher().verify(scene.correspondences, framesA: scene.framesA, framesB: scene.framesB, imageSize: 500),
                           unrefined.verify(scene.correspondences, framesA: scene.framesA, framesB: scene.framesB, imageSize: 500))
    XCTAssertEqual(plainHPM.inliers, hpm.inliers)
    XCTAssertEqual(plainHPM.strengths, hpm.strengths)
    XCTAssertNotNil(plainHPM.bFromA)
  }

  /// A strongly anisotropic affine map (×2 along x, ×0.6 along y, shear) and 8 true
  /// correspondences ~140 px apart: a similarity hypothesis catches no second inlier within
  /// 20 px (so the test fails when the affine frames are ignored — checked), while one
  /// correspondence's affine frames A_b·A_a⁻¹ give the map exactly.
  func testRANSACUsesAffineFramesForHypotheses() throws {
    let m = Matrix2(2.0, 0.5, 0.0, 0.6)
    var framesA: [LocalFrame] = [], framesB: [LocalFrame] = [], c: [Correspondence] = []
    var state: UInt64 = 9
    func unit() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53)
    }
    for k in 0..<60 {
      let region = AffineRegion(x: unit() * 400, y: unit() * 400, radius: 3 + unit() * 5, angle: unit() * 6)
      framesA.append(LocalFrame(region))
      if k < 8 {
        let (x, y) = m.apply(region.x, region.y)
        let mapped = AffineRegion(x: x + 15, y: y - 5, shape: m.congruence(region.shape))
        // The mapped frame must be A_b = M·A_a (orientation carried by the map).
        framesB.append(LocalFrame(x: mapped.x, y: mapped.y, scale: mapped.scale, angle: 0, affine: m * region.affineFrame))
      } else {
        // Outliers land away from the mapped image, so none is a chance inlier.
        framesB.append(LocalFrame(AffineRegion(x: 1200 + unit() * 800, y: unit() * 300, radius: 5, angle: unit() * 6)))
      }
      c.append(Correspondence(a: Int32(k), b: Int32(k)))
    }
    let result = RANSACVerifier().verify(c, framesA: framesA, framesB: framesB)
    XCTAssertEqual(Set(result.inliers.indices.filter { result.inliers[$0] }), Set(0..<8))
    let h = try XCTUnwrap(result.bFromA)
    let p = h.apply(100, 300)
    XCTAssertEqual(p.x, 2 * 100 + 0.5 * 300 + 15, accuracy: 0.01)
    XCTAssertEqual(p.y, 0.6 * 300 - 5, accuracy: 0.01)
  }

  func testHPMKeepsTwoIndependentlyMovingObjects() {
    var scene = Scene()
    Self.scene(inliers: 40, outliers: 0, scale: 1, angle: 0.2, translation: (100, 0), seed: 3, into: &scene)
    let first = scene.truth
    scene.truth = []
    Self.scene(inliers: 40, outliers: 60, scale: 2, angle: -1.0, translation: (-50, 80), seed: 4, into: &scene)
    let second = scene.truth
    let result = HoughPyramidMatcher().verify(scene.correspondences, framesA: scene.framesA, framesB: scene.framesB,
                                              imageSize: 500)
    // Both groups keep their strength: every member counts, and each group's median is above
    // the strongest outlier (a bin boundary may cut a group, weakening a few members). The
    // fitted homography (inliers) follows one group.
    let outliers = (0..<140).filter { !first.contains($0) && !second.contains($0) }
    let strongestOutlier = outliers.map { result.strengths[$0] }.max()!
    for group in [first, second] {
      let strengths = group.map { result.strengths[$0] }.sorted()
      XCTAssertTrue(strengths.allSatisfy { $0 > 0 })
      XCTAssertGreaterThan(strengths[strengths.count / 2], strongestOutlier)
    }
    let kept = Set(result.inliers.indices.filter { result.inliers[$0] })
    XCTAssertTrue((kept.isSubset(of: first) && kept.count >= 32) || (kept.isSubset(of: second) && kept.count >= 32),
                  "inliers are (most of) one group, nothing else")
  }

  /// Both swap-invariance modes give identical strengths and score when A and B swap, also
  /// with 60 % outliers; without one (`.none`) the two directions differ on this scene, so
  /// the test can tell.
  func testHPMScoreIsSymmetricUnderSwappingImages() {
    var scene = Scene()
    Self.scene(inliers: 50, outliers: 75, scale: 1.2, angle: 0.3, translation: (10, 5), seed: 5, into: &scene)
    let swapped = scene.correspondences.map { Correspondence(a: $0.b, b: $0.a) }
    for mode in HPMOptions.SwapInvariance.allCases {
      var options = HPMOptions()
      options.swapInvariance = mode
      let matcher = HoughPyramidMatcher(options: options)
      let forward = matcher.verify(scene.correspondences, framesA: scene.framesA, framesB: scene.framesB, imageSize: 500)
      let backward = matcher.verify(swapped, framesA: scene.framesB, framesB: scene.framesA, imageSize: 500)
      if mode == .none {
        XCTAssertNotEqual(forward.strengths, backward.strengths, "one direction alone is not swap-invariant here")
        continue
      }
      XCTAssertEqual(forward.score, backward.score, "\(mode)")
      XCTAssertEqual(forward.strengths, backward.strengths, "\(mode)")
      // At most 49 partners × 2^(L−1) each when all 50 share the finest bin.
      XCTAssertGreaterThan(forward.score, 0.5 * 50 * 49 * 16, "\(mode)")
      XCTAssertGreaterThanOrEqual(forward.inlierCount, 45, "a bin boundary may cut off a few (\(mode))")
      XCTAssertLessThanOrEqual(forward.inlierCount, 50, "no outlier among the inliers (\(mode))")
    }
  }

  func testOneToOneWithinABin() {
    // Three correspondences from one feature of A to three coincident features of B: only one survives.
    let a = [LocalFrame(x: 10, y: 10, scale: 2, angle: 0), LocalFrame(x: 50, y: 10, scale: 2, angle: 0)]
    let b = [LocalFrame(x: 20, y: 10, scale: 2, angle: 0), LocalFrame(x: 20, y: 10, scale: 2, angle: 0),
             LocalFrame(x: 60, y: 10, scale: 2, angle: 0)]
    let c = [Correspondence(a: 0, b: 0), Correspondence(a: 0, b: 1), Correspondence(a: 1, b: 2)]
    let result = HoughPyramidMatcher().verify(c, framesA: a, framesB: b, imageSize: 100)
    XCTAssertEqual(result.strengths.filter { $0 > 0 }.count, 2)
    XCTAssertEqual(result.strengths[2], 16)
  }

  func testDegenerateInputs() {
    let f = [LocalFrame(x: 1, y: 1, scale: 1, angle: 0)]
    for verifier in [0, 1] {
      for count in [0, 1, 2] {
        let c = Array(repeating: Correspondence(a: 0, b: 0), count: count)
        let r = verifier == 0
          ? HoughPyramidMatcher().verify(c, framesA: f, framesB: f, imageSize: 10)
          : RANSACVerifier().verify(c, framesA: f, framesB: f)
        XCTAssertEqual(r.inliers.count, count)
        XCTAssertNil(r.bFromA, "no homography from \(count) identical points")
      }
    }
    XCTAssertEqual(HoughPyramidMatcher().verify(Array(repeating: Correspondence(a: 0, b: 0), count: 5), framesA: f,
                                                framesB: f, imageSize: 10).score, 0, "duplicates are one correspondence")
  }

  func testNormalisedDLTRecoversAHomography() throws {
    let truth = Homography([1.1, 0.2, 30, -0.1, 0.9, 12, 0.0004, -0.0002, 1])
    var a: [(Double, Double)] = [], b: [(Double, Double)] = []
    for i in 0..<12 {
      let x = Double(i % 4) * 90 + 10, y = Double(i / 4) * 70 + 20
      let q = truth.apply(x, y)
      a.append((x, y))
      b.append((q.x, q.y))
    }
    let h = try XCTUnwrap(HomographyFit.dlt(a, b))
    for (i, v) in h.m.enumerated() { XCTAssertEqual(v, truth.m[i], accuracy: 1e-6 * max(1, abs(truth.m[i]))) }
    XCTAssertNil(HomographyFit.dlt(Array(a.prefix(3)), Array(b.prefix(3))))
  }

  func testRatioTestAndSharedWords() {
    let a = FeatureSet(imageWidth: 1, imageHeight: 1, detector: "t", descriptorKind: .sift, dimension: 2,
                       regions: Array(repeating: AffineRegion(x: 0, y: 0, radius: 1), count: 2), descriptors: [0, 0, 5, 5])
    let b = FeatureSet(imageWidth: 1, imageHeight: 1, detector: "t", descriptorKind: .sift, dimension: 2,
                       regions: Array(repeating: AffineRegion(x: 0, y: 0, radius: 1), count: 3),
                       descriptors: [5.1, 5, 0.1, 0, -0.1, 0])
    // Feature 0's two nearest are both close (ambiguous): rejected; feature 1 is unambiguous.
    XCTAssertEqual(TentativeCorrespondences.ratioTest(a, b), [Correspondence(a: 1, b: 0)])
    XCTAssertEqual(TentativeCorrespondences.sharedWords([3, 7, 3], [3, 9, 3], cap: 3).count, 3)
    XCTAssertEqual(TentativeCorrespondences.sharedWords([3, 7, 3], [3, 9, 3], cap: 16).count, 4)
  }

  /// FGINN: a near-duplicate of the nearest neighbour at the same place does not make a match
  /// ambiguous, a similar descriptor elsewhere does; beyond the 8 candidates the 8th distance
  /// stands in for the second.
  func testFirstGeometricallyInconsistentNeighbour() {
    func set(_ descriptors: [Float], at centres: [(Double, Double)]) -> FeatureSet {
      FeatureSet(imageWidth: 100, imageHeight: 100, detector: "t", descriptorKind: .sift, dimension: 2,
                 regions: centres.map { AffineRegion(x: $0.0, y: $0.1, radius: 3) }, descriptors: descriptors)
    }
    let a = set([0, 0, 5, 5], at: [(10, 10), (50, 50)])
    // B: feature 0 matches A's 0; feature 1 is its nested duplicate 2 px away; feature 2 is
    // like A's 1 and feature 3 a look-alike of it 40 px away.
    let b = set([0.1, 0, -0.1, 0.05, 5.1, 5, 4.9, 5.05], at: [(20, 20), (21, 22), (60, 60), (60, 20)])
    XCTAssertEqual(TentativeCorrespondences.ratioTest(a, b), [], "Lowe's test: both ambiguous")
    XCTAssertEqual(TentativeCorrespondences.ratioTest(a, b, separation: 10), [Correspondence(a: 0, b: 0)],
                   "FGINN: the duplicate is no second neighbour; the look-alike far away is")
    XCTAssertEqual(TentativeCorrespondences.ratioTest(a, b, separation: 50), TentativeCorrespondences.ratioTest(a, b, separation: 45))
    // Nine duplicates at one place: no inconsistent candidate among the 8 nearest, so the
    // 8th (a duplicate at the same distance) is the second and the match is rejected.
    let crowd = set([Float](repeating: 0, count: 18), at: Array(repeating: (30.0, 30.0), count: 9))
    XCTAssertEqual(TentativeCorrespondences.ratioTest(set([0, 0], at: [(5, 5)]), crowd, separation: 10), [])
  }

  /// Combined sets: a feature is compared only with the other set's features of its own
  /// detector. Here B's feature of the other detector is A's nearest neighbour overall (it
  /// would make the match ambiguous, or steal it); within the detector the match is clear.
  func testCombinedSetsMatchWithinEachDetector() {
    func set(_ descriptors: [Float], parts: [FeatureSet.Part]) -> FeatureSet {
      let n = descriptors.count / 2
      return FeatureSet(imageWidth: 100, imageHeight: 100, detector: parts.map(\.detector).joined(separator: "+"),
                        descriptorKind: .sift, dimension: 2,
                        regions: (0..<n).map { AffineRegion(x: Double(10 * $0), y: 0, radius: 3) }, descriptors: descriptors,
                        parts: parts.count > 1 ? parts : [])
    }
    // A: one mfd feature, one mser feature. B: mfd (0.2, 0) and (9, 9); mser (0, 0.19) and (5.1, 5).
    let a = set([0, 0, 5, 5], parts: [FeatureSet.Part(detector: "mfd", count: 1), FeatureSet.Part(detector: "mser", count: 1)])
    let b = set([0.2, 0, 9, 9, 0, 0.19, 5.1, 5],
                parts: [FeatureSet.Part(detector: "mfd", count: 2), FeatureSet.Part(detector: "mser", count: 2)])
    XCTAssertEqual(TentativeCorrespondences.ratioTest(a, b), [Correspondence(a: 0, b: 0), Correspondence(a: 1, b: 3)])
    // The same descriptors without parts: A's 0 finds B's 2 (mser, squared distance 0.036)
    // nearest and B's 0 (0.04) second, an ambiguous pair, and is rejected.
    var plainA = a, plainB = b
    plainA.parts = []
    plainB.parts = []
    XCTAssertEqual(TentativeCorrespondences.ratioTest(plainA, plainB), [Correspondence(a: 1, b: 3)])
    // A detector the other set lacks (or holds one feature of) matches nothing.
    let c = set([0, 0, 5, 5], parts: [FeatureSet.Part(detector: "mfd", count: 1), FeatureSet.Part(detector: "sift", count: 1)])
    XCTAssertEqual(TentativeCorrespondences.ratioTest(c, b), [Correspondence(a: 0, b: 0)])
  }
}

/// Bin codes against a plain reference written from the definition (libm's sin, cos, log2
/// and floor; the rotation wrapped into [0, 2π) first), on random similarity transforms that
/// include negative and wrapped rotations and transforms out of range. Values within 10⁻⁹ of
/// a bin boundary are skipped: there the two roundings may fairly disagree.
final class HPMBinCodeTests: XCTestCase {
  func testBinCodesEqualTheDefinition() {
    var state: UInt64 = 11
    func unit() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53)
    }
    let options = HPMOptions(), imageSize = 800.0
    let n = 5000
    let framesA = (0..<n).map { _ in LocalFrame(x: unit() * 800, y: unit() * 600, scale: 0.5 + unit() * 20, angle: unit() * 14 - 7) }
    let framesB = (0..<n).map { _ in LocalFrame(x: unit() * 800, y: unit() * 600, scale: 0.5 + unit() * 20, angle: unit() * 14 - 7) }
    let correspondences = (0..<n).map { Correspondence(a: Int32($0), b: Int32($0)) }
    let (forward, backward) = HoughPyramidMatcher().binCodes(correspondences, framesA, framesB, imageSize,
                                                             forward: true, backward: true)
    let bins = Double(1 << (options.levels - 1)), extent = options.translationExtent * imageSize, logRange = log2(options.maxScale)
    /// The bin of v in [lo, lo + width·bins), nil when out of range or too close to a boundary.
    func bin(_ v: Double, _ lo: Double, _ width: Double) -> Int?? {
      let position = (v - lo) / width
      guard position >= 0, position < bins else { return .some(nil) }
      guard abs(position - position.rounded()) > 1e-9 else { return nil }
      return .some(Int(position.rounded(.down)))
    }
    func reference(_ tx: Double, _ ty: Double, _ ls: Double, _ rotation: Double) -> UInt32?? {
      var r = rotation + options.rotationOffset
      r -= 2 * Double.pi * (r / (2 * Double.pi)).rounded(.down)
      guard let bx = bin(tx, -extent, 2 * extent / bins), let by = bin(ty, -extent, 2 * extent / bins),
            let bs = bin(ls, -logRange, 2 * logRange / bins), let br = bin(r, 0, 2 * Double.pi / bins) else { return nil }
      guard let bx, let by, let bs, let br else { return .some(HoughPyramidMatcher.outOfRange) }
      var code: UInt32 = 0
      for bit in (0..<(options.levels - 1)).reversed() {
        for coordinate in [bx, by, bs, br] { code = code << 1 | UInt32(coordinate >> bit & 1) }
      }
      return .some(code)
    }
    var checked = 0, outOfRange = 0
    for k in 0..<n {
      let p = framesA[k], q = framesB[k], rotation = q.angle - p.angle, s = q.scale / p.scale
      let (c, si) = (cos(rotation), sin(rotation))
      if let expected = reference(q.x - s * (c * p.x - si * p.y), q.y - s * (si * p.x + c * p.y), log2(s), rotation) {
        XCTAssertEqual(forward[k], expected, "forward \(k)")
        checked += 1
        if expected == HoughPyramidMatcher.outOfRange { outOfRange += 1 }
      }
      if let expected = reference(p.x - (c * q.x + si * q.y) / s, p.y - (-si * q.x + c * q.y) / s, -log2(s), -rotation) {
        XCTAssertEqual(backward[k], expected, "backward \(k)")
      }
    }
    XCTAssertGreaterThan(checked, n * 99 / 100)
    XCTAssertGreaterThan(outOfRange, 10)
    XCTAssertLessThan(outOfRange, n / 2)
  }
}

/// Angles read from a damaged or hostile file: the rotation bin must stay inside the
/// pyramid whatever the magnitude (a negative bin once indexed memory outside the table).
final class HostileGeometryTests: XCTestCase {
  func testHugeAnglesStayInTheirRotationBins() {
    let options = HPMOptions()
    let angles: [Double] = [1e30, -1e30, 1e37, -3.3e37, 1e300, 5e15, -7e8, 2.5e3, .greatestFiniteMagnitude]
    let framesA = angles.map { _ in LocalFrame(x: 100, y: 100, scale: 4, angle: 0) }
    let framesB = angles.map { LocalFrame(x: 110, y: 90, scale: 4, angle: $0) }
    let c = angles.indices.map { Correspondence(a: Int32($0), b: Int32($0)) }
    let (forward, _) = HoughPyramidMatcher().binCodes(c, framesA, framesB, 400, forward: true, backward: false)
    let bins = 1 << (options.levels - 1)
    for (k, angle) in angles.enumerated() {
      XCTAssertNotEqual(forward[k], HoughPyramidMatcher.outOfRange, "\(angle): translation and scale are in range")
      var rotationBin = 0
      for bit in 0..<(options.levels - 1) { rotationBin |= Int(forward[k] >> UInt32(4 * bit) & 1) << bit }
      var r = fmod(angle + options.rotationOffset, 2 * Double.pi)
      if r < 0 { r += 2 * Double.pi }
      XCTAssertEqual(rotationBin, Swift.min(bins - 1, Int(r / (2 * Double.pi) * Double(bins))), "\(angle)")
    }
    // Verification over such frames completes (nothing indexes outside its tables).
    let result = HoughPyramidMatcher().verify(c, framesA: framesA, framesB: framesB, imageSize: 400)
    XCTAssertEqual(result.strengths.count, angles.count)
  }
}

final class SinCosTests: XCTestCase {
  /// The one-call sine/cosine HPM uses agrees with libm to 2·10⁻¹⁵ over the angles HPM sees
  /// (differences of two angles, multiples of π/2 where quadrants switch) and far beyond.
  func testSinCosMatchesLibm() {
    var rng = SplitMix64(seed: 17)  // seeded: a failure must reproduce
    var angles: [Double] = [0, -0.0, .pi / 4, -.pi / 4, .pi / 2, .pi, -.pi, 3 * .pi / 2, 2 * .pi, 1e4, -1e4, 99_999.9, -99_999.9, 123456.789]
    angles += (0..<20_000).map { _ in (rng.unit() * 2 - 1) * 4 * .pi }
    angles += (1...40).map { Double($0) * .pi / 4 }
    for x in angles {
      let (s, c) = sinCos(x)
      XCTAssertEqual(s, sin(x), accuracy: 2e-15, "sin \(x)")
      XCTAssertEqual(c, cos(x), accuracy: 2e-15, "cos \(x)")
    }
    let (s, c) = sinCos(1e9)  // beyond the reduction's range: libm's answer
    XCTAssertEqual(s, sin(1e9))
    XCTAssertEqual(c, cos(1e9))
    XCTAssertTrue(sinCos(.nan).sin.isNaN)
  }
}

/// The level scans (radix-sorted codes, per-feature stamps, unshared features skipped,
/// compaction) against
/// a plain reference written from the definition: group by code prefix with a dictionary,
/// resolve one-to-one with dictionaries, finest level first.
final class HPMStrengthsReferenceTests: XCTestCase {
  func reference(_ codes: [UInt32], _ first: [Int32], _ second: [Int32], levels: Int) -> [Double] {
    let order = codes.indices.filter { codes[$0] != HoughPyramidMatcher.outOfRange }
      .sorted { (codes[$0], $0) < (codes[$1], $1) }
    var strength = [Double](repeating: 0, count: codes.count), erased = Set<Int>()
    for level in stride(from: levels - 1, through: 0, by: -1) {
      let shift = UInt32(4 * (levels - 1 - level)), weight = level == 0 ? 1.0 : Double(1 << (level - 1))
      var bins: [[Int]] = []
      for k in order {
        if let last = bins.last?.last, codes[last] >> shift == codes[k] >> shift { bins[bins.count - 1].append(k) } else { bins.append([k]) }
      }
      for bin in bins where bin.count >= 2 {
        for features in [first, second] {
          var holder: [Int32: Int] = [:]
          for k in bin where !erased.contains(k) {
            guard let other = holder[features[k]] else { holder[features[k]] = k; continue }
            let keepNew = strength[k] > strength[other] || (strength[k] == strength[other] && k < other)
            erased.insert(keepNew ? other : k)
            if keepNew { holder[features[k]] = k }
          }
        }
        let alive = bin.filter { !erased.contains($0) }
        guard alive.count >= 2 else { continue }
        for k in alive { strength[k] += Double(alive.count - 1) * weight }
      }
    }
    for k in erased { strength[k] = 0 }
    return strength
  }

  func testLevelScansEqualTheReferenceOnManyToManyScenes() {
    var state: UInt64 = 99
    func next(_ bound: Int) -> Int {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int(state >> 33) % bound
    }
    let matcher = HoughPyramidMatcher()
    for trial in 0..<20 {
      let n = 50 + next(400), featuresA = 5 + next(60), featuresB = 5 + next(60)
      // Few distinct bins, so bins hold many correspondences and features collide often.
      let codes = (0..<n).map { _ in next(10) == 0 ? HoughPyramidMatcher.outOfRange : UInt32(next(6) * 4_111 + next(3)) }
      let first = (0..<n).map { _ in Int32(next(featuresA)) }, second = (0..<n).map { _ in Int32(next(featuresB)) }
      let fast = matcher.strengths(codes, HoughPyramidMatcher.sharedOnly(first, count: featuresA), featuresA,
                                   HoughPyramidMatcher.sharedOnly(second, count: featuresB), featuresB).strength
      XCTAssertEqual(fast, reference(codes, first, second, levels: 5), "trial \(trial)")
      XCTAssertGreaterThan(fast.filter { $0 > 0 }.count, 2, "trial \(trial) exercises grouping")
    }
  }

  /// With one-to-one matches no feature is shared, so the scans skip the stamps entirely.
  func testLevelScansEqualTheReferenceWhenNoFeatureIsShared() {
    var state: UInt64 = 7
    func next(_ bound: Int) -> Int {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int(state >> 33) % bound
    }
    let n = 400
    let codes = (0..<n).map { _ in next(10) == 0 ? HoughPyramidMatcher.outOfRange : UInt32(next(6) * 4_111 + next(3)) }
    let features = (0..<n).map { Int32($0) }
    let shared = HoughPyramidMatcher.sharedOnly(features, count: n)
    XCTAssertEqual(Set(shared), [-1])
    let fast = HoughPyramidMatcher().strengths(codes, shared, n, shared, n).strength
    XCTAssertEqual(fast, reference(codes, features, features, levels: 5))
    XCTAssertGreaterThan(fast.filter { $0 > 0 }.count, 100)
  }

  /// The radix sort against a stable comparison sort, for 32-bit keys (16-bit codes, up to
  /// 65,536 indices) and for 64-bit keys (wider codes, or more correspondences).
  func testRadixSortIsStableForBothKeyWidths() {
    var state: UInt64 = 3
    func next(_ bound: Int) -> Int {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int(state >> 33) % bound
    }
    for (n, bits) in [(500, 16), (500, 24), (70_000, 16)] {
      // Few distinct codes, so ties (which must stay in index order) are common.
      let codes = (0..<n).map { _ in next(20) == 0 ? HoughPyramidMatcher.outOfRange : UInt32(next(50) * ((1 << bits) / 53)) }
      let expected = codes.indices.filter { codes[$0] != HoughPyramidMatcher.outOfRange }.sorted { (codes[$0], $0) < (codes[$1], $1) }
      let (order, sortedCodes) = HoughPyramidMatcher.sortedByCode(codes, bits: bits)
      XCTAssertEqual(order.map(Int.init), expected, "n \(n), bits \(bits)")
      XCTAssertEqual(sortedCodes, expected.map { codes[$0] }, "n \(n), bits \(bits)")
    }
  }
}
