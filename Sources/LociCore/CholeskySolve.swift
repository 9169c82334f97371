/// Solves the symmetric positive definite system M·x = b (`size` × `size`, row-major; only
/// the lower triangle is read) by Cholesky factorisation; nil when M is not positive
/// definite. For the small normal equations of Gauss–Newton steps.
package func choleskySolve(_ m: [Double], _ b: [Double], size n: Int) -> [Double]? {
  precondition(m.count == n * n && b.count == n, "choleskySolve needs an n×n matrix and n values")
  var l = [Double](repeating: 0, count: n * n)
  for i in 0..<n {
    for j in 0...i {
      var s = m[i * n + j]
      for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
      if i == j {
        guard s > 0, s.isFinite else { return nil }
        l[i * n + i] = s.squareRoot()
      } else {
        l[i * n + j] = s / l[j * n + j]
      }
    }
  }
  var y = [Double](repeating: 0, count: n)
  for i in 0..<n {
    var s = b[i]
    for k in 0..<i { s -= l[i * n + k] * y[k] }
    y[i] = s / l[i * n + i]
  }
  var x = [Double](repeating: 0, count: n)
  for i in stride(from: n - 1, through: 0, by: -1) {
    var s = y[i]
    for k in (i + 1)..<n { s -= l[k * n + i] * x[k] }
    x[i] = s / l[i * n + i]
  }
  return x
}
