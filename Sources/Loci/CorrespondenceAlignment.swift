import Foundation

extension RegionAlignment {
  /// Aligns the A region of every correspondence onto its B region (`align`), on all
  /// cores, replacing it in `a` when the alignment passes its checks. Returns, per
  /// correspondence, whether it was aligned. An A feature named by several correspondences
  /// (not the case for ratio-test matches A → B) is aligned for the first only.
  @discardableResult
  public func align(_ correspondences: [Correspondence], of a: inout FeatureSet, in imageA: AlignmentPyramid,
                    to b: FeatureSet, in imageB: AlignmentPyramid) -> [Bool] {
    var seen = Set<Int32>()
    let chosen = correspondences.indices.filter { seen.insert(correspondences[$0].a).inserted }
    let regionsA = a.regions
    let results = ResultSlots<AffineRegion?>(count: chosen.count)
    DispatchQueue.concurrentPerform(iterations: chosen.count) { k in
      let c = correspondences[chosen[k]]
      results.set(k, .success(align(regionsA[Int(c.a)], in: imageA, to: b.regions[Int(c.b)], in: imageB)))
    }
    var aligned = [Bool](repeating: false, count: correspondences.count)
    for (k, result) in zip(chosen, results.values) {
      if case .success(let region?) = result {
        a.regions[Int(correspondences[k].a)] = region
        aligned[k] = true
      }
    }
    return aligned
  }
}

extension PairVerification {
  /// The image a verification input stands for: the input itself when it is an image, the
  /// source image its feature file records otherwise.
  public static func imageURL(of input: URL, features: FeatureSet) -> URL {
    isFeatureFile(input) ? URL(fileURLWithPath: features.sourcePath) : input
  }

  /// The source image `features` record, checked to be the size they were found at (a
  /// feature file whose source was replaced or resized would otherwise be aligned against
  /// the wrong pixels). `input` names the features in the error.
  static func sourceImage(of features: FeatureSet, input: String) throws -> GrayImage {
    let url = URL(fileURLWithPath: features.sourcePath)
    let image = try GrayImage(contentsOf: url)
    guard image.width == features.imageWidth, image.height == features.imageHeight else {
      throw AlignmentImageError(message: "\(url.path) is \(image.width)×\(image.height) but the features of \(input) "
        + "were found on a \(features.imageWidth)×\(features.imageHeight) image")
    }
    return image
  }
}

/// An image that cannot stand for the features it should be aligned with.
public struct AlignmentImageError: Error, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

extension VerificationResult {
  /// The result over `count` correspondences, of which the first `verified` are the ones
  /// this result judged: theirs stay as they are; each later one is an inlier when `within`
  /// says so, with the weakest verified inlier's strength (RANSAC's 1; HPM's least), added
  /// to the score. The homography becomes `bFromA`.
  func extended(to count: Int, verified: Int, within: [Bool], bFromA: Homography) -> VerificationResult {
    let judged = zip(inliers.prefix(verified), strengths.prefix(verified))
    let weakest = judged.filter { $0.0 && $0.1 > 0 }.map(\.1).min() ?? 1
    // The verifier's own score, without what an earlier extension added.
    let base = score - strengths.dropFirst(verified).reduce(0, +)
    var result = self
    result.inliers = Array(inliers.prefix(verified)) + (verified..<count).map { within[$0] }
    result.strengths = Array(strengths.prefix(verified)) + (verified..<count).map { within[$0] ? weakest : 0 }
    result.score = base + result.strengths.dropFirst(verified).reduce(0, +)
    result.bFromA = bFromA
    return result
  }
}
