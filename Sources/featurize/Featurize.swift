import ArgumentParser
import Foundation
import LociCore
import Loci
import LociCommandLine

extension DetectorName: ExpressibleByArgument {}
extension DescriptorName: ExpressibleByArgument {}
extension FeatureFileFormat: ExpressibleByArgument {}

struct Featurize: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "featurize",
    abstract: "Detect affine regions and compute descriptors for images, one feature file per image.",
    discussion: """
      Folders are walked recursively; the output tree mirrors the inputs (img.png → OUT/img.png.lfeat). \
      Images whose output already exists and is valid are skipped, so an interrupted run resumes. \
      A bad image is reported on stderr with its reason and the rest are processed; the exit code is 1 \
      if any image failed, 2 for bad usage.
      """,
    version: lociVersion)

  @Argument(help: "Image files or folders.")
  var inputs: [String] = []

  @Option(name: .customLong("input-list"), help: "A file listing more inputs, one path per line (for tasks given many files).")
  var inputList: String?

  @Option(name: .customLong("relative-to"), help: "Name files given one by one by their path under this folder (as featurize of the whole folder would), not by their file name.")
  var relativeTo: String?

  @Option(help: "Output folder.")
  var out: String

  @Option(help: "Detector: \(DetectorName.allCases.map(\.rawValue).joined(separator: ", ")), or several separated by commas (mfd,mser): one feature set whose features keep their detector, matched detector by detector.")
  var detector: String = DetectorName.default.rawValue

  @Option(name: .customLong("detector-option"),
          help: ArgumentHelp(stringLiteral: "A detector option as KEY=VALUE (repeatable; DETECTOR.KEY=VALUE for one of several detectors); recorded in the .lfeat files. Keys: "
            + DetectorName.allCases.map { "\($0.rawValue): \(DetectorSettings.keys(of: $0).joined(separator: ", "))" }
              .joined(separator: "; ") + "."))
  var detectorOptions: [String] = []

  @Option(name: .customLong("max-features"), help: "Keep at most N features per image and detector, the strongest first (0: all).")
  var maxFeatures: Int = FeatureExtractor(detector: DetectorName.default.makeDetector()).maxFeatures

  @Option(help: "Descriptor: rootsift, sift or none.")
  var descriptor: DescriptorName = .rootsift

  @Option(help: "Output format: lfeat (binary) or vgg (Oxford text).")
  var format: FeatureFileFormat = .lfeat

  @Option(help: "Images processed in parallel (default: all cores).")
  var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

  @Option(name: .customLong("max-dimension"), help: "Detect on a copy downscaled to at most this many pixels on its larger side (0: off); regions are mapped back.")
  var maxDimension: Int = 0

  @Option(name: .customLong("max-pixels"),
          help: "Refuse images whose header declares more pixels than this (width × height), before decoding; 0: no limit. Featurizing takes about 40 bytes per pixel per image in flight (--jobs).")
  var maxPixels: Int = GrayImage.defaultMaxPixels

  @Option(help: "Also write a PNG per image with the regions drawn, under this folder.")
  var draw: String?

  @Flag(help: "Recompute even when a valid output exists.")
  var overwrite = false

  @Flag(help: "Print a JSON summary on stdout.")
  var json = false

  func validate() throws {
    guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    guard !inputs.isEmpty || inputList != nil else { throw ValidationError("give image files or folders, or --input-list") }
    guard maxDimension >= 0 else { throw ValidationError("--max-dimension must be 0 or positive") }
    guard maxPixels >= 0 else { throw ValidationError("--max-pixels must be 0 or positive") }
    guard maxFeatures >= 0 else { throw ValidationError("--max-features must be 0 or positive") }
    do { _ = try makeDetectors() } catch { throw ValidationError("\(error)") }
  }

  func run() throws {
    let images: [ImageInput], problems: [ImageDiscovery.Problem]
    var paths = inputs
    if let inputList {
      do {
        paths += try String(contentsOfFile: inputList, encoding: .utf8).split(separator: "\n")
          .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      } catch {
        printError("featurize: cannot read the input list \(inputList): \(fileSystemReason(error))")
        throw ExitCode(ExitStatus.usage.rawValue)
      }
    }
    do {
      (images, problems) = try ImageDiscovery.discover(paths.map { URL(fileURLWithPath: $0) },
                                                       relativeTo: relativeTo.map { URL(fileURLWithPath: $0) })
    } catch {
      printError("featurize: \(error)")
      throw ExitCode(ExitStatus.usage.rawValue)
    }
    var job = FeaturizeJob(
      extractor: FeatureExtractor(detectors: try makeDetectors(), descriptor: descriptor.makeExtractor(),
                                  maxDimension: maxDimension, maxFeatures: maxFeatures),
      outputRoot: URL(fileURLWithPath: out))
    job.format = format
    job.overwrite = overwrite
    job.jobs = jobs
    job.maxPixels = maxPixels
    job.drawRoot = draw.map { URL(fileURLWithPath: $0) }
    for (folder, what) in [(job.outputRoot, "output"), (job.drawRoot, "drawing")] {
      guard let folder else { continue }
      do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
        printError("featurize: cannot create the \(what) folder \(folder.path): \(fileSystemReason(error))")
        throw ExitCode(ExitStatus.usage.rawValue)
      }
    }
    let bar = ProgressBar(label: "featurize")
    var summary = job.run(images) { done, total in bar.update(done: done, total: total) }
    // Inputs that yielded no image (missing, dangling links, unreadable folders) are failed
    // inputs like bad images: reported, the rest processed, exit 1.
    summary.failed = (summary.failed + problems.map { FeaturizeFailure(path: $0.path, error: $0.reason) })
      .sorted { $0.path < $1.path }
    for failure in summary.failed { printError("featurize: \(failure.path): \(failure.error)") }
    if json {
      try printJSON(summary)
    } else {
      print(String(format: "%d images (%d written, %d already done, %d failed), %d features, %.2f s",
                   summary.images, summary.processed, summary.skipped, summary.failed.count, summary.features,
                   summary.seconds))
    }
    if !summary.failed.isEmpty { throw ExitCode(ExitStatus.someInputsFailed.rawValue) }
  }

  func makeDetectors() throws -> [any Detector] {
    try DetectorSettings.makeDetectors(try DetectorName.list(detector), settings: detectorOptions.map(DetectorSettings.parse))
  }
}
