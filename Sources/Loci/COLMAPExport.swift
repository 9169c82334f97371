import Foundation

/// `loci export colmap`: the feature files of a featurize output folder, and optionally the
/// pairs of a pair list verified by `PairVerification`, as a COLMAP database.
public struct COLMAPExport: Sendable {
  public var verification = PairVerification()
  /// Below this many inliers a pair is written DEGENERATE (COLMAP's own
  /// `TwoViewGeometryOptions.min_num_inliers` is 15).
  public var minimumInliers = 15
  public var schema = COLMAPDatabase.Schema.current
  public var overwrite = false

  public init() {}

  /// What an export wrote.
  public struct Summary: Sendable, Encodable {
    public var images: Int
    public var keypoints: Int
    public var pairs: Int
    public var verified_pairs: Int
    public var inliers: Int
    public var failed: [[String: String]]
  }

  /// Exports the `.lfeat` files under `features` (named by their path relative to featurize's
  /// input root, which is what COLMAP's `--image_path` is then set to) and, with `pairs`, the
  /// verification of each listed pair. Pairs that cannot be verified are reported in
  /// `failed` and left out; the database is still written.
  public func run(features: URL, pairs: ImagePairList?, database: URL) throws -> Summary {
    let inputs = try ExportInputs.load(features: features, pairs: pairs, verification: verification)
    var verified = 0, inlierTotal = 0
    let twoViews = inputs.pairs.map { pair -> COLMAPDatabase.TwoView in
      let inliers = ExportInputs.inliers(of: pair.outcome, minimum: minimumInliers)
      if !inliers.isEmpty { verified += 1 }
      inlierTotal += inliers.count
      return COLMAPDatabase.TwoView(first: pair.first, second: pair.second,
                                    matches: pair.outcome.correspondences.map { (UInt32($0.a), UInt32($0.b)) },
                                    inliers: inliers.map { ($0.a, $0.b) },
                                    homography: inliers.isEmpty ? nil : pair.outcome.result.bFromA?.m)
    }
    let images = inputs.images.map { COLMAPDatabase.Image(name: $0.name, features: $0.features) }
    try COLMAPDatabase.write(images: images, pairs: twoViews, to: database, schema: schema, overwrite: overwrite)
    return Summary(images: images.count, keypoints: images.reduce(0) { $0 + $1.features.count }, pairs: twoViews.count,
                   verified_pairs: verified, inliers: inlierTotal, failed: inputs.failed)
  }
}

/// `loci export hloc`: the feature files as hloc's `features.h5` and, with a pair list, the
/// verified inliers of each pair as its `matches.h5`.
public struct HlocExport: Sendable {
  public var verification = PairVerification()
  /// Below this many inliers a pair is written with no matches.
  public var minimumInliers = 15

  public init() {}

  /// Writes `featuresFile` and, with `pairs`, `matchesFile`; returns the same summary as the
  /// COLMAP export.
  public func run(features: URL, pairs: ImagePairList?, featuresFile: URL, matchesFile: URL?) throws -> COLMAPExport.Summary {
    let inputs = try ExportInputs.load(features: features, pairs: pairs, verification: verification)
    try HlocFiles.writeFeatures(inputs.images, to: featuresFile)
    var verified = 0, inlierTotal = 0
    let matches = inputs.pairs.map { pair -> HlocFiles.PairMatches in
      let n = inputs.images[pair.first].features.count
      var matches0 = [Int32](repeating: -1, count: n), scores0 = [Float](repeating: 0, count: n)
      let inliers = ExportInputs.inliers(of: pair.outcome, minimum: minimumInliers)
      if !inliers.isEmpty { verified += 1 }
      inlierTotal += inliers.count
      for inlier in inliers {
        matches0[Int(inlier.a)] = Int32(inlier.b)
        scores0[Int(inlier.a)] = Float(inlier.strength)
      }
      return HlocFiles.PairMatches(name0: inputs.images[pair.first].name, name1: inputs.images[pair.second].name,
                                   matches0: matches0, scores0: scores0)
    }
    if let matchesFile { try HlocFiles.writeMatches(matches, to: matchesFile) }
    return COLMAPExport.Summary(images: inputs.images.count, keypoints: inputs.images.reduce(0) { $0 + $1.features.count },
                                pairs: matches.count, verified_pairs: verified, inliers: inlierTotal, failed: inputs.failed)
  }
}

/// `loci export kapture`: the feature files and, with a pair list, the verified inliers of
/// each pair as a kapture 1.1 tree.
public struct KaptureExport: Sendable {
  public var verification = PairVerification()
  /// Below this many inliers a pair gets no matches file.
  public var minimumInliers = 15
  public var overwrite = false

  public init() {}

  public func run(features: URL, pairs: ImagePairList?, root: URL) throws -> COLMAPExport.Summary {
    let inputs = try ExportInputs.load(features: features, pairs: pairs, verification: verification)
    var verified = 0, inlierTotal = 0
    var written: [KaptureFiles.Pair] = []
    for pair in inputs.pairs {
      let inliers = ExportInputs.inliers(of: pair.outcome, minimum: minimumInliers)
      guard !inliers.isEmpty else { continue }
      verified += 1
      inlierTotal += inliers.count
      written.append(KaptureFiles.Pair(first: pair.first, second: pair.second, matches: inliers.map { ($0.a, $0.b, $0.strength) }))
    }
    let first = inputs.images.first?.features
    let keypointsType = "loci-" + (first.map { $0.detector.isEmpty ? "regions" : $0.detector } ?? "regions")
    let descriptorsType = "loci-" + (first?.descriptorKind.rawValue ?? "none")
    try KaptureFiles.write(images: inputs.images, pairs: written, to: root, keypointsType: keypointsType,
                           descriptorsType: descriptorsType, overwrite: overwrite)
    return COLMAPExport.Summary(images: inputs.images.count, keypoints: inputs.images.reduce(0) { $0 + $1.features.count },
                                pairs: inputs.pairs.count, verified_pairs: verified, inliers: inlierTotal, failed: inputs.failed)
  }
}
