import Foundation

extension HomographyFit {
  /// Refits `h` to the pairs it transfers within tolerances halving from `tolerance` down to
  /// `precision`, each fit to what the previous one gathers; stops (keeping the last fit)
  /// when fewer than `minimumSupport` pairs remain or the fit degenerates.
  ///
  /// Why: verifiers count inliers at a generous tolerance (8 px) so that a match survives
  /// the position error of real regions, but a homography fitted to everything within 8 px
  /// is pulled by the least precise of them. Under strong perspective MFD's medial-feature
  /// centres drift by several pixels where MSER's do not; fitted to both, the map misses the
  /// image corners by 15 px, fitted to the precise subset by 3. The shrinking thresholds are
  /// the iterative least squares of LO+-RANSAC (Lebeda, Matas & Chum, "Fixing the Locally
  /// Optimized RANSAC", BMVC 2012). Only the map is refined; which correspondences count as
  /// inliers (the verification score) stays with the verifier's tolerance.
  static func tightened(_ h: Homography, _ pairs: PointPairs, from tolerance: Double, to precision: Double,
                        minimumSupport: Int = 12) -> Homography {
    var current = h
    var mask = [Bool](repeating: false, count: pairs.count)
    var t = tolerance
    while t > precision {
      t = Swift.max(precision, t / 2)
      RANSACVerifier.mark(current.m, pairs, t, into: &mask)
      guard mask.lazy.filter({ $0 }).count >= minimumSupport, let fit = dlt(pairs, where: mask) else { break }
      current = fit
    }
    return current
  }
}
