import Foundation
import LociFeatures
import LociGeometry

/// The repeatability / matching-score report over a dataset, in the JSON shape of the
/// command-line contract (`loci eval repeatability --json`).
public struct RepeatabilityReport: Sendable, Codable {
  public var detector: String
  public var meanRepeatability: Double
  public var meanMatchingScore: Double?
  /// Mean number of features per image (before cropping).
  public var meanFeatures: Double
  public var seconds: Double
  public var sequences: [String: [PairResult]]

  enum CodingKeys: String, CodingKey {
    case detector, sequences, seconds
    case meanRepeatability = "mean_repeatability"
    case meanMatchingScore = "mean_matching_score"
    case meanFeatures = "mean_features"
  }

  /// A fixed-width text table: one row per sequence, the 5 pairs' repeatability, and the
  /// matching score in brackets when there is one.
  public func table() -> String {
    var lines = ["detector \(detector): mean repeatability \(String(format: "%.1f", meanRepeatability)) %"
      + (meanMatchingScore.map { String(format: ", mean matching score %.1f %%", $0) } ?? "")
      + String(format: ", %.0f features/image", meanFeatures)]
    for name in sequences.keys.sorted() {
      let cells = sequences[name]!.map { r -> String in
        var cell = String(format: "%5.1f", r.repeatability)
        if let m = r.matchingScore { cell += String(format: " (%4.1f)", m) }
        return "\(r.pair): \(cell)"
      }
      lines.append(name.padding(toLength: 8, withPad: " ", startingAt: 0) + cells.joined(separator: "  "))
    }
    return lines.joined(separator: "\n")
  }
}

/// Runs the protocol of §1.1 over every sequence: extracts features from all images
/// (in parallel over images) and evaluates img1 against each other image.
public func runRepeatabilityBenchmark(
  dataset: OxfordAffineDataset, extractor: FeatureExtractor, options: RepeatabilityOptions = RepeatabilityOptions(),
  progress: ((String) -> Void)? = nil
) throws -> RepeatabilityReport {
  let start = Date()
  var sequences: [String: [PairResult]] = [:]
  var featureCounts: [Int] = []
  for sequence in dataset.sequences {
    progress?(sequence.name)
    let sets = try extractAll(sequence.images, extractor: extractor)
    featureCounts += sets.map(\.count)
    sequences[sequence.name] = sequence.homographies.enumerated().map { k, h in
      evaluatePair(sets[0], sets[k + 1], bFromA: h, pair: "1-\(k + 2)", options: options)
    }
  }
  let all = sequences.values.flatMap { $0 }
  let meanRepeatability = all.map(\.repeatability).reduce(0, +) / Double(Swift.max(all.count, 1))
  let scores = all.compactMap(\.matchingScore)
  return RepeatabilityReport(
    detector: extractor.detector.name, meanRepeatability: meanRepeatability,
    meanMatchingScore: scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count),
    meanFeatures: Double(featureCounts.reduce(0, +)) / Double(Swift.max(featureCounts.count, 1)),
    seconds: Date().timeIntervalSince(start), sequences: sequences)
}

/// Feature sets of `urls`, extracted in parallel; the first failure is rethrown.
func extractAll(_ urls: [URL], extractor: FeatureExtractor) throws -> [FeatureSet] {
  var results = [Result<FeatureSet, Error>?](repeating: nil, count: urls.count)
  let lock = NSLock()
  DispatchQueue.concurrentPerform(iterations: urls.count) { i in
    let r = Result { try extractor.extract(fromFile: urls[i]) }
    lock.lock()
    results[i] = r
    lock.unlock()
  }
  return try results.map { try $0!.get() }
}
