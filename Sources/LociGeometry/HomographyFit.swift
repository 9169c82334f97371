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
      var cx = 0.0, cy = 0.0
      for q in p { cx += q.0; cy += q.1 }
      cx /= n; cy /= n
      var mean = 0.0
      for q in p { mean += ((q.0 - cx) * (q.0 - cx) + (q.1 - cy) * (q.1 - cy)).squareRoot() }
      mean /= n
      guard mean > 1e-12 else { return nil }
      return (cx, cy, 2.0.squareRoot() / mean)
    }
    guard let na = normaliser(a), let nb = normaliser(b) else { return nil }
    // AᵀA accumulated from the two rows each point contributes (upper triangle, then
    // mirrored), in fixed scratch rows: this loop runs once per inlier and per refit.
    var ata = [Double](repeating: 0, count: 81)
    let e1 = UnsafeMutablePointer<Double>.allocate(capacity: 9), e2 = UnsafeMutablePointer<Double>.allocate(capacity: 9)
    defer { e1.deallocate(); e2.deallocate() }
    e1.initialize(repeating: 0, count: 9)
    e2.initialize(repeating: 0, count: 9)
    ata.withUnsafeMutableBufferPointer { m in
      for i in 0..<a.count {
        let p = a[i], q = b[i]
        let x = (p.0 - na.0) * na.2, y = (p.1 - na.1) * na.2
        let u = (q.0 - nb.0) * nb.2, v = (q.1 - nb.1) * nb.2
        e1[0] = -x; e1[1] = -y; e1[2] = -1; e1[6] = u * x; e1[7] = u * y; e1[8] = u
        e2[3] = -x; e2[4] = -y; e2[5] = -1; e2[6] = v * x; e2[7] = v * y; e2[8] = v
        for r in 0..<9 {
          let (a1, a2) = (e1[r], e2[r])
          for c in r..<9 { m[r * 9 + c] += a1 * e1[c] + a2 * e2[c] }
        }
      }
      for r in 0..<9 { for c in 0..<r { m[r * 9 + c] = m[c * 9 + r] } }
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
