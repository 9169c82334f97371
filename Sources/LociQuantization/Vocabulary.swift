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

/// A vocabulary whose words are explicit vectors. An index needs them: ASMK and HE encode a
/// descriptor's residual from its word, and re-ranking compares residuals. Exact
/// (`FlatVocabulary`, `DRVQVocabulary`) and approximate (`KDForestVocabulary`) assignment
/// both qualify; the words are what identify the vocabulary, not how it assigns.
public protocol CentroidVocabulary: Vocabulary {
  /// `count × dimension`, row-major: word w is `centroids[w·dimension ..< (w+1)·dimension]`.
  var centroids: [Float] { get }
}

/// Inserts (`distance`, `word`) into a k-best list kept sorted by increasing distance
/// (`distances[k − 1]` is the current k-th best); does nothing when it is not better.
@inline(__always)
func insertIntoKBest(_ distance: Float, _ word: Int, _ words: UnsafeMutablePointer<UInt32>,
                     _ distances: UnsafeMutablePointer<Float>, _ k: Int) {
  if distance >= distances[k - 1] { return }
  var j = k - 1
  while j > 0 && distances[j - 1] > distance {
    distances[j] = distances[j - 1]
    words[j] = words[j - 1]
    j -= 1
  }
  distances[j] = distance
  words[j] = UInt32(word)
}

/// The smallest of eight lanes by halving (the standard library's `SIMD.min()` is an
/// out-of-line call here: a tenth of a query's time in a profile of grouped assignment).
@inline(__always)
func smallestLane(_ v: SIMD8<Float>) -> Float {
  let four = v.lowHalf.replacing(with: v.highHalf, where: v.highHalf .< v.lowHalf)
  let two = four.lowHalf.replacing(with: four.highHalf, where: four.highHalf .< four.lowHalf)
  return two[1] < two[0] ? two[1] : two[0]
}
