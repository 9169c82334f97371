import Foundation
import LociImage

/// MFD: the medial feature detector (Avrithis & Rapantzikos, "The Medial Feature Detector:
/// Stable Regions from Image Boundaries", ICCV 2011), in Swift.
///
/// Pipeline: boundary heights from the gradient (S1) → additively
/// weighted Euclidean distance map with sources (S2) → weighted medial axis by residues
/// (S3) → partition into basins seeded at distance peaks, saddles on the axis (S4–S5) →
/// greedy bottom-up merging (S6) → selection by the shape fragmentation factor (S7) →
/// moment ellipses S = 4Σ (S8). Every stage's result is reachable through `analyse(_:)`;
/// `analyse(binaryBoundary:…)` is the binary-image mode (exact Euclidean distance).
/// `detect(in:)` returns the same regions without computing the medial axis, which in this
/// reconstruction is a diagnostic: the partition is built from D directly, and it runs over
/// `MFDOptions.scaleLevels` (a pyramid the paper does not use; chosen on the benchmark).
public struct MFDDetector: Detector {
  public var options: MFDOptions
  /// Cores one `detect` may use for its scale levels (0: all; 1: the caller's only, as
  /// `featurize` sets it, since it already runs one image per core). Not a detection
  /// parameter: the regions are the same for any value.
  public var threads: Int

  public init(options: MFDOptions = MFDOptions()) { self.init(options: options, threads: 0) }

  public init(options: MFDOptions = MFDOptions(), threads: Int) {
    self.options = options
    self.threads = threads
  }

  public var name: String { "mfd" }
  public var parameters: String {
    let o = options
    return "gradientSigma=\(o.gradientSigma) quantile=\(o.gradientQuantile) beta=\(o.heightScale) "
      + "residue=\(o.residueAbsolute),\(o.residueRelative) merge=\(o.mergeOrder.rawValue) partition=\(o.partitionMethod.rawValue) levels=\(o.levelsPerPixel) "
      + "gamma=\(o.heightExponent) localMaxima=\(o.localMaximaOnly) excludeBorder=\(o.excludeBorder) "
      + "score=\(o.scoreKind.rawValue) minScore=\(o.minScore) plateau=\(o.plateauFraction) minArea=\(o.minArea) "
      + "maxAreaFraction=\(o.maxAreaFraction) maxFeatures=\(o.maxFeatures)"
      + " scaleLevels=\(o.scaleLevels) scaleStep=\(o.scaleStep)"
      + (o.workingScale < 1 ? " workingScale=\(o.workingScale)" : "")
  }

  /// The intermediate results of one detection.
  package struct Analysis: Sendable {
    /// Source heights h (S1); 0 / +∞ in binary mode.
    package var heights: [Float]
    package var distance: DistanceMap
    package var medialAxis: MedialAxis
    package var partition: MedialPartition
    package var tree: MedialMergeTree
    /// The selected tree nodes, best first, and their ellipses.
    package var selected: [Int]
    package var regions: [AffineRegion]
    /// Seconds in distance, medial axis, partition, merging + selection.
    package var timings: (distance: Double, medial: Double, partition: Double, selection: Double)
  }

  /// The regions of every scale level (`MFDOptions.scaleLevels`), in the input's
  /// coordinates, strongest first. Each level runs the same stages as `analyse` except the
  /// medial axis, which is a diagnostic output (partition and selection do not read it) and
  /// about 15 % of the time; with one level at full resolution the result is exactly
  /// `analyse(image).regions`.
  public func detect(in image: GrayImage) throws -> [AffineRegion] {
    try ScaleLevelDetection.detect(in: image, levels: options.scaleLevels, first: options.workingScale,
                                   step: options.scaleStep, maxFeatures: options.maxFeatures, threads: threads,
                                   level: { [self] in regions(of: $0) })
  }

  /// Grey-image mode: heights from the gradient, weighted distance by source propagation.
  package func analyse(_ image: GrayImage) -> Analysis {
    let t0 = DispatchTime.now().uptimeNanoseconds
    let (heights, map, plateauHeight) = distanceMap(of: image)
    return finish(heights: heights, map: map, plateauHeight: plateauHeight, start: t0)
  }

  private func regions(of image: GrayImage) -> [AffineRegion] {
    let (_, map, plateauHeight) = distanceMap(of: image)
    return selectRegions(in: partition(of: map), map: map, plateauHeight: plateauHeight).regions
  }

  /// S1–S2: heights, the weighted distance map, and the plateau height of S7.
  private func distanceMap(of image: GrayImage) -> (heights: [Float], map: DistanceMap, plateauHeight: Float) {
    let beta = options.heightScale
    let heights = BoundaryStrength.heights(of: image, sigma: options.gradientSigma, quantile: options.gradientQuantile,
                                           heightScale: beta, exponent: options.heightExponent)
    let map = WeightedDistanceTransform.compute(heights: heights, width: image.width, height: image.height)
    return (heights, map, Float(options.plateauFraction) * beta)
  }

  /// Binary-image mode: `boundary` marks boundary pixels (row-major); the exact Euclidean
  /// distance transform replaces the weighted one and the medial axis is sub-pixel.
  package func analyse(binaryBoundary boundary: [Bool], width: Int, height: Int) -> Analysis {
    let t0 = DispatchTime.now().uptimeNanoseconds
    let map = EuclideanDistanceTransform.compute(boundary: boundary, width: width, height: height)
    return finish(heights: map.sourceHeight, map: map, plateauHeight: .infinity, start: t0)
  }

  private func finish(heights: [Float], map: DistanceMap, plateauHeight: Float, start t0: UInt64) -> Analysis {
    let t1 = DispatchTime.now().uptimeNanoseconds
    let axis = MedialAxis(map: map, absoluteThreshold: options.residueAbsolute,
                          relativeThreshold: options.residueRelative)
    let t2 = DispatchTime.now().uptimeNanoseconds
    let basins = partition(of: map)
    let t3 = DispatchTime.now().uptimeNanoseconds
    let (tree, selected, regions) = selectRegions(in: basins, map: map, plateauHeight: plateauHeight)
    let t4 = DispatchTime.now().uptimeNanoseconds
    func seconds(_ a: UInt64, _ b: UInt64) -> Double { Double(b - a) / 1e9 }
    return Analysis(heights: heights, distance: map, medialAxis: axis, partition: basins, tree: tree,
                    selected: selected, regions: regions,
                    timings: (seconds(t0, t1), seconds(t1, t2), seconds(t2, t3), seconds(t3, t4)))
  }

  /// S4–S5.
  private func partition(of map: DistanceMap) -> MedialPartition {
    options.partitionMethod == .flooding
      ? MedialPartition(map: map, levelsPerPixel: options.levelsPerPixel) : MedialPartition(steepestAscentOf: map)
  }

  /// S6–S8: the merge tree, the selected nodes (best first) and their moment ellipses.
  private func selectRegions(in partition: MedialPartition, map: DistanceMap, plateauHeight: Float)
    -> (tree: MedialMergeTree, selected: [Int], regions: [AffineRegion]) {
    let tree = MedialMergeTree(partition: partition, order: options.mergeOrder)
    let selected = tree.select(options: options, imageArea: Double(map.width * map.height), plateauHeight: plateauHeight)
    let regions = selected.compactMap { i in
      AffineRegion(momentsCentre: tree.nodes[i].moments.centre, covariance: tree.nodes[i].moments.covariance,
                   response: tree.nodes[i].score)
    }
    return (tree, selected, regions)
  }
}
