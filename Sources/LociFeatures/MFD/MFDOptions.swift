/// Parameters of the medial feature detector (Avrithis & Rapantzikos, ICCV 2011).
/// Each default is marked [V-doc] (stated in the paper) or [R] (reconstructed);
/// the reconstructed values were chosen on the Oxford affine benchmark (docs/benchmarks.md,
/// "MFD variants"), not from the paper, whose full text could not be obtained.
public struct MFDOptions: Sendable, Equatable {
  /// Order in which neighbouring basins are merged (S6). `.saddle` measured 10 points
  /// better than `.relativeSaddle` (40.2 % vs 29.9 %).
  public enum MergeOrder: String, Sendable, CaseIterable {
    /// Saddle height σ descending: the widest / weakest separations first [R].
    case saddle
    /// σ / min(ρ_A, ρ_B) descending: necks wide relative to the smaller part first [R].
    case relativeSaddle
  }

  /// Gaussian σ (px) of the gradient whose magnitude is the boundary strength (S1) [R].
  /// 1.5 beat the notes' 1.0 (41.1 % vs 40.2 % repeatability, docs/benchmarks.md sweep).
  public var gradientSigma: Float = 1.5
  /// Gradients are normalised by this quantile and clipped at 1 (S1) [R]. The notes' 99.5 %
  /// leaves almost every real edge well above height 0, so F = r/(r + h_edge) stays small
  /// and only 6–20 regions per image pass (24.4 % repeatability); saturating the strongest
  /// 10 % of pixels measured best (0.8: 34.3 %, 0.9: 40.2 %, 0.95: 38.8 %).
  public var gradientQuantile: Float = 0.9
  /// Height scale β (px): a pixel with no gradient is a source β px "above" a strong
  /// edge (S1) [R]. A fixed number of pixels, the same at every scale level, so that each
  /// level runs the very same detector and the pyramid stays scale-covariant; the notes'
  /// image-size rule (0.25·min(W, H) ≤ 255) changed β from level to level. With the pyramid,
  /// 32 measured best: 57.1 % against 56.5 % for 48, 55.5 % for 64 and 57.1 % for 24 (with
  /// fewer regions on graf; `loci-bench mfd-sweep` over the 40 Oxford pairs).
  public var heightScale: Float = 32
  /// Exponent γ of the height profile h = β·(1 − ĝ)^γ (S1); 1 is the notes' linear form [R]
  /// (γ = 2: 39.8 %, γ = 0.5: 38.8 %, both below γ = 1).
  public var heightExponent: Float = 1
  /// How basins are formed (S5): flooding in decreasing D (plateau-aware), or steepest
  /// ascent, which partitions 1.7× faster (raster passes only). With the F score flooding
  /// measured better (43.7 % vs 43.3 %); with the persistence-ratio score steepest ascent
  /// measures 44.1 % at 438 regions against flooding's 44.0 % at 445, so it is the default.
  public enum PartitionMethod: String, Sendable, CaseIterable {
    case flooding
    case steepestAscent
  }

  public var partitionMethod: PartitionMethod = .steepestAscent
  /// Partition levels per pixel of D (S5, flooding): pixels within one level are flooded
  /// breadth-first from the basins they touch. Coarser levels keep more of the flooding in
  /// raster order (cache-friendly) at the price of saddle heights quantised that finely.
  public var levelsPerPixel: Float = 32
  /// Medial residue threshold τ_r = max(absolute, relative·D(x)) (S3) [R]. The notes'
  /// max(3, 0.5·D) let the staircase of a digital circle through (chords of 3.2 px at D = 3);
  /// a true axis point has a residue of at least √2·D (a right-angled corner) and 2·D on a
  /// symmetric axis, so max(4, 1·D) keeps every real branch and drops those (MFDStageTests).
  /// The axis is a diagnostic output: partition and selection do not depend on it.
  public var residueAbsolute: Float = 4
  public var residueRelative: Float = 1
  /// Merge order of the bottom-up grouping (S6).
  public var mergeOrder: MergeOrder = .saddle
  /// What S7 ranks and thresholds [R]. `.persistenceRatio` beat the notes' F at every
  /// feature count measured (`loci-bench mfd-sweep`, Oxford affine): at threshold 0.15 44.0 % at 445
  /// regions/image against 43.7 % at 413; at 0.4 50.4 % at 97 against 44.8 % at 77.
  public enum ScoreKind: String, Sendable, CaseIterable {
    /// F = (σ_in − σ_out)/ρ, the notes' shape fragmentation factor.
    case fragmentation
    /// 1 − σ_out/ρ: enclosure alone, ignoring internal necks. It grows towards the root, so
    /// with local maxima only nothing is selected (measured: 0 regions); kept for the record.
    case enclosure
    /// 1 − σ_out/σ_in: how long the region persists relative to its own weakest inner pass,
    /// a scale-free persistence (the depth ρ of the peak no longer dilutes it).
    case persistenceRatio
  }

