import Foundation
import LociCore
import LociFeatureTypes

/// Correspondences found with a homography's guidance: each A feature is paired with the
/// nearest (by descriptor) B feature of its detector whose centre lies within `radius` of
/// where the homography maps A's centre and whose size agrees with the mapped size, when
/// the descriptors are close enough.
///
/// Why: the ratio test over all of B rejects every match whose descriptor has a near rival
/// anywhere in the image, which under strong perspective is most of them; once a first
/// homography is known, the rivals that matter are the few features near the predicted
/// place (Hartley & Zisserman, "Multiple View Geometry", 2nd ed., §4.8: guided matching).
/// On HPatches v_wormhole 1→6 with WaSH regions the ratio test keeps 39 correct matches;
/// guided by the first homography, 70 correct within 5 px and a descriptor distance of 0.7.
/// The wrong ones it adds are for the caller to filter (patch alignment refuses patches
/// that do not correlate) and the verifier to reject.
public struct GuidedMatching: Sendable {
  /// Pixels in B between a candidate's centre and A's mapped centre.
  public var radius: Double = 5
  /// Largest Euclidean descriptor distance (RootSIFT descriptors have unit length).
  public var maxDistance: Float = 0.7
  /// A candidate's scale may differ from A's mapped scale by at most this factor.
  public var scaleRatio: Double = 2

  public init() {}

  /// At most one correspondence per A feature, for the A features not in `excluded`.
  public func correspondences(_ a: FeatureSet, _ b: FeatureSet, bFromA h: Homography,
                              excluding excluded: Set<Int32> = []) -> [Correspondence] {
    let d = a.dimension
    guard d > 0, d == b.dimension, a.count > 0, b.count > 0, radius > 0 else { return [] }
    let grid = PointGrid(b.regions.map { ($0.x, $0.y) }, cell: radius)
    let detectorOfB = b.detectorRanges
    var found = [Int32](repeating: -1, count: a.count)
    let maxDistance2 = maxDistance * maxDistance, radius2 = radius * radius
    for (detector, range) in a.detectorRanges {
      guard let partner = detectorOfB.first(where: { $0.detector == detector })?.range else { continue }
      a.descriptors.withUnsafeBufferPointer { da in
        b.descriptors.withUnsafeBufferPointer { db in
          found.withUnsafeMutableBufferPointer { out in
            parallelChunks(range.count) { chunk in
              for i in chunk.lowerBound + range.lowerBound..<chunk.upperBound + range.lowerBound
              where !excluded.contains(Int32(i)) {
                let region = a.regions[i]
                // Points the map sends to infinity or behind the camera have no prediction.
                guard h.m[6] * region.x + h.m[7] * region.y + h.m[8] > 1e-12 else { continue }
                let p = h.apply(region.x, region.y)
                let mappedScale = region.scale * abs(h.jacobian(atX: region.x, y: region.y).determinant).squareRoot()
                var best = (distance: maxDistance2, index: -1)
                grid.forEach(near: p, within: radius) { j in
                  guard partner.contains(j) else { return }
                  let q = b.regions[j]
                  let dx = q.x - p.x, dy = q.y - p.y
                  guard dx * dx + dy * dy <= radius2,
                        q.scale <= mappedScale * scaleRatio, q.scale * scaleRatio >= mappedScale else { return }
                  let distance = squaredDistance(da.baseAddress! + i * d, db.baseAddress! + j * d, count: d)
                  if distance < best.distance { best = (distance, j) }
                }
                if best.index >= 0 { out[i] = Int32(best.index) }
              }
            }
          }
        }
      }
    }
    return found.enumerated().compactMap { i, j in j >= 0 ? Correspondence(a: Int32(i), b: j) : nil }
  }
}

/// Points bucketed in square cells, for the points within a radius of a position.
struct PointGrid {
  private var cells: [Int64: [Int]] = [:]
  private let cell: Double

  init(_ points: [(Double, Double)], cell: Double) {
    self.cell = cell
    for (k, p) in points.enumerated() where p.0.isFinite && p.1.isFinite {
      cells[key(Int64((p.0 / cell).rounded(.down)), Int64((p.1 / cell).rounded(.down))), default: []].append(k)
    }
  }

  private func key(_ i: Int64, _ j: Int64) -> Int64 { (i << 32) ^ (j & 0xFFFF_FFFF) }

  /// Calls `body` with every point in the cells that overlap the square of half-side
  /// `radius` around `p` (a superset of those within `radius`).
  func forEach(near p: (x: Double, y: Double), within radius: Double, _ body: (Int) -> Void) {
    guard p.x.isFinite, p.y.isFinite, abs(p.x) < 1e12, abs(p.y) < 1e12 else { return }
    let i0 = Int64(((p.x - radius) / cell).rounded(.down)), i1 = Int64(((p.x + radius) / cell).rounded(.down))
    let j0 = Int64(((p.y - radius) / cell).rounded(.down)), j1 = Int64(((p.y + radius) / cell).rounded(.down))
    for i in i0...i1 {
      for j in j0...j1 {
        cells[key(i, j)]?.forEach(body)
      }
    }
  }
}
