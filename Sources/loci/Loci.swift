import ArgumentParser
import Foundation
import Loci
import LociCommandLine

extension DetectorName: ExpressibleByArgument {}
extension DescriptorName: ExpressibleByArgument {}

struct LociCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "loci",
    abstract: "Local-feature geometry for image retrieval.",
    subcommands: [Eval.self])
}

struct Eval: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Evaluate detectors and retrieval.",
    subcommands: [RepeatabilityCommand.self])
}

struct RepeatabilityCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repeatability",
    abstract: "Repeatability and matching score on the Oxford affine benchmark (Mikolajczyk et al. 2005).",
    discussion: "Overlap error below 40 %, reference ellipse normalised to radius 30 px, greedy one-to-one matching, regions cropped to the part common to both images.")

  @Argument(help: "Dataset folder: one sub-folder per sequence with img1…img6 and H1to2p…H1to6p.")
  var dataset: String

  @Option(help: "Detector: \(DetectorName.allCases.map(\.rawValue).joined(separator: ", ")).")
  var detector: DetectorName

  @Option(help: "Descriptor for the matching score: rootsift, sift or none.")
  var descriptor: DescriptorName = .rootsift

  @Option(help: "Evaluate only this sequence.")
  var sequence: String?

  @Flag(help: "Print the report as JSON on stdout.")
  var json = false

  func run() throws {
    let data: OxfordAffineDataset
    do { data = try OxfordAffineDataset(root: URL(fileURLWithPath: dataset), only: sequence) } catch {
      printError("loci eval repeatability: \(error)")
      throw ExitCode(ExitStatus.usage.rawValue)
    }
    let extractor = FeatureExtractor(detector: detector.makeDetector(), descriptor: descriptor.makeExtractor())
    let report: RepeatabilityReport
    do {
      report = try runRepeatabilityBenchmark(dataset: data, extractor: extractor) { name in
        if !json { printError("evaluating \(name)…") }
      }
    } catch {
      printError("loci eval repeatability: \(error)")
      throw ExitCode(ExitStatus.someInputsFailed.rawValue)
    }
    if json { try printJSON(report) } else { print(report.table()) }
  }
}
