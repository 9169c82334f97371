import Foundation
import LociImage

/// WαSH: regions from the weighted α-shapes of sampled image boundaries (Varytimidis,
/// Rapantzikos, Avrithis, ECCV 2012), in Swift over CGAL's weighted alpha filtration.
///
/// Pipeline: boundary samples (Canny edges thinned to a step, or
/// dithering) → weights from gradient strength → regular triangulation and α-filtration
/// (CGAL) → component tree of the empty space, α decreasing → shape-stability selection →
/// second-moment ellipses. Every stage is reachable through `analyse(_:)` for debugging.
public struct WaSHDetector: Detector {
  public var options: WaSHOptions

  public init(options: WaSHOptions = WaSHOptions()) { self.options = options }

  public var name: String { "wash" }
  public var parameters: String {
    let o = options
    return "sampling=\(o.sampling.rawValue) gradientSigma=\(o.gradientSigma) step=\(o.edgeStep) "
      + "ditherDensity=\(o.ditherDensity) gamma=\(o.ditherGamma) weight=\(o.weightFactor) "
      + "stability=\(o.stability.rawValue) delta=\(o.stabilityDelta) maxInstability=\(o.maxInstability) "
      + "minArea=\(o.minArea) maxAreaFraction=\(o.maxAreaFraction) maxFeatures=\(o.maxFeatures) "
      + "scaleLevels=\(o.scaleLevels) scaleStep=\(o.scaleStep) workingScale=\(o.workingScale)"
  }

  /// The intermediate results of one detection.
  package struct Analysis: Sendable {
    package var samples: [WeightedPoint]
    package var filtration: WeightedAlphaFiltration
    package var tree: AlphaComponentTree
    package var regions: [AffineRegion]
    /// Seconds spent in sampling, in CGAL, and in the tree plus selection.
    package var timings: (sampling: Double, triangulation: Double, selection: Double)
  }

  /// The regions of every scale level (`WaSHOptions.scaleLevels`) in the input's coordinates;
  /// with one level, exactly `analyse(image).regions`.
  public func detect(in image: GrayImage) throws -> [AffineRegion] {
    try ScaleLevelDetection.detect(in: image, levels: options.scaleLevels, first: options.workingScale, step: options.scaleStep,
                                   maxFeatures: options.maxFeatures) { try analyse($0).regions }
  }

  package func analyse(_ image: GrayImage) throws -> Analysis {
    let t0 = DispatchTime.now().uptimeNanoseconds
    let samples = weightedSamples(image)
    let t1 = DispatchTime.now().uptimeNanoseconds
    let filtration = try WeightedAlphaFiltration(points: samples)
    let t2 = DispatchTime.now().uptimeNanoseconds
    let tree = AlphaComponentTree(filtration: filtration, points: samples)
    let regions = select(tree, imageArea: Double(image.pixelCount))
    let t3 = DispatchTime.now().uptimeNanoseconds
    return Analysis(samples: samples, filtration: filtration, tree: tree, regions: regions,
                    timings: (Double(t1 - t0) / 1e9, Double(t2 - t1) / 1e9, Double(t3 - t2) / 1e9))
  }

  /// S0–S2: sample the boundaries and weight each sample w = (κ·ℓ·ĝ)², with ℓ the distance to
  /// its nearest fellow sample (= the step for edge sampling). Since w ∝ ℓ², α scales with
  /// image scale² — needed for scale covariance.
  package func weightedSamples(_ image: GrayImage) -> [WeightedPoint] {
    guard image.width >= 3, image.height >= 3 else { return [] }
    let (magnitude, gradient) = Self.normalisedGradient(image, sigma: options.gradientSigma)
    let pixels: [(Int, Int)]
    switch options.sampling {
    case .edges:
      let edges = Self.cannyEdges(width: image.width, height: image.height, magnitude: magnitude, gradient: gradient,
                                  highQuantile: options.cannyHighQuantile, lowRatio: options.cannyLowRatio)
      pixels = Self.sampleEdges(width: image.width, height: image.height, edges: edges, magnitude: magnitude,
                                step: options.edgeStep)
    case .dither:
      pixels = Self.dither(width: image.width, height: image.height, magnitude: magnitude, gamma: options.ditherGamma,
                           count: options.ditherDensity * Double(image.pixelCount))
    }
    // Local spacing ℓ: nearest-neighbour distance (capped at 4 steps for isolated samples).
    let reach = options.sampling == .edges ? options.edgeStep : (1 / options.ditherDensity).squareRoot()
    var grid = SpacingGrid(width: image.width, height: image.height, radius: reach)
    for (x, y) in pixels { grid.insert(Double(x), Double(y)) }
    return pixels.map { x, y in
      let spacing = Swift.min(grid.nearestDistance(Double(x), Double(y), excludingSelf: true), 4 * reach)
      let g = Double(magnitude[y * image.width + x])
      let w = options.weightFactor * spacing * g
      let (jx, jy) = Self.jitter(x, y)
      return WeightedPoint(x: Double(x) + jx, y: Double(y) + jy, weight: w * w)
    }
  }
}
