/// One indexed image: where it came from and how many features it contributed.
public struct IndexedImage: Sendable, Equatable {
  /// The source image's absolute path, as recorded by `featurize`.
  public var path: String
  /// Its path relative to the featurize input root.
  public var relativePath: String
  public var featureCount: Int

  public init(path: String, relativePath: String, featureCount: Int) {
    self.path = path
    self.relativePath = relativePath
    self.featureCount = featureCount
  }
}

/// One ranked database image.
public struct RankedImage: Sendable, Equatable {
  public var image: Int
  public var score: Float
}
