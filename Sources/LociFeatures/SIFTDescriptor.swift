import Foundation
import LociImage

/// Options of the SIFT/RootSIFT descriptor on affine-normalised patches.
public struct SIFTDescriptorOptions: Sendable, Equatable {
  /// Output RootSIFT (√ of L1-normalised SIFT) instead of plain SIFT.
  public var rootSIFT: Bool = true
  /// The measurement region is the detection ellipse magnified by this factor (the
  /// Mikolajczyk/VGG convention is 3; with a SIFT circle of radius 2σ this is SIFT's 12σ-wide
  /// window).
  public var magnification: Double = 3
  /// The normalised patch is (2R + 1)² pixels: 21×21, 5×5-pixel spatial bins. Chosen on
  /// Oxford affine pairs (docs/benchmarks.md, "descriptor options"): R = 10 matched R = 12
  /// and 16 in matching score at half the time of R = 12.
  public var patchRadius: Int = 10
  /// Gaussian smoothing applied before gradients, as a fraction of the region's scale
  /// (equal-area radius): 0.5 matches SIFT, which takes gradients at the keypoint's σ = r/2,
  /// and measured best for RootSIFT on graf/boat/bikes 1→4 (0.35 and 0.65 were tried).
  public var smoothing: Double = 0.5
  /// Estimate a dominant orientation for regions that have none (otherwise angle 0).
  public var estimateOrientation: Bool = true
  /// Up to this many orientations per unoriented region (Lowe's peaks ≥ 80 % of the
  /// maximum); each extra orientation duplicates the region.
  public var maxOrientations: Int = 1
  /// Lowe's clipping of normalised histogram entries.
  public var clipping: Float = 0.2

  public init() {}

  public var kind: DescriptorKind { rootSIFT ? .rootsift : .sift }
}

/// SIFT (Lowe 2004) computed in Swift on the affine-normalised patch of each region: the
/// ellipse is mapped onto a circle, the patch rotated to the region's orientation (estimated
/// from a 36-bin gradient histogram when missing), and a 4×4×8 histogram of gradient
/// orientations built with trilinear interpolation and a Gaussian window.
public struct SIFTDescriptorExtractor: Sendable {
  public static let dimension = 128
  public var options: SIFTDescriptorOptions

  public init(options: SIFTDescriptorOptions = SIFTDescriptorOptions()) { self.options = options }

  /// Descriptors of `regions` in `image`. The returned regions carry the orientation used
  /// (and are duplicated when several orientations are kept); descriptors are row-major,
  /// `result.regions.count × 128`.
  public func describe(_ regions: [AffineRegion], in image: GrayImage)
    -> (regions: [AffineRegion], descriptors: [Float])
  {
    var pyramid = ScaleSpacePyramid(image)
    var scratch = PatchScratch(radius: options.patchRadius, options: options)
    var outRegions: [AffineRegion] = []
    var out: [Float] = []
    outRegions.reserveCapacity(regions.count)
    out.reserveCapacity(regions.count * Self.dimension)
    var histogram = [Float](repeating: 0, count: Self.dimension)
    for region in regions where region.shape.isPositiveDefinite && region.x.isFinite && region.y.isFinite {
      var angles: [Double]
      if let angle = region.angle {
        angles = [angle]
      } else if options.estimateOrientation {
        extractPatch(region, angle: 0, pyramid: &pyramid, scratch: &scratch)
        angles = dominantOrientations(scratch)
      } else {
        angles = [0]
      }
      for angle in angles {
        extractPatch(region, angle: angle, pyramid: &pyramid, scratch: &scratch)
        accumulateHistogram(scratch, into: &histogram)
        normalise(&histogram)
        var oriented = region
        oriented.angle = angle
        outRegions.append(oriented)
        out.append(contentsOf: histogram)
      }
    }
    return (outRegions, out)
  }

  // MARK: Patch extraction

  /// Samples the smoothed, normalised patch of `region` at `angle` into `scratch`
  /// (gradients included).
  private func extractPatch(_ region: AffineRegion, angle: Double, pyramid: inout ScaleSpacePyramid,
                            scratch: inout PatchScratch)
  {
    let radius = options.patchRadius
    let unit = Double(radius) / options.magnification  // patch pixels per unit of the frame
    var oriented = region
    oriented.angle = angle
    let frame = oriented.affineFrame
    let spacing = region.scale / unit  // image pixels per patch pixel
    let targetBlur = options.smoothing * region.scale  // image pixels
    // Sample from a level blurred to at most targetBlur/√2, so that the residual smoothing
    // (done on the patch) also hides bilinear interpolation kinks.
    let k = pyramid.level(forBlur: targetBlur / 2.0.squareRoot())
    let levelBlur = ScaleSpacePyramid.blur(ofLevel: k)
    let residual = Swift.max(0, targetBlur * targetBlur - levelBlur * levelBlur).squareRoot() / spacing
    scratch.prepare(residualBlur: Float(residual))
    let level = pyramid.levels[k]
    let toLevel = 1.0 / Double(1 << k)
    let margin = scratch.margin, side = scratch.side
    let a = frame.m11 / unit * toLevel, b = frame.m12 / unit * toLevel
    let c = frame.m21 / unit * toLevel, d = frame.m22 / unit * toLevel
    let cx = region.x * toLevel, cy = region.y * toLevel
    level.pixels.withUnsafeBufferPointer { p in
      scratch.raw.withUnsafeMutableBufferPointer { raw in
        let offset = Double(radius + margin)
        for row in 0..<side {
          let v = Double(row) - offset
          for col in 0..<side {
            let u = Double(col) - offset
            raw[row * side + col] = bilinear(p, level.width, level.height, Float(cx + a * u + b * v),
                                             Float(cy + c * u + d * v))
          }
        }
      }
    }
    scratch.smoothAndDifferentiate()
  }

