import Foundation
import LociImage

extension WaSHDetector {
  /// Gradient magnitude at σ_g, normalised by its 99.5th percentile and clipped to 1 (a
  /// robust maximum) (§2A.4 S0) [R]; also returns the gradient for Canny.
  static func normalisedGradient(_ image: GrayImage, sigma: Float) -> (magnitude: [Float], gradient: ImageGradient) {
    let gradient = image.gaussianBlurred(sigma: sigma).gradient()
    var magnitude = gradient.magnitude()
    let robustMax = percentile(magnitude, 0.995)
    if robustMax > 0 {
      for i in magnitude.indices { magnitude[i] = Swift.min(1, magnitude[i] / robustMax) }
    }
    return (magnitude, gradient)
  }

  static func percentile(_ values: [Float], _ q: Float) -> Float {
    guard !values.isEmpty else { return 0 }
    // A 1024-bin histogram of [0, max] is exact enough and linear time.
    let top = values.max()!
    guard top > 0 else { return 0 }
    var bins = [Int](repeating: 0, count: 1024)
    for v in values { bins[Swift.min(1023, Int(v / top * 1023))] += 1 }
    let target = Int(Float(values.count) * q)
    var seen = 0
    for (i, c) in bins.enumerated() {
      seen += c
      if seen > target { return Float(i) / 1023 * top }
    }
    return top
  }

  /// Canny edges (non-maximum suppression + hysteresis, 8-connected), thresholds from the
  /// gradient's quantile (§2A.4 S1a) [V-doc MATLAB rule / R use].
  static func cannyEdges(width: Int, height: Int, magnitude: [Float], gradient: ImageGradient,
                         highQuantile: Float, lowRatio: Float) -> [Bool] {
    let high = percentile(magnitude, highQuantile), low = lowRatio * high
    var strong = [UInt8](repeating: 0, count: width * height)  // 0 none, 1 weak, 2 strong
    for y in 1..<(height - 1) {
      for x in 1..<(width - 1) {
        let i = y * width + x
        let m = magnitude[i]
        guard m > low, m > 0 else { continue }
        // Quantise the gradient direction to 0°, 45°, 90°, 135°.
        let gx = gradient.dx[i], gy = gradient.dy[i]
        let ax = abs(gx), ay = abs(gy)
        let (n1, n2): (Int, Int)
        if ay <= 0.4142 * ax { (n1, n2) = (i - 1, i + 1) }
        else if ax <= 0.4142 * ay { (n1, n2) = (i - width, i + width) }
        else if (gx > 0) == (gy > 0) { (n1, n2) = (i - width - 1, i + width + 1) }
        else { (n1, n2) = (i - width + 1, i + width - 1) }
        guard m >= magnitude[n1], m > magnitude[n2] else { continue }
        strong[i] = m > high ? 2 : 1
      }
    }
    var edge = [Bool](repeating: false, count: width * height)
    var stack: [Int] = []
    for i in strong.indices where strong[i] == 2 && !edge[i] {
      edge[i] = true
      stack.append(i)
      while let j = stack.popLast() {
        let (x, y) = pixelCoordinates(j, width: width)
        for dy in -1...1 {
          for dx in -1...1 where dx != 0 || dy != 0 {
            let nx = x + dx, ny = y + dy
            guard nx >= 0, ny >= 0, nx < width, ny < height else { continue }
            let k = ny * width + nx
            if strong[k] > 0 && !edge[k] {
              edge[k] = true
              stack.append(k)
            }
          }
        }
      }
    }
    return edge
  }

  /// Edge pixels thinned to a minimum spacing `step`: strongest first, a pixel is kept when
  /// no kept sample is closer than `step` (a greedy Poisson-disk approximation of sampling
  /// along edge chains, accepted by §2A.4 S1a).
  static func sampleEdges(width: Int, height: Int, edges: [Bool], magnitude: [Float], step: Double) -> [(Int, Int)] {
    var candidates = edges.indices.filter { edges[$0] }
    candidates.sort { magnitude[$0] > magnitude[$1] || (magnitude[$0] == magnitude[$1] && $0 < $1) }
    var grid = SpacingGrid(width: width, height: height, radius: step)
    var kept: [(Int, Int)] = []
    for i in candidates {
      let (x, y) = pixelCoordinates(i, width: width)
      if grid.insertIfFree(Double(x), Double(y)) { kept.append((x, y)) }
    }
    return kept
  }

