import LociCore
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
///
/// Equivalent to sorting all nA × nB pairs, without doing so: each row keeps its `k`
/// nearest columns sorted, a min-heap holds every row's best still-possible pair, and a
/// row whose short list runs out is recomputed in full. Rows are computed on both cores.
func descriptorGreedyMatches(_ a: FeatureSet, _ keepA: [Int], _ b: FeatureSet, _ keepB: [Int]) -> [(Int, Int)] {
  let d = a.dimension, na = keepA.count, nb = keepB.count
  guard na > 0, nb > 0 else { return [] }
  let shortList = Swift.min(nb, 32)
  func nearest(_ ii: Int, count: Int, excluding used: [Bool]?) -> [(Float, Int)] {
    a.descriptors.withUnsafeBufferPointer { da in
      b.descriptors.withUnsafeBufferPointer { db in
        let pa = da.baseAddress! + keepA[ii] * d
        var row: [(Float, Int)] = []
        row.reserveCapacity(nb)
        for jj in 0..<nb where used?[jj] != true {
          row.append((squaredDistance(pa, db.baseAddress! + keepB[jj] * d, count: d), jj))
        }
        let order: ((Float, Int), (Float, Int)) -> Bool = { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        if count < row.count {
          // Keep the `count` smallest with a bounded max-heap pass, then sort only those.
          var best = MinHeap<(Float, Int)>(by: { order($1, $0) })
          for item in row {
            if best.count < count { best.push(item) } else if let top = best.peek(), order(item, top) {
              _ = best.pop()
              best.push(item)
            }
          }
          var kept: [(Float, Int)] = []
          while let item = best.pop() { kept.append(item) }
          return kept.reversed()
        }
        row.sort(by: order)
        return row
      }
    }
  }
  var lists = [[(Float, Int)]](repeating: [], count: na)
  lists.withUnsafeMutableBufferPointer { out in
    DispatchQueue.concurrentPerform(iterations: na) { ii in out[ii] = nearest(ii, count: shortList, excluding: nil) }
  }
  var cursor = [Int](repeating: 0, count: na)
  var heap = MinHeap<(Float, Int, Int)>(by: { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) })
  for ii in 0..<na { heap.push((lists[ii][0].0, lists[ii][0].1, ii)) }
  var usedB = [Bool](repeating: false, count: nb)
  var out: [(Int, Int)] = []
  while let (_, jj, ii) = heap.pop(), out.count < Swift.min(na, nb) {
    if !usedB[jj] {
      usedB[jj] = true
      out.append((ii, jj))
      continue
    }
    // Column taken: advance this row to its next free column (refill when the list is spent).
    cursor[ii] += 1
    while cursor[ii] < lists[ii].count && usedB[lists[ii][cursor[ii]].1] { cursor[ii] += 1 }
    if cursor[ii] == lists[ii].count {
      lists[ii] = nearest(ii, count: nb, excluding: usedB)
      cursor[ii] = 0
      if lists[ii].isEmpty { continue }
    }
    heap.push((lists[ii][cursor[ii]].0, lists[ii][cursor[ii]].1, ii))
  }
  return out
}