  // MARK: Orientation

  /// Lowe's orientation assignment on the unrotated patch: 36-bin histogram of gradient
  /// angles weighted by magnitude and a Gaussian of σ = 1.5 × the smoothing scale, smoothed,
  /// peaks ≥ 0.8 × max refined by a parabola.
  private func dominantOrientations(_ scratch: PatchScratch) -> [Double] {
    let bins = 36
    var hist = [Float](repeating: 0, count: bins)
    let r = options.patchRadius, n = 2 * r + 1
    for row in 0..<n {
      for col in 0..<n {
        let gx = scratch.gx[row * n + col], gy = scratch.gy[row * n + col]
        let m = (gx * gx + gy * gy).squareRoot()
        guard m > 0 else { continue }
        let weight = m * scratch.orientationWindow[row * n + col]
        // Bin k is centred on angle k·10°; votes are split linearly between the two nearest.
        var o = atan2(gy, gx) / (2 * Float.pi) * Float(bins)
        if o < 0 { o += Float(bins) }
        let lower = o.rounded(.down)
        let f = o - lower
        let b = Int(lower) % bins
        hist[b] += weight * (1 - f)
        hist[(b + 1) % bins] += weight * f
      }
    }
    var smoothed = hist
    for i in 0..<bins {  // [1 4 6 4 1] / 16, circular
      smoothed[i] = (hist[(i + bins - 2) % bins] + hist[(i + 2) % bins]
        + 4 * (hist[(i + bins - 1) % bins] + hist[(i + 1) % bins]) + 6 * hist[i]) / 16
    }
    guard let peak = smoothed.max(), peak > 0 else { return [0] }
    var candidates: [(Float, Double)] = []
    for i in 0..<bins {
      let l = smoothed[(i + bins - 1) % bins], c = smoothed[i], rr = smoothed[(i + 1) % bins]
      guard c > l, c >= rr, c >= 0.8 * peak else { continue }
      let shift = 0.5 * (l - rr) / (l - 2 * c + rr)
      var angle = (Double(i) + Double(shift)) * 2 * Double.pi / Double(bins)
      if angle > Double.pi { angle -= 2 * Double.pi }
      candidates.append((c, angle))
    }
    candidates.sort { $0.0 > $1.0 }
    let kept = candidates.prefix(Swift.max(1, options.maxOrientations)).map { $0.1 }
    return kept.isEmpty ? [0] : kept
  }

  // MARK: Histogram

  /// The 4×4×8 histogram with trilinear interpolation; Gaussian window of σ = half the
  /// window width (Lowe 2004, §6.1).
  private func accumulateHistogram(_ scratch: PatchScratch, into hist: inout [Float]) {
    for i in hist.indices { hist[i] = 0 }
    let r = options.patchRadius, n = 2 * r + 1
    let binWidth = Float(n) / 4
    let orientationScale = Float(8) / (2 * Float.pi)
    scratch.descriptorWindow.withUnsafeBufferPointer { window in
    scratch.gx.withUnsafeBufferPointer { gxs in
      scratch.gy.withUnsafeBufferPointer { gys in
        hist.withUnsafeMutableBufferPointer { h in
          for row in 0..<n {
            let yb = (Float(row) + 0.5) / binWidth - 0.5
            let y0 = Int((yb).rounded(.down)), fy = yb - Float(y0)
            for col in 0..<n {
              let gx = gxs[row * n + col], gy = gys[row * n + col]
              let m = (gx * gx + gy * gy).squareRoot()
              if m == 0 { continue }
              let weight = m * window[row * n + col]
              let xb = (Float(col) + 0.5) / binWidth - 0.5
              let x0 = Int(xb.rounded(.down)), fx = xb - Float(x0)
              var ob = atan2(gy, gx) * orientationScale
              if ob < 0 { ob += 8 }
              let o0f = ob.rounded(.down)
              let fo = ob - o0f
              let o0 = Int(o0f) & 7, o1 = (o0 + 1) & 7
              for dy in 0..<2 {
                let yy = y0 + dy
                if yy < 0 || yy > 3 { continue }
                let wy = dy == 0 ? 1 - fy : fy
                for dx in 0..<2 {
                  let xx = x0 + dx
                  if xx < 0 || xx > 3 { continue }
                  let w = weight * wy * (dx == 0 ? 1 - fx : fx)
                  let base = (yy * 4 + xx) * 8
                  h[base + o0] += w * (1 - fo)
                  h[base + o1] += w * fo
                }
              }
            }
          }
        }
      }
    }
    }
  }

