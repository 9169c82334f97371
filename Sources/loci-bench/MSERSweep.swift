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
      func number<T: LosslessStringConvertible>(_ type: T.Type) throws -> T {
        guard let value = T(v) else { throw ValidationError("bad value '\(v)' for MSER option '\(k)'") }
        return value
      }
      switch k {
      case "delta": d.delta = try number(Int.self)
      case "minArea": d.minArea = try number(Int.self)
      case "maxArea": d.maxArea = try number(Int.self)
      case "maxVariation": d.maxVariation = try number(Double.self)
      case "minDiversity": d.minDiversity = try number(Double.self)
      default: throw ValidationError("unknown MSER option '\(k)'")
      }
    }
    return d
  }
}
