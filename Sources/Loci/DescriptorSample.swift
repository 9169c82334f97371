import LociCore
import Foundation

/// Descriptors gathered from a folder of feature files, for vocabulary training.
public struct DescriptorSample: Sendable {
  public var dimension: Int
  /// count × dimension, row-major.
  public var descriptors: [Float]
  public var files: Int

  public var count: Int { dimension == 0 ? 0 : descriptors.count / dimension }

  public init(dimension: Int, descriptors: [Float], files: Int = 0) {
    self.dimension = dimension
    self.descriptors = descriptors
    self.files = files
  }

  /// Every descriptor of every `.lfeat` file under `folder` (recursively, sorted by path);
  /// when there are more than `limit`, a seeded uniform sample of `limit` of them.
  /// A file that cannot be read goes to `skipUnreadable` and is left out when that is
  /// given (one damaged file does not stop training); without it, it is thrown.
  public static func load(from folder: URL, limit: Int = 0, seed: UInt64 = 1,
                          skipUnreadable: ((URL, Error) -> Void)? = nil) throws -> DescriptorSample {
    let files = try FeatureFolder.files(in: [folder])
    var dimension = 0
    var descriptors: [Float] = []
    for url in files {
      let set: FeatureSet
      do { set = try FeatureFile.read(from: url) } catch {
        guard let skipUnreadable else { throw error }
        skipUnreadable(url, error)
        continue
      }
      guard set.dimension > 0 else { continue }
      if dimension == 0 { dimension = set.dimension }
      guard set.dimension == dimension else {
        throw FeatureFolder.FolderError.dimensionMismatch(path: url.path, expected: dimension, found: set.dimension)
      }
      descriptors += set.descriptors
    }
    guard dimension > 0 else { throw FeatureFolder.FolderError.noDescriptors(path: folder.path) }
    let n = descriptors.count / dimension
    if limit > 0 && n > limit {
      var rng = SplitMix64(seed: seed)
      var indices = Array(0..<n)
      for i in 0..<limit { indices.swapAt(i, i + Int(rng.next() % UInt64(n - i))) }
      let kept = indices.prefix(limit).sorted()
      var sampled = [Float]()
      sampled.reserveCapacity(limit * dimension)
      for i in kept { sampled += descriptors[(i * dimension)..<((i + 1) * dimension)] }
      descriptors = sampled
    }
    return DescriptorSample(dimension: dimension, descriptors: descriptors, files: files.count)
  }
}
