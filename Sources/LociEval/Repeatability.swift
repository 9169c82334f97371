import Foundation
import LociFeatures
import LociGeometry

/// Parameters of the Mikolajczyk et al. (IJCV 2005) protocol, defaults as in vlbenchmarks.
public struct RepeatabilityOptions: Sendable {
  /// Two regions correspond when their overlap error is below this (40 %).
  public var overlapErrorThreshold: Double = 0.4
  /// Both ellipses are scaled (about their own centres) so that the reference ellipse has
  /// this equal-area radius; centres are not moved, so location error is judged relative
  /// to a 30 px region whatever the region's size.
  public var normalisedRadius: Double = 30
  /// Keep only regions whose ellipse lies inside both images (the common part).
  public var cropFrames: Bool = true

  public init() {}
}

/// One image pair's figures. Percentages are 0–100.
public struct PairResult: Sendable, Codable, Equatable {
  public var pair: String
  /// Regions in image A and B after cropping to the common part.
  public var features: [Int]
  public var correspondences: Int
  public var repeatability: Double
  /// Descriptor matches that are also geometric correspondences / min(n1, n2); nil
  /// without descriptors.
  public var matchingScore: Double?

  enum CodingKeys: String, CodingKey {
    case pair, features, correspondences, repeatability
    case matchingScore = "matching_score"
  }
}

/// Repeatability and matching score of two feature sets related by `bFromA`.
public func evaluatePair(_ a: FeatureSet, _ b: FeatureSet, bFromA: Homography, pair: String = "1-2",
                         options: RepeatabilityOptions = RepeatabilityOptions()) -> PairResult {
  let aFromB = bFromA.inverse
  let aInB = a.regions.map { bFromA.warp($0) }
  let bInA = b.regions.map { aFromB.warp($0) }
  func inside(_ r: AffineRegion, _ width: Int, _ height: Int) -> Bool {
    r.shape.isPositiveDefinite && r.isInside(x0: 0, y0: 0, x1: Double(width - 1), y1: Double(height - 1))
  }
  let keepA = a.regions.indices.filter { i in
    !options.cropFrames || (inside(a.regions[i], a.imageWidth, a.imageHeight) && inside(aInB[i], b.imageWidth, b.imageHeight))
  }
  let keepB = b.regions.indices.filter { j in
    !options.cropFrames || (inside(b.regions[j], b.imageWidth, b.imageHeight) && inside(bInA[j], a.imageWidth, a.imageHeight))
  }
  let na = keepA.count, nb = keepB.count
  let denominator = Double(Swift.min(na, nb))

  // Candidate correspondences in A's frame, the A region being the reference.
  var overlap = EllipseOverlap()
  var edges: [(i: Int, j: Int, error: Double)] = []
  let maxError = options.overlapErrorThreshold
  for (ii, i) in keepA.enumerated() {
    let ra = a.regions[i]
    let radius = ra.scale
    let s2 = (options.normalisedRadius / radius) * (options.normalisedRadius / radius)
    let areaA = ra.shape.determinant.squareRoot()
    let reference = AffineRegion(x: ra.x, y: ra.y, shape: ra.shape * s2)
    for (jj, j) in keepB.enumerated() {
      let rb = bInA[j]
      let dx = rb.x - ra.x, dy = rb.y - ra.y
      guard dx * dx + dy * dy < 16 * radius * radius else { continue }
      let areaB = rb.shape.determinant.squareRoot()
      // Overlap ≤ min/max area ratio, so pairs below 1 − ε_max can never correspond.
      guard Swift.min(areaA, areaB) / Swift.max(areaA, areaB) > 1 - maxError else { continue }
      let e = overlap.error(reference, AffineRegion(x: rb.x, y: rb.y, shape: rb.shape * s2))
      if e < maxError { edges.append((ii, jj, e)) }
    }
  }
  let matches = greedyOneToOne(edges.map { ($0.i, $0.j, $0.error) }, left: na, right: nb)
  let repeatability = denominator > 0 ? 100 * Double(matches.count) / denominator : 0

  var matchingScore: Double? = nil
  if a.dimension > 0, a.dimension == b.dimension {
    let geometric = Set(edges.map { $0.i * nb + $0.j })
    let descriptorMatches = descriptorGreedyMatches(a, keepA, b, keepB)
    let correct = descriptorMatches.filter { geometric.contains($0.0 * nb + $0.1) }.count
    matchingScore = denominator > 0 ? 100 * Double(correct) / denominator : 0
  }
  return PairResult(pair: pair, features: [na, nb], correspondences: matches.count, repeatability: repeatability,
                    matchingScore: matchingScore)
}

/// Greedy one-to-one bipartite matching: edges by increasing cost, each taken when both
/// ends are still free. O(E log E).
public func greedyOneToOne(_ edges: [(Int, Int, Double)], left: Int, right: Int) -> [(Int, Int)] {
  let order = edges.indices.sorted { edges[$0].2 < edges[$1].2 || (edges[$0].2 == edges[$1].2 && $0 < $1) }
  var usedLeft = [Bool](repeating: false, count: left), usedRight = [Bool](repeating: false, count: right)
  var out: [(Int, Int)] = []
  for k in order {
    let (i, j, _) = edges[k]
    if usedLeft[i] || usedRight[j] { continue }
    usedLeft[i] = true
    usedRight[j] = true
    out.append((i, j))
  }
  return out
}

/// Greedy one-to-one matching of the kept descriptors by increasing L2 distance.
func descriptorGreedyMatches(_ a: FeatureSet, _ keepA: [Int], _ b: FeatureSet, _ keepB: [Int]) -> [(Int, Int)] {
  let d = a.dimension, na = keepA.count, nb = keepB.count
  guard na > 0, nb > 0 else { return [] }
  var distances = [Float](repeating: 0, count: na * nb)
  a.descriptors.withUnsafeBufferPointer { da in
    b.descriptors.withUnsafeBufferPointer { db in
      distances.withUnsafeMutableBufferPointer { out in
        DispatchQueue.concurrentPerform(iterations: na) { ii in
          let pa = da.baseAddress! + keepA[ii] * d
          for jj in 0..<nb {
            let pb = db.baseAddress! + keepB[jj] * d
            var s: Float = 0
            for k in 0..<d {
              let t = pa[k] - pb[k]
              s += t * t
            }
            out[ii * nb + jj] = s
          }
        }
      }
    }
  }
  let order = (0..<(na * nb)).sorted { distances[$0] < distances[$1] || (distances[$0] == distances[$1] && $0 < $1) }
  var usedA = [Bool](repeating: false, count: na), usedB = [Bool](repeating: false, count: nb)
  var out: [(Int, Int)] = []
  var remaining = Swift.min(na, nb)
  for k in order where remaining > 0 {
    let i = k / nb, j = k % nb
    if usedA[i] || usedB[j] { continue }
    usedA[i] = true
    usedB[j] = true
    remaining -= 1
    out.append((i, j))
  }
  return out
}
