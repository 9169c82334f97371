import LociCore
import LociFeatureTypes

extension TentativeCorrespondences {
  /// Clears `best[i]` (A feature i's chosen B feature) unless feature i is B's nearest A
  /// feature of the same detector, or lies within `separation` pixels of it. Only B features
  /// some A feature chose are searched: O(matches × |A|).
  static func keepMutual(_ best: inout [Int32], _ a: FeatureSet, _ b: FeatureSet, separation: Double?) {
    let d = a.dimension
    let chosen = Array(Set(best.lazy.filter { $0 >= 0 }.map(Int.init))).sorted()
    guard !chosen.isEmpty else { return }
    // The A features B feature j is compared with: those of its detector.
    let rangesA = a.detectorRanges, rangesB = b.detectorRanges
    func searched(_ j: Int) -> Range<Int> {
      guard a.parts.count > 1 || b.parts.count > 1 else { return 0..<a.count }
      let detector = rangesB.first { $0.range.contains(j) }?.detector
      return rangesA.first { $0.detector == detector }?.range ?? 0..<0
    }
    var nearest = [Int](repeating: -1, count: chosen.count)
    a.descriptors.withUnsafeBufferPointer { da in
      b.descriptors.withUnsafeBufferPointer { db in
        nearest.withUnsafeMutableBufferPointer { out in
          parallelChunks(chosen.count, minimumChunk: 16) { range in
            for k in range {
              let pb = db.baseAddress! + chosen[k] * d
              var (closest, index) = (Float.infinity, -1)
              for i in searched(chosen[k]) {
                let dist = squaredDistance(pb, da.baseAddress! + i * d, count: d)
                if dist < closest { (closest, index) = (dist, i) }
              }
              out[k] = index
            }
          }
        }
      }
    }
    let nearestOf = Dictionary(uniqueKeysWithValues: zip(chosen, nearest))
    let reach = (separation ?? 0) * (separation ?? 0)
    for i in best.indices where best[i] >= 0 {
      let n = nearestOf[Int(best[i])] ?? -1
      guard n != i else { continue }
      if n >= 0, separation != nil {
        let (dx, dy) = (a.regions[n].x - a.regions[i].x, a.regions[n].y - a.regions[i].y)
        if dx * dx + dy * dy <= reach { continue }
      }
      best[i] = -1
    }
  }
}
