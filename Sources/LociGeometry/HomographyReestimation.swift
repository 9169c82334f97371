import Foundation
import LociFeatureTypes

extension HomographyFit {
  /// The homography re-estimated from every correspondence that `h` transfers within
  /// `tolerance` (kept one-to-one): the normalised DLT, refitted down to `precision`
  /// (`tightened`), then fitted to the local affine maps too when `localAffinities`
  /// (`affineRefined`). Returns the map and, per correspondence, whether it lies within
  /// `tolerance` of it (one-to-one); nil with fewer than 4 such correspondences.
  ///
  /// What guided matching ends with: once more correspondences are known to agree with a
  /// first homography, the map is estimated again from all of them (Hartley & Zisserman,
  /// "Multiple View Geometry", 2nd ed., algorithm 4.6, its last two steps).
  public static func reestimated(_ h: Homography, _ correspondences: [Correspondence], framesA: [LocalFrame],
                                 framesB: [LocalFrame], tolerance: Double = 8, precision: Double = 4,
                                 localAffinities: Bool = true) -> (homography: Homography, within: [Bool])? {
    let pairs = PointPairs(correspondences: correspondences, framesA: framesA, framesB: framesB)
    func oneToOne(_ m: [Double]) -> [Bool] {
      var mask = [Bool](repeating: false, count: pairs.count)
      RANSACVerifier.mark(m, pairs, tolerance, into: &mask)
      var kept = [Bool](repeating: false, count: pairs.count)
      for k in OneToOneMatching.maximum(correspondences, keep: mask) { kept[k] = true }
      return kept
    }
    guard let fit = dlt(pairs, where: oneToOne(h.m)) else { return nil }
    var refit = tightened(fit, pairs, from: tolerance, to: precision)
    if localAffinities {
      let local = LocalAffinities(correspondences: correspondences, framesA: framesA, framesB: framesB)
      refit = affineRefined(refit, pairs, local, tolerance: precision)
    }
    return (refit, oneToOne(refit.m))
  }
}
