import Foundation

/// What the exports start from: every feature file of a featurize output folder, named by
/// its image's path relative to featurize's input root, and the verification of the pairs of
/// a pair list among them.
public struct ExportInputs: Sendable {
  public var images: [(name: String, features: FeatureSet)]
  /// Verified pairs, by index into `images`.
  public var pairs: [(first: Int, second: Int, outcome: PairVerification.Outcome)]
  /// Listed pairs left out, each with `pair` and `error`.
  public var failed: [[String: String]]

  /// Reads the folder and verifies the listed pairs on all cores. A pair naming an image
  /// that is not in the folder, or an image with itself, is left out and reported in `failed`.
  public static func load(features: URL, pairs list: ImagePairList?, verification: PairVerification) throws -> ExportInputs {
    let root = features.standardizedFileURL.path
    let images = try FeatureFolder.files(in: [features]).map { url -> (name: String, features: FeatureSet) in
      let set = try FeatureFile.read(from: url)
      return (imageName(set, file: url, root: root), set)
    }
    var position: [String: Int] = [:]
    for (k, image) in images.enumerated() where position[image.name] == nil { position[image.name] = k }
    var failed: [[String: String]] = []
    var listed: [ImagePairList.Pair] = []
    for pair in list?.pairs ?? [] {
      let missing = [pair.first, pair.second].filter { position[$0] == nil }
      if missing.isEmpty && pair.first != pair.second { listed.append(pair); continue }
      failed.append(["pair": "\(pair.first) \(pair.second)",
                     "error": missing.isEmpty ? "an image paired with itself" : "no features for \(missing.joined(separator: ", "))"])
    }
    let sets = images.map(\.features), lookup = position
    let outcomes = verification.verify(ImagePairList(listed)) { sets[lookup[$0]!] }
    var verified: [(first: Int, second: Int, outcome: PairVerification.Outcome)] = []
    for (pair, result) in zip(listed, outcomes) {
      if case let .success(outcome) = result { verified.append((position[pair.first]!, position[pair.second]!, outcome)) }
    }
    return ExportInputs(images: images, pairs: verified, failed: failed)
  }

  /// The image's path relative to featurize's input root: recorded in the file, or else the
  /// feature file's path under the folder without `.lfeat`.
  static func imageName(_ set: FeatureSet, file: URL, root: String) -> String {
    if !set.relativePath.isEmpty { return set.relativePath }
    var path = file.standardizedFileURL.path
    if path.hasPrefix(root + "/") { path.removeFirst(root.count + 1) }
    return String(path.dropLast(FeatureFileFormat.lfeat.fileExtension.count + 1))
  }

  /// A pair's inliers as (feature in the first image, feature in the second, strength),
  /// none when there are fewer than `minimum`.
  static func inliers(of outcome: PairVerification.Outcome, minimum: Int) -> [(a: UInt32, b: UInt32, strength: Double)] {
    let found = outcome.correspondences.indices.filter { outcome.result.inliers[$0] }.map { k in
      (a: UInt32(outcome.correspondences[k].a), b: UInt32(outcome.correspondences[k].b), strength: outcome.result.strengths[k])
    }
    return found.count < minimum ? [] : found
  }
}
