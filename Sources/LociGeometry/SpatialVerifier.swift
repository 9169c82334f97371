/// Spatial verification of one image pair's tentative correspondences: which are consistent
/// with one geometric transform, how strongly, and the transform. Implemented by
/// `HoughPyramidMatcher` (Tolias & Avrithis, IJCV 2014) and `RANSACVerifier`; a pipeline
/// holds `any SpatialVerifier` instead of switching on a method name, and can bring its own.
public protocol SpatialVerifier: Sendable {
  /// `framesA[c.a]` and `framesB[c.b]` are the local frames of correspondence `c`'s two
  /// features; `imageSize` is the larger side of the images, in pixels (HPM's Hough space
  /// spans it; verifiers that need no extent ignore it).
  func verify(_ correspondences: [Correspondence], framesA: [LocalFrame], framesB: [LocalFrame],
              imageSize: Double) -> VerificationResult
}

extension HoughPyramidMatcher: SpatialVerifier {}

extension RANSACVerifier: SpatialVerifier {
  /// RANSAC needs no image extent: hypotheses come from the correspondences' own frames.
  public func verify(_ correspondences: [Correspondence], framesA: [LocalFrame], framesB: [LocalFrame],
                     imageSize: Double) -> VerificationResult {
    verify(correspondences, framesA: framesA, framesB: framesB)
  }
}

extension VerificationResult {
  /// The least-squares affine map B ← A (3×3 row-major, last row 0 0 1) over the inliers'
  /// centres: the transform of a planar patch seen from afar, which other pipelines take
  /// where a homography is overkill. Nil with fewer than three inliers or when they are
  /// collinear.
  public func affineMap(_ correspondences: [Correspondence], framesA: [LocalFrame], framesB: [LocalFrame]) -> [Double]? {
    let selection = correspondences.indices.filter { inliers[$0] }
    guard selection.count >= 3 else { return nil }
    let pairs = PointPairs(correspondences: correspondences, framesA: framesA, framesB: framesB, selection: selection)
    return RANSACVerifier.affineLeastSquares(pairs, [Bool](repeating: true, count: selection.count))
  }
}
