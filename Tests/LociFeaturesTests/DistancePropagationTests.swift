import LociCore
import XCTest

@testable import LociFeatures

final class DistancePropagationTests: XCTestCase {
  /// Each pixel's step against its definition, the 3×3 neighbour with the highest D, ties to
  /// the larger index: D quantised to four levels (ties everywhere) with −0 among the zeros,
  /// on widths that leave every remainder of the eight-lane loops.
  func testUphillNeighbourIsTheHighestWithIndexTies() {
    var rng = SplitMix64(seed: 23)
    for (w, h) in [(1, 1), (1, 7), (7, 1), (2, 2), (8, 3), (9, 4), (10, 5), (17, 6), (33, 9)] {
      let d = (0..<(w * h)).map { _ -> Float in
        let level = Float(Int(rng.unit() * 4))
        return level == 0 && rng.unit() < 0.5 ? -0.0 : level
      }
      var next = [Int32](repeating: -7, count: w * h)
      d.withUnsafeBufferPointer { d in
        next.withUnsafeMutableBufferPointer { UphillNeighbours.compute(d, width: w, height: h, into: $0) }
      }
      for p in 0..<(w * h) {
        var best = p
        for qy in max(0, p / w - 1)...min(h - 1, p / w + 1) {
          for qx in max(0, p % w - 1)...min(w - 1, p % w + 1) {
            let q = qy * w + qx
            if d[q] > d[best] || (d[q] == d[best] && q > best) { best = q }
          }
        }
        XCTAssertEqual(Int(next[p]), best, "\(w)×\(h) pixel \(p)")
      }
    }
  }

  /// After the raster passes (no polish), no 8-neighbour's source improves any pixel: the
  /// promise `polish` builds on. The backward pass sweeps a row only from the pixels the row
  /// below improved; an offer it wrongly skipped would show here as an improvable pixel.
  func testRasterPassesLeaveNoImprovableNeighbour() {
    var rng = SplitMix64(seed: 41)
    for (w, h) in [(3, 3), (9, 7), (31, 17), (64, 40)] {
      for _ in 0..<5 {
        let heights = (0..<(w * h)).map { _ -> Float in
          rng.unit() < 0.1 ? Float(rng.unit()) : 3 + 20 * Float(rng.unit())
        }
        let map = WeightedDistanceTransform.compute(heights: heights, width: w, height: h, polish: false)
        for p in 0..<(w * h) {
          let px = p % w, py = p / w
          for qy in max(0, py - 1)...min(h - 1, py + 1) {
            for qx in max(0, px - 1)...min(w - 1, px + 1) {
              let s = Int(map.source[qy * w + qx])
              let dx = Float(px - s % w), dy = Float(py - s / w)
              let candidate = (dx * dx + dy * dy).squareRoot() + heights[s]
              XCTAssertFalse(candidate < map.distance[p], "\(w)×\(h): pixel \(p) improves from its neighbour \(qy * w + qx)")
            }
          }
        }
      }
    }
  }
}
