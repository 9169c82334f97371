/// Parameters of the WαSH detector (Varytimidis, Rapantzikos, Avrithis, ECCV 2012; the
/// dithering sampling of ACCV 2014). Each default is marked
/// ([V-doc] stated in the papers, [M] recalled, [R] reconstructed, [P] prototyped); reconstructed values
/// were checked on the Oxford affine benchmark (docs/benchmarks.md).
public struct WaSHOptions: Sendable, Equatable {
  public enum Sampling: String, Sendable, CaseIterable {
    /// Canny edges sampled every `edgeStep` pixels (ECCV'12) [M structure, R constants].
    case edges
    /// Floyd–Steinberg error diffusion on ĝ^γ (ACCV'14) [V-doc concept, R specifics].
    case dither
  }

  public enum Stability: String, Sendable, CaseIterable {
    /// MSER-like relative area change over a factor δ in α (scale invariant) [R].
    case areaVariation
    /// (α_birth − α_death) / area: persistence across the filtration [R].
    case persistence
  }

  /// Dithering by default: on the Oxford affine benchmark it beat edge sampling at every
  /// setting tried (48.9 % vs 38.4 % mean repeatability at q ≤ 0.5; docs/benchmarks.md).
  public var sampling: Sampling = .dither
  /// Gaussian σ (px) of the gradient [R]. 2 measured better than 1 (+3 to +8 points of
  /// repeatability at equal settings).
  public var gradientSigma: Float = 2.0
  /// Canny high threshold: the fraction of pixels below it (MATLAB's 70 % rule) [V-doc/R].
  public var cannyHighQuantile: Float = 0.7
  /// Canny low threshold as a fraction of the high one [V-doc/R].
  public var cannyLowRatio: Float = 0.4
  /// Spacing of edge samples along edges (px) [M fixed step / R value].
  public var edgeStep: Double = 3
  /// Dithering: exponent γ of f = ĝ^γ and the number of samples per pixel [R/P].
  /// γ = 2 [P]: γ = 1 lost 13 points (samples spread onto flat background). Density 0.08
  /// (the notes' 0.02 [R] and the Oxford setting's 0.04 give too few regions for retrieval
  /// and matching; see `maxInstability`).
  public var ditherGamma: Float = 2
  public var ditherDensity: Double = 0.08
  /// Weight w = (κ·ℓ·ĝ)², ℓ the local sample spacing [V-doc "gradient strength" / R formula].
  public var weightFactor: Double = 0.5
  public var stability: Stability = .areaVariation
  /// δ of the area-variation measure, on α (δ = 2 is √2 in length) [R].
  public var stabilityDelta: Double = 2
  /// Keep regions whose instability is at most this [R]. 0.25 (the notes' [P] value) left
  /// ~30 regions per Oxford image; single-scale, 1.0 kept ~150 at 43.9 % mean repeatability.
  /// With the scale levels 0.8 keeps ~150 (56.2 %); 0.6 keeps ~100 (57.3 %): the Oxford
  /// setting (`repeatability`). The defaults (density 0.08, instability 3, area 60) are
  /// chosen on the tasks instead: SMVS retrieval with distractors 97.75 mAP with RANSAC
  /// against 79.09 for the Oxford setting (340 regions per database image against 49), and
  /// 19 of 20 wide-baseline pairs against 14 (`bench/wide_baseline.py`); area 30 retrieved
  /// 97.97 but solved 18. Above 1.5 the instability bound no longer changed the regions
  /// on the wide-baseline images.
  public var maxInstability: Double = 3
  /// Region area bounds: pixels of the level a region is found at, and a fraction of the
  /// image [R]. 60 by default (see `maxInstability`); for Oxford repeatability 150 measured
  /// best (56.2 % against 54.1 % for 100 at maxInstability 0.7).
  public var minArea: Double = 60
  public var maxAreaFraction: Double = 0.25
  /// At most this many regions, most stable first [R], over all scale levels.
  public var maxFeatures: Int = 1000
  /// Scale levels of `detect(in:)` (not in the papers): the detector runs unchanged on the
  /// image and on copies shrunk by `scaleStep`, `scaleStep²`, …, and the regions of all
  /// levels are reported in the input's coordinates, most stable first. The sampling density,
  /// σ_g and the area bounds are fixed in pixels, so one level is not scale-covariant.
  /// 6 levels of √½ took the 40 Oxford pairs from 43.9 % at 148 regions per image to 56.2 %
  /// at 154, above MSER's 55.2 % at 161 (`loci-bench wash-sweep`; docs/benchmarks.md, "Detectors"), for about twice
  /// the time (the level areas add up to 1 + ½ + ¼ + … < 2).
  public var scaleLevels: Int = 6
  /// Factor between consecutive levels, in (0, 1).
  public var scaleStep: Double = 0.5.squareRoot()
  /// The first level's factor (≤ 1). Starting at √½ halves the time but measured 53.2 % at
  /// 69 regions: the full-resolution level carries most regions.
  public var workingScale: Double = 1

  public init() {}

  /// The setting tuned for Oxford affine repeatability (fewer, more stable regions): dither
  /// density 0.04, instability at most 0.8, area at least 150; 56.2 % mean repeatability at
  /// 154 regions per image, but 79.09 mAP on SMVS and 14 of 20 wide-baseline pairs.
  public static var repeatability: WaSHOptions {
    var o = WaSHOptions()
    o.ditherDensity = 0.04
    o.maxInstability = 0.8
    o.minArea = 150
    return o
  }
}
