/// Why a feature file could not be read or written. Every case names the file.
public enum FeatureFileError: Error, CustomStringConvertible, Equatable, Sendable {
  case unreadable(path: String, reason: String)
  case unwritable(path: String, reason: String)
  case badMagic(path: String)
  case unsupportedVersion(path: String, version: UInt32)
  case truncated(path: String, detail: String)
  case checksumMismatch(path: String, stored: UInt32, computed: UInt32)
  /// Counts or values that cannot be right (e.g. more features than the file has bytes).
  case implausible(path: String, reason: String)
  /// A VGG text file that does not parse.
  case malformedText(path: String, line: Int, reason: String)

  public var description: String {
    switch self {
    case let .unreadable(path, reason): return "\(path): cannot read feature file: \(reason)"
    case let .unwritable(path, reason): return "\(path): cannot write feature file: \(reason)"
    case let .badMagic(path): return "\(path): not a Loci feature file (bad magic); expected .lfeat or VGG text"
    case let .unsupportedVersion(path, version):
      return "\(path): feature file version \(version) is not supported (this build reads versions 1…\(FeatureFile.version)); re-run featurize"
    case let .truncated(path, detail): return "\(path): truncated feature file (\(detail)); re-run featurize"
    case let .checksumMismatch(path, stored, computed):
      return "\(path): checksum mismatch (stored \(String(stored, radix: 16)), computed \(String(computed, radix: 16))): the file is corrupt; re-run featurize"
    case let .implausible(path, reason): return "\(path): corrupt feature file: \(reason)"
    case let .malformedText(path, line, reason): return "\(path):\(line): malformed VGG feature file: \(reason)"
    }
  }
}
