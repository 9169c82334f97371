import Foundation
import LociFeatureTypes

/// hloc's feature and match files (`features.h5`, `matches.h5`), as its `extract_features`
/// and `match_features` write them and its COLMAP import reads them:
/// - features: one group per image name (names with `/` nest), holding `keypoints` (N × 2
///   Float32, x y with the first pixel's centre at (0, 0), as Loci's), `descriptors` (D × N
///   Float32: one column per keypoint), `scores` (N Float32: the regions' responses) and
///   `image_size` (Int32 width, height);
/// - matches: one group per pair, named `name0/name1` with the `/` inside each name replaced
///   by `-` (hloc's `names_to_pair`), holding `matches0` (N0 Int32: the matched keypoint of
///   the second image, or −1) and `matching_scores0` (N0 Float32).
public enum HlocFiles {
  /// hloc's pair key.
  public static func pairKey(_ name0: String, _ name1: String) -> String {
    name0.replacingOccurrences(of: "/", with: "-") + "/" + name1.replacingOccurrences(of: "/", with: "-")
  }

  /// Writes `features.h5` (atomically) for the images, named by their names.
  public static func writeFeatures(_ images: [(name: String, features: FeatureSet)], to url: URL) throws {
    let file = try HDF5File(creating: url)
    for (name, set) in images {
      let n = set.count, d = set.dimension
      try file.write(name + "/keypoints", floats: set.regions.flatMap { [Float($0.x), Float($0.y)] }, shape: [n, 2])
      var transposed = [Float](repeating: 0, count: n * d)
      for i in 0..<n { for j in 0..<d { transposed[j * n + i] = set.descriptors[i * d + j] } }
      try file.write(name + "/descriptors", floats: transposed, shape: [d, n])
      try file.write(name + "/scores", floats: set.regions.map { Float($0.response) }, shape: [n])
      try file.write(name + "/image_size", int32s: [Int32(set.imageWidth), Int32(set.imageHeight)], shape: [2])
    }
    try file.commit()
  }

  /// One pair's matches: for each feature of the first image, its match in the second (or
  /// −1) and a score.
  public struct PairMatches: Sendable {
    public var name0: String
    public var name1: String
    public var matches0: [Int32]
    public var scores0: [Float]
    public init(name0: String, name1: String, matches0: [Int32], scores0: [Float]) {
      self.name0 = name0
      self.name1 = name1
      self.matches0 = matches0
      self.scores0 = scores0
    }
  }

  /// Writes `matches.h5` (atomically).
  public static func writeMatches(_ pairs: [PairMatches], to url: URL) throws {
    let file = try HDF5File(creating: url)
    for pair in pairs {
      let key = pairKey(pair.name0, pair.name1)
      try file.write(key + "/matches0", int32s: pair.matches0, shape: [pair.matches0.count])
      try file.write(key + "/matching_scores0", floats: pair.scores0, shape: [pair.scores0.count])
    }
    try file.commit()
  }
}
