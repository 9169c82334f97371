/// One indexed image: the caller's identifier for it, where it came from and how many
/// features it contributed.
public struct IndexedImage: Sendable, Equatable {
  /// The caller's identifier (a database key, say), unique in the index and kept by `.lidx`
  /// files: results name images by it, and it stays the same however the index grows.
  /// Images added without identifiers get the next free ones (one more than the largest).
  public var id: Int64
  /// The source image's absolute path, as recorded by `featurize`.
  public var path: String
  /// Its path relative to the featurize input root.
  public var relativePath: String
  public var featureCount: Int

  public init(id: Int64, path: String, relativePath: String, featureCount: Int) {
    self.id = id
    self.path = path
    self.relativePath = relativePath
    self.featureCount = featureCount
  }
}

/// One ranked database image.
public struct RankedImage: Sendable, Equatable {
  /// Its position in the index's `images` (the index it was ranked by).
  public var image: Int
  /// Its identifier (`IndexedImage.id`).
  public var id: Int64
  public var score: Float

  public init(image: Int, id: Int64, score: Float) {
    self.image = image
    self.id = id
    self.score = score
  }
}
