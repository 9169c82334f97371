import Foundation

/// Feature files read a batch at a time, with the checks of `Retrieval.loadFeatures` held
/// across batches: one dimension, one detector and one settings string for the whole list
/// (the given ones, or else the first file's that records them). Index builds read through
/// it so that only one batch of descriptors is in memory, whatever the collection's size.
public struct FeatureBatches {
  public let files: [URL]
  public let dimension: Int
  public let batchSize: Int
  /// The detector and settings the files must share; learnt from the first file that
  /// records them when given empty.
  public private(set) var detector: String
  public private(set) var parameters: String
  let skipUnreadable: ((URL, Error) -> Void)?
  private var position = 0

  public init(files: [URL], dimension: Int, detector: String = "", parameters: String = "", batchSize: Int = 256,
              skipUnreadable: ((URL, Error) -> Void)? = nil) {
    self.files = files
    self.dimension = dimension
    self.detector = detector
    self.parameters = parameters
    self.batchSize = Swift.max(1, batchSize)
    self.skipUnreadable = skipUnreadable
  }

  /// The next batch's readable sets (possibly none, when all its files were skipped), or nil
  /// after the last file.
  public mutating func next() throws -> [FeatureSet]? {
    guard position < files.count else { return nil }
    let end = Swift.min(position + batchSize, files.count)
    let sets = try Retrieval.loadFeatures(Array(files[position..<end]), dimension: dimension, detector: detector,
                                          parameters: parameters, skipUnreadable: skipUnreadable)
    position = end
    if detector.isEmpty { detector = sets.first { !$0.detector.isEmpty }?.detector ?? "" }
    if parameters.isEmpty { parameters = sets.first { !$0.parameters.isEmpty }?.parameters ?? "" }
    return sets
  }

  /// The same files from the start, with what has been learnt of their detector and settings.
  public func rewound() -> FeatureBatches {
    var copy = self
    copy.position = 0
    return copy
  }
}
