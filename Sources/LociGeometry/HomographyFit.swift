import Foundation

/// Point pairs (a in image A, b in image B) gathered into contiguous coordinate arrays, so
/// that repeated fits over changing inlier masks read them sequentially.
struct PointPairs {
  var ax: [Double], ay: [Double], bx: [Double], by: [Double]

  var count: Int { ax.count }

  init(_ a: [(Double, Double)], _ b: [(Double, Double)]) {
    (ax, ay, bx, by) = (a.map(\.0), a.map(\.1), b.map(\.0), b.map(\.1))
  }

  /// Calls `body` with the four coordinate arrays as buffers (no bounds checks in hot loops).
  func withBuffers<R>(_ body: (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>,
                               UnsafeBufferPointer<Double>) -> R) -> R {
    ax.withUnsafeBufferPointer { ax in
      ay.withUnsafeBufferPointer { ay in
        bx.withUnsafeBufferPointer { bx in by.withUnsafeBufferPointer { by in body(ax, ay, bx, by) } }
      }
    }
  }

  /// The pairs of `correspondences` (only those listed in `selection`, when given).
  init(correspondences: [Correspondence], framesA: [LocalFrame], framesB: [LocalFrame], selection: [Int]? = nil) {
    let chosen = selection ?? Array(correspondences.indices)
    // One pass writes all four arrays in place (appending element by element costs a
    // uniqueness check per append; four passes would read every frame four times).
    let m = chosen.count
    (ax, ay, bx, by) = ([Double](repeating: 0, count: m), [Double](repeating: 0, count: m),
                        [Double](repeating: 0, count: m), [Double](repeating: 0, count: m))
    correspondences.withUnsafeBufferPointer { correspondences in
      framesA.withUnsafeBufferPointer { framesA in
        framesB.withUnsafeBufferPointer { framesB in
          ax.withUnsafeMutableBufferPointer { ax in
            ay.withUnsafeMutableBufferPointer { ay in
              bx.withUnsafeMutableBufferPointer { bx in
                by.withUnsafeMutableBufferPointer { by in
                  for (j, k) in chosen.enumerated() {
                    let p = framesA[Int(correspondences[k].a)], q = framesB[Int(correspondences[k].b)]
                    (ax[j], ay[j], bx[j], by[j]) = (p.x, p.y, q.x, q.y)
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

/// Fitting planar maps to point correspondences.
public enum HomographyFit {
  /// The homography B ← A minimising the algebraic error over the inliers, by the
  /// normalised DLT (Hartley & Zisserman, Alg. 4.2): points centred and scaled to mean
  /// distance √2, the 2n×9 system solved by the smallest eigenvector of AᵀA. nil with fewer
  /// than 4 inliers or a degenerate configuration.
  public static func leastSquares(correspondences: [Correspondence], framesA: [LocalFrame], framesB: [LocalFrame],
                                  inliers: [Bool]) -> Homography? {
    dlt(PointPairs(correspondences: correspondences, framesA: framesA, framesB: framesB), where: inliers)
  }

  public static func dlt(_ a: [(Double, Double)], _ b: [(Double, Double)]) -> Homography? {
    guard a.count == b.count else { return nil }
    return dlt(PointPairs(a, b), where: [Bool](repeating: true, count: a.count))
  }

  /// The normalised DLT over the pairs whose `mask` entry is true.
  static func dlt(_ pairs: PointPairs, where mask: [Bool]) -> Homography? {
    mask.withUnsafeBufferPointer { selected in
      pairs.withBuffers { ax, ay, bx, by in dlt(ax, ay, bx, by, selected) }
    }
  }

  private static func dlt(_ ax: UnsafeBufferPointer<Double>, _ ay: UnsafeBufferPointer<Double>,
                          _ bx: UnsafeBufferPointer<Double>, _ by: UnsafeBufferPointer<Double>,
                          _ selected: UnsafeBufferPointer<Bool>) -> Homography? {
    let n = ax.count
    var used = 0
    var sum = (ax: 0.0, ay: 0.0, bx: 0.0, by: 0.0)
    for k in 0..<n where selected[k] {
      used += 1
      sum = (sum.ax + ax[k], sum.ay + ay[k], sum.bx + bx[k], sum.by + by[k])
    }
    guard used >= 4 else { return nil }
    let count = Double(used)
    let (cax, cay, cbx, cby) = (sum.ax / count, sum.ay / count, sum.bx / count, sum.by / count)
    var spreadA = 0.0, spreadB = 0.0
    for k in 0..<n where selected[k] {
      let (dax, day) = (ax[k] - cax, ay[k] - cay), (dbx, dby) = (bx[k] - cbx, by[k] - cby)
      spreadA += (dax * dax + day * day).squareRoot()
      spreadB += (dbx * dbx + dby * dby).squareRoot()
    }
    guard spreadA / count > 1e-12, spreadB / count > 1e-12 else { return nil }
    let (sa, sb) = (2.0.squareRoot() * count / spreadA, 2.0.squareRoot() * count / spreadB)
    // Each pair adds two rows e1 = (−p, 0, u·p), e2 = (0, −p, v·p) with p = (x, y, 1), so AᵀA
    // has blocks Σppᵀ (twice), −Σu·ppᵀ, −Σv·ppᵀ and Σ(u²+v²)·ppᵀ: four 3×3 moment sums
    // (6 distinct entries each) instead of 2·45 products per pair. The moments are (x², xy,
    // x, y², y, 1), summed plain and weighted by u, v and u² + v²; points are centred, so
    // Σx = Σy = Σu = Σv = 0 and Σ1 = count: 19 accumulators, not 24.
    var p0 = 0.0, p1 = 0.0, p3 = 0.0
    var u0 = 0.0, u1 = 0.0, u2 = 0.0, u3 = 0.0, u4 = 0.0
    var v0 = 0.0, v1 = 0.0, v2 = 0.0, v3 = 0.0, v4 = 0.0
    var w0 = 0.0, w1 = 0.0, w2 = 0.0, w3 = 0.0, w4 = 0.0, w5 = 0.0
    for k in 0..<n where selected[k] {
      let x = (ax[k] - cax) * sa, y = (ay[k] - cay) * sa
      let u = (bx[k] - cbx) * sb, v = (by[k] - cby) * sb, w = u * u + v * v
      let (xx, xy, yy) = (x * x, x * y, y * y)
      p0 += xx; p1 += xy; p3 += yy
      u0 += u * xx; u1 += u * xy; u2 += u * x; u3 += u * yy; u4 += u * y
      v0 += v * xx; v1 += v * xy; v2 += v * x; v3 += v * yy; v4 += v * y
      w0 += w * xx; w1 += w * xy; w2 += w * x; w3 += w * yy; w4 += w * y; w5 += w
    }
    // A symmetric 3×3 block from its moments (x², xy, x, y², y, 1).
    func block(_ s: (Double, Double, Double, Double, Double, Double)) -> [[Double]] {
      [[s.0, s.1, s.2], [s.1, s.3, s.4], [s.2, s.4, s.5]]
    }
    let plain = block((p0, p1, 0, p3, 0, count))
    var ata = [Double](repeating: 0, count: 81)
    for (row, column, values) in [(0, 0, plain), (3, 3, plain), (0, 6, block((-u0, -u1, -u2, -u3, -u4, 0))),
                                  (3, 6, block((-v0, -v1, -v2, -v3, -v4, 0))), (6, 6, block((w0, w1, w2, w3, w4, w5)))] {
      for i in 0..<3 {
        for j in 0..<3 {  // the block and its mirror image across the diagonal
          ata[(row + i) * 9 + column + j] = values[i][j]
          ata[(column + j) * 9 + row + i] = values[i][j]
        }
      }
    }
    let h = SymmetricEigen.smallestEigenvector(ata, size: 9)
    // Denormalise: H = Tb⁻¹ · Hn · Ta.
    let ta = [sa, 0, -sa * cax, 0, sa, -sa * cay, 0, 0, 1]
    let tbInv = [1 / sb, 0, cbx, 0, 1 / sb, cby, 0, 0, 1]
    var m = multiply(tbInv, multiply(h, ta))
    guard abs(m[8]) > 1e-12, m.allSatisfy(\.isFinite) else { return nil }
    m = m.map { $0 / m[8] }
    return Homography(m)
  }

  static func multiply(_ a: [Double], _ b: [Double]) -> [Double] {
    var out = [Double](repeating: 0, count: 9)
    for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { out[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j] } } }
    return out
  }
}

/// Eigen-decomposition of small symmetric matrices by cyclic Jacobi rotations.
enum SymmetricEigen {
  /// The unit eigenvector of the smallest eigenvalue of a symmetric `size`×`size` matrix.
  static func smallestEigenvector(_ matrix: [Double], size n: Int) -> [Double] {
    var a = matrix
    var v = [Double](repeating: 0, count: n * n)
    for i in 0..<n { v[i * n + i] = 1 }
    a.withUnsafeMutableBufferPointer { a in
      v.withUnsafeMutableBufferPointer { v in
        // Converged when the off-diagonal mass is negligible relative to the matrix (an
        // absolute bound made large sums of many points sweep all 60 times).
        var scale = 0.0
        for i in 0..<n * n { scale += a[i] * a[i] }
        for _ in 0..<60 {
          var off = 0.0
          for i in 0..<n { for j in (i + 1)..<n { off += a[i * n + j] * a[i * n + j] } }
          if off <= 1e-30 * scale || off < 1e-300 { break }
          for p in 0..<n {
            for q in (p + 1)..<n where abs(a[p * n + q]) > 1e-300 {
              let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
              let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
              let c = 1 / (t * t + 1).squareRoot(), s = t * c
              for k in 0..<n {  // A ← Jᵀ A J
                let akp = a[k * n + p], akq = a[k * n + q]
                a[k * n + p] = c * akp - s * akq
                a[k * n + q] = s * akp + c * akq
              }
              for k in 0..<n {
                let apk = a[p * n + k], aqk = a[q * n + k]
                a[p * n + k] = c * apk - s * aqk
                a[q * n + k] = s * apk + c * aqk
              }
              for k in 0..<n {
                let vkp = v[k * n + p], vkq = v[k * n + q]
                v[k * n + p] = c * vkp - s * vkq
                v[k * n + q] = s * vkp + c * vkq
              }
            }
          }
        }
      }
    }
    let smallest = (0..<n).min { a[$0 * n + $0] < a[$1 * n + $1] }!
    return (0..<n).map { v[$0 * n + smallest] }
  }
}
