import ArgumentParser
import Foundation
import Loci

/// The baseline's side of "at a comparable number of features": OpenCV MSER's repeatability
/// (Mikolajczyk protocol, no descriptors) for parameter variants, so that Loci's detectors,
/// which keep a few hundred regions, can be compared with MSER at a similar count rather than
/// only at its default ~1,200. A variant is "key=value key=value" over OpenCVMSERDetector's
/// fields (delta, minArea, maxArea, maxVariation, minDiversity).
struct MSERSweep: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "mser-sweep")

  @OptionGroup var sweep: SweepArguments

  func run() throws {
    try Sweep.run(sweep) { try Self.parse($0) }
  }

  static func parse(_ variant: String) throws -> OpenCVMSERDetector {
    var d = OpenCVMSERDetector()
    for (k, v) in try Sweep.overrides(variant) {
      switch k {
      case "delta": d.delta = try Sweep.value(v, for: k)
      case "minArea": d.minArea = try Sweep.value(v, for: k)
      case "maxArea": d.maxArea = try Sweep.value(v, for: k)
      case "maxVariation": d.maxVariation = try Sweep.value(v, for: k)
      case "minDiversity": d.minDiversity = try Sweep.value(v, for: k)
      default: throw ValidationError("unknown MSER option '\(k)'")
      }
    }
    return d
  }
}
