/// Why an image could not be read, written or built. Every case names the file (when there
/// is one) and says what was wrong.
public enum ImageError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The file could not be opened or read (missing, a directory, no permission).
  case unreadable(path: String, reason: String)
  /// The bytes are not an image format the decoder knows.
  case unrecognisedFormat(path: String, reason: String)
  /// The format is known but the data is corrupt or truncated.
  case corrupt(path: String, reason: String)
  /// The image is larger than the caller's pixel limit (read from its header, before decoding).
  case tooLarge(path: String, reason: String)
  /// Encoding or writing an image failed.
  case encodingFailed(path: String, reason: String)
  /// A caller passed an impossible value (empty image, negative sigma, …).
  case invalidArgument(String)

  public var description: String {
    switch self {
    case let .unreadable(path, reason): return "\(path): cannot read image: \(reason)"
    case let .unrecognisedFormat(path, reason): return "\(path): \(reason)"
    case let .corrupt(path, reason): return "\(path): \(reason)"
    case let .tooLarge(path, reason): return "\(path): image too large: \(reason)"
    case let .encodingFailed(path, reason): return "\(path): cannot write image: \(reason)"
    case let .invalidArgument(reason): return reason
    }
  }
}
