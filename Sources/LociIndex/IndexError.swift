/// Why an index refused an operation. A wrong call is an error a caller can handle, not a
/// trap that takes its process down.
public enum IndexError: Error, CustomStringConvertible, Equatable, Sendable {
  /// Descriptors of another dimension than the vocabulary's.
  case dimensionMismatch(expected: Int, found: Int, image: String)
  /// HE and ASMK* with median thresholds learn their binary embedding from training
  /// descriptors; without any, every threshold would be 0 and the codes meaningless.
  case untrainedEmbedding(kernel: String)
  /// Training descriptors whose count is not a multiple of the dimension.
  case malformedTraining(count: Int, dimension: Int)
  /// An image identifier given twice, or already in the index.
  case duplicateImageID(Int64)
  /// A different number of identifiers than of feature sets to add.
  case imageIDCountMismatch(sets: Int, ids: Int)
  /// A vocabulary whose words are not the index's (fingerprints of their centroids).
  case differentWords(expected: UInt32, found: UInt32)
  /// Query options that cannot score a query (`QueryOptions.problem` says why).
  case invalidQueryOptions(String)

  public var description: String {
    switch self {
    case let .dimensionMismatch(expected, found, image):
      return "\(image.isEmpty ? "features" : image): descriptors of dimension \(found), the vocabulary's is \(expected)"
    case let .untrainedEmbedding(kernel):
      return "the \(kernel) kernel learns its binary embedding from training descriptors; none were given"
    case let .malformedTraining(count, dimension):
      return "\(count) training values are not whole descriptors of dimension \(dimension)"
    case let .duplicateImageID(id):
      return "image identifier \(id) is given twice or already in the index"
    case let .imageIDCountMismatch(sets, ids):
      return "\(ids) image identifiers for \(sets) feature sets"
    case let .differentWords(expected, found):
      return "a vocabulary with other words (fingerprint \(String(found, radix: 16))) than the index's (\(String(expected, radix: 16)))"
    case let .invalidQueryOptions(problem):
      return "query options: \(problem)"
    }
  }
}