  public var scoreKind: ScoreKind = .persistenceRatio
  /// Minimum selection score, of `scoreKind` (S7) [R]. The default is chosen for retrieval,
  /// the task `featurize` serves: on the SMVS phone-photo benchmark (DVD covers against
  /// 1,432 database images; docs/benchmarks.md) 0.15 with `minArea` 50 gives ~340 regions
  /// per database image and ~850 per 1024-px photo, and ASMK* mAP 94.0 at 1,024 words
  /// against 89.5 for the repeatability setting (79 and 215 regions), 94.5 for 0.2 (231 and
  /// 578) and 89.9 for 0.1 with `minArea` 30 (598 and 1,478). Oxford repeatability rewards
  /// fewer regions: `MFDOptions.repeatability` (0.275, area 150, at most 1,000) measured
  /// 59.4 % at ~277 regions per image there.
  public var minScore: Double = 0.15
  /// Peaks at or above this fraction of β are plateaus of flat image areas, not enclosed
  /// blobs; their basins are not selected on their own (§3.5 fix 1) [R].
  public var plateauFraction: Double = 0.95
  /// Select only nodes whose score is a local maximum against parent and children (S7) [R];
  /// when false every node scoring at least `minScore` is a candidate (nested regions, as MSER).
  public var localMaximaOnly = true
  /// In the local-maximum test, compare only with parent and children that could be selected
  /// themselves [R].
  public var eligibleNeighboursOnly = true
  /// Drop regions touching the image border (S7) [R]; measured equal either way (40.3 vs 40.2 %).
  public var excludeBorder = true
  /// Region area limits: at least `minArea` px², at most `maxAreaFraction` of the image [R],
  /// both in the pixels of the level a region is found at. With the scale levels 150 measured
  /// best: 57.7 % at 247 regions against 57.1 % at 299 for 100 and 55.9 % at 263 for 200
  /// (with a lower threshold; `MFDOptions.repeatability` keeps it); the single-scale default
  /// was 40. For retrieval 50 (see `minScore`): small print and texture on covers and
  /// façades are what distinguishes one object from another.
  public var minArea: Double = 50
  public var maxAreaFraction: Double = 0.5
  /// At most this many regions, the highest score first (S7) [R], over all scale levels.
  public var maxFeatures: Int = 3000
  /// `detect(in:)` runs on a copy resized by this factor (≤ 1) and maps the regions back;
  /// areas, σ and β then count working pixels. 1 = full resolution. `analyse` always works
  /// on the image it is given. With several `scaleLevels` this is the first level's factor.
  public var workingScale: Double = 1
  /// Scale levels of `detect(in:)` (not in the paper's description, which detects at one
  /// scale "without scale space construction"): the detector runs unchanged on the image and
  /// on copies shrunk by `scaleStep`, `scaleStep²`, …, and the regions of every level are
  /// reported in the input's coordinates, strongest first.
  ///
  /// Why: D adds Euclidean distances (which scale with the image) to heights β·(1 − ĝ)
  /// (which do not), and σ_g is fixed in pixels, so a single-scale MFD is not scale-covariant.
  /// On boat img1 shrunk synthetically by 0.9…0.5 one level kept 46 % of its regions against
  /// MSER's 63 %. Over the 40 Oxford pairs, 6 levels of √½ took the detector from 44.1 % at
  /// 438 regions per image to 57.8 % at 250 (`loci-bench mfd-sweep`); 9 levels of ∛½
  /// (below) reach 59.4 % at 277 and 60.7 % at 238 (minScore 0.3), against MSER's 56.7–61.7 %
  /// at 228–301 ("Third-octave scale levels"). The levels' areas add up to 1/(1 − ∛¼) ≈ 2.7 times the first
  /// level's (2 for √½).
  ///
  /// 9 levels of ∛½ end at 0.157, just below where 6 of √½ ended (0.177), so the scale range
  /// covered is unchanged; at minScore 0.3, 8 levels (ending at 0.198) measured 59.9 % at 237
  /// and 7 levels 58.8 % at 234 (the coarsest levels carry bark's 1-5 and 1-6 pairs, zoomed ×3–4).
  public var scaleLevels: Int = 9
  /// Factor between consecutive levels, in (0, 1). Third-octave steps (∛½) measured best
  /// ("Third-octave scale levels", each at the minScore that keeps ~240 regions per image): 60.7 % against
  /// 57.8 % for half-octave steps (√½) and 58.8 % for quarter-octave steps (⁴√½, 250
  /// regions, 3.4× the first level's work); 0.6 measured 52.2 % ("MFD and WaSH over scale levels"). Much of the gain
  /// is twins: a finer step finds a blob at two neighbouring levels more often, and twins
  /// repeat together (removing cross-level repeats cost 2.8 points), while
  /// retrieval gains nothing from them (see `minScore`). Cost: 1.43–1.53× the √½ pyramid's
  /// detection time (1.35× the pixels; the extra levels are small images with fixed costs).
  public var scaleStep: Double = 0.7937005259840998  // ∛½ = 2^(−1/3)

  public init() {}

  /// The setting tuned for Oxford affine repeatability (fewer, more stable regions):
  /// `minScore` 0.275, `minArea` 150, at most 1,000 regions; 59.4 % mean repeatability and
  /// 50.2 % matching score at ~277 regions per Oxford image. `featurize --detector-option
  /// minScore=0.275 --detector-option minArea=150 --detector-option maxFeatures=1000`.
  public static var repeatability: MFDOptions {
    var o = MFDOptions()
    o.minScore = 0.275
    o.minArea = 150
    o.maxFeatures = 1000
    return o
  }

}
