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
    subcommands: [Vocab.self, IndexCommand.self, QueryCommand.self, Verify.self, ExportCommand.self, ServeCommand.self, Eval.self, MFDStagesCommand.self])
}

extension VerificationMethod: ExpressibleByArgument {}
extension SynthesisMode: ExpressibleByArgument {}
extension AlignmentMode: ExpressibleByArgument {}

struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Spatially verify image pairs: ratio-test correspondences, patch alignment, HPM or RANSAC, guided matching.",
    discussion: """
      A and B are images (features extracted with --detector's detectors and RootSIFT) or feature files (.lfeat, .vgg). \
      When the images can be read (image inputs, or the sources feature files record), each correspondence's patches are \
      aligned before verification, and after it A's unmatched features are matched again near where the homography \
      puts them. The transform is the homography B ← A fitted by normalised DLT to the inliers, refitted to the precise \
      ones and to their local affine maps. With --pairs, every pair of an \
      hloc/COLMAP pair list (`name0 name1` per line, names relative to featurize's input root) is verified from the \
      .lfeat files under --features, on all cores, and each result is one JSON line.
      """)

  @Argument(help: "Image or feature file A.") var a: String?
  @Argument(help: "Image or feature file B.") var b: String?
  @Option(help: "hpm (Hough pyramid matching) or ransac.") var method: VerificationMethod = PairVerification().method
  @Option(help: "Ratio test against the first geometrically inconsistent neighbour: the nearest B feature more than this many pixels from the nearest one (0: Lowe's second nearest).")
  var fginn: Double = PairVerification().separation ?? 0
  @Flag(help: "Keep only mutual nearest neighbours: A's feature must also be the nearest to B's (or, with --fginn, within that many pixels of it).")
  var mutual = false
  @Option(help: "Detectors for inputs given as images: one, or several separated by commas (mfd,mser), matched detector by detector (default: \(PairVerification().extractor.detectorName)).")
  var detector: String?
  @Option(help: "off, or auto: a pair kept with fewer than \(ProgressiveSynthesis().minimumInliers) inliers is matched again with image A's features from simulated views (tilt 2, then 4; MODS-style), stopping at the first stage that verifies it.")
  var synthesis: SynthesisMode = .off
  @Option(help: "Align each tentative correspondence's image patches before verification (moves A's region onto B's; the images are the inputs, or the sources feature files record): auto (when both images can be read), on (fail otherwise) or off.")
  var align: AlignmentMode = .auto
  @Flag(inversion: .prefixedNo, help: "With alignment: match A's unmatched features again near where the verified homography puts them, add those whose patches align, and re-estimate the homography from all it explains.")
  var guided = true
  @Option(help: "Write both images side by side with the inliers drawn (PNG or JPEG).") var draw: String?
  @Option(help: "A pair list to verify instead of A and B (needs --features).") var pairs: String?
  @Option(help: "The featurize output folder the pair list's names are found in.") var features: String?
  @Option(help: "With --pairs: write the JSON lines here (atomically) instead of stdout.") var out: String?
  @Flag(help: "Print the result as JSON on stdout.") var json = false
  @Flag(help: "With --json: also list every tentative correspondence, verified or not, as [a, b] feature indices under tentative_matches (to measure matching against ground truth).")
  var tentatives = false

  struct Report: Encodable {
    var name0: String?
    var name1: String?
    var method: String
    var correspondences: Int
    var inliers: Int
    var score: Double
    /// The homography B ← A fitted to the inliers (rows).
    var transform: [[Double]]?
    /// The least-squares affine map B ← A over the inliers (rows; nil below three).
    var affine: [[Double]]?
    var seconds: Double
    var strengths: [Double]
    var inlier_matches: [InlierMatch]
    var tentative_matches: [[Int]]?
    /// With --synthesis auto: the stage whose result this is (1: no views) and every stage tried.
    var stage: Int?
    var stages: [StageReport]?
    /// Correspondences whose A region patch alignment moved (`RegionAlignment`).
    var aligned: Int
    /// Correspondences added by guided matching (`GuidedMatching`), counted in `correspondences`.
    var guided: Int
    /// Why alignment was skipped (--align auto and an image could not be read).
    var unaligned: String?

    struct StageReport: Encodable {
      var stage: Int
      var inliers: Int
      var seconds: Double
    }

    init(_ outcome: PairVerification.Outcome, method: VerificationMethod, names: ImagePairList.Pair? = nil,
         tentatives: Bool = false) {
      let r = outcome.result
      (name0, name1) = (names?.first, names?.second)
      self.method = method.rawValue
      correspondences = outcome.correspondences.count
      inliers = r.inlierCount
      score = r.score
      transform = r.bFromA.map { rows($0.m) }
      affine = outcome.affineMap.map(rows)
      seconds = outcome.seconds
      strengths = r.strengths
      inlier_matches = InlierMatch.list(outcome)
      tentative_matches = tentatives ? outcome.correspondences.map { [Int($0.a), Int($0.b)] } : nil
      aligned = outcome.aligned
      guided = outcome.guided
      unaligned = outcome.unaligned
    }

    /// The report of a verification with view synthesis: `seconds` covers every stage.
    init(_ outcome: PairVerification.Outcome, method: VerificationMethod, stages: [ProgressiveSynthesis.Stage], tentatives: Bool) {
      self.init(outcome, method: method, tentatives: tentatives)
      stage = stages.last?.stage
      self.stages = stages.map { StageReport(stage: $0.stage, inliers: $0.inliers, seconds: $0.seconds) }
      seconds = stages.reduce(0) { $0 + $1.seconds }
    }
  }

  func validate() throws {
    guard fginn >= 0 else { throw ValidationError("--fginn must be 0 or more pixels") }
    if let detector {
      do { _ = try DetectorName.list(detector) } catch { throw ValidationError("\(error)") }
    }
    if pairs != nil {
      guard a == nil, b == nil else { throw ValidationError("give either A and B or --pairs, not both") }
      guard features != nil else { throw ValidationError("--pairs needs --features (the featurize output folder)") }
      guard draw == nil else { throw ValidationError("--draw draws one pair; it does not combine with --pairs") }
      guard synthesis == .off else { throw ValidationError("--synthesis verifies one pair; it does not combine with --pairs") }
    } else {
      guard a != nil, b != nil else { throw ValidationError("give two images or feature files, or --pairs") }
      guard out == nil else { throw ValidationError("--out is for --pairs; one pair prints on stdout") }
    }
  }

  func run() throws {
    var verification = PairVerification()
    verification.method = method
    verification.separation = fginn > 0 ? fginn : nil
    verification.mutual = mutual
    verification.alignment = align == .off ? nil : RegionAlignment()
    verification.requiresImages = align == .on
    if !guided { verification.guided = nil }
    if let detector {
      verification.extractor.detectors = try DetectorName.list(detector).map { $0.makeDetector() }
    }
    if let pairs, let features { return try verifyList(verification, pairs: pairs, features: features) }
    let urlA = URL(fileURLWithPath: a!), urlB = URL(fileURLWithPath: b!)
    let outcome: PairVerification.Outcome
    var stages: [ProgressiveSynthesis.Stage]? = nil
    do {
      if synthesis == .auto {
        (outcome, stages) = try verification.verify(urlA, urlB, synthesis: ProgressiveSynthesis())
      } else {
        outcome = try verification.verify(urlA, urlB)
      }
    } catch {
      printError("loci verify: \(error)")
      throw ExitCode(ExitStatus.usage.rawValue)
    }
    if let draw {
      do {
        func image(_ url: URL, _ set: FeatureSet) throws -> GrayImage {
          try GrayImage(contentsOf: PairVerification.imageURL(of: url, features: set))
        }
        let canvas = PairVerification.drawing(outcome, imageA: try image(urlA, outcome.a), imageB: try image(urlB, outcome.b))
        try canvas.write(to: URL(fileURLWithPath: draw))
      } catch {
        printError("loci verify: --draw: \(error)")
        throw ExitCode(ExitStatus.someInputsFailed.rawValue)
      }
    }
    let report = stages.map { Report(outcome, method: method, stages: $0, tentatives: tentatives) }
      ?? Report(outcome, method: method, tentatives: tentatives)
    if let note = report.unaligned { printError("loci verify: \(note)") }
    if json { try printJSON(report) } else {
      let stage = report.stage.map { ", stage \($0)" } ?? ""
      print("\(method.rawValue): \(report.inliers) inliers of \(report.correspondences) correspondences, score \(report.score), \(String(format: "%.2f ms", report.seconds * 1000))\(stage)")
      if let transform = report.transform { print("B from A: \(transform)") }
    }
  }

  /// `--pairs`: one JSON line per pair, in the list's order; a pair whose features cannot be
  /// read gets `{name0, name1, error}` and the exit status 1.
  private func verifyList(_ verification: PairVerification, pairs: String, features: String) throws {
    let list: ImagePairList
    do { list = try ImagePairList.read(from: URL(fileURLWithPath: pairs)) } catch {
      printError("loci verify: \(error)")
      throw ExitCode(ExitStatus.usage.rawValue)
    }
    let root = URL(fileURLWithPath: features)
    let results = verification.verify(list) { name in try FeatureFile.read(from: FeatureFolder.featureFile(forImage: name, in: root)) }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    var lines = Data(), failures = 0
    for (pair, result) in zip(list.pairs, results) {
      switch result {
      case let .success(outcome): lines += try encoder.encode(Report(outcome, method: verification.method, names: pair, tentatives: tentatives))
      case let .failure(error):
        failures += 1
        printError("loci verify: \(pair.first) \(pair.second): \(error)")
        lines += try encoder.encode(["name0": pair.first, "name1": pair.second, "error": "\(error)"])
      }
      lines += Data("\n".utf8)
    }
    if let out {
      do { try lines.write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
        printError("loci verify: cannot write \(out): \(error.localizedDescription)")
        throw ExitCode(ExitStatus.someInputsFailed.rawValue)
      }
    } else {
      FileHandle.standardOutput.write(lines)
    }
    if failures > 0 { throw ExitCode(ExitStatus.someInputsFailed.rawValue) }
  }
}

/// A 3×3 row-major matrix as rows.
func rows(_ m: [Double]) -> [[Double]] { (0..<3).map { i in Array(m[(3 * i)..<(3 * i + 3)]) } }

/// One inlier of a verified pair, as `loci verify --json` lists it: feature indices in A and
/// B, their positions (pixels, origin at the first pixel's centre) and HPM's or RANSAC's
/// strength.
struct InlierMatch: Encodable {
  var a: Int, b: Int
  var xa: Double, ya: Double, xb: Double, yb: Double
  var strength: Double

  static func list(_ outcome: PairVerification.Outcome) -> [InlierMatch] {
    outcome.correspondences.indices.filter { outcome.result.inliers[$0] }.map { k in
      let c = outcome.correspondences[k]
      let p = outcome.a.regions[Int(c.a)], q = outcome.b.regions[Int(c.b)]
      return InlierMatch(a: Int(c.a), b: Int(c.b), xa: p.x, ya: p.y, xb: q.x, yb: q.y, strength: outcome.result.strengths[k])
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
