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
