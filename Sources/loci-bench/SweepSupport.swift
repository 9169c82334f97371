import ArgumentParser
import Foundation
import Loci

/// The arguments every detector sweep takes.
struct SweepArguments: ParsableArguments {
  @Argument(help: "Oxford affine dataset folder.") var dataset: String
  @Option(name: .customLong("variant"), help: "Option overrides \"key=value key=value\"; repeat for several variants.")
  var variants: [String] = [""]
  @Option(help: "Evaluate only this sequence.") var sequence: String?
}

/// What the detector option sweeps (`wash-sweep`, `mfd-sweep`, `mser-sweep`) share.
enum Sweep {
  /// "key=value key=value" into pairs.
  static func overrides(_ variant: String) throws -> [(key: String, value: String)] {
    try variant.split(separator: " ").map { pair in
      let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
      guard kv.count == 2 else { throw ValidationError("bad override '\(pair)'") }
      return (kv[0], kv[1])
    }
  }

  /// Repeatability (no descriptors) of the detector each variant describes, one line each.
  static func run(_ arguments: SweepArguments, detector: (String) throws -> any Detector) throws {
    let data = try OxfordAffineDataset(root: URL(fileURLWithPath: arguments.dataset), only: arguments.sequence)
    for variant in arguments.variants {
      let extractor = FeatureExtractor(detector: try detector(variant), descriptor: nil)
      print(line(variant, try runRepeatabilityBenchmark(dataset: data, extractor: extractor)))
    }
  }

  /// `text` as the value of option `key`, or a usage error (not a silent default).
  static func value<T: LosslessStringConvertible>(_ text: String, for key: String) throws -> T {
    guard let value = T(text) else { throw ValidationError("bad value '\(text)' for option '\(key)'") }
    return value
  }

  /// `text` as one of an option's named choices, or a usage error listing them.
  static func choice<T: RawRepresentable & CaseIterable>(_ text: String, for key: String) throws -> T where T.RawValue == String {
    guard let value = T(rawValue: text) else {
      throw ValidationError("bad value '\(text)' for option '\(key)' (one of: \(T.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    return value
  }

  /// One result line: mean repeatability, features per image, time, and each sequence's mean.
  static func line(_ variant: String, _ report: RepeatabilityReport) -> String {
    let perSequence = report.sequences.keys.sorted().map { name in
      String(format: "%@ %.1f", name as NSString,
             report.sequences[name]!.map(\.repeatability).reduce(0, +) / Double(report.sequences[name]!.count))
    }
    return String(format: "[%@] mean %.1f %%, %.0f features/image, %.1f s | ", variant as NSString,
                  report.meanRepeatability, report.meanFeatures, report.seconds) + perSequence.joined(separator: ", ")
  }
}
