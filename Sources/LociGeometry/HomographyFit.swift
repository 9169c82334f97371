import Foundation

/// Fitting planar maps to point correspondences.
public enum HomographyFit {
  /// The homography B ← A minimising the algebraic error over the inliers, by the
  /// normalised DLT (Hartley & Zisserman, Alg. 4.2): points centred and scaled to mean
  /// distance √2, the 2n×9 system solved by the smallest eigenvector of AᵀA. nil with fewer
  /// than 4 inliers or a degenerate configuration.
  public static func leastSquares(correspondences: [Correspondence], framesA: [LocalFrame], framesB: [LocalFrame],
                                  inliers: [Bool]) -> Homography? {
    var pa: [(Double, Double)] = [], pb: [(Double, Double)] = []
    for (k, c) in correspondences.enumerated() where inliers[k] {
      pa.append((framesA[Int(c.a)].x, framesA[Int(c.a)].y))
      pb.append((framesB[Int(c.b)].x, framesB[Int(c.b)].y))
    }
    return dlt(pa, pb)
  }

  public static func dlt(_ a: [(Double, Double)], _ b: [(Double, Double)]) -> Homography? {
    guard a.count >= 4, a.count == b.count else { return nil }
    func normaliser(_ p: [(Double, Double)]) -> (Double, Double, Double)? {
      let n = Double(p.count)
      let cx = p.map(\.0).reduce(0, +) / n, cy = p.map(\.1).reduce(0, +) / n
      let mean = p.map { hypot($0.0 - cx, $0.1 - cy) }.reduce(0, +) / n
      guard mean > 1e-12 else { return nil }
      return (cx, cy, 2.0.squareRoot() / mean)
    }
    guard let na = normaliser(a), let nb = normaliser(b) else { return nil }
    var ata = [Double](repeating: 0, count: 81)
    ata.withUnsafeMutableBufferPointer { m in
      var r1 = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0), r2 = r1
      for (p, q) in zip(a, b) {
        let x = (p.0 - na.0) * na.2, y = (p.1 - na.1) * na.2
        let u = (q.0 - nb.0) * nb.2, v = (q.1 - nb.1) * nb.2
        r1 = (-x, -y, -1, 0, 0, 0, u * x, u * y, u)
        r2 = (0, 0, 0, -x, -y, -1, v * x, v * y, v)
        withUnsafeBytes(of: r1) { b1 in
          withUnsafeBytes(of: r2) { b2 in
            let e1 = b1.bindMemory(to: Double.self), e2 = b2.bindMemory(to: Double.self)
            for i in 0..<9 {
              for j in i..<9 { m[i * 9 + j] += e1[i] * e1[j] + e2[i] * e2[j] }
            }
          }
        }
      }
      for i in 0..<9 { for j in 0..<i { m[i * 9 + j] = m[j * 9 + i] } }
    }
    let h = SymmetricEigen.smallestEigenvector(ata, size: 9)
    // Denormalise: H = Tb⁻¹ · Hn · Ta.
    let ta = [na.2, 0, -na.2 * na.0, 0, na.2, -na.2 * na.1, 0, 0, 1]
    let tbInv = [1 / nb.2, 0, nb.0, 0, 1 / nb.2, nb.1, 0, 0, 1]
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
    for _ in 0..<60 {
      var off = 0.0
      for i in 0..<n { for j in (i + 1)..<n { off += a[i * n + j] * a[i * n + j] } }
      if off < 1e-22 { break }
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
    let smallest = (0..<n).min { a[$0 * n + $0] < a[$1 * n + $1] }!
    return (0..<n).map { v[$0 * n + smallest] }
  }
}
