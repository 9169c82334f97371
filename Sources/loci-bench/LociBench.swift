import ArgumentParser
import Foundation
import Loci
import LociCommandLine

/// Benchmarks that compare Loci's stages with OpenCV's on the same inputs, in one process,
/// single-threaded unless said otherwise. Build with `-c release`; results go to
/// docs/benchmarks.md with the command that produced them.
struct LociBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "loci-bench", abstract: "Speed benchmarks against OpenCV.",
    subcommands: [FuzzCommand.self, DescriptorBench.self, DetectorBench.self, DescriptorOptionsBench.self, WaSHSweep.self, MFDSweep.self, MSERSweep.self, VerificationBench.self, OxfordVerificationBench.self, KMeansBench.self, AssignmentBench.self, ScaleBench.self])
}

/// Every image of every sequence of an Oxford-affine-style folder.
func datasetImages(_ path: String) throws -> [URL] {
  try OxfordAffineDataset(root: URL(fileURLWithPath: path)).sequences.flatMap(\.images)
}

/// Best of `repeats` wall-clock timings of `body`, in seconds.
func bestTime(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
  var best = Double.infinity
  for _ in 0..<repeats {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    best = Swift.min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
  }
  return best
}

struct DescriptorBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "descriptors",
    abstract: "Descriptor stage alone: Loci SIFT/RootSIFT vs cv::SIFT::compute on the same oriented DoG regions.")

  @Argument(help: "Oxford affine dataset folder.") var dataset: String
  @Option(help: "Timing repeats per image (best is kept).") var repeats = 3
  @Flag var json = false

  struct Report: Codable {
    var images = 0, regions = 0
    /// One core each: Loci with `threads = 1`, OpenCV with `cv::setNumThreads(1)`.
    var oneCore = Timings()
    /// Both cores: Loci's and OpenCV's default parallelism.
    var allCores = Timings()
  }

  struct Timings: Codable {
    var lociRootSIFTSeconds = 0.0, lociSIFTSeconds = 0.0, openCVSeconds = 0.0
    var ratio: Double { lociRootSIFTSeconds / openCVSeconds }
  }

  func run() throws {
    let detector = OpenCVSIFTDetector()
    var report = Report()
    let images = try datasetImages(dataset).map { try GrayImage(contentsOf: $0) }
    let regions = try images.map { try detector.detect(in: $0) }
    report.images = images.count
    report.regions = regions.map(\.count).reduce(0, +)
    for threads in [1, 0] {
      var root = SIFTDescriptorOptions(), plain = SIFTDescriptorOptions()
      root.threads = threads
      plain.threads = threads
      plain.rootSIFT = false
      let lociRoot = SIFTDescriptorExtractor(options: root), lociPlain = SIFTDescriptorExtractor(options: plain)
      openCVThreads = threads
      var t = Timings()
      for (image, r) in zip(images, regions) {
        t.lociRootSIFTSeconds += bestTime(repeats: repeats) { _ = lociRoot.describe(r, in: image) }
        t.lociSIFTSeconds += bestTime(repeats: repeats) { _ = lociPlain.describe(r, in: image) }
        t.openCVSeconds += try bestTime(repeats: repeats) { _ = try openCVSIFTDescriptors(image, regions: r) }
      }
      if threads == 1 { report.oneCore = t } else { report.allCores = t }
    }
    if json { try printJSON(report); return }
    print("\(report.images) images, \(report.regions) oriented DoG regions")
    for (label, t) in [("one core", report.oneCore), ("all cores", report.allCores)] {
      print(String(format: "%@: Loci RootSIFT %.3f s, Loci SIFT %.3f s, OpenCV SIFT compute %.3f s (Loci RootSIFT / OpenCV %.2f)",
                   label as NSString, t.lociRootSIFTSeconds, t.lociSIFTSeconds, t.openCVSeconds, t.ratio))
    }
  }
}

struct DetectorBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "detectors", abstract: "Detection time per megapixel, one core, for each detector (and MFD on all cores).")

  @Argument(help: "Oxford affine dataset folder.") var dataset: String
  @Option(help: "Timing repeats per image (best is kept).") var repeats = 2
  @Option(name: .customLong("mfd-variant"), help: "Also time MFD with these option overrides (as mfd-sweep --variant).")
  var mfdVariants: [String] = []
  @Option(help: "Time only these detectors (comma-separated names; default: all, with the stage shares).")
  var only: String?

  func run() throws {
    openCVThreads = 1  // one core for every detector
    let images = try datasetImages(dataset).map { try GrayImage(contentsOf: $0) }
    let megapixels = images.map { Double($0.pixelCount) / 1e6 }.reduce(0, +)
    let chosen = only.map { Set($0.split(separator: ",").map(String.init)) }
    if let unknown = chosen?.subtracting(DetectorName.allCases.map(\.rawValue)), !unknown.isEmpty {
      throw ValidationError("--only: unknown detector(s) \(unknown.sorted().joined(separator: ", "))")
    }
    let detectors: [(String, any Detector)] = DetectorName.allCases.filter { chosen?.contains($0.rawValue) ?? true }
      .map { ($0.rawValue, $0.makeDetector()) }
      + (try mfdVariants.map { ("mfd [\($0)]", MFDDetector(options: try MFDSweep.parse($0))) })
    // One core each, then MFD again with its scale levels on all cores (one image's latency).
    let oneCore = detectors.map { label, parallel -> (String, any Detector) in
      var detector = parallel
      detector.threads = 1
      return (label, detector)
    }
    let allCores: [(String, any Detector)] = chosen?.contains("mfd") ?? true ? [("mfd, all cores", MFDDetector(threads: 0))] : []
    for (label, detector) in oneCore + allCores {
      var seconds = 0.0, features = 0
      for image in images {
        seconds += try bestTime(repeats: repeats) { features += try detector.detect(in: image).count }
      }
      print(String(format: "%-5@ %.3f s/Mpx, %.0f features/image (%d images, %.1f Mpx)", label as NSString,
                   seconds / megapixels, Double(features) / Double(repeats * images.count), images.count, megapixels))
    }
    guard chosen == nil else { return }
    // WaSH's stages: how much of its time is CGAL's triangulation and filtration.
    var sampling = 0.0, triangulation = 0.0, selection = 0.0, samples = 0
    for image in images {
      let analysis = try WaSHDetector().analyse(image)
      sampling += analysis.timings.sampling
      triangulation += analysis.timings.triangulation
      selection += analysis.timings.selection
      samples += analysis.samples.count
    }
    let total = sampling + triangulation + selection
    print(String(format: "wash stages: sampling %.0f %%, CGAL triangulation + filtration %.0f %%, tree + selection %.0f %% (%.0f samples/image)",
                 100 * sampling / total, 100 * triangulation / total, 100 * selection / total,
                 Double(samples) / Double(images.count)))
    // MFD's stages: the distance transform is the paper's dominant cost too.
    var stages = [0.0, 0.0, 0.0, 0.0]
    for image in images {
      let t = MFDDetector().analyse(image).timings
      for (i, v) in [t.distance, t.medial, t.partition, t.selection].enumerated() { stages[i] += v }
    }
    let mfdTotal = stages.reduce(0, +)
    print(String(format: "mfd stages: gradient + distance %.0f %%, medial axis %.0f %%, partition %.0f %%, merging + selection %.0f %%",
                 100 * stages[0] / mfdTotal, 100 * stages[1] / mfdTotal, 100 * stages[2] / mfdTotal, 100 * stages[3] / mfdTotal))
  }
}
