import LociCore
import Foundation

/// An 8-bit RGB canvas for overlays (`featurize --draw`, `loci verify --draw`).
public struct RGBImage: Sendable, Equatable {
  public let width: Int
  public let height: Int
  /// Interleaved R, G, B bytes, row-major.
  public var bytes: [UInt8]

  /// A colour as (red, green, blue).
  public typealias Color = (UInt8, UInt8, UInt8)

  /// A grey image shown in colour, so overlays stand out.
  public init(gray: GrayImage) {
    width = gray.width
    height = gray.height
    var b = [UInt8](repeating: 0, count: gray.pixelCount * 3)
    for (i, v) in gray.bytes().enumerated() {
      b[3 * i] = v
      b[3 * i + 1] = v
      b[3 * i + 2] = v
    }
    bytes = b
  }

  public init(width: Int, height: Int, color: Color = (0, 0, 0)) {
    precondition(width > 0 && height > 0, "canvas dimensions must be positive")
    self.width = width
    self.height = height
    var b = [UInt8](repeating: 0, count: width * height * 3)
    for i in 0..<(width * height) {
      b[3 * i] = color.0
      b[3 * i + 1] = color.1
      b[3 * i + 2] = color.2
    }
    bytes = b
  }

  /// The colour at (x, y).
  public func pixel(x: Int, y: Int) -> Color {
    let i = 3 * (y * width + x)
    return (bytes[i], bytes[i + 1], bytes[i + 2])
  }

  /// Sets one pixel; points outside the canvas are ignored.
  public mutating func plot(x: Int, y: Int, color: Color) {
    guard x >= 0, y >= 0, x < width, y < height else { return }
    let i = 3 * (y * width + x)
    bytes[i] = color.0
    bytes[i + 1] = color.1
    bytes[i + 2] = color.2
  }

  /// A one-pixel line (Bresenham), clipped to the canvas.
  public mutating func drawLine(from a: (x: Double, y: Double), to b: (x: Double, y: Double), color: Color) {
    guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else { return }
    var x0 = Int(a.x.rounded()), y0 = Int(a.y.rounded())
    let x1 = Int(b.x.rounded()), y1 = Int(b.y.rounded())
    // Bound the work for absurd coordinates: nothing longer than the canvas diagonal × 4.
    guard abs(x1 - x0) + abs(y1 - y0) < 8 * (width + height) else { return }
    let dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1
    let dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1
    var error = dx + dy
    while true {
      plot(x: x0, y: y0, color: color)
      if x0 == x1 && y0 == y1 { break }
      let e2 = 2 * error
      if e2 >= dy { error += dy; x0 += sx }
      if e2 <= dx { error += dx; y0 += sy }
    }
  }

  /// The outline of the ellipse {p : (p − c)ᵀ S⁻¹ (p − c) = 1}, as a 72-gon.
  /// `shape` is (s11, s12, s22).
  public mutating func drawEllipse(center: (x: Double, y: Double), shape: (Double, Double, Double),
                                   color: Color) {
    // Cholesky-like frame L with L Lᵀ = S maps the unit circle onto the ellipse.
    let (s11, s12, s22) = shape
    guard s11 > 0 else { return }
    let l11 = s11.squareRoot(), l21 = s12 / l11
    let rest = s22 - l21 * l21
    guard rest > 0 else { return }
    let l22 = rest.squareRoot()
    let steps = 72
    var previous = (x: center.x + l11, y: center.y + l21)
    for k in 1...steps {
      let t = Double(k) * 2 * Double.pi / Double(steps)
      let c = cos(t), s = sin(t)
      let point = (x: center.x + l11 * c, y: center.y + l21 * c + l22 * s)
      drawLine(from: previous, to: point, color: color)
      previous = point
    }
  }

  /// Copies `other` into this canvas with its top-left corner at (x, y).
  public mutating func paste(_ other: RGBImage, atX x: Int, y: Int) {
    for row in 0..<other.height where y + row >= 0 && y + row < height {
      for col in 0..<other.width where x + col >= 0 && x + col < width {
        let s = 3 * (row * other.width + col), d = 3 * ((y + row) * width + x + col)
        bytes[d] = other.bytes[s]
        bytes[d + 1] = other.bytes[s + 1]
        bytes[d + 2] = other.bytes[s + 2]
      }
    }
  }

  /// Encodes as PNG or JPEG (by the URL's extension) with OpenCV, written atomically.
  public func write(to url: URL, quality: Int = 92) throws {
    let ext = "." + url.pathExtension.lowercased()
    let data = try shimEncode(bytes, width: width, height: height, channels: 3, fileExtension: ext,
                              quality: quality, path: url.path)
    do { try writeAtomically(data, to: url) } catch let error as AtomicWriteError {
      throw ImageError.encodingFailed(path: url.path, reason: error.reason)
    }
  }

  /// Encoded bytes (".png" or ".jpg"), for callers that keep images in memory.
  public func encoded(as fileExtension: String = ".png", quality: Int = 92) throws -> Data {
    try shimEncode(bytes, width: width, height: height, channels: 3, fileExtension: fileExtension,
                   quality: quality, path: "<memory>")
  }
}
