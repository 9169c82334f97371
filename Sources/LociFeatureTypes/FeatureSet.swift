/// What the descriptors of a feature set are.
public enum DescriptorKind: String, Sendable, CaseIterable, Codable {
  case none
  /// Lowe's SIFT, L2-normalised, clipped at 0.2, renormalised (unit length).
  case sift
  /// RootSIFT (Arandjelović & Zisserman 2012): √ of the L1-normalised SIFT (unit L2 length).
  case rootsift

  var code: UInt8 {
    switch self {
    case .none: return 0
    case .sift: return 1
    case .rootsift: return 2
    }
  }

  init?(code: UInt8) {
    switch code {
    case 0: self = .none
    case 1: self = .sift
    case 2: self = .rootsift
    default: return nil
    }
  }
}

/// One image's features: regions and their descriptors (row-major, `count × dimension`),
/// plus where they came from. This is what a `.lfeat` file holds.
public struct FeatureSet: Sendable, Equatable {
  /// Size of the image the regions refer to (the original, even when detection ran on a
  /// downscaled copy).
  public var imageWidth: Int
  public var imageHeight: Int
  /// Detector name (`mser`, `sift`, …) and its parameters, for provenance.
  public var detector: String
  public var parameters: String
  public var descriptorKind: DescriptorKind
  /// Descriptor length (0 when `descriptorKind == .none`).
  public var dimension: Int
  public var regions: [AffineRegion]
  /// `regions.count × dimension` values, feature after feature.
  public var descriptors: [Float]
  /// The source image's absolute path when the set was written, and its path relative to
  /// the input root (how `featurize` mirrors trees and how indexes match ground truth).
  public var sourcePath: String
  public var relativePath: String
  /// The detectors of a set that combines several (`featurize --detector mfd,mser`), in
  /// order, each with how many consecutive features it gave: matching pairs features of one
  /// detector only (`detectorRanges`). Empty for a set of one detector, `detector`.
  public var parts: [Part]

  /// One detector's run of features in a combined set.
  public struct Part: Sendable, Equatable {
    public var detector: String
    public var count: Int

    public init(detector: String, count: Int) {
      self.detector = detector
      self.count = count
    }
  }

  public init(imageWidth: Int, imageHeight: Int, detector: String, parameters: String = "",
              descriptorKind: DescriptorKind = .none, dimension: Int = 0, regions: [AffineRegion],
              descriptors: [Float] = [], sourcePath: String = "", relativePath: String = "", parts: [Part] = []) {
    precondition(descriptors.count == regions.count * dimension, "descriptor count must be regions × dimension")
    precondition(parts.isEmpty || parts.reduce(0) { $0 + $1.count } == regions.count, "parts must cover the features")
    self.parts = parts
    self.imageWidth = imageWidth
    self.imageHeight = imageHeight
    self.detector = detector
    self.parameters = parameters
    self.descriptorKind = descriptorKind
    self.dimension = dimension
    self.regions = regions
    self.descriptors = descriptors
    self.sourcePath = sourcePath
    self.relativePath = relativePath
  }

  public var count: Int { regions.count }

  /// Each detector's features: `parts` as consecutive ranges, or the whole set under
  /// `detector` when it has no parts.
  public var detectorRanges: [(detector: String, range: Range<Int>)] {
    guard !parts.isEmpty else { return [(detector, 0..<count)] }
    var start = 0
    return parts.map { part in
      defer { start += part.count }
      return (part.detector, start..<(start + part.count))
    }
  }

  /// The descriptor of feature `i`.
  public func descriptor(_ i: Int) -> ArraySlice<Float> {
    descriptors[(i * dimension)..<((i + 1) * dimension)]
  }
}
