import LociCore
import LociKernels

// The portable build of the panel kernel (SSE on x86-64). On CPUs with AVX2 and FMA,
// `FlatVocabulary` calls the C version in LociKernels (`loci_panel_dot_products_avx2_fma`:
// two panels at a time, fused multiply-adds) instead.

/// The dot products behind exact assignment: a small GEMM over centroid panels.
package enum PanelKernel {
  /// Dot products of six rows with the words of panels `blocks`, into `out` (row g's dot with
  /// word w at `out[g × rowStride + w]`).
  /// `panels` holds `blocks` panels of `dimension` × 8 Floats, coordinate-major, so one SIMD8
  /// load is coordinate j of 8 words and the six rows accumulate against it by broadcast
  /// (no horizontal sums; twelve SSE accumulator halves, or six AVX registers).
  package static func dotProducts(_ r0: UnsafePointer<Float>, _ r1: UnsafePointer<Float>, _ r2: UnsafePointer<Float>,
                                 _ r3: UnsafePointer<Float>, _ r4: UnsafePointer<Float>, _ r5: UnsafePointer<Float>,
                                 panels: UnsafePointer<Float>, blocks: Range<Int>, dimension d: Int,
                                 into out: UnsafeMutablePointer<Float>, rowStride stride: Int) {
    let o = UnsafeMutableRawPointer(out)
    for b in blocks {
      var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>()
      var a3 = SIMD8<Float>(), a4 = SIMD8<Float>(), a5 = SIMD8<Float>()
      let p = UnsafeRawPointer(panels + b * d * 8)
      for j in 0..<d {
        let c = p.loadUnaligned(fromByteOffset: 32 * j, as: SIMD8<Float>.self)
        a0 += SIMD8(repeating: r0[j]) * c
        a1 += SIMD8(repeating: r1[j]) * c
        a2 += SIMD8(repeating: r2[j]) * c
        a3 += SIMD8(repeating: r3[j]) * c
        a4 += SIMD8(repeating: r4[j]) * c
        a5 += SIMD8(repeating: r5[j]) * c
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

extension PanelKernel {
  /// `count` rows of `dimension` Floats (row-major) as ⌈count/8⌉ panels of 8 rows,
  /// coordinate-major, the layout the kernel reads; rows past `count` are zero.
  package static func panels(of rows: [Float], count: Int, dimension d: Int) -> [Float] {
    var panels = [Float](repeating: 0, count: ((count + 7) / 8) * d * 8)
    for w in 0..<count {
      for j in 0..<d { panels[((w / 8) * d + j) * 8 + w % 8] = rows[w * d + j] }
    }
    return panels
  }

  /// A·Bᵀ for `a` (n × dimension, row-major) and B given as `panels` (`panels(of:)`):
  /// n rows of `8 × blocks` dot products (entries past B's rows are 0), on one thread.
  package static func products(_ a: UnsafePointer<Float>, count n: Int, panels: [Float], dimension d: Int) -> [Float] {
    let blocks = panels.count / (8 * d), stride = blocks * 8
    guard n > 0, blocks > 0 else { return [] }
    // Room for the kernel's six rows past the last real one; those are dropped.
    var out = [Float](repeating: 0, count: ((n + 5) / 6) * 6 * stride)
    // Six rows per kernel call; groups of rows on all cores (a query's few hundred rows
    // split in two halve its projection time), each row computed alike whatever the split.
    let groups = (n + 5) / 6
    panels.withUnsafeBufferPointer { p in
      out.withUnsafeMutableBufferPointer { o in
        let base = o.baseAddress!
        parallelChunks(groups, minimumChunk: 32) { range in
          for group in range {
            let i = group * 6
            let row = { (g: Int) in a + Swift.min(i + g, n - 1) * d }
            let target = base + i * stride
            if CPUFeatures.hasAVX2AndFMA {
              #if arch(x86_64)
                loci_panel_dot_products_avx2_fma(row(0), row(1), row(2), row(3), row(4), row(5), p.baseAddress!, 0, blocks, d,
                                                 target, stride)
              #endif
            } else {
              dotProducts(row(0), row(1), row(2), row(3), row(4), row(5), panels: p.baseAddress!, blocks: 0..<blocks,
                          dimension: d, into: target, rowStride: stride)
            }
          }
        }
      }
    }
    out.removeLast(out.count - n * stride)
    return out
  }
}
