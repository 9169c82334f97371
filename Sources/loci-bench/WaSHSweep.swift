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
    var o = WaSHOptions()
    for (k, v) in try Sweep.overrides(variant) {
      switch k {
      case "sampling": o.sampling = WaSHOptions.Sampling(rawValue: v) ?? o.sampling
      case "stability": o.stability = WaSHOptions.Stability(rawValue: v) ?? o.stability
      case "gradientSigma": o.gradientSigma = Float(v) ?? o.gradientSigma
      case "cannyHighQuantile": o.cannyHighQuantile = Float(v) ?? o.cannyHighQuantile
      case "cannyLowRatio": o.cannyLowRatio = Float(v) ?? o.cannyLowRatio
      case "edgeStep": o.edgeStep = Double(v) ?? o.edgeStep
      case "ditherGamma": o.ditherGamma = Float(v) ?? o.ditherGamma
      case "ditherDensity": o.ditherDensity = Double(v) ?? o.ditherDensity
      case "weightFactor": o.weightFactor = Double(v) ?? o.weightFactor
      case "stabilityDelta": o.stabilityDelta = Double(v) ?? o.stabilityDelta
      case "maxInstability": o.maxInstability = Double(v) ?? o.maxInstability
      case "minArea": o.minArea = Double(v) ?? o.minArea
      case "maxAreaFraction": o.maxAreaFraction = Double(v) ?? o.maxAreaFraction
      case "maxFeatures": o.maxFeatures = Int(v) ?? o.maxFeatures
      default: throw ValidationError("unknown WaSH option '\(k)'")
      }
    }
    return o
  }
}
