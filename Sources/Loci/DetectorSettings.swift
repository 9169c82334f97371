import Foundation

/// Detector options by name (`featurize --detector-option KEY=VALUE`). Each key is the name
/// the detector's `parameters` string records, so the settings of any `.lfeat` file (and of
/// an index built from such files) can be read back and applied again: queries given as
/// images are featurised exactly like the indexed images.
public enum DetectorSettings {
  /// Why a setting was refused.
  public struct SettingError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public var description: String { message }
  }

  /// One settable option: its key, what values it takes, and how to set it.
  struct Setting<Options> {
    let key: String
    let help: String
    let apply: (inout Options, String) -> Bool
  }

  /// A number in `range` (a NaN or an infinity is never in a finite range).
  static func number<Options, Value: LosslessStringConvertible & Comparable>(
    _ key: String, _ path: WritableKeyPath<Options, Value>, _ range: ClosedRange<Value>
  ) -> Setting<Options> {
    Setting(key: key, help: "\(Value.self == Int.self ? "an integer" : "a number") in \(range.lowerBound)…\(range.upperBound)") {
      options, text in
      guard let v = Value(text), range.contains(v) else { return false }
      options[keyPath: path] = v
      return true
    }
  }

  static func flag<Options>(_ key: String, _ path: WritableKeyPath<Options, Bool>) -> Setting<Options> {
    Setting(key: key, help: "true or false") { options, text in
      guard let v = Bool(text) else { return false }
      options[keyPath: path] = v
      return true
    }
  }

  static let mfd: [Setting<MFDOptions>] = [
    number("gradientSigma", \.gradientSigma, 0.1...20), number("minScore", \.minScore, 0...1),
    number("plateau", \.plateauFraction, 0...1), flag("localMaxima", \.localMaximaOnly),
    number("minArea", \.minArea, 1...1e9), number("maxAreaFraction", \.maxAreaFraction, 1e-6...1),
    number("maxFeatures", \.maxFeatures, 1...1_000_000), number("scaleLevels", \.scaleLevels, 1...20),
    number("scaleStep", \.scaleStep, 0.3...0.95),
  ]

  static let wash: [Setting<WaSHOptions>] = [
    number("gradientSigma", \.gradientSigma, 0.1...20), number("ditherDensity", \.ditherDensity, 1e-4...1),
    number("maxInstability", \.maxInstability, 0...100), number("minArea", \.minArea, 1...1e9),
    number("maxAreaFraction", \.maxAreaFraction, 1e-6...1), number("maxFeatures", \.maxFeatures, 1...1_000_000),
    number("scaleLevels", \.scaleLevels, 1...20), number("scaleStep", \.scaleStep, 0.3...0.95),
  ]

  static let sift: [Setting<OpenCVSIFTDetector>] = [
    number("maxFeatures", \.maxFeatures, 0...1_000_000), number("contrastThreshold", \.contrastThreshold, 1e-4...1),
  ]

  static let mser: [Setting<OpenCVMSERDetector>] = [
    number("delta", \.delta, 1...255), number("minArea", \.minArea, 1...100_000_000),
    number("maxArea", \.maxArea, 1...100_000_000), number("maxVariation", \.maxVariation, 0...10),
    number("minDiversity", \.minDiversity, 0...1),
  ]

  /// The keys `detector` accepts.
  public static func keys(of detector: DetectorName) -> [String] {
    switch detector {
    case .mfd: return mfd.map(\.key)
    case .wash: return wash.map(\.key)
    case .sift: return sift.map(\.key)
    case .mser: return mser.map(\.key)
    }
  }

  /// `KEY=VALUE` → (key, value); throws on anything else.
  public static func parse(_ argument: String) throws -> (key: String, value: String) {
    let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
      throw SettingError(message: "detector option '\(argument)' is not KEY=VALUE")
    }
    return (parts[0], parts[1])
  }

  /// The detector with `settings` applied in order; an unknown key or a bad value is an
  /// error naming the detector's keys or the accepted values.
  public static func makeDetector(_ name: DetectorName, settings: [(key: String, value: String)]) throws -> any Detector {
    func applied<Options>(_ table: [Setting<Options>], to start: Options) throws -> Options {
      var options = start
      for (key, value) in settings {
        guard let setting = table.first(where: { $0.key == key }) else {
          throw SettingError(message: "the \(name.rawValue) detector has no option '\(key)'; its options: "
            + table.map(\.key).joined(separator: ", "))
        }
        guard setting.apply(&options, value) else {
          throw SettingError(message: "\(name.rawValue) option \(key)=\(value): expected \(setting.help)")
        }
      }
      return options
    }
    switch name {
    case .mfd:
      var detector = MFDDetector()
      detector.options = try applied(mfd, to: detector.options)
      return detector
    case .wash:
      var detector = WaSHDetector()
      detector.options = try applied(wash, to: detector.options)
      return detector
    case .sift: return try applied(sift, to: OpenCVSIFTDetector())
    case .mser: return try applied(mser, to: OpenCVMSERDetector())
    }
  }

  /// Several detectors with `settings` applied: `KEY=VALUE` to every detector that has the
  /// key (an error when none has it), `DETECTOR.KEY=VALUE` to that detector only.
  public static func makeDetectors(_ names: [DetectorName], settings: [(key: String, value: String)]) throws -> [any Detector] {
    var perDetector = [[(key: String, value: String)]](repeating: [], count: names.count)
    for (key, value) in settings {
      if let dot = key.firstIndex(of: "."), let name = DetectorName(rawValue: String(key[..<dot])) {
        guard let k = names.firstIndex(of: name) else {
          throw SettingError(message: "detector option \(key): \(name.rawValue) is not among the detectors "
            + names.map(\.rawValue).joined(separator: ", "))
        }
        perDetector[k].append((String(key[key.index(after: dot)...]), value))
        continue
      }
      let takers = names.indices.filter { names.count == 1 || keys(of: names[$0]).contains(key) }
      guard !takers.isEmpty else {
        throw SettingError(message: "none of the detectors " + names.map(\.rawValue).joined(separator: ", ")
          + " has an option '\(key)'")
      }
      for k in takers { perDetector[k].append((key, value)) }
    }
    return try names.indices.map { try makeDetector(names[$0], settings: perDetector[$0]) }
  }

  /// The extractor that made features recorded as `detector` with `parameters` (what
  /// `.lfeat` files and indexes record), rebuilt; no parameters (VGG files) give the defaults.
  /// Callers check that its `parameters` equal the recorded ones (a string from another
  /// Loci version may name settings this one does not reproduce).
  public static func extractor(detector: String, parameters p: String) throws -> FeatureExtractor {
    let names = (try? DetectorName.list(detector)) ?? [.default]
    let detectors = try names.map { name in
      let own = names.count == 1 ? p : (segment(of: name, in: p) ?? "")
      return try makeDetector(name, settings: recorded(in: own, for: name))
    }
    let descriptor = DescriptorName(rawValue: value(of: "descriptor", in: p) ?? "rootsift") ?? .rootsift
    return FeatureExtractor(detectors: detectors, descriptor: descriptor.makeExtractor(),
                            maxDimension: Int(value(of: "maxDimension", in: p) ?? "0") ?? 0,
                            maxFeatures: Int(value(of: "featureCap", in: p) ?? "0") ?? 0)
  }

  /// The part of a combined set's `parameters` (`name: parameters;` per detector, as
  /// `FeatureExtractor.parameters` writes them) that belongs to `name`, or nil.
  public static func segment(of name: DetectorName, in parameters: String) -> String? {
    let prefix = name.rawValue + ":"
    return parameters.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
      .first { $0.hasPrefix(prefix) }
      .map { String($0.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces) }
  }

  /// The settable options recorded in a `parameters` string (space-separated `key=value`
  /// pairs, as `Detector.parameters` writes them).
  public static func recorded(in parameters: String, for name: DetectorName) -> [(key: String, value: String)] {
    let settable = Set(keys(of: name))
    return parameters.split(separator: " ").compactMap { token in
      guard let pair = try? parse(String(token)), settable.contains(pair.key) else { return nil }
      return pair
    }
  }

  /// The value of `key` in a `parameters` string, if present.
  static func value(of key: String, in parameters: String) -> String? {
    parameters.split(separator: " ").lazy.compactMap { try? parse(String($0)) }.first { $0.key == key }?.value
  }
}
