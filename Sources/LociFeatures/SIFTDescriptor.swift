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
  /// The normalised patch is (2R + 1)² pixels: 17×17, about 4×4 pixels per spatial bin.
  /// Chosen on Oxford affine pairs (`loci-bench descriptor-options`): R = 8 matched
  /// R = 10, 12 and 16 in matching score within one match, and is the fastest.
  public var patchRadius: Int = 8
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
  /// Threads for one `describe` call (0: all cores). Results do not depend on it.
  public var threads: Int = 0

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
    let valid = regions.filter { $0.shape.isPositiveDefinite && $0.x.isFinite && $0.y.isFinite }
    let maxBlur = valid.map { options.smoothing * $0.scale }.max() ?? 0
    let pyramid = ScaleSpacePyramid(image, maxBlur: maxBlur)
    // Chunks of regions on all cores (or `threads`), each with its own scratch; results are
    // concatenated in input order.
    let workers = options.threads > 0 ? options.threads : ProcessInfo.processInfo.activeProcessorCount
    let chunkCount = valid.count < 128 || workers == 1 ? 1 : Swift.min(valid.count / 64, 4 * workers)
    var chunks = [(regions: [AffineRegion], descriptors: [Float])](repeating: ([], []), count: chunkCount)
    let describeChunk = { (c: Int) -> (regions: [AffineRegion], descriptors: [Float]) in
      let range = (valid.count * c / chunkCount)..<(valid.count * (c + 1) / chunkCount)
      return self.describeSerially(valid[range], pyramid: pyramid)
    }
    if chunkCount == 1 {
      chunks[0] = describeChunk(0)
    } else {
      chunks.withUnsafeMutableBufferPointer { out in
        DispatchQueue.concurrentPerform(iterations: chunkCount) { c in out[c] = describeChunk(c) }
      }
    }
    if chunkCount == 1 { return chunks[0] }
    return (chunks.flatMap(\.regions), chunks.flatMap(\.descriptors))
  }

  private func describeSerially(_ regions: ArraySlice<AffineRegion>, pyramid: ScaleSpacePyramid)
    -> (regions: [AffineRegion], descriptors: [Float])
  {
    var scratch = PatchScratch(radius: options.patchRadius, options: options)
    var outRegions: [AffineRegion] = []
    var out: [Float] = []
    outRegions.reserveCapacity(regions.count)
    out.reserveCapacity(regions.count * Self.dimension)
    var histogram = [Float](repeating: 0, count: Self.dimension)
    func emit(_ region: AffineRegion, _ angle: Double) {
      extractPatch(region, angle: angle, pyramid: pyramid, scratch: &scratch)
      accumulateHistogram(scratch, into: &histogram)
      normalise(&histogram)
      var oriented = region
      oriented.angle = angle
      outRegions.append(oriented)
      out.append(contentsOf: histogram)
    }
    for region in regions {
      if let angle = region.angle {
        emit(region, angle)
      } else if options.estimateOrientation {
        extractPatch(region, angle: 0, pyramid: pyramid, scratch: &scratch)
        for angle in dominantOrientations(scratch) { emit(region, angle) }
      } else {
        emit(region, 0)
      }
    }
    return (outRegions, out)
  }

  // MARK: Patch extraction

  /// Samples the smoothed, normalised patch of `region` at `angle` into `scratch`
  /// (gradients included).
  private func extractPatch(_ region: AffineRegion, angle: Double, pyramid: ScaleSpacePyramid,
                            scratch: inout PatchScratch)
  {
    let radius = options.patchRadius
    let unit = Double(radius) / options.magnification  // patch pixels per unit of the frame
    var oriented = region
    oriented.angle = angle
    let frame = oriented.affineFrame
    let spacing = region.scale / unit  // image pixels per patch pixel
    let targetBlur = options.smoothing * region.scale  // image pixels
    // Sample from a level blurred to at most targetBlur/√2 and make up the rest on the patch:
    // the residual smoothing hides bilinear-interpolation kinks. Sampling from a level at the
    // full targetBlur gave the same matching scores on graf/boat/bikes 1→4 but broke exact
    // 90° rotation invariance for small regions (SIFTDescriptorTests), so it was not kept.
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
    let lw = level.width, lh = level.height
    // Patch corners in level coordinates decide whether bilinear lookups can skip clamping.
    let offset = Float(radius + margin)
    let fa = Float(a), fb = Float(b), fc = Float(c), fd = Float(d)
    let x0 = Float(cx) - fa * offset - fb * offset, y0 = Float(cy) - fc * offset - fd * offset
    let extentX = abs(fa) * 2 * offset + abs(fb) * 2 * offset, extentY = abs(fc) * 2 * offset + abs(fd) * 2 * offset
    let minX = Float(cx) - extentX / 2, minY = Float(cy) - extentY / 2
    let inside = minX >= 0 && minY >= 0 && minX + extentX < Float(lw - 1) && minY + extentY < Float(lh - 1)
    level.pixels.withUnsafeBufferPointer { p in
      scratch.raw.withUnsafeMutableBufferPointer { raw in
        for row in 0..<side {
          // Walk each patch row incrementally: x = x0 + a·col + b·row.
          var x = x0 + fb * Float(row), y = y0 + fd * Float(row)
          let out = raw.baseAddress! + row * side
          if inside {
            for col in 0..<side {
              let ix = Int(x), iy = Int(y)
              let fx = x - Float(ix), fy = y - Float(iy)
              let q = p.baseAddress! + iy * lw + ix
              let top = q[0] + fx * (q[1] - q[0])
              let bottom = q[lw] + fx * (q[lw + 1] - q[lw])
              out[col] = top + fy * (bottom - top)
              x += fa
              y += fc
            }
          } else {
            for col in 0..<side {
              out[col] = bilinear(p, lw, lh, x, y)
              x += fa
              y += fc
            }
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
        var o = fastAtan2(gy, gx) / (2 * Float.pi) * Float(bins)
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
  /// window width (Lowe 2004, §6.1). Spatial bins and weights per pixel are precomputed in
  /// the scratch, so the loop is one angle and eight multiply-adds per pixel.
  private func accumulateHistogram(_ scratch: PatchScratch, into hist: inout [Float]) {
    for i in hist.indices { hist[i] = 0 }
    let pixels = scratch.gx.count
    let orientationScale = Float(8) / (2 * Float.pi)
    scratch.spatialBins.withUnsafeBufferPointer { bins in
      scratch.spatialWeights.withUnsafeBufferPointer { weights in
        scratch.gx.withUnsafeBufferPointer { gxs in
          scratch.gy.withUnsafeBufferPointer { gys in
            hist.withUnsafeMutableBufferPointer { h in
              for i in 0..<pixels {
                let gx = gxs[i], gy = gys[i]
                let m = (gx * gx + gy * gy).squareRoot()
                if m == 0 { continue }
                var ob = fastAtan2(gy, gx) * orientationScale
                if ob < 0 { ob += 8 }
                let o0i = Int(ob)  // ob ≥ 0: truncation is floor
                let fo = ob - Float(o0i)
                let o0 = o0i & 7, o1 = (o0 + 1) & 7
                let upper = m * fo, lower = m - upper
                for k in 0..<4 {
                  let base = Int(bins[4 * i + k]), w = weights[4 * i + k]
                  h[base + o0] += w * lower
                  h[base + o1] += w * upper
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
  let spatialBins: [Int32]
  let spatialWeights: [Float]

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
    let descriptorWindow = window(sigma: Float(n) / 2)
    // For each pixel its four (spatial bin, bilinear × window weight) pairs; out-of-grid
    // neighbours get weight 0 on bin 0, so the accumulation loop has no branches.
    var bins = [Int32](repeating: 0, count: 4 * n * n), weights = [Float](repeating: 0, count: 4 * n * n)
    let binWidth = Float(n) / 4
    for row in 0..<n {
      let yb = (Float(row) + 0.5) / binWidth - 0.5
      let y0 = Int(yb + 1) - 1, fy = yb - Float(y0)  // yb ≥ −0.5: floor
      for col in 0..<n {
        let xb = (Float(col) + 0.5) / binWidth - 0.5
        let x0 = Int(xb + 1) - 1, fx = xb - Float(x0)
        let i = row * n + col
        for k in 0..<4 {
          let yy = y0 + k / 2, xx = x0 + k % 2
          guard yy >= 0, yy < 4, xx >= 0, xx < 4 else { continue }
          bins[4 * i + k] = Int32((yy * 4 + xx) * 8)
          weights[4 * i + k] = descriptorWindow[i] * (k / 2 == 0 ? 1 - fy : fy) * (k % 2 == 0 ? 1 - fx : fx)
        }
      }
    }
    spatialBins = bins
    spatialWeights = weights
  }

  /// Sizes the buffers for a residual blur of `sigma` patch pixels.
  mutating func prepare(residualBlur sigma: Float) {
    if sigma > 0.3 {
      // ±3σ is enough on a patch (0.3 % of the mass dropped, renormalised).
      let k = GaussianKernel(sigma: sigma, truncation: 3)
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
          // Horizontal pass on every row, only for the columns the gradient needs, as a
          // sum of shifted rows (vectorises; no per-output reduction).
          let width = hi - lo + 1
          for row in 0..<s {
            let out = tmp.baseAddress! + row * s + lo
            for col in 0..<width { out[col] = 0 }
            for j in 0..<k.count {
              let w = k[j], input = src.baseAddress! + row * s + lo + j - kr
              for col in 0..<width { out[col] += w * input[col] }
            }
          }
        }
      }
    }
    // Vertical pass into raw (reused as the smoothed patch) for the needed rows/columns.
    let width = hi - lo + 1
    kernel.withUnsafeBufferPointer { k in
      temp.withUnsafeBufferPointer { tmp in
        raw.withUnsafeMutableBufferPointer { dst in
          for row in lo...hi {
            let out = dst.baseAddress! + row * s + lo
            for col in 0..<width { out[col] = 0 }
            for j in 0..<k.count {
              let w = k[j], input = tmp.baseAddress! + (row + j - kr) * s + lo
              for col in 0..<width { out[col] += w * input[col] }
            }
          }
        }
      }
    }
    raw.withUnsafeBufferPointer { p in
      gx.withUnsafeMutableBufferPointer { gxs in
        gy.withUnsafeMutableBufferPointer { gys in
          for row in 0..<n {
            let centre = p.baseAddress! + (row + margin) * s + margin
            let up = centre - s, down = centre + s
            let ox = gxs.baseAddress! + row * n, oy = gys.baseAddress! + row * n
            for col in 0..<n {
              ox[col] = 0.5 * (centre[col + 1] - centre[col - 1])
              oy[col] = 0.5 * (down[col] - up[col])
            }
          }
        }
      }
    }
  }
}

/// atan2 to about 1e-5 rad (a minimax polynomial for atan on [−1, 1] plus octant
/// reduction): four times faster than libm, far finer than the 10° and 45° bins it feeds.
@inline(__always)
func fastAtan2(_ y: Float, _ x: Float) -> Float {
  let ax = abs(x), ay = abs(y)
  let swap = ay > ax
  let t = swap ? ax / ay : (ax == 0 ? 0 : ay / ax)
  let t2 = t * t
  var r = t * (0.99997726 + t2 * (-0.33262347 + t2 * (0.19354346 + t2 * (-0.11643287 + t2 * (0.05265332 - 0.01172120 * t2)))))
  if swap { r = Float.pi / 2 - r }
  if x < 0 { r = Float.pi - r }
  return y < 0 ? -r : r
}
