import Foundation

/// Whether `loci verify` aligns correspondences' patches (`RegionAlignment`).
public enum AlignmentMode: String, CaseIterable, Sendable {
  /// When both images can be read; otherwise verify unaligned and say why.
  case auto
  /// Always; a pair whose images cannot be read fails.
  case on
  case off
}

/// The verification methods of `loci verify`.
public enum VerificationMethod: String, CaseIterable, Sendable {
  case hpm
  case ransac
}

/// Verifying one image pair end to end: features (from images or feature files), ratio-test
/// correspondences, patch alignment of each (when the images are given), HPM or RANSAC, then
/// guided matching and the homography re-estimated. What `loci verify` runs.
///
/// The defaults are what solved the most planar pairs under strong viewpoint change
/// (`bench/wide_baseline.py`, 20 pairs: HPatches v_churchill and v_wormhole, graf and wall
/// 1→2 … 1→6): MSER regions, FGINN at 10 px, alignment, RANSAC and guided matching solve
/// all 20, as MFD (retrieval's detector) and MFD and MSER combined do with either verifier;
/// without alignment MFD solved 18 with RANSAC and 16 with HPM.
public struct PairVerification: Sendable {
  /// The detector used when an input is an image (feature files bring their own).
  public static let defaultDetector: DetectorName = .mser
  public var method: VerificationMethod = .ransac
  /// Used when an input is an image rather than a feature file.
  public var extractor = FeatureExtractor(detector: defaultDetector.makeDetector())
  public var ratio: Float = 0.8
  /// The ratio test's second neighbour: the nearest (nil) or the first whose centre is more
  /// than this many pixels from the nearest's (FGINN, `TentativeCorrespondences.ratioTest`).
  /// 10 px: nested MSER regions made Lowe's test compare a match with its own duplicate.
  public var separation: Double? = 10
  /// Keep only mutual nearest neighbours (`TentativeCorrespondences.ratioTest(mutual:)`).
  public var mutual = false
  public var hpm = HoughPyramidMatcher()
  public var ransac = RANSACVerifier()
  /// Aligns each tentative correspondence's patches before verification, when both images
  /// are given (`verify(_:_:images:)`); nil: verify the regions as detected.
  public var alignment: RegionAlignment? = RegionAlignment()
  /// For inputs given as URLs: fail when an image needed for alignment cannot be read
  /// (true), or verify that pair without alignment and say so in `Outcome.unaligned` (false).
  public var requiresImages = false
  /// With alignment: once the verifier finds a homography with at least
  /// `guidedMinimumInliers` inliers, A's unmatched features are matched again near the
  /// places it predicts (`GuidedMatching`), the new matches whose patches align are added,
  /// and the homography is re-estimated from every correspondence it explains
  /// (`HomographyFit.reestimated`). The verifier's inliers stay; added ones within the
  /// tolerance of the final map join them. nil: the verifier's result as it is.
  public var guided: GuidedMatching? = GuidedMatching()
  public var guidedMinimumInliers = 12
  /// Rounds of guided matching, each guided by the previous round's homography (which
  /// reaches further into the image as the matches it rests on spread).
  public var guidedRounds = 2

  public init() {}

  /// The verifier `method` names, with this pipeline's options.
  public var verifier: any SpatialVerifier {
    switch method {
    case .hpm: return hpm
    case .ransac: return ransac
    }
  }

  /// How that verifier fits its homography, for re-estimating it after guided matching.
  var fit: (tolerance: Double, precision: Double, localAffinities: Bool) {
    switch method {
    case .hpm: return (hpm.options.fitTolerance, hpm.options.precisionTolerance, hpm.options.fitsLocalAffinities)
    case .ransac: return (ransac.options.homographyTolerance, ransac.options.precisionTolerance, ransac.options.fitsLocalAffinities)
    }
  }

  public struct Outcome: Sendable {
    public var a: FeatureSet
    public var b: FeatureSet
    public var correspondences: [Correspondence]
    public var result: VerificationResult
    public var seconds: Double
    /// Correspondences whose A region was moved by patch alignment (its region in `a` is the
    /// aligned one); 0 without alignment.
    public var aligned = 0
    /// Correspondences added by guided matching (the last ones of `correspondences`).
    public var guided = 0
    /// Why alignment was skipped although it is on (an image could not be read), else nil.
    public var unaligned: String? = nil

