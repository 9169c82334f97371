/// The detectors selectable by name (`--detector`), with their default options.
public enum DetectorName: String, CaseIterable, Sendable {
  case mfd
  case wash
  case sift
  case mser

  /// The default detector of `featurize`.
  public static let `default`: DetectorName = .mfd

  public func makeDetector() -> any Detector {
    switch self {
    case .mfd: return MFDDetector()
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
