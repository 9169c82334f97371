import Foundation
import LociImage

/// Detection plus description for one image: what `featurize` runs per file, and what
/// evaluations call. Immutable and shareable across threads.
public struct FeatureExtractor: Sendable {
  public var detector: any Detector
  /// nil: regions only (`--descriptor none`).
  public var descriptor: SIFTDescriptorExtractor?
  /// Detect on a copy whose larger side is at most this (0: never downscale); regions are
  /// mapped back to the original's coordinates and descriptors computed on the original.
  public var maxDimension: Int
  /// Keep at most this many features, the strongest (detector response) first; 0: all.
  /// Applied to the regions before description and again to the described features (a
  /// region may be described at more than one orientation).
  public var maxFeatures: Int

  public init(detector: any Detector, descriptor: SIFTDescriptorExtractor? = SIFTDescriptorExtractor(),
              maxDimension: Int = 0, maxFeatures: Int = 0) {
    self.detector = detector
    self.descriptor = descriptor
    self.maxDimension = maxDimension
    self.maxFeatures = maxFeatures
  }

  /// Provenance string stored in feature files.
  public var parameters: String {
    var p = detector.parameters
    if let d = descriptor?.options {
      p += " descriptor=\(d.kind.rawValue) magnification=\(d.magnification) patchRadius=\(d.patchRadius) smoothing=\(d.smoothing)"
    }
    if maxDimension > 0 { p += " maxDimension=\(maxDimension)" }
    if maxFeatures > 0 { p += " featureCap=\(maxFeatures)" }
    return p
  }

  public func extract(from image: GrayImage, sourcePath: String = "", relativePath: String = "") throws -> FeatureSet {
    let (working, factor) = image.limited(toMaxDimension: maxDimension)
    var regions = try detector.detect(in: working)
    if factor != 1 { regions = regions.map { $0.scaled(by: 1 / factor) } }
    let strongest = strongestFirst(regions.map(\.response))
    regions = strongest.map { regions[$0] }
    var set = FeatureSet(imageWidth: image.width, imageHeight: image.height, detector: detector.name,
                         parameters: parameters, regions: regions, sourcePath: sourcePath,
                         relativePath: relativePath)
    if let descriptor {
      let described = descriptor.describe(regions, in: image)
      let kept = strongestFirst(described.regions.map(\.response))
      let d = SIFTDescriptorExtractor.dimension
      set.regions = kept.map { described.regions[$0] }
      set.descriptors = [Float](unsafeUninitializedCapacity: kept.count * d) { out, initialised in
        described.descriptors.withUnsafeBufferPointer { all in
          for (i, k) in kept.enumerated() {
            for j in 0..<d { out[i * d + j] = all[k * d + j] }
          }
        }
        initialised = kept.count * d
      }
      set.descriptorKind = descriptor.options.kind
      set.dimension = SIFTDescriptorExtractor.dimension
    }
    return set
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
    let image = try GrayImage(contentsOf: url)
    return try extract(from: image, sourcePath: url.standardizedFileURL.resolvingSymlinksInPath().path,
                       relativePath: relativePath.isEmpty ? url.lastPathComponent : relativePath)
  }
}