    /// The least-squares affine map B ← A over the inliers (`VerificationResult.affineMap`).
    public var affineMap: [Double]? {
      result.affineMap(correspondences, framesA: a.regions.map(LocalFrame.init), framesB: b.regions.map(LocalFrame.init))
    }
  }

  /// Whether `url` names a feature file (`.lfeat` or `.vgg`, by extension) rather than an image.
  public static func isFeatureFile(_ url: URL) -> Bool {
    url.pathExtension == FeatureFileFormat.lfeat.fileExtension || url.pathExtension == FeatureFileFormat.vgg.fileExtension
  }

  /// Feature file (`.lfeat` or VGG text, by content) or image.
  public func features(_ url: URL) throws -> FeatureSet {
    try read(url).features
  }

  /// One input read: its features and, when it is an image, the decoded image, so that
  /// alignment and view synthesis do not decode it again.
  func read(_ url: URL) throws -> (features: FeatureSet, image: GrayImage?) {
    if Self.isFeatureFile(url) { return (try FeatureFile.read(from: url), nil) }
    let image = try GrayImage(contentsOf: url)
    return (try extractor.extract(from: image, file: url), image)
  }

  public func verify(_ a: URL, _ b: URL) throws -> Outcome {
    let inputA = try read(a), inputB = try read(b)
    let prepared = try alignmentImages((a.path, inputA.features, inputA.image), (b.path, inputB.features, inputB.image))
    var outcome = verify(inputA.features, inputB.features, images: prepared.images)
    outcome.unaligned = prepared.unaligned
    outcome.seconds += prepared.seconds
    return outcome
  }

