import ArgumentParser
import Foundation
import Loci

/// The measurement behind the descriptor defaults: matching score (Mikolajczyk protocol)
/// of Loci SIFT/RootSIFT with several patch radii and smoothings against OpenCV's SIFT
/// descriptor, on the same oriented DoG regions of img1 and imgN of one sequence.
struct DescriptorOptionsBench: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "descriptor-options")

  @Argument(help: "A sequence folder (img1…, H1to…p).") var sequence: String
  @Option(help: "Compare img1 with this image.") var other = 4
  @Option(help: "Strongest DoG keypoints kept per image.") var maxFeatures = 1500
  @Option(parsing: .upToNextOption, help: "Patch radii to try.") var radii: [Int] = [8, 10, 12, 16]
  @Option(parsing: .upToNextOption, help: "Smoothings to try.") var smoothings: [Double] = [0.35, 0.5, 0.65]

  func run() throws {
    let root = URL(fileURLWithPath: sequence)
    let detector = OpenCVSIFTDetector(maxFeatures: maxFeatures)
    let images = try ["img1.png", "img\(other).png"].map { try GrayImage(contentsOf: root.appendingPathComponent($0)) }
    let regions = try images.map { try detector.detect(in: $0) }
    let h = try Homography(contentsOf: root.appendingPathComponent("H1to\(other)p"))
    func score(_ described: [([AffineRegion], [Float])]) -> Double {
      let sets = zip(images, described).map { image, d in
        FeatureSet(imageWidth: image.width, imageHeight: image.height, detector: "sift", descriptorKind: .sift,
                   dimension: 128, regions: d.0, descriptors: d.1)
      }
      return evaluatePair(sets[0], sets[1], bFromA: h).matchingScore ?? 0
    }
    let cv = try zip(images, regions).map { ($1, try openCVSIFTDescriptors($0, regions: $1)) }
    print(String(format: "%@ 1-%d OpenCV SIFT: %.2f %%", root.lastPathComponent as NSString, other, score(cv)))
    for rootSIFT in [false, true] {
      for radius in radii {
        for smoothing in smoothings {
          var o = SIFTDescriptorOptions()
          o.rootSIFT = rootSIFT
          o.patchRadius = radius
          o.smoothing = smoothing
          let extractor = SIFTDescriptorExtractor(options: o)
          let described = zip(images, regions).map { image, r -> ([AffineRegion], [Float]) in
            let d = extractor.describe(r, in: image)
            return (d.regions, d.descriptors)
          }
          print(String(format: "  %@ R=%d smoothing=%.2f: %.2f %%", (rootSIFT ? "RootSIFT" : "SIFT") as NSString,
                       radius, smoothing, score(described)))
        }
      }
    }
  }
}
