import ArgumentParser
import Foundation
import Loci

/// On the 40 Oxford affine pairs: does the verified homography map img1 onto imgN? Success
/// when the mean transfer error against the ground-truth H, over a 10×10 grid of img1
/// points that land inside imgN, is below 5 px. Features: the default detector + RootSIFT;
/// correspondences: ratio test 0.8.
struct OxfordVerificationBench: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "oxford-verification")

  @OptionGroup var hpmMode: HPMModeOptions
  @Argument(help: "Oxford affine dataset folder.") var dataset: String
  @Option(help: "Detector for the features.") var detector: String = DetectorName.default.rawValue

  func run() throws {
    let data = try OxfordAffineDataset(root: URL(fileURLWithPath: dataset))
    guard let name = DetectorName(rawValue: detector) else { throw ValidationError("unknown detector \(detector)") }
    let extractor = FeatureExtractor(detector: name.makeDetector())
    var successes = [VerificationMethod: Int](), times = [VerificationMethod: Double](), pairs = 0
    for sequence in data.sequences {
      let sets = try sequence.images.map { try extractor.extract(fromFile: $0) }
      var line = sequence.name.padding(toLength: 8, withPad: " ", startingAt: 0)
      for (k, truth) in sequence.homographies.enumerated() {
        let a = sets[0], b = sets[k + 1]
        let c = TentativeCorrespondences.ratioTest(a, b)
        let fa = a.regions.map(LocalFrame.init), fb = b.regions.map(LocalFrame.init)
        pairs += 1
        line += " 1-\(k + 2):"
        for method in VerificationMethod.allCases {
          let start = DispatchTime.now().uptimeNanoseconds
          let result = method == .hpm
            ? hpmMode.matcher.verify(c, framesA: fa, framesB: fb, imageSize: Double(max(a.imageWidth, a.imageHeight)))
            : RANSACVerifier().verify(c, framesA: fa, framesB: fb)
          times[method, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
          let error = result.bFromA.map { meanTransferError($0, truth, a, b) } ?? .infinity
          if error < 5 { successes[method, default: 0] += 1 }
          line += String(format: " %@ %@", method.rawValue as NSString, error < 5 ? "ok" : (error.isFinite ? String(format: "%.0fpx", error) : "none") as NSString)
        }
      }
      print(line)
    }
    for method in VerificationMethod.allCases {
      print(String(format: "%@: %d / %d pairs within 5 px, %.2f ms per pair", method.rawValue as NSString,
                   successes[method, default: 0], pairs, 1000 * times[method, default: 0] / Double(pairs)))
    }
  }

  func meanTransferError(_ estimate: Homography, _ truth: Homography, _ a: FeatureSet, _ b: FeatureSet) -> Double {
    var total = 0.0, count = 0
    for i in 0..<10 {
      for j in 0..<10 {
        let x = (Double(i) + 0.5) / 10 * Double(a.imageWidth), y = (Double(j) + 0.5) / 10 * Double(a.imageHeight)
        let t = truth.apply(x, y)
        guard t.x >= 0, t.y >= 0, t.x < Double(b.imageWidth), t.y < Double(b.imageHeight) else { continue }
        let e = estimate.apply(x, y)
        total += hypot(e.x - t.x, e.y - t.y)
        count += 1
      }
    }
    return count > 0 ? total / Double(count) : .infinity
  }
}