  /// Both sides' images prepared for alignment, and the seconds their preparation took
  /// (verification times include it; reading them is not counted, as reading features is
  /// not); nil when alignment is off, or, unless `requiresImages`, when one cannot be read
  /// (then with the reason). Each side: the name of its input, its features, and its image
  /// when the input was one (otherwise the source its features record is read).
  func alignmentImages(_ a: (input: String, features: FeatureSet, image: GrayImage?),
                       _ b: (input: String, features: FeatureSet, image: GrayImage?))
    throws -> (images: (a: AlignmentPyramid, b: AlignmentPyramid)?, unaligned: String?, seconds: Double) {
    guard alignment != nil else { return (nil, nil, 0) }
    do {
      let imageA = try a.image ?? Self.sourceImage(of: a.features, input: a.input)
      let imageB = try b.image ?? Self.sourceImage(of: b.features, input: b.input)
      // Reading the images is input, like reading the features; preparing them is alignment.
      let start = DispatchTime.now().uptimeNanoseconds
      let images = (AlignmentPyramid(imageA), AlignmentPyramid(imageB))
      return (images, nil, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    } catch {
      if requiresImages { throw error }
      return (nil, "not aligned: \(error)", 0)
    }
  }

  /// Ratio-test correspondences between two feature sets, then the verifier. With `images`
  /// (the images the sets were found on, prepared by `AlignmentPyramid`) and `alignment`,
  /// each correspondence's A region is first aligned onto its B region.
  public func verify(_ fa: FeatureSet, _ fb: FeatureSet, images: (a: AlignmentPyramid, b: AlignmentPyramid)? = nil) -> Outcome {
    let start = DispatchTime.now().uptimeNanoseconds
    var correspondences = TentativeCorrespondences.ratioTest(fa, fb, ratio: ratio, separation: separation, mutual: mutual)
    var fa = fa, aligned = 0, guidedCount = 0
    if let alignment, let images {
      aligned = alignment.align(correspondences, of: &fa, in: images.a, to: fb, in: images.b).filter { $0 }.count
    }
    let framesB = fb.regions.map(LocalFrame.init)
    let size = Double(Swift.max(fa.imageWidth, fa.imageHeight, fb.imageWidth, fb.imageHeight, 1))
    var result = verifier.verify(correspondences, framesA: fa.regions.map(LocalFrame.init), framesB: framesB, imageSize: size)
    if let guided, let alignment, let images, result.inlierCount >= guidedMinimumInliers {
      let verified = correspondences.count
      for _ in 0..<guidedRounds {
        guard let h = result.bFromA else { break }
        // Only matches whose patches align are added: guidance admits near rivals the ratio
        // test kept out, and the correlation of the aligned patches tells them apart.
        let found = guided.correspondences(fa, fb, bFromA: h, excluding: Set(correspondences.map(\.a)))
        var widened = fa
        let passed = alignment.align(found, of: &widened, in: images.a, to: fb, in: images.b)
        let added = found.indices.filter { passed[$0] }.map { found[$0] }
        guard !added.isEmpty, let (map, within) = HomographyFit.reestimated(
          h, correspondences + added, framesA: widened.regions.map(LocalFrame.init), framesB: framesB,
          tolerance: fit.tolerance, precision: fit.precision, localAffinities: fit.localAffinities) else { break }
        // Only now are they kept: the result must judge every correspondence it is reported with.
        correspondences += added
        fa = widened
        aligned += added.count
        result = result.extended(to: correspondences.count, verified: verified, within: within, bFromA: map)
      }
      guidedCount = correspondences.count - verified
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return Outcome(a: fa, b: fb, correspondences: correspondences, result: result, seconds: seconds, aligned: aligned,
                   guided: guidedCount)
  }

  /// Verifies every pair of `list` on all cores, each image's features read once by
  /// `features(name)`; with `alignment`, each pair's images are the sources its feature
  /// sets record. Results are in the list's order; a pair whose features cannot be read
  /// fails alone (its error names the image), the others go on.
  public func verify(_ list: ImagePairList, features: @Sendable (String) throws -> FeatureSet) -> [Result<Outcome, Error>] {
    let names = Array(Set(list.pairs.flatMap { [$0.first, $0.second] })).sorted()
    let loaded = ResultSlots<FeatureSet>(count: names.count)
    DispatchQueue.concurrentPerform(iterations: names.count) { i in
      loaded.set(i, Result { try features(names[i]) })
    }
    let byName = Dictionary(uniqueKeysWithValues: zip(names, loaded.values))
    let outcomes = ResultSlots<Outcome>(count: list.pairs.count)
    DispatchQueue.concurrentPerform(iterations: list.pairs.count) { k in
      let pair = list.pairs[k]
      outcomes.set(k, Result {
        let a = try byName[pair.first]!.get(), b = try byName[pair.second]!.get()
        // Each pair's images are read for it alone: a list over thousands of images cannot
        // keep every image's pyramid in memory.
        let prepared = try alignmentImages((pair.first, a, nil), (pair.second, b, nil))
        var outcome = verify(a, b, images: prepared.images)
        outcome.unaligned = prepared.unaligned
        outcome.seconds += prepared.seconds
        return outcome
      })
    }
    return outcomes.values
  }

  /// Both images side by side with inlier correspondences as lines (green) and the other
  /// tentative ones as short red marks.
  public static func drawing(_ outcome: Outcome, imageA: GrayImage, imageB: GrayImage) -> RGBImage {
    var canvas = RGBImage(width: imageA.width + imageB.width, height: Swift.max(imageA.height, imageB.height))
    canvas.paste(RGBImage(gray: imageA), atX: 0, y: 0)
    canvas.paste(RGBImage(gray: imageB), atX: imageA.width, y: 0)
    let offset = Double(imageA.width)
    for (k, c) in outcome.correspondences.enumerated() {
      let p = outcome.a.regions[Int(c.a)], q = outcome.b.regions[Int(c.b)]
      if outcome.result.inliers[k] {
        canvas.drawLine(from: (p.x, p.y), to: (q.x + offset, q.y), color: (40, 230, 40))
      } else {
        canvas.drawLine(from: (p.x - 2, p.y), to: (p.x + 2, p.y), color: (230, 40, 40))
      }
    }
    return canvas
  }
}

/// One result slot per task of a concurrent loop, each written once by its own task.
final class ResultSlots<Value>: @unchecked Sendable {
  private var slots: [Result<Value, Error>?]
  private let lock = NSLock()

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ result: Result<Value, Error>) {
    lock.lock()
    slots[index] = result
    lock.unlock()
  }

  /// Every slot's result (all must have been set).
  var values: [Result<Value, Error>] { slots.map { $0! } }
}