  /// L2-normalise, clip at `clipping`, renormalise; then RootSIFT if asked.
  private func normalise(_ hist: inout [Float]) {
    func l2normalise() {
      var sum: Float = 0
      for v in hist { sum += v * v }
      let inv = sum > 0 ? 1 / sum.squareRoot() : 0
      for i in hist.indices { hist[i] *= inv }
    }
    l2normalise()
    for i in hist.indices where hist[i] > options.clipping { hist[i] = options.clipping }
    l2normalise()
    if options.rootSIFT {
      var l1: Float = 0
      for v in hist { l1 += v }
      let inv = l1 > 0 ? 1 / l1 : 0
      for i in hist.indices { hist[i] = (hist[i] * inv).squareRoot() }
    }
  }
}

/// Reusable buffers of one patch: raw samples with a margin for smoothing, and the
/// gradients of the (2R + 1)² interior.
struct PatchScratch {
  let radius: Int
  private(set) var margin = 0
  private(set) var side = 0
  var raw: [Float] = []
  private var temp: [Float] = []
  private var kernel: [Float] = []
  var gx: [Float]
  var gy: [Float]

  /// Gaussian windows over the (2R + 1)² patch, computed once per `describe` call: the
  /// orientation window (σ = 1.5 × the smoothing scale, Lowe §5) and the descriptor window
  /// (σ = half the window width, Lowe §6.1).
  let orientationWindow: [Float]
  let descriptorWindow: [Float]

  init(radius: Int, options: SIFTDescriptorOptions) {
    self.radius = radius
    let n = 2 * radius + 1
    gx = [Float](repeating: 0, count: n * n)
    gy = [Float](repeating: 0, count: n * n)
    func window(sigma: Float) -> [Float] {
      (0..<(n * n)).map { i in
        let u = Float(i % n - radius), v = Float(i / n - radius)
        return Foundation.exp(-(u * u + v * v) / (2 * sigma * sigma))
      }
    }
    orientationWindow = window(sigma: Float(1.5 * options.smoothing * Double(radius) / options.magnification))
    descriptorWindow = window(sigma: Float(n) / 2)
  }

  /// Sizes the buffers for a residual blur of `sigma` patch pixels.
  mutating func prepare(residualBlur sigma: Float) {
    if sigma > 0.3 {
      let k = GaussianKernel(sigma: sigma)
      kernel = k.weights
      margin = k.radius + 1
    } else {
      kernel = [1]
      margin = 1
    }
    side = 2 * (radius + margin) + 1
    if raw.count < side * side {
      raw = [Float](repeating: 0, count: side * side)
      temp = [Float](repeating: 0, count: side * side)
    }
  }

  /// Separable smoothing of `raw`, then central differences on the interior.
  mutating func smoothAndDifferentiate() {
    let s = side, kr = kernel.count / 2, n = 2 * radius + 1
    // Rows needed for the gradient: interior ± 1 → indices [margin-1, margin+n] in both axes.
    let lo = margin - 1, hi = margin + n
    kernel.withUnsafeBufferPointer { k in
      raw.withUnsafeBufferPointer { src in
        temp.withUnsafeMutableBufferPointer { tmp in
          // Horizontal pass on every row, only for the columns the gradient needs.
          for row in 0..<s {
            for col in lo...hi {
              var sum: Float = 0
              for j in 0..<k.count { sum += k[j] * src[row * s + col + j - kr] }
              tmp[row * s + col] = sum
            }
          }
        }
      }
    }
    // Vertical pass into raw (reused as the smoothed patch) for the needed rows/columns.
    kernel.withUnsafeBufferPointer { k in
      temp.withUnsafeBufferPointer { tmp in
        raw.withUnsafeMutableBufferPointer { dst in
          for row in lo...hi {
            for col in lo...hi { dst[row * s + col] = 0 }
            for j in 0..<k.count {
              let w = k[j], from = (row + j - kr) * s
              for col in lo...hi { dst[row * s + col] += w * tmp[from + col] }
            }
          }
        }
      }
    }
    raw.withUnsafeBufferPointer { p in
      for row in 0..<n {
        let pr = (row + margin) * s
        for col in 0..<n {
          let pc = pr + col + margin
          gx[row * n + col] = 0.5 * (p[pc + 1] - p[pc - 1])
          gy[row * n + col] = 0.5 * (p[pc + s] - p[pc - s])
        }
      }
    }
  }
}
