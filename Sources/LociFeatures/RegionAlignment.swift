import Foundation
import LociCore
import LociFeatureTypes
import LociImage

/// Refines a correspondence of two affine regions by aligning their image patches: the
/// patch around region B (in B's normalised frame) is fixed, and the affine frame of region A
/// (centre and 2×2 shape) is moved by Gauss–Newton until A's patch, up to gain and bias,
/// matches it (Lucas & Kanade, "An iterative image registration technique", IJCAI 1981, in
/// the forward-additive form of Baker & Matthews, "Lucas-Kanade 20 years on", IJCV 2004,
/// with the photometric terms of their section on linear appearance variation).
///
/// Why: a detector localises a region in each image on its own, and for MFD and WaSH that
/// position drifts under perspective with the region's size (moment ellipses of nested
/// components are not perspective-covariant): on HPatches v_churchill 1→6 half of MFD's
/// tentative correspondences were more than 2.7 px off. The two patches, however, show the
/// same surface, and aligning them places A's centre where B's centre really is, to a
/// fraction of a pixel wherever the patch has texture. A homography fitted to aligned
/// correspondences is then as precise as the best detector's.
public struct RegionAlignment: Sendable {
  /// The patch covers [−extent, extent]² of the normalised frame (the region is the unit
  /// disc): small enough to stay within the local plane, large enough to hold texture.
  public var extent: Double = 1.5
  /// Samples per side of the patch.
  public var samples: Int = 24
  public var maxIterations: Int = 30
  /// An alignment is kept when the patches' normalised correlation reaches this; below it
  /// the patches show different things (a wrong match) and A's region stays as detected.
  public var minimumCorrelation: Double = 0.8
  /// An alignment is kept when A's centre moved at most this many times the sample spacing
  /// of the patch (half the patch width at 12 samples of 24): a larger move means
  /// Gauss–Newton slid onto another structure.
  public var maximumShift: Double = 6

  public init() {}

  /// A's region moved onto B's: its centre, shape and orientation such that its affine
  /// frame maps B's normalised patch onto A's image. Nil when the alignment fails its checks
  /// (then the detected region is the better estimate).
  public func align(_ a: AffineRegion, in imageA: AlignmentPyramid, to b: AffineRegion, in imageB: AlignmentPyramid) -> AffineRegion? {
    let frameA = a.affineFrame, frameB = b.affineFrame
    guard frameA.determinant > 0, frameB.determinant > 0, samples >= 4 else { return nil }
    let step = 2 * extent / Double(samples - 1)
    let grid = (0..<(samples * samples)).map { k in
      (u: -extent + step * Double(k % samples), v: -extent + step * Double(k / samples))
    }
    // The fixed template: B's patch.
    let levelB = imageB.level(forSpacing: frameB.determinant.squareRoot() * step)
    let template = grid.map { g in
      levelB.sample(x: b.x + frameB.m11 * g.u + frameB.m12 * g.v, y: b.y + frameB.m21 * g.u + frameB.m22 * g.v)
    }
    let meanT = template.reduce(0, +) / Double(template.count)
    // A flat patch gives Gauss–Newton nothing to align.
    guard template.reduce(0, { $0 + ($1 - meanT) * ($1 - meanT) }) > 1e-6 * Double(template.count) else { return nil }

    let spacing = frameA.determinant.squareRoot() * step
    let frameSize = Swift.max(abs(frameA.m11), abs(frameA.m12), abs(frameA.m21), abs(frameA.m22))
    let levelA = imageA.level(forSpacing: spacing)
    // Parameters: the frame G (row-major), the centre c, gain α and bias β; residual
    // r(u) = α·I_A(c + G·u) + β − T(u).
    var p = [frameA.m11, frameA.m12, frameA.m21, frameA.m22, a.x, a.y, 1, 0]
    let meanA = grid.reduce(0) { $0 + levelA.sample(x: a.x + frameA.m11 * $1.u + frameA.m12 * $1.v,
                                                   y: a.y + frameA.m21 * $1.u + frameA.m22 * $1.v) } / Double(grid.count)
    p[7] = meanT - meanA
    var converged = false
    var rows = [SIMD8<Double>](repeating: .zero, count: 8)
    for _ in 0..<maxIterations {
      var gradient = SIMD8<Double>.zero
      for i in 0..<8 { rows[i] = .zero }
      for (k, g) in grid.enumerated() {
        let x = p[4] + p[0] * g.u + p[1] * g.v, y = p[5] + p[2] * g.u + p[3] * g.v
        let (value, gx, gy) = levelA.sampleWithGradient(x: x, y: y)
        let r = p[6] * value + p[7] - template[k]
        let ax = p[6] * gx, ay = p[6] * gy
        let j = SIMD8<Double>(ax * g.u, ax * g.v, ay * g.u, ay * g.v, ax, ay, value, 1)
        gradient += j * r
        for i in 0..<8 { rows[i] += j[i] * j }
      }
      var normal = [Double](repeating: 0, count: 64)
      for i in 0..<8 { for l in 0..<8 { normal[i * 8 + l] = rows[i][l] } }
      // A little Levenberg damping keeps textureless directions (an edge's tangent) still.
      for i in 0..<8 { normal[i * 8 + i] *= 1 + 1e-3 }
      guard let delta = choleskySolve(normal, (0..<8).map { -gradient[$0] }, size: 8) else { return nil }
      for i in 0..<8 { p[i] += delta[i] }
      // A step that leaves the plausible range is divergence: stop before samples land at
      // huge or undefined positions.
      guard p.allSatisfy(\.isFinite), abs(p[4] - a.x) + abs(p[5] - a.y) <= 4 * maximumShift * spacing,
            p[0..<4].allSatisfy({ abs($0) <= 16 * frameSize }) else { return nil }
      let moved = (delta[4] * delta[4] + delta[5] * delta[5]).squareRoot()
      let reshaped = delta[0..<4].reduce(0) { Swift.max($0, abs($1)) } * extent
      if moved < 0.01 && reshaped < 0.01 {
        converged = true
        break
      }
    }
    guard converged else { return nil }
    let frame = Matrix2(p[0], p[1], p[2], p[3])
    let shift = ((p[4] - a.x) * (p[4] - a.x) + (p[5] - a.y) * (p[5] - a.y)).squareRoot()
    let areaRatio = frame.determinant / frameA.determinant
    guard shift <= maximumShift * spacing, areaRatio > 0.25, areaRatio < 4, p[6] > 0 else { return nil }
    // The normalised correlation of the aligned patches.
    let warped = grid.map { g in levelA.sample(x: p[4] + p[0] * g.u + p[1] * g.v, y: p[5] + p[2] * g.u + p[3] * g.v) }
    guard correlation(template, warped) >= minimumCorrelation else { return nil }
    return AffineRegion(frame: frame, x: p[4], y: p[5], response: a.response)
  }
}

