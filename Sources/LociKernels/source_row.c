// The distance transform's row offers for AVX2 (see loci_kernels.h and SourceRowKernel.swift).
#include "loci_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma STDC FP_CONTRACT OFF

__attribute__((target("avx2,fma")))
ptrdiff_t loci_source_row_offer_avx2(float *b, float *bx, float *by, float *bh, const float *qx, const float *qy,
                                     const float *qh, ptrdiff_t x, ptrdiff_t end, float y, const float *columns) {
  const __m256 y8 = _mm256_set1_ps(y);
  // Most offers change nothing, so a block none of whose lanes improves writes nothing.
  for (; x + 8 <= end; x += 8) {
    const __m256 nx = _mm256_loadu_ps(qx + x), ny = _mm256_loadu_ps(qy + x), nh = _mm256_loadu_ps(qh + x);
    const __m256 ex = _mm256_sub_ps(_mm256_loadu_ps(columns + x), nx), ey = _mm256_sub_ps(y8, ny);
    const __m256 squared = _mm256_add_ps(_mm256_mul_ps(ex, ex), _mm256_mul_ps(ey, ey));
    const __m256 candidate = _mm256_add_ps(_mm256_sqrt_ps(squared), nh);
    const __m256 current = _mm256_loadu_ps(b + x);
    const __m256 better = _mm256_cmp_ps(candidate, current, _CMP_LT_OQ);
    if (_mm256_movemask_ps(better)) {
      _mm256_storeu_ps(b + x, _mm256_blendv_ps(current, candidate, better));
      _mm256_storeu_ps(bx + x, _mm256_blendv_ps(_mm256_loadu_ps(bx + x), nx, better));
      _mm256_storeu_ps(by + x, _mm256_blendv_ps(_mm256_loadu_ps(by + x), ny, better));
      _mm256_storeu_ps(bh + x, _mm256_blendv_ps(_mm256_loadu_ps(bh + x), nh, better));
    }
  }
  return x;
}
#endif
