/// The descriptors a binary embedding learns from: every k-th descriptor of a collection in
/// order, k chosen from the collection's total so that at most `limit` are taken (all when
/// there are fewer). Fed set by set, so a collection can be sampled while it is read from
/// disk a batch at a time, with the same sample as when it is all in memory.
public struct TrainingSample: Sendable {
  public let dimension: Int
  /// Taken descriptors, row-major.
  public private(set) var descriptors: [Float] = []
  let stride: Int
  private var seen = 0

  /// A sample of a collection of `total` descriptors of `dimension`.
  public init(dimension: Int, total: Int, limit: Int) {
    self.dimension = dimension
    stride = Swift.max(1, total / Swift.max(1, limit))
  }

  /// A sample of the descriptors of `sets` (of `dimension`; others are not counted).
  public init(dimension: Int, sets: [FeatureSet], limit: Int) {
    self.init(dimension: dimension, total: Self.count(sets, dimension: dimension), limit: limit)
  }

  /// The number of descriptors of `sets` a sample counts.
  public static func count(_ sets: [FeatureSet], dimension: Int) -> Int {
    sets.reduce(0) { $0 + ($1.dimension == dimension ? $1.count : 0) }
  }

  /// Takes the next set's share (sets of another dimension are skipped, as in the count).
  public mutating func take(from set: FeatureSet) {
    guard set.dimension == dimension else { return }
    let d = dimension
    for f in 0..<set.count {
      if seen % stride == 0 { descriptors += set.descriptors[(f * d)..<((f + 1) * d)] }
      seen += 1
    }
  }
}
