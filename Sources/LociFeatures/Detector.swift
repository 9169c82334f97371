import LociImage

/// Finds affine-covariant regions in a grey image. Implementations are immutable values
/// and can be shared across threads.
public protocol Detector: Sendable {
  /// Short name used on the command line and in feature files (`mser`, `sift`, …).
  var name: String { get }
  /// The parameters in effect, as `key=value` pairs separated by spaces, for provenance.
  var parameters: String { get }
  /// The regions of `image`, in its pixel coordinates.
  func detect(in image: GrayImage) throws -> [AffineRegion]
  /// Cores one `detect` may use (0: all). Callers that already run images in parallel set
  /// 1. Detectors that run on one core (or leave threading to OpenCV) ignore it.
  var threads: Int { get set }
}

extension Detector {
  public var threads: Int {
    get { 1 }
    nonmutating set {}
  }
}

/// Why detection failed.
public enum DetectorError: Error, CustomStringConvertible, Sendable {
  case backend(detector: String, reason: String)
  public var description: String {
    switch self {
    case let .backend(detector, reason): return "\(detector) detector failed: \(reason)"
    }
  }
}
