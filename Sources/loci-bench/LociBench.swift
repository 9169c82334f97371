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
    subcommands: [DescriptorBench.self, DetectorBench.self])
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
    var images: Int, regions: Int
    var lociRootSIFTSeconds: Double, lociSIFTSeconds: Double, openCVSeconds: Double
    var ratioRootSIFTToOpenCV: Double
  }

  func run() throws {
    let detector = OpenCVSIFTDetector()
    var plain = SIFTDescriptorOptions()
    plain.rootSIFT = false
    let root = SIFTDescriptorExtractor(), sift = SIFTDescriptorExtractor(options: plain)
    var report = Report(images: 0, regions: 0, lociRootSIFTSeconds: 0, lociSIFTSeconds: 0, openCVSeconds: 0,
                        ratioRootSIFTToOpenCV: 0)
    for url in try datasetImages(dataset) {
      let image = try GrayImage(contentsOf: url)
      let regions = try detector.detect(in: image)
      report.images += 1
      report.regions += regions.count
      report.lociRootSIFTSeconds += bestTime(repeats: repeats) { _ = root.describe(regions, in: image) }
      report.lociSIFTSeconds += bestTime(repeats: repeats) { _ = sift.describe(regions, in: image) }
      report.openCVSeconds += try bestTime(repeats: repeats) { _ = try openCVSIFTDescriptors(image, regions: regions) }
    }
    report.ratioRootSIFTToOpenCV = report.lociRootSIFTSeconds / report.openCVSeconds
    if json { try printJSON(report); return }
    print(String(format: "%d images, %d regions: Loci RootSIFT %.3f s, Loci SIFT %.3f s, OpenCV SIFT compute %.3f s (Loci/OpenCV %.2f)",
                 report.images, report.regions, report.lociRootSIFTSeconds, report.lociSIFTSeconds, report.openCVSeconds,
                 report.ratioRootSIFTToOpenCV))
  }
}

struct DetectorBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "detectors", abstract: "Detection time per megapixel, one core, for each detector.")

  @Argument(help: "Oxford affine dataset folder.") var dataset: String
  @Option(help: "Timing repeats per image (best is kept).") var repeats = 2

  func run() throws {
    let images = try datasetImages(dataset).map { try GrayImage(contentsOf: $0) }
    let megapixels = images.map { Double($0.pixelCount) / 1e6 }.reduce(0, +)
    for name in DetectorName.allCases {
      let detector = name.makeDetector()
      var seconds = 0.0, features = 0
      for image in images {
        seconds += try bestTime(repeats: repeats) { features += try detector.detect(in: image).count }
      }
      print(String(format: "%-5@ %.3f s/Mpx, %.0f features/image (%d images, %.1f Mpx)", name.rawValue as NSString,
                   seconds / megapixels, Double(features) / Double(repeats * images.count), images.count, megapixels))
    }
  }
}
