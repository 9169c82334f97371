/// The detectors selectable by name (`--detector`), with their default options.
public enum DetectorName: String, CaseIterable, Sendable {
  case wash
  case sift
  case mser

  /// The default detector of `featurize` (MFD takes this place when it lands).
  public static let `default`: DetectorName = .mser

  public func makeDetector() -> any Detector {
    switch self {
    case .wash: return WaSHDetector()
    case .sift: return OpenCVSIFTDetector()
    case .mser: return OpenCVMSERDetector()
    }
  }
}

/// The descriptor choices of `--descriptor`.
public enum DescriptorName: String, CaseIterable, Sendable {
  case rootsift
  case sift
  case none

  public func makeExtractor() -> SIFTDescriptorExtractor? {
    switch self {
    case .none: return nil
    case .sift:
      var options = SIFTDescriptorOptions()
      options.rootSIFT = false
      return SIFTDescriptorExtractor(options: options)
    case .rootsift: return SIFTDescriptorExtractor()
    }
  }
}
