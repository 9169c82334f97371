/// A single-channel image of Float samples in [0, 1], row-major, with value semantics.
///
/// Coordinates: pixel (x, y) is the sample at column x, row y; its centre is the point
/// (x, y), so the image covers [-0.5, width - 0.5] × [-0.5, height - 0.5]. This is the
/// convention of the Oxford affine homographies and of OpenCV keypoints.
public struct GrayImage: Sendable, Equatable {
  public let width: Int
  public let height: Int
  /// `width * height` samples, row after row.
  public var pixels: [Float]

  /// An image from existing samples. Fails when the sample count does not match.
  public init(width: Int, height: Int, pixels: [Float]) throws {
    guard width > 0, height > 0, pixels.count == width * height else {
      throw ImageError.invalidArgument(
        "GrayImage needs width, height > 0 and width*height samples; got \(width)x\(height) with \(pixels.count)")
    }
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// An image filled with one value.
  public init(width: Int, height: Int, value: Float = 0) {
    precondition(width > 0 && height > 0, "image dimensions must be positive")
    self.width = width
    self.height = height
    self.pixels = [Float](repeating: value, count: width * height)
  }

  /// An image whose sample at (x, y) is `f(x, y)`; handy for synthetic test scenes.
  public init(width: Int, height: Int, generator f: (Int, Int) -> Float) {
    precondition(width > 0 && height > 0, "image dimensions must be positive")
    self.width = width
    self.height = height
    var pixels = [Float](repeating: 0, count: width * height)
    for y in 0..<height {
      for x in 0..<width { pixels[y * width + x] = f(x, y) }
    }
    self.pixels = pixels
  }

  public var pixelCount: Int { width * height }

  /// The sample at (x, y); no bounds clamping.
  @inlinable public subscript(x: Int, y: Int) -> Float {
    get { pixels[y * width + x] }
    set { pixels[y * width + x] = newValue }
  }

  /// Samples quantised to 8 bits (rounding, clamped), as OpenCV's 8-bit detectors need.
  public func bytes() -> [UInt8] {
    pixels.map { UInt8(max(0, min(255, ($0 * 255).rounded()))) }
  }
}
