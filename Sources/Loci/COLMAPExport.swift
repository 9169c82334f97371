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

  public struct ExportError: Error, CustomStringConvertible {
    public var description: String
  }

  /// Exports the `.lfeat` files under `features` (named by their path relative to featurize's
  /// input root, which is what COLMAP's `--image_path` is then set to) and, with `pairs`, the
  /// verification of each listed pair. A pair naming an image that is not in the folder is
  /// reported in `failed` and left out; the database is still written.
  public func run(features: URL, pairs: ImagePairList?, database: URL) throws -> Summary {
    let files = try FeatureFolder.files(in: [features])
    let root = features.standardizedFileURL.path
    var images: [COLMAPDatabase.Image] = []
    for url in files {
      let set = try FeatureFile.read(from: url)
      images.append(COLMAPDatabase.Image(name: Self.imageName(set, file: url, root: root), features: set))
    }
    let position = Dictionary(images.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    var failed: [[String: String]] = []
    var listed: [ImagePairList.Pair] = []
    for pair in pairs?.pairs ?? [] {
      let missing = [pair.first, pair.second].filter { position[$0] == nil }
      if missing.isEmpty && pair.first != pair.second { listed.append(pair); continue }
      failed.append(["pair": "\(pair.first) \(pair.second)",
                     "error": missing.isEmpty ? "an image paired with itself" : "no features for \(missing.joined(separator: ", "))"])
    }
    let sets = images.map(\.features)
    let outcomes = verification.verify(ImagePairList(listed)) { sets[position[$0]!] }
    var twoViews: [COLMAPDatabase.TwoView] = []
    var verified = 0, inlierTotal = 0
    for (pair, result) in zip(listed, outcomes) {
      guard case let .success(outcome) = result else { continue }
      let matches = outcome.correspondences.map { (UInt32($0.a), UInt32($0.b)) }
      var inliers = outcome.correspondences.indices.filter { outcome.result.inliers[$0] }.map { matches[$0] }
      if inliers.count < minimumInliers { inliers = [] } else { verified += 1 }
      inlierTotal += inliers.count
      twoViews.append(COLMAPDatabase.TwoView(first: position[pair.first]!, second: position[pair.second]!, matches: matches,
                                             inliers: inliers, homography: inliers.isEmpty ? nil : outcome.result.bFromA?.m))
    }
    try COLMAPDatabase.write(images: images, pairs: twoViews, to: database, schema: schema, overwrite: overwrite)
    return Summary(images: images.count, keypoints: images.reduce(0) { $0 + $1.features.count }, pairs: twoViews.count,
                   verified_pairs: verified, inliers: inlierTotal, failed: failed)
  }

  /// The image's path relative to featurize's input root: recorded in the file, or else the
  /// feature file's path under the folder without `.lfeat`.
  static func imageName(_ set: FeatureSet, file: URL, root: String) -> String {
    if !set.relativePath.isEmpty { return set.relativePath }
    var path = file.standardizedFileURL.path
    if path.hasPrefix(root + "/") { path.removeFirst(root.count + 1) }
    return String(path.dropLast(FeatureFileFormat.lfeat.fileExtension.count + 1))
  }
}
