/// Sine and cosine of one angle in a single evaluation, for the per-correspondence loops
/// (glibc's `sin` + `cos` cost ~60 ns together on this project's machine; this costs a few).
///
/// The angle is reduced to r ∈ [−π/4, π/4] by the nearest multiple k of π/2 (Cody–Waite, π/2
/// split in two 33-bit parts, so k·part is exact; the split's residual 2·10⁻²¹ costs at most
/// 10⁻¹⁶ for |x| ≤ 10⁵), then sin r and cos r come from degree-13/14
/// minimax polynomials, and the quadrant k mod 4 picks signs and swaps. Absolute error ≤ 2·10⁻¹⁵ for |x| ≤ 10⁴ (tested against libm); larger or
/// non-finite angles fall back to libm.
@inline(__always)
func sinCos(_ x: Double) -> (sin: Double, cos: Double) {
  guard abs(x) <= 1e5 else {
    return (_sinFallback(x), _cosFallback(x))
  }
  // Round to nearest by the 1.5·2⁵² trick (libm's rint is a call here).
  let k = (x * (2 / Double.pi) + 6_755_399_441_055_744) - 6_755_399_441_055_744
  // π/2 ≈ a + b with a, b exact in 33 bits, so k·a and k·b are exact.
  let a = 1.5707963267341256, b = 6.077100506303966e-11
  let r = (x - k * a) - k * b
  let r2 = r * r, r4 = r2 * r2
  // Minimax polynomials on [−π/4, π/4] (the classic fdlibm kernel coefficients, error below
  // 2⁻⁵⁸), evaluated in two halves (Estrin) to shorten the dependency chain.
  let sineTail = (-1.66666666666666324348e-01 + r2 * 8.33333333332248946124e-03)
    + r4 * ((-1.98412698298579493134e-04 + r2 * 2.75573137070700676789e-06)
      + r4 * (-2.50507602534068634195e-08 + r2 * 1.58969099521155010221e-10))
  let sine = r + r * r2 * sineTail
  let cosineTail = (4.16666666666666019037e-02 + r2 * -1.38888888888741095749e-03)
    + r4 * ((2.48015872894767294178e-05 + r2 * -2.75573143513906633035e-07)
      + r4 * (2.08757232129817482790e-09 + r2 * -1.13596475577881948265e-11))
  let cosine = 1 - 0.5 * r2 + r4 * cosineTail
  // Quadrant k mod 4 by masks, not a switch: with random angles (outliers) a branch
  // mispredicts half the time. Odd k swaps sine and cosine; bit 1 of k negates the sine,
  // bit 1 of k + 1 the cosine.
  let q = Int64(k)
  let swapMask = 0 &- UInt64(truncatingIfNeeded: q & 1)
  let (sb, cb) = (sine.bitPattern, cosine.bitPattern)
  let sinBits = (sb & ~swapMask | cb & swapMask) ^ UInt64(truncatingIfNeeded: (q >> 1) & 1) << 63
  let cosBits = (cb & ~swapMask | sb & swapMask) ^ UInt64(truncatingIfNeeded: ((q + 1) >> 1) & 1) << 63
  return (Double(bitPattern: sinBits), Double(bitPattern: cosBits))
}

import Foundation

@inline(never) private func _sinFallback(_ x: Double) -> Double { sin(x) }
@inline(never) private func _cosFallback(_ x: Double) -> Double { cos(x) }
