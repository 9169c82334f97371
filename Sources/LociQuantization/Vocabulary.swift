import LociCore

/// The k nearest visual words of each of n descriptors: `words[i·k + j]` is descriptor i's
/// j-th nearest word, `distances` the matching squared distances, nearest first.
public struct Assignment: Sendable, Equatable {
  public let k: Int
  public var words: [UInt32]
  public var distances: [Float]

  public var count: Int { k == 0 ? 0 : words.count / k }
}

/// A visual vocabulary: `count` words in `dimension`-D. Immutable; share it across threads.
public protocol Vocabulary: Sendable {
  var dimension: Int { get }
  var count: Int { get }
  /// The `k` nearest words of each descriptor in `descriptors` (row-major, n × dimension).
  func assign(_ descriptors: [Float], k: Int) -> Assignment
}
