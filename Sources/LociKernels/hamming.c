// Hamming distances with the POPCNT instruction (see loci_kernels.h and hammingDistance in
// BinaryEmbedding.swift): the default x86-64 target has no POPCNT, and Swift's
// nonzeroBitCount then counts bits with a dozen shifts and masks per word.
#include "loci_kernels.h"

#if defined(__x86_64__)
#include <nmmintrin.h>

__attribute__((target("popcnt")))
void loci_hamming_distances_popcnt(const uint64_t *query, const uint64_t *codes, ptrdiff_t count, ptrdiff_t words,
                                   int32_t *out) {
  if (words == 2) {
    // Two words per code (128-bit ASMK* and HE codes, residual codes of SIFT): unrolled.
    const uint64_t q0 = query[0], q1 = query[1];
    for (ptrdiff_t i = 0; i < count; ++i) {
      out[i] = (int32_t)(_mm_popcnt_u64(codes[2 * i] ^ q0) + _mm_popcnt_u64(codes[2 * i + 1] ^ q1));
    }
    return;
  }
  for (ptrdiff_t i = 0; i < count; ++i) {
    long long h = 0;
    for (ptrdiff_t k = 0; k < words; ++k) h += _mm_popcnt_u64(codes[i * words + k] ^ query[k]);
    out[i] = (int32_t)h;
  }
}

#endif
