import Foundation

/// An affine map of the plane, p′ = L·p + t, with L = [[m11, m12], [m21, m22]].
public struct PlaneAffinity: Sendable, Equatable {
  public var m11: Double, m12: Double, m21: Double, m22: Double
  public var tx: Double, ty: Double

  public init(m11: Double, m12: Double, m21: Double, m22: Double, tx: Double, ty: Double) {
    (self.m11, self.m12, self.m21, self.m22, self.tx, self.ty) = (m11, m12, m21, m22, tx, ty)
  }

  public func apply(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
    (m11 * x + m12 * y + tx, m21 * x + m22 * y + ty)
  }

  /// The inverse map; nil when L is singular.
  public var inverse: PlaneAffinity? {
    let det = m11 * m22 - m12 * m21
    guard abs(det) > 1e-12 else { return nil }
    let (a, b, c, d) = (m22 / det, -m12 / det, -m21 / det, m11 / det)
    return PlaneAffinity(m11: a, m12: b, m21: c, m22: d, tx: -(a * tx + b * ty), ty: -(c * tx + d * ty))
  }
}

extension GrayImage {
  /// The image as seen under a simulated change of camera axis (ASIFT: Morel & Yu, "ASIFT: a
  /// new framework for fully affine invariant image comparison", SIAM J. Imaging Sciences
  /// 2009; MODS: Mishkin, Matas & Perdoch, CVIU 2015): rotated by `rotation` (radians), then
  /// compressed along x by `tilt` ≥ 1 after a Gaussian blur along x of σ = 0.8·√(tilt² − 1),
  /// the anti-aliasing of the ASIFT paper. Returns the view and the map taking this image's
  /// coordinates to the view's (pixel centres at integers, as everywhere). Parts of the view
  /// outside the image repeat its border; callers drop features whose centre maps outside.
  public func simulatedView(tilt: Double, rotation: Double) -> (image: GrayImage, viewFromImage: PlaneAffinity) {
    precondition(tilt >= 1, "a tilt is at least 1")
    let (c, s) = (cos(rotation), sin(rotation))
    // The rotated image's bounding box.
    let corners = [(-0.5, -0.5), (Double(width) - 0.5, -0.5), (-0.5, Double(height) - 0.5),
                   (Double(width) - 0.5, Double(height) - 0.5)].map { (c * $0.0 - s * $0.1, s * $0.0 + c * $0.1) }
    let (minX, maxX) = (corners.map(\.0).min()!, corners.map(\.0).max()!)
    let (minY, maxY) = (corners.map(\.1).min()!, corners.map(\.1).max()!)
    let canvasWidth = Swift.max(1, Int((maxX - minX).rounded())), canvasHeight = Swift.max(1, Int((maxY - minY).rounded()))
    // Canvas pixel (u, v) shows the image at R⁻¹·((u, v) + (minX + 0.5, minY + 0.5)).
    let (ox, oy) = (minX + 0.5, minY + 0.5)
    var canvas = rotation == 0 ? self : warpedAffine(
      outputWidth: canvasWidth, outputHeight: canvasHeight, a: (Float(c), Float(s), Float(-s), Float(c)),
      t: (Float(c * ox + s * oy), Float(-s * ox + c * oy)))
    let (shiftX, shiftY) = rotation == 0 ? (0.0, 0.0) : (-ox, -oy)
    guard tilt > 1 else {
      return (canvas, PlaneAffinity(m11: c, m12: -s, m21: s, m22: c, tx: shiftX, ty: shiftY))
    }
    canvas = canvas.horizontallyBlurred(sigma: Float(0.8 * (tilt * tilt - 1).squareRoot()))
    let viewWidth = Swift.max(1, Int((Double(canvas.width) / tilt).rounded()))
    let step = Double(canvas.width) / Double(viewWidth)
    // View column u samples canvas column (u + 0.5)·step − 0.5 (the convention of `resized`).
    let view = canvas.warpedAffine(outputWidth: viewWidth, outputHeight: canvas.height, a: (Float(step), 0, 0, 1),
                                   t: (Float(0.5 * step - 0.5), 0))
    let (kx, bx) = (1 / step, 0.5 / step - 0.5)
    return (view, PlaneAffinity(m11: kx * c, m12: -kx * s, m21: s, m22: c, tx: kx * shiftX + bx, ty: shiftY))
  }

  /// Gaussian smoothing along rows only (replicated borders).
  public func horizontallyBlurred(sigma: Float) -> GrayImage {
    guard sigma > 0 else { return self }
    let kernel = GaussianKernel(sigma: sigma)
    let r = kernel.radius, w = width
    var out = [Float](repeating: 0, count: pixels.count)
    pixels.withUnsafeBufferPointer { p in
      kernel.weights.withUnsafeBufferPointer { k in
        out.withUnsafeMutableBufferPointer { o in
          for y in 0..<height {
            let row = y * w
            for x in 0..<w {
              var sum: Float = 0
              for j in -r...r { sum += k[j + r] * p[row + Swift.min(Swift.max(x + j, 0), w - 1)] }
              o[row + x] = sum
            }
          }
        }
      }
    }
    return try! GrayImage(width: w, height: height, pixels: out)
  }
}
