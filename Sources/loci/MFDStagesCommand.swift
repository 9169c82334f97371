import ArgumentParser
import Foundation
import Loci
import LociCommandLine

/// `loci mfd-stages IMAGE --out DIR`: MFD's distance map, medial axis and partition as PNGs.
struct MFDStagesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mfd-stages",
    abstract: "Write MFD's intermediate stages (distance map, medial axis, partition) as PNGs for debugging.")

  @Argument(help: "The image to analyse.") var image: String
  @Option(help: "Folder for distance.png, medial-axis.png and partition.png (created if missing).") var out: String
  @Flag(help: "Treat the image as a binary boundary map (non-zero pixels are boundary).") var binary = false
  @Flag(help: "Print counts and timings as JSON on stdout.") var json = false

  struct Report: Encodable {
    var image: String
    var basins: Int
    var saddles: Int
    var medialPoints: Int
    var regions: Int
    var seconds: [String: Double]
    var files: [String]
  }

  func run() throws {
    let gray: GrayImage
    do { gray = try GrayImage(contentsOf: URL(fileURLWithPath: image)) } catch {
      printError("loci mfd-stages: \(error)")
      throw ExitCode(ExitStatus.usage.rawValue)
    }
    let detector = MFDDetector()
    let analysis = binary
      ? detector.analyse(binaryBoundary: gray.pixels.map { $0 > 0.5 }, width: gray.width, height: gray.height)
      : detector.analyse(gray)
    let pictures = MFDStageImages(image: gray, analysis: analysis)
    let folder = URL(fileURLWithPath: out)
    var files: [String] = []
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      for (name, picture) in [("distance", pictures.distance), ("medial-axis", pictures.medialAxis),
                              ("partition", pictures.partition)] {
        let url = folder.appendingPathComponent("\(name).png")
        try picture.write(to: url)
        files.append(url.path)
      }
    } catch {
      printError("loci mfd-stages: \(error)")
      throw ExitCode(ExitStatus.someInputsFailed.rawValue)
    }
    let t = analysis.timings
    let report = Report(image: image, basins: analysis.partition.basins.count, saddles: analysis.partition.saddles.count,
                        medialPoints: analysis.medialAxis.points.count, regions: analysis.regions.count,
                        seconds: ["distance": t.distance, "medial": t.medial, "partition": t.partition, "selection": t.selection],
                        files: files)
    if json { try printJSON(report) } else {
      print("\(report.basins) basins, \(report.saddles) saddles, \(report.medialPoints) medial points, \(report.regions) regions")
      for f in files { print(f) }
    }
  }
}
