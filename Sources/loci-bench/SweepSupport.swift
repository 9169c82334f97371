import ArgumentParser
import Foundation
import Loci

/// What the detector option sweeps (`wash-sweep`, `mfd-sweep`) share.
enum Sweep {
  /// "key=value key=value" into pairs.
  static func overrides(_ variant: String) throws -> [(key: String, value: String)] {
    try variant.split(separator: " ").map { pair in
      let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
      guard kv.count == 2 else { throw ValidationError("bad override '\(pair)'") }
      return (kv[0], kv[1])
    }
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
