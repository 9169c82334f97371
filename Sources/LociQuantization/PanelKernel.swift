// This file is compiled twice: into LociQuantization for any x86-64 (SSE), and, through the
// symbolic link Sources/LociKernelsAVX2/PanelKernel.swift, into LociKernelsAVX2 for CPUs with
// AVX2 and FMA (`-target-cpu haswell`, `LOCI_FMA`). `FlatVocabulary` picks one at run time.

/// The dot products behind exact assignment: a small GEMM over centroid panels.
public enum PanelKernel {
  /// Dot products of six rows with the words of panels `blocks`, into `out` (row g's dot with
  /// word w at `out[g × rowStride + w]`).
  /// `panels` holds `blocks` panels of `dimension` × 8 Floats, coordinate-major, so one SIMD8
  /// load is coordinate j of 8 words and the six rows accumulate against it by broadcast
  /// (no horizontal sums; twelve SSE accumulator halves, or six AVX registers).
  public static func dotProducts(_ r0: UnsafePointer<Float>, _ r1: UnsafePointer<Float>, _ r2: UnsafePointer<Float>,
                                 _ r3: UnsafePointer<Float>, _ r4: UnsafePointer<Float>, _ r5: UnsafePointer<Float>,
                                 panels: UnsafePointer<Float>, blocks: Range<Int>, dimension d: Int,
                                 into out: UnsafeMutablePointer<Float>, rowStride stride: Int) {
    let o = UnsafeMutableRawPointer(out)
    var first = blocks.lowerBound
    #if LOCI_FMA
      // AVX2: two panels at a time, 6 rows × 16 words = 12 accumulators + 2 panel registers
      // + 1 broadcast of the 16 ymm registers; per coordinate 8 loads feed 12 FMAs, so the
      // FMA units, not the load ports, set the pace (the 6 × 8 shape below is load-bound:
      // 7 loads per 6 FMAs). Measured: 36k → 63k descriptors/s at 4,096 words (docs/benchmarks.md,
      // "Vocabularies").
      while first + 2 <= blocks.upperBound {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>()
        var a3 = SIMD8<Float>(), a4 = SIMD8<Float>(), a5 = SIMD8<Float>()
        var b0 = SIMD8<Float>(), b1 = SIMD8<Float>(), b2 = SIMD8<Float>()
        var b3 = SIMD8<Float>(), b4 = SIMD8<Float>(), b5 = SIMD8<Float>()
        let p = UnsafeRawPointer(panels + first * d * 8), q = UnsafeRawPointer(panels + (first + 1) * d * 8)
        for j in 0..<d {
          let c = p.loadUnaligned(fromByteOffset: 32 * j, as: SIMD8<Float>.self)
          let e = q.loadUnaligned(fromByteOffset: 32 * j, as: SIMD8<Float>.self)
          var x = SIMD8<Float>(repeating: r0[j])
          a0.addProduct(x, c); b0.addProduct(x, e)
          x = SIMD8<Float>(repeating: r1[j])
          a1.addProduct(x, c); b1.addProduct(x, e)
          x = SIMD8<Float>(repeating: r2[j])
          a2.addProduct(x, c); b2.addProduct(x, e)
          x = SIMD8<Float>(repeating: r3[j])
          a3.addProduct(x, c); b3.addProduct(x, e)
          x = SIMD8<Float>(repeating: r4[j])
          a4.addProduct(x, c); b4.addProduct(x, e)
          x = SIMD8<Float>(repeating: r5[j])
          a5.addProduct(x, c); b5.addProduct(x, e)
        }
        storeRows(a0, a1, a2, a3, a4, a5, into: o, block: first, rowStride: stride)
        storeRows(b0, b1, b2, b3, b4, b5, into: o, block: first + 1, rowStride: stride)
        first += 2
      }
    #endif
    for b in first..<blocks.upperBound {
      var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>()
      var a3 = SIMD8<Float>(), a4 = SIMD8<Float>(), a5 = SIMD8<Float>()
      let p = UnsafeRawPointer(panels + b * d * 8)
      for j in 0..<d {
        let c = p.loadUnaligned(fromByteOffset: 32 * j, as: SIMD8<Float>.self)
        #if LOCI_FMA
          a0.addProduct(SIMD8(repeating: r0[j]), c)
          a1.addProduct(SIMD8(repeating: r1[j]), c)
          a2.addProduct(SIMD8(repeating: r2[j]), c)
          a3.addProduct(SIMD8(repeating: r3[j]), c)
          a4.addProduct(SIMD8(repeating: r4[j]), c)
          a5.addProduct(SIMD8(repeating: r5[j]), c)
        #else
          a0 += SIMD8(repeating: r0[j]) * c
          a1 += SIMD8(repeating: r1[j]) * c
          a2 += SIMD8(repeating: r2[j]) * c
          a3 += SIMD8(repeating: r3[j]) * c
          a4 += SIMD8(repeating: r4[j]) * c
          a5 += SIMD8(repeating: r5[j]) * c
        #endif
      }
      storeRows(a0, a1, a2, a3, a4, a5, into: o, block: b, rowStride: stride)
    }
  }

  /// The six rows' dot products with the 8 words of panel `block`: row g's at
  /// `out[g × rowStride + 8·block …]`.
  @inline(__always)
  static func storeRows(_ a0: SIMD8<Float>, _ a1: SIMD8<Float>, _ a2: SIMD8<Float>, _ a3: SIMD8<Float>,
                        _ a4: SIMD8<Float>, _ a5: SIMD8<Float>, into o: UnsafeMutableRawPointer, block: Int, rowStride stride: Int) {
    let at = 4 * block * 8
    o.storeBytes(of: a0, toByteOffset: at, as: SIMD8<Float>.self)
    o.storeBytes(of: a1, toByteOffset: at + 4 * stride, as: SIMD8<Float>.self)
    o.storeBytes(of: a2, toByteOffset: at + 8 * stride, as: SIMD8<Float>.self)
    o.storeBytes(of: a3, toByteOffset: at + 12 * stride, as: SIMD8<Float>.self)
    o.storeBytes(of: a4, toByteOffset: at + 16 * stride, as: SIMD8<Float>.self)
    o.storeBytes(of: a5, toByteOffset: at + 20 * stride, as: SIMD8<Float>.self)
  }
}
