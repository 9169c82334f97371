import Foundation
import LociImage

/// Detection plus description for one image: what `featurize` runs per file, and what
/// evaluations call. Immutable and shareable across threads.
public struct FeatureExtractor: Sendable {
  /// The detectors, in order: usually one. Several make one combined set whose features
  /// keep their detector (`FeatureSet.parts`), so that matching pairs features of one
  /// detector only; different detectors fire on different structures, and on pairs where
  /// one finds few repeatable regions another often finds enough (MODS, Mishkin, Matas &
  /// Perdoch, CVIU 2015, combines detectors for this).
  public var detectors: [any Detector]
  /// The first detector (the only one of most extractors).
  public var detector: any Detector {
    get { detectors[0] }
    set { detectors[0] = newValue }
  }
  /// nil: regions only (`--descriptor none`).
  public var descriptor: SIFTDescriptorExtractor?
  /// Detect on a copy whose larger side is at most this (0: never downscale); regions are
  /// mapped back to the original's coordinates and descriptors computed on the original.
  public var maxDimension: Int
  /// Keep at most this many features per detector, the strongest (detector response)
  /// first; 0: all. Applied to the regions before description and again to the described
  /// features (a region may be described at more than one orientation).
  public var maxFeatures: Int

  public init(detector: any Detector, descriptor: SIFTDescriptorExtractor? = SIFTDescriptorExtractor(),
              maxDimension: Int = 0, maxFeatures: Int = 0) {
    self.init(detectors: [detector], descriptor: descriptor, maxDimension: maxDimension, maxFeatures: maxFeatures)
  }

  public init(detectors: [any Detector], descriptor: SIFTDescriptorExtractor? = SIFTDescriptorExtractor(),
              maxDimension: Int = 0, maxFeatures: Int = 0) {
    precondition(!detectors.isEmpty, "an extractor needs a detector")
    self.detectors = detectors
    self.descriptor = descriptor
    self.maxDimension = maxDimension
    self.maxFeatures = maxFeatures
  }

  /// The detector name recorded in feature files: the detector's, or the detectors' joined
  /// by `+` (`mfd+mser`).
  public var detectorName: String { detectors.map(\.name).joined(separator: "+") }

  /// Provenance string stored in feature files: the detector's parameters, or for several
  /// `name: parameters;` per detector; then the descriptor's and the extractor's own.
  public var parameters: String {
    var p = detectors.count == 1 ? detector.parameters : detectors.map { "\($0.name): \($0.parameters);" }.joined(separator: " ")
    if let d = descriptor?.options {
      p += " descriptor=\(d.kind.rawValue) magnification=\(d.magnification) patchRadius=\(d.patchRadius) smoothing=\(d.smoothing)"
    }
    if maxDimension > 0 { p += " maxDimension=\(maxDimension)" }
    if maxFeatures > 0 { p += " featureCap=\(maxFeatures)" }
    return p
  }

  public func extract(from image: GrayImage, sourcePath: String = "", relativePath: String = "") throws -> FeatureSet {
    let (working, factor) = image.limited(toMaxDimension: maxDimension)
    var set = FeatureSet(imageWidth: image.width, imageHeight: image.height, detector: detectorName,
                         parameters: parameters, regions: [], sourcePath: sourcePath, relativePath: relativePath)
    if let descriptor {
      set.descriptorKind = descriptor.options.kind
      set.dimension = SIFTDescriptorExtractor.dimension
    }
    for detector in detectors {
      let (regions, descriptors) = try features(of: detector, in: working, factor: factor, original: image)
      set.regions += regions
      set.descriptors += descriptors
      if detectors.count > 1 { set.parts.append(FeatureSet.Part(detector: detector.name, count: regions.count)) }
    }
    return set
  }

  /// One detector's regions (strongest `maxFeatures`, in detection order) and, with a
  /// descriptor, their described features (again capped).
  private func features(of detector: any Detector, in working: GrayImage, factor: Double, original image: GrayImage) throws
    -> (regions: [AffineRegion], descriptors: [Float]) {
    var regions = try detector.detect(in: working)
    if factor != 1 { regions = regions.map { $0.scaled(by: 1 / factor) } }
    let strongest = strongestFirst(regions.map(\.response))
    regions = strongest.map { regions[$0] }
    guard let descriptor else { return (regions, []) }
    let described = descriptor.describe(regions, in: image)
    let kept = strongestFirst(described.regions.map(\.response))
    let d = SIFTDescriptorExtractor.dimension
    let descriptors = [Float](unsafeUninitializedCapacity: kept.count * d) { out, initialised in
      described.descriptors.withUnsafeBufferPointer { all in
        for (i, k) in kept.enumerated() {
          for j in 0..<d { out[i * d + j] = all[k * d + j] }
        }
      }
      initialised = kept.count * d
    }
    return (kept.map { described.regions[$0] }, descriptors)
  }

  /// The indices of the `maxFeatures` largest responses (all when 0), in their original
  /// order; ties keep the earlier index.
  func strongestFirst(_ responses: [Double]) -> [Int] {
    guard maxFeatures > 0, responses.count > maxFeatures else { return Array(responses.indices) }
    let byStrength = responses.indices.sorted { responses[$0] > responses[$1] || (responses[$0] == responses[$1] && $0 < $1) }
    return byStrength.prefix(maxFeatures).sorted()
  }

  /// Decodes `url` and extracts its features. The source path is recorded absolute and
  /// resolved (symbolic links too), the form ground truth is matched on.
  public func extract(fromFile url: URL, relativePath: String = "") throws -> FeatureSet {
    try extract(from: try GrayImage(contentsOf: url), file: url, relativePath: relativePath)
  }

  /// `extract(fromFile:)` for an image already read from `url` (for callers that need the
  /// pixels too): recorded with the same source path and name.
  public func extract(from image: GrayImage, file url: URL, relativePath: String = "") throws -> FeatureSet {
    try extract(from: image, sourcePath: url.standardizedFileURL.resolvingSymlinksInPath().path,
                relativePath: relativePath.isEmpty ? url.lastPathComponent : relativePath)
  }
}
