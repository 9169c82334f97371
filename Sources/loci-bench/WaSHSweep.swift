import ArgumentParser
import Foundation
import Loci

/// The measurement behind WaSH's reconstructed defaults: repeatability (Mikolajczyk
/// protocol, no descriptors) and features per image for option variants, on all sequences.
/// A variant is "key=value key=value" over WaSHOptions' fields.
struct WaSHSweep: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "wash-sweep")

  @OptionGroup var sweep: SweepArguments

  func run() throws {
    try Sweep.run(sweep) { WaSHDetector(options: try Self.parse($0)) }
  }

  static func parse(_ variant: String) throws -> WaSHOptions {
    var o = WaSHOptions.repeatability  // the sweeps explore around the Oxford setting
    for (k, v) in try Sweep.overrides(variant) {
      switch k {
      case "scaleLevels": o.scaleLevels = try Sweep.value(v, for: k)
      case "scaleStep": o.scaleStep = try Sweep.value(v, for: k)
      case "workingScale": o.workingScale = try Sweep.value(v, for: k)
      case "sampling": o.sampling = try Sweep.choice(v, for: k)
      case "stability": o.stability = try Sweep.choice(v, for: k)
      case "gradientSigma": o.gradientSigma = try Sweep.value(v, for: k)
      case "cannyHighQuantile": o.cannyHighQuantile = try Sweep.value(v, for: k)
      case "cannyLowRatio": o.cannyLowRatio = try Sweep.value(v, for: k)
      case "edgeStep": o.edgeStep = try Sweep.value(v, for: k)
      case "ditherGamma": o.ditherGamma = try Sweep.value(v, for: k)
      case "ditherDensity": o.ditherDensity = try Sweep.value(v, for: k)
      case "weightFactor": o.weightFactor = try Sweep.value(v, for: k)
      case "stabilityDelta": o.stabilityDelta = try Sweep.value(v, for: k)
      case "maxInstability": o.maxInstability = try Sweep.value(v, for: k)
      case "minArea": o.minArea = try Sweep.value(v, for: k)
      case "maxAreaFraction": o.maxAreaFraction = try Sweep.value(v, for: k)
      case "maxFeatures": o.maxFeatures = try Sweep.value(v, for: k)
      default: throw ValidationError("unknown WaSH option '\(k)'")
      }
    }
    return o
  }
}