extension AffineRegion {
  /// The region whose affine frame (`affineFrame`, unit circle → ellipse, first column
  /// along the orientation) is `frame`, for a frame with positive determinant: S = F·Fᵀ
  /// and the orientation of the rotation S^{-1/2}·F.
  init(frame: Matrix2, x: Double, y: Double, response: Double) {
    let shape = SymmetricMatrix2(a: frame.m11 * frame.m11 + frame.m12 * frame.m12,
                                 b: frame.m11 * frame.m21 + frame.m12 * frame.m22,
                                 c: frame.m21 * frame.m21 + frame.m22 * frame.m22)
    let rotation = Matrix2(shape.squareRoot.inverse) * frame
    self.init(x: x, y: y, shape: shape, angle: atan2(rotation.m21, rotation.m11), response: response)
  }
}

/// An image prepared for `RegionAlignment`: octaves (each half the previous size, with
/// anti-aliasing) and their gradients, so a patch is sampled at about one pixel per sample
/// whatever its region's size.
public struct AlignmentPyramid: Sendable {
  struct Level: Sendable {
    var image: GrayImage
    var gradient: ImageGradient
    /// level coordinate + ½ = factor · (image coordinate + ½)
    var factor: Double

    func sample(x: Double, y: Double) -> Double {
      let (lx, ly) = local(x, y)
      return Double(image.sample(x: lx, y: ly))
    }

    /// The value and its derivatives with respect to image (not level) coordinates.
    func sampleWithGradient(x: Double, y: Double) -> (Double, Double, Double) {
      let (lx, ly) = local(x, y)
      let (w, h) = (image.width, image.height)
      let value = image.pixels.withUnsafeBufferPointer { bilinear($0, w, h, lx, ly) }
      let dx = gradient.dx.withUnsafeBufferPointer { bilinear($0, w, h, lx, ly) }
      let dy = gradient.dy.withUnsafeBufferPointer { bilinear($0, w, h, lx, ly) }
      return (Double(value), Double(dx) * factor, Double(dy) * factor)
    }

    private func local(_ x: Double, _ y: Double) -> (Float, Float) {
      (Float((x + 0.5) * factor - 0.5), Float((y + 0.5) * factor - 0.5))
    }
  }

  let levels: [Level]

  public init(_ image: GrayImage) {
    levels = image.pyramid(levels: 12, step: 0.5, minimumSide: 8).map {
      Level(image: $0.image, gradient: $0.image.gradient(), factor: $0.factor)
    }
  }

  /// The coarsest level whose pixels are no larger than the sample spacing (`spacing`, in
  /// image pixels): samples then fall at most two level pixels apart, so its anti-aliasing
  /// keeps them from aliasing, and no detail finer than the samples resolve is left in.
  func level(forSpacing spacing: Double) -> Level {
    let octave = spacing > 1 ? Int(log2(spacing).rounded(.down)) : 0
    return levels[Swift.min(octave, levels.count - 1)]
  }
}

/// Pearson correlation of two equally long sample lists (0 when either is constant).
func correlation(_ x: [Double], _ y: [Double]) -> Double {
  let n = Double(x.count)
  let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
  var sxy = 0.0, sxx = 0.0, syy = 0.0
  for i in x.indices {
    sxy += (x[i] - mx) * (y[i] - my)
    sxx += (x[i] - mx) * (x[i] - mx)
    syy += (y[i] - my) * (y[i] - my)
  }
  return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
}
