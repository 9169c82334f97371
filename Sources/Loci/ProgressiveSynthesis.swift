import Foundation

/// Whether `loci verify` matches against simulated views when the first stage fails.
public enum SynthesisMode: String, CaseIterable, Sendable {
  /// One stage: the two feature sets as they are.
  case off
  /// Escalate, stage by stage, for pairs the previous stage did not verify.
  case auto
}

/// Progressive view synthesis (MODS: Mishkin, Matas & Perdoch, "MODS: Fast and robust method
/// for two-view matching", CVIU 2015): a pair not verified by matching the images' own
/// features is matched again with image A's features augmented by those found in affine
/// simulated views of A (rotated, then compressed by a tilt; ASIFT, Morel & Yu 2009),
/// stage by stage with larger tilts, stopping at the first stage that verifies it. Easy
/// pairs pay nothing; hard ones pay only for the stages they need.
///
/// Only image A is synthesised: views of one side already cover the relative tilt up to the
/// largest simulated one, at half the cost of synthesising both.
public struct ProgressiveSynthesis: Sendable {
  /// The tilts each stage after the first adds (its views: rotations every 72°/tilt).
  public var stageTilts: [[Double]] = [[2], [4]]
  /// A stage verifies the pair when it keeps at least this many inliers: fewer is what
  /// chance agreement among a few hundred tentatives gives (the failed wide-baseline pairs
  /// of DoG and WaSH kept 0–19).
  public var minimumInliers = 20

  public init() {}

  /// One stage's result, for reports.
  public struct Stage: Sendable {
    /// 1: the features as given; 2, 3, …: with the views of `stageTilts[stage − 2]` added.
    public var stage: Int
    public var inliers: Int
    /// Featurising the stage's views, matching and verification.
    public var seconds: Double
  }

  /// Verifies `fa` against `fb` with `verification`, escalating while the pair is not
  /// verified. `imageA` and `extractor` give the views' features (the image `fa` came from,
  /// read only when a second stage is needed, and the extractor that made `fa`). Returns
  /// the verified stage's outcome (or the last stage's when none verifies) and every stage
  /// tried; the outcome's A features are `fa`'s followed by the views' (per detector,
  /// `FeatureSet.merging`).
  /// `images`: both images prepared for alignment when `verification` aligns (the views'
  /// regions are mapped back into A, so A's image serves them too).
  public func verify(_ fa: FeatureSet, _ fb: FeatureSet, verification: PairVerification,
                     imageA: () throws -> GrayImage, extractor: FeatureExtractor,
                     images: (a: AlignmentPyramid, b: AlignmentPyramid)? = nil) throws -> (outcome: PairVerification.Outcome, stages: [Stage]) {
    var outcome = verification.verify(fa, fb, images: images)
    var stages = [Stage(stage: 1, inliers: outcome.result.inlierCount, seconds: outcome.seconds)]
    var sets = [fa]
    var loaded: GrayImage? = nil
    for (k, tilts) in stageTilts.enumerated() where outcome.result.inlierCount < minimumInliers {
      let start = DispatchTime.now().uptimeNanoseconds
      let views = tilts.flatMap(SimulatedView.views(tilt:))
      let image = try loaded ?? imageA()
      loaded = image
      let found = ResultSlots<FeatureSet>(count: views.count)
      DispatchQueue.concurrentPerform(iterations: views.count) { i in
        found.set(i, Result { try extractor.extract(from: image, view: views[i], sourcePath: fa.sourcePath) })
      }
      sets += try found.values.map { try $0.get() }
      let merged = FeatureSet.merging(sets)
      outcome = verification.verify(merged, fb, images: images)
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      stages.append(Stage(stage: k + 2, inliers: outcome.result.inlierCount, seconds: seconds))
    }
    return (outcome, stages)
  }
}

extension PairVerification {
  /// `verify(a, b)` with progressive view synthesis. A's views are featurised like A: with
  /// `extractor` when A is an image, with the extractor its feature file records (and the
  /// image it records) when A is a `.lfeat` file.
  public func verify(_ a: URL, _ b: URL, synthesis: ProgressiveSynthesis) throws
    -> (outcome: Outcome, stages: [ProgressiveSynthesis.Stage]) {
    let inputA = try read(a), inputB = try read(b)
    let prepared = try alignmentImages((a.path, inputA.features, inputA.image), (b.path, inputB.features, inputB.image))
    var result = try synthesisStages(a, inputA, inputB.features, synthesis: synthesis, images: prepared.images)
    result.outcome.unaligned = prepared.unaligned
    result.stages[0].seconds += prepared.seconds
    return result
  }

  private func synthesisStages(_ a: URL, _ inputA: (features: FeatureSet, image: GrayImage?), _ fb: FeatureSet,
                               synthesis: ProgressiveSynthesis, images: (a: AlignmentPyramid, b: AlignmentPyramid)?) throws
    -> (outcome: Outcome, stages: [ProgressiveSynthesis.Stage]) {
    let fa = inputA.features
    if let image = inputA.image {
      return try synthesis.verify(fa, fb, verification: self, imageA: { image }, extractor: extractor, images: images)
    }
    let recorded = try DetectorSettings.extractor(detector: fa.detector, parameters: fa.parameters)
    guard !fa.parameters.isEmpty, recorded.parameters == fa.parameters, !fa.sourcePath.isEmpty else {
      throw DetectorSettings.SettingError(message: "\(a.path): view synthesis cannot featurise views like these features "
        + "(detector \(fa.detector), parameters '\(fa.parameters)'); give the images instead")
    }
    return try synthesis.verify(fa, fb, verification: self, imageA: { try GrayImage(contentsOf: URL(fileURLWithPath: fa.sourcePath)) },
                                extractor: recorded, images: images)
  }
}
