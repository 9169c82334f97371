import ArgumentParser
import Foundation
import Loci

/// The measurement behind WaSH's reconstructed defaults: repeatability (Mikolajczyk
/// protocol, no descriptors) and features per image for option variants, on all sequences.
/// A variant is "key=value key=value" over WaSHOptions' fields.
struct WaSHSweep: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "wash-sweep")

  @Argument(help: "Oxford affine dataset folder.") var dataset: String
  @Option(name: .customLong("variant"), help: "Option overrides, e.g. \"maxInstability=0.5 edgeStep=2\".")
  var variants: [String] = [""]
  @Option(help: "Evaluate only this sequence.") var sequence: String?

  func run() throws {
    let data = try OxfordAffineDataset(root: URL(fileURLWithPath: dataset), only: sequence)
    for variant in variants {
      let options = try Self.parse(variant)
      let extractor = FeatureExtractor(detector: WaSHDetector(options: options), descriptor: nil)
      print(Sweep.line(variant, try runRepeatabilityBenchmark(dataset: data, extractor: extractor)))
    }
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
