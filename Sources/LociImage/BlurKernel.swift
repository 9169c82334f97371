// The portable build of the blur's inner loop (SSE on x86-64). On CPUs with AVX2,
// `GrayImage.gaussianBlurred` calls the C version in LociKernels (`loci_blur_weighted_sum_avx2`),
// where a SIMD8 is one register. Both give the same bits (no fused multiply-add is formed).

/// The Gaussian blur's inner loop (`GrayImage.gaussianBlurred`).
package enum BlurKernel {
  /// out[x] = Σ_j weights[j]·inputs[j][x] for x < `width`, j in 0..<`taps`, summed in order of
  /// j from 0 (the same bits as accumulating tap by tap). Thirty-two pixels at a time in four
  /// independent register sums: with one, each tap waited for the previous addition.
  package static func weightedSum(taps: Int, weights k: UnsafePointer<Float>, width w: Int, into out: UnsafeMutablePointer<Float>,
                                   inputs: UnsafePointer<UnsafePointer<Float>>) {
    @inline(__always) func load(_ j: Int, _ x: Int) -> SIMD8<Float> {
      UnsafeRawPointer(inputs[j] + x).loadUnaligned(as: SIMD8<Float>.self)
    }
    @inline(__always) func store(_ v: SIMD8<Float>, _ x: Int) {
      UnsafeMutableRawPointer(out + x).storeBytes(of: v, as: SIMD8<Float>.self)
    }
    var x = 0
    while x + 32 <= w {
      var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
      for j in 0..<taps {
        let weight = SIMD8<Float>(repeating: k[j])
        s0 += weight * load(j, x)
        s1 += weight * load(j, x + 8)
        s2 += weight * load(j, x + 16)
        s3 += weight * load(j, x + 24)
      }
      store(s0, x)
      store(s1, x + 8)
      store(s2, x + 16)
      store(s3, x + 24)
      x += 32
    }
    while x + 8 <= w {
      var sum = SIMD8<Float>()
      for j in 0..<taps { sum += SIMD8(repeating: k[j]) * load(j, x) }
      store(sum, x)
      x += 8
    }
    while x < w {
      var sum: Float = 0
      for j in 0..<taps { sum += k[j] * inputs[j][x] }
      out[x] = sum
      x += 1
    }
  }
}
