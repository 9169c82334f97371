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
    version: lociVersion,
    subcommands: [Vocab.self, IndexCommand.self, QueryCommand.self, Verify.self, Eval.self, MFDStagesCommand.self])
}

extension VerificationMethod: ExpressibleByArgument {}

struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Spatially verify an image pair: ratio-test correspondences, then HPM or RANSAC.",
    discussion: "A and B are images (features extracted with the default detector and RootSIFT) or feature files (.lfeat, .vgg). The transform is the homography B ← A fitted by normalised DLT to the inliers.")

  @Argument(help: "Image or feature file A.") var a: String
  @Argument(help: "Image or feature file B.") var b: String
  @Option(help: "hpm (Hough pyramid matching) or ransac.") var method: VerificationMethod = .hpm
  @Option(help: "Write both images side by side with the inliers drawn (PNG or JPEG).") var draw: String?
  @Flag(help: "Print the result as JSON on stdout.") var json = false

  struct Report: Encodable {
    var method: String
    var correspondences: Int
    var inliers: Int
    var score: Double
    var transform: [[Double]]?
    var seconds: Double
    var strengths: [Double]
  }

  func run() throws {
    var verification = PairVerification()
    verification.method = method
    let urlA = URL(fileURLWithPath: a), urlB = URL(fileURLWithPath: b)
    let outcome: PairVerification.Outcome
    do { outcome = try verification.verify(urlA, urlB) } catch {
      printError("loci verify: \(error)")
      throw ExitCode(ExitStatus.usage.rawValue)
    }
    let r = outcome.result
    let transform = r.bFromA.map { h in (0..<3).map { i in Array(h.m[(3 * i)..<(3 * i + 3)]) } }
    if let draw {
      do {
        func image(_ url: URL, _ set: FeatureSet) throws -> GrayImage {
          let isFeatures = ["lfeat", "vgg"].contains(url.pathExtension)
          return try GrayImage(contentsOf: isFeatures ? URL(fileURLWithPath: set.sourcePath) : url)
        }
        let canvas = PairVerification.drawing(outcome, imageA: try image(urlA, outcome.a), imageB: try image(urlB, outcome.b))
        try canvas.write(to: URL(fileURLWithPath: draw))
      } catch {
        printError("loci verify: --draw: \(error)")
        throw ExitCode(ExitStatus.someInputsFailed.rawValue)
      }
    }
    if json {
      try printJSON(Report(method: method.rawValue, correspondences: outcome.correspondences.count, inliers: r.inlierCount,
                           score: r.score, transform: transform, seconds: outcome.seconds, strengths: r.strengths))
    } else {
      print("\(method.rawValue): \(r.inlierCount) inliers of \(outcome.correspondences.count) correspondences, score \(r.score), \(String(format: "%.2f ms", outcome.seconds * 1000))")
      if let transform { print("B from A: \(transform)") }
    }
  }
}

struct Eval: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Evaluate detectors and retrieval.",
    subcommands: [RepeatabilityCommand.self, MapCommand.self])
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

  @Option(name: .customLong("detector-option"), help: "A detector option as KEY=VALUE (repeatable), as featurize takes it.")
  var detectorOptions: [String] = []

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
    let chosen: any Detector
    do { chosen = try DetectorSettings.makeDetector(detector, settings: detectorOptions.map(DetectorSettings.parse)) } catch {
      printError("loci eval repeatability: \(error)")
      throw ExitCode(ExitStatus.usage.rawValue)
    }
    let extractor = FeatureExtractor(detector: chosen, descriptor: descriptor.makeExtractor())
    let report: RepeatabilityReport
    do {
      report = try runRepeatabilityBenchmark(dataset: data, extractor: extractor) { name in
        if !json { printNote("evaluating \(name)…") }
      }
    } catch {
      printError("loci eval repeatability: \(error)")
      throw ExitCode(ExitStatus.someInputsFailed.rawValue)
    }
    if json { try printJSON(report) } else { print(report.table()) }
  }
}
