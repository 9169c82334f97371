import LociCore
import LociKernels

/// `out[i]` = the Hamming distance between `query` and the i-th of `count` codes of `words`
/// UInt64s each, through the POPCNT kernel where the CPU has it (every CPU with AVX2 does;
/// Swift's default x86-64 target counts bits without it, several times slower), else
/// `hammingDistance`. The scan of ASMK* and HE posting lists and the residual-code filter of
/// tentative correspondences both run here.
@inline(__always)
func hammingDistances(_ query: UnsafePointer<UInt64>, _ codes: UnsafePointer<UInt64>, count: Int, words: Int,
                      into out: UnsafeMutablePointer<Int32>) {
  #if arch(x86_64)
    if CPUFeatures.hasAVX2AndFMA {
      loci_hamming_distances_popcnt(query, codes, count, words, out)
      return
    }
  #endif
  for i in 0..<count { out[i] = Int32(hammingDistance(query, codes + i * words, count: words)) }
}