  /// Floyd–Steinberg error diffusion with a serpentine scan on f = ĝ^γ scaled to `count`
  /// samples in total (§2A.4 S1b) [V-doc weights 7, 3, 5, 1 / 16; R scaling].
  static func dither(width: Int, height: Int, magnitude: [Float], gamma: Float, count: Double) -> [(Int, Int)] {
    // γ = 2 (the default) and 1 by multiplication: `powf` per pixel was 2 % of WaSH.
    var f = gamma == 2 ? magnitude.map { $0 * $0 } : gamma == 1 ? magnitude : magnitude.map { Foundation.pow($0, gamma) }
    let total = f.reduce(0, +)
    guard total > 0 else { return [] }
    let scale = Float(count) / total
    for i in f.indices { f[i] *= scale }
    var out: [(Int, Int)] = []
    out.reserveCapacity(Int(count * 1.1))
    // Unchecked pointers: every index below is inside the image by the tests beside it.
    // The error passed to the next pixel of the row stays in a register (`carry`) instead of
    // going through memory: value = f[i] + carry is the same sum the stored version formed.
    f.withUnsafeMutableBufferPointer { buffer in
      let f = buffer.baseAddress!
      for y in 0..<height {
        let leftToRight = y % 2 == 0
        let d = leftToRight ? 1 : -1
        let below = y + 1 < height
        var x = leftToRight ? 0 : width - 1
        var carry: Float = 0
        for step in 0..<width {
          let i = y * width + x
          let value = step == 0 ? f[i] : f[i] + carry
          let on: Float = value >= 0.5 ? 1 : 0
          if on == 1 { out.append((x, y)) }
          let error = value - on
          carry = error * 7 / 16
          if below {
            if step > 0 { f[i + width - d] += error * 3 / 16 }
            f[i + width] += error * 5 / 16
            if step + 1 < width { f[i + width + d] += error * 1 / 16 }
          }
          x += d
        }
      }
    }
    return out
  }

  /// A deterministic sub-pixel jitter in ±1e-3 px from a hash of (x, y), breaking the
  /// co-circularity of integer grids (§2A.4 S1) [R].
  static func jitter(_ x: Int, _ y: Int) -> (Double, Double) {
    var h = UInt64(truncatingIfNeeded: x) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: y) &* 0xC2B2_AE3D_27D4_EB4F
    h ^= h >> 29
    h = h &* 0xBF58_476D_1CE4_E5B9
    h ^= h >> 32
    let a = Double(h & 0xFFFF) / 65535 - 0.5, b = Double((h >> 16) & 0xFFFF) / 65535 - 0.5
    return (2e-3 * a, 2e-3 * b)
  }
}

/// A uniform grid for "is any point within r?" queries (cells of side r). Each cell is a
/// linked list through flat arrays (`head`, `next`): an array per cell was one allocation
/// per 25 pixels at the default dithering density.
struct SpacingGrid {
  let cell: Double
  let columns: Int, rows: Int
  /// The last point inserted in each cell, and for each point the one inserted before it in
  /// its cell (-1 ends a list).
  private var head: [Int32]
  private var next: [Int32] = []
  private var xs: [Double] = [], ys: [Double] = []

  init(width: Int, height: Int, radius: Double) {
    cell = Swift.max(radius, 1e-9)
    columns = Swift.max(1, Int(Double(width) / cell) + 1)
    rows = Swift.max(1, Int(Double(height) / cell) + 1)
    head = [Int32](repeating: -1, count: columns * rows)
  }

  private func cellOf(_ x: Double, _ y: Double) -> (Int, Int) {
    (Swift.min(columns - 1, Swift.max(0, Int(x / cell))), Swift.min(rows - 1, Swift.max(0, Int(y / cell))))
  }

  /// Distance to the nearest stored point within 2 cells (∞ if none). Points are expected
  /// inside the grid's extent (the image), where cells are not clamped.
  func nearestDistance(_ x: Double, _ y: Double, excludingSelf: Bool = false) -> Double {
    let (cx, cy) = cellOf(x, y)
    // Squared distances, one square root at the end: √ is monotone and correctly rounded,
    // so √(min d²) = min √(d²) exactly, and √(d²) = 0 exactly when d² = 0.
    var best = Double.infinity
    func visit(_ gx: Int, _ gy: Int) {
      guard gx >= 0, gy >= 0, gx < columns, gy < rows else { return }
      var p = Int(head[gy * columns + gx])
      while p >= 0 {
        let squared = (xs[p] - x) * (xs[p] - x) + (ys[p] - y) * (ys[p] - y)
        if !(excludingSelf && squared == 0) { best = Swift.min(best, squared) }
        p = Int(next[p])
      }
    }
    for gy in (cy - 1)...(cy + 1) {
      for gx in (cx - 1)...(cx + 1) { visit(gx, gy) }
    }
    // Every point of the outer ring of cells is at least one cell away, so when the 3×3
    // block already holds a nearer point (with a margin for rounding) the ring cannot change
    // the minimum: two thirds of the cells are skipped for most samples.
    let margin = 0.999 * cell
    if best >= margin * margin {
      for gy in (cy - 2)...(cy + 2) {
        for gx in (cx - 2)...(cx + 2) where abs(gx - cx) == 2 || abs(gy - cy) == 2 { visit(gx, gy) }
      }
    }
    return best.squareRoot()
  }

  mutating func insert(_ x: Double, _ y: Double) {
    let (cx, cy) = cellOf(x, y)
    next.append(head[cy * columns + cx])
    head[cy * columns + cx] = Int32(xs.count)
    xs.append(x)
    ys.append(y)
  }

  /// Inserts when no stored point is closer than the radius.
  mutating func insertIfFree(_ x: Double, _ y: Double) -> Bool {
    guard nearestDistance(x, y) >= cell else { return false }
    insert(x, y)
    return true
  }
}
