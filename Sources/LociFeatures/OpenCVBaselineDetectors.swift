import LociImage

/// OpenCV's SIFT (difference-of-Gaussians) keypoints as circular regions of radius
/// `size` (= 2σ), with OpenCV's orientation. A comparison baseline, not Loci's detector.
public struct OpenCVSIFTDetector: Detector {
  /// Keep at most this many of the strongest keypoints (0: all).
  public var maxFeatures: Int = 0
  /// DoG contrast threshold (OpenCV's default 0.04).
  public var contrastThreshold: Double = 0.04

  public init(maxFeatures: Int = 0, contrastThreshold: Double = 0.04) {
    self.maxFeatures = maxFeatures
    self.contrastThreshold = contrastThreshold
  }

  public var name: String { "sift" }
  public var parameters: String { "opencv=4 maxFeatures=\(maxFeatures) contrastThreshold=\(contrastThreshold)" }

  public func detect(in image: GrayImage) throws -> [AffineRegion] {
    try shimSIFTDetect(image, maxFeatures: maxFeatures, contrastThreshold: contrastThreshold)
  }
}

/// OpenCV's MSER (both polarities) as area-equivalent moment ellipses (S = 4Σ),
/// unoriented. A comparison baseline, not Loci's detector.
public struct OpenCVMSERDetector: Detector {
  /// Intensity step Δ over which stability is measured (OpenCV default 5).
  public var delta: Int = 5
  /// Region area bounds in pixels (OpenCV defaults 60 and 14400).
  public var minArea: Int = 60
  public var maxArea: Int = 14400
  /// Maximum relative area change over Δ (0.25), and minimum diversity between nested
  /// regions (0.2).
  public var maxVariation: Double = 0.25
  public var minDiversity: Double = 0.2

  public init() {}

  public var name: String { "mser" }
  public var parameters: String {
    "opencv=4 delta=\(delta) minArea=\(minArea) maxArea=\(maxArea) maxVariation=\(maxVariation) minDiversity=\(minDiversity)"
  }

  public func detect(in image: GrayImage) throws -> [AffineRegion] {
    try shimMSERDetect(image, delta: delta, minArea: minArea, maxArea: maxArea, maxVariation: maxVariation,
                       minDiversity: minDiversity)
  }
}
