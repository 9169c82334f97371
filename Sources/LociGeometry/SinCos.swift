/// Sine and cosine of one angle in a single evaluation, for the per-correspondence loops
/// (glibc's `sin` + `cos` cost ~60 ns together on this project's machine; this costs a few).
///
/// The angle is reduced to r ∈ [−π/4, π/4] by the nearest multiple k of π/2 (Cody–Waite, π/2
/// split in three parts, exact for |x| up to ~10⁶), then sin r and cos r come from their Taylor
/// series to r¹⁷ and r¹⁶ (truncation below 5·10⁻¹⁷ at π/4), and the quadrant k mod 4 picks
/// signs and swaps. Absolute error ≤ 2·10⁻¹⁵ for |x| ≤ 10⁴ (tested against libm); larger or
/// non-finite angles fall back to libm.
@inline(__always)
func sinCos(_ x: Double) -> (sin: Double, cos: Double) {
  guard abs(x) <= 1e6 else {
    return (_sinFallback(x), _cosFallback(x))
  }
  // Round to nearest by the 1.5·2⁵² trick (libm's rint is a call here).
  let k = (x * (2 / Double.pi) + 6_755_399_441_055_744) - 6_755_399_441_055_744
  // π/2 = a + b + c with a, b exact in 33 bits, so k·a and k·b are exact.
  let a = 1.5707963267341256, b = 6.077100506303966e-11, c = 2.0222662487959506e-21
  let r = ((x - k * a) - k * b) - k * c
  let r2 = r * r
  // Horner on the Taylor coefficients (−1)ⁿ/(2n+1)! and (−1)ⁿ/(2n)!.
  var s = -1.0 / 355_687_428_096_000
  s = s * r2 + 1.0 / 1_307_674_368_000
  s = s * r2 - 1.0 / 6_227_020_800
  s = s * r2 + 1.0 / 39_916_800
  s = s * r2 - 1.0 / 362_880
  s = s * r2 + 1.0 / 5_040
  s = s * r2 - 1.0 / 120
  s = s * r2 + 1.0 / 6
  let sine = r - r * r2 * s
  var c2 = 1.0 / 20_922_789_888_000
  c2 = c2 * r2 - 1.0 / 87_178_291_200
  c2 = c2 * r2 + 1.0 / 479_001_600
  c2 = c2 * r2 - 1.0 / 3_628_800
  c2 = c2 * r2 + 1.0 / 40_320
  c2 = c2 * r2 - 1.0 / 720
  c2 = c2 * r2 + 1.0 / 24
  c2 = c2 * r2 - 0.5
  let cosine = 1 + r2 * c2
  switch Int(k) & 3 {
  case 0: return (sine, cosine)
  case 1: return (cosine, -sine)
  case 2: return (-sine, -cosine)
  default: return (-cosine, sine)
  }
}

import Foundation

@inline(never) private func _sinFallback(_ x: Double) -> Double { sin(x) }
@inline(never) private func _cosFallback(_ x: Double) -> Double { cos(x) }
