/// The detectors selectable by name (`--detector`), with their default options.
public enum DetectorName: String, CaseIterable, Sendable {
  case mfd
  case wash
  case sift
  case mser

  /// The default detector of `featurize`.
  public static let `default`: DetectorName = .mfd

  /// Detectors named in a list, in order: `mfd`, `mfd,mser` (as `--detector` takes them) or
  /// `mfd+mser` (as feature files record a combined set). Names must be known and distinct.
  public static func list(_ text: String) throws -> [DetectorName] {
    let names = text.split(whereSeparator: { $0 == "," || $0 == "+" }).map { $0.trimmingCharacters(in: .whitespaces) }
    guard !names.isEmpty else { throw DetectorSettings.SettingError(message: "no detector named in '\(text)'") }
    var chosen: [DetectorName] = []
    for name in names {
      guard let detector = DetectorName(rawValue: name) else {
        throw DetectorSettings.SettingError(message: "unknown detector '\(name)'; detectors: "
          + allCases.map(\.rawValue).joined(separator: ", "))
      }
      guard !chosen.contains(detector) else {
        throw DetectorSettings.SettingError(message: "detector '\(name)' is named twice in '\(text)'")
      }
      chosen.append(detector)
    }
    return chosen
  }

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
