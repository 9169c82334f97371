import LociCore
import Foundation
import LociFeatureTypes

/// A tentative correspondence: feature `a` of image A with feature `b` of image B, found
/// through visual word `word` (or -1 when found by descriptor matching).
public struct Correspondence: Sendable, Equatable, Hashable {
  public var a: Int32
  public var b: Int32
  public var word: Int32

  public init(a: Int32, b: Int32, word: Int32 = -1) {
    self.a = a
    self.b = b
    self.word = word
  }
}

/// The local frame of a feature: position, scale and orientation (radians, from +x towards
/// +y, y down), and optionally its full affine frame. What spatial verification needs from
/// any detector: HPM uses the similarity part, RANSAC the affine frame when there is one.
public struct LocalFrame: Sendable, Equatable {
  public var x: Double
  public var y: Double
  public var scale: Double
  public var angle: Double
  /// The affine frame A (unit circle → the region, first column along the orientation), for
  /// affine-covariant features; nil for similarity-only ones.
  public var affine: Matrix2?

  public init(x: Double, y: Double, scale: Double, angle: Double, affine: Matrix2? = nil) {
    self.x = x
    self.y = y
    self.scale = scale
    self.angle = angle
    self.affine = affine
  }

  /// From a region: its equal-area radius, orientation (0 when it has none) and affine frame.
  public init(_ region: AffineRegion) {
    self.init(x: region.x, y: region.y, scale: region.scale, angle: region.angle ?? 0,
              affine: region.shape.isPositiveDefinite ? region.affineFrame : nil)
  }

  /// The local map of this correspondence, B ← A, as 2×2 linear part: A_b·A_a⁻¹ from the
  /// affine frames when both have one, else the similarity s·R(θ_b − θ_a).
  func linearMap(to other: LocalFrame) -> Matrix2 {
    if let fa = affine, let fb = other.affine, fa.determinant != 0 {
      return fb * fa.inverse
    }
    let s = other.scale / scale, r = other.angle - angle
    return Matrix2(s * cos(r), -s * sin(r), s * sin(r), s * cos(r))
  }
}

/// Tentative correspondences between two feature sets.
public enum TentativeCorrespondences {
  /// Descriptor nearest neighbours with Lowe's ratio test (‖d₁‖/‖d₂‖ < `ratio`), A → B, for
  /// callers without a vocabulary. Brute force over contiguous descriptors, both cores.
  ///
  /// With `separation`, the second neighbour is the first geometrically inconsistent one
  /// (FGINN; Mishkin, Matas & Perdoch, "MODS: Fast and robust method for two-view matching",
  /// CVIU 2015): the nearest B feature whose centre lies more than `separation` pixels from
  /// the nearest one's. Affine detectors return nested and repeated regions at one place, and
  /// their descriptors are near-duplicates; Lowe's test compares the match with its own
  /// duplicate and rejects it. The candidates are the 8 nearest; when all lie near the first,
  /// the 8th's distance stands in for the second (a stricter test than the true FGINN).
  ///
  /// When either set combines detectors (`FeatureSet.parts`), a feature is matched only
  /// among the other set's features of its own detector: an MSER region and an MFD region
  /// on one structure are different measurements of it, and a neighbour from the other
  /// detector would be a near-duplicate that fails the ratio test.
  ///
  /// With `mutual`, a match survives only when A's feature is also the nearest (of its
  /// detector) to B's, or, with `separation`, lies within `separation` pixels of that nearest
  /// one (nested regions make exact mutuality fail between near-duplicates).
  public static func ratioTest(_ a: FeatureSet, _ b: FeatureSet, ratio: Float = 0.8,
                               separation: Double? = nil, mutual: Bool = false) -> [Correspondence] {
    let d = a.dimension
    guard d > 0, d == b.dimension, a.count > 0, b.count > 1 else { return [] }
    // The B features each A feature is compared with.
    var searched = [Range<Int>](repeating: 0..<b.count, count: a.count)
    if a.parts.count > 1 || b.parts.count > 1 {
      let rangesB = b.detectorRanges
      for (detector, range) in a.detectorRanges {
        let partner = rangesB.first { $0.detector == detector }?.range ?? 0..<0
        for i in range { searched[i] = partner.count > 1 ? partner : 0..<0 }
      }
    }
    var best = [Int32](repeating: -1, count: a.count)
    let ratio2 = ratio * ratio
    let candidates = separation == nil ? 2 : Swift.min(8, b.count)
    let separation2 = (separation ?? 0) * (separation ?? 0)
    let centres = b.regions.map { ($0.x, $0.y) }
    a.descriptors.withUnsafeBufferPointer { da in
      b.descriptors.withUnsafeBufferPointer { db in
        best.withUnsafeMutableBufferPointer { out in
          parallelChunks(a.count) { range in
            var distances = [Float](repeating: .infinity, count: candidates)
            var indices = [Int](repeating: -1, count: candidates)
            for i in range {
              for k in 0..<candidates { (distances[k], indices[k]) = (.infinity, -1) }
              let pa = da.baseAddress! + i * d
              for j in searched[i] {
                let dist = squaredDistance(pa, db.baseAddress! + j * d, count: d)
                guard dist < distances[candidates - 1] else { continue }
                var k = candidates - 1
                while k > 0 && distances[k - 1] > dist {
                  (distances[k], indices[k]) = (distances[k - 1], indices[k - 1])
                  k -= 1
                }
                (distances[k], indices[k]) = (dist, j)
              }
              guard indices[0] >= 0 else { continue }
              // The farthest candidate found (a part may hold fewer than `candidates`).
              var second = distances[(1..<candidates).last { indices[$0] >= 0 } ?? 0]
              if separation != nil {
                let (x, y) = centres[indices[0]]
                for k in 1..<candidates where indices[k] >= 0 {
                  let (u, v) = centres[indices[k]]
                  if (u - x) * (u - x) + (v - y) * (v - y) > separation2 {
                    second = distances[k]
                    break
                  }
                }
              }
              if distances[0] < ratio2 * second { out[i] = Int32(indices[0]) }
            }
          }
        }
      }
    }
    if mutual { keepMutual(&best, a, b, separation: separation) }
    return best.enumerated().compactMap { i, j in j >= 0 ? Correspondence(a: Int32(i), b: j) : nil }
  }

  /// All pairs of features assigned to the same visual word (many-to-many within a word),
  /// at most `cap` pairs per word so that bursty words cannot dominate.
  public static func sharedWords(_ wordsA: [Int32], _ wordsB: [Int32], cap: Int = 16) -> [Correspondence] {
    var byWord: [Int32: [Int32]] = [:]
    for (j, w) in wordsB.enumerated() where w >= 0 { byWord[w, default: []].append(Int32(j)) }
    var out: [Correspondence] = []
    var perWord: [Int32: Int] = [:]
    for (i, w) in wordsA.enumerated() where w >= 0 {
      guard let partners = byWord[w] else { continue }
      for j in partners {
        let n = perWord[w, default: 0]
        guard n < cap else { break }
        perWord[w] = n + 1
        out.append(Correspondence(a: Int32(i), b: j, word: w))
      }
    }
    return out
  }
}
