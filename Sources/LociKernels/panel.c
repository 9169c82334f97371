// Exact assignment's dot products for AVX2 + FMA (see loci_kernels.h and PanelKernel.swift).
#include "loci_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma"), always_inline))
static inline void store_rows(__m256 a0, __m256 a1, __m256 a2, __m256 a3, __m256 a4, __m256 a5, float *out,
                              ptrdiff_t block, ptrdiff_t stride) {
  float *o = out + 8 * block;
  _mm256_storeu_ps(o, a0);
  _mm256_storeu_ps(o + stride, a1);
  _mm256_storeu_ps(o + 2 * stride, a2);
  _mm256_storeu_ps(o + 3 * stride, a3);
  _mm256_storeu_ps(o + 4 * stride, a4);
  _mm256_storeu_ps(o + 5 * stride, a5);
}

__attribute__((target("avx2,fma")))
void loci_panel_dot_products_avx2_fma(const float *r0, const float *r1, const float *r2, const float *r3,
                                      const float *r4, const float *r5, const float *panels, ptrdiff_t first,
                                      ptrdiff_t end, ptrdiff_t d, float *out, ptrdiff_t stride) {
  // Two panels at a time: 6 rows x 16 words = 12 accumulators + 2 panel registers + 1
  // broadcast of the 16 ymm registers; per coordinate 8 loads feed 12 FMAs, so the FMA
  // units, not the load ports, set the pace.
  for (; first + 2 <= end; first += 2) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    __m256 b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0;
    const float *p = panels + first * d * 8, *q = panels + (first + 1) * d * 8;
    for (ptrdiff_t j = 0; j < d; ++j) {
      const __m256 c = _mm256_loadu_ps(p + 8 * j), e = _mm256_loadu_ps(q + 8 * j);
      __m256 x = _mm256_set1_ps(r0[j]);
      a0 = _mm256_fmadd_ps(x, c, a0); b0 = _mm256_fmadd_ps(x, e, b0);
      x = _mm256_set1_ps(r1[j]);
      a1 = _mm256_fmadd_ps(x, c, a1); b1 = _mm256_fmadd_ps(x, e, b1);
      x = _mm256_set1_ps(r2[j]);
      a2 = _mm256_fmadd_ps(x, c, a2); b2 = _mm256_fmadd_ps(x, e, b2);
      x = _mm256_set1_ps(r3[j]);
      a3 = _mm256_fmadd_ps(x, c, a3); b3 = _mm256_fmadd_ps(x, e, b3);
      x = _mm256_set1_ps(r4[j]);
      a4 = _mm256_fmadd_ps(x, c, a4); b4 = _mm256_fmadd_ps(x, e, b4);
      x = _mm256_set1_ps(r5[j]);
      a5 = _mm256_fmadd_ps(x, c, a5); b5 = _mm256_fmadd_ps(x, e, b5);
    }
    store_rows(a0, a1, a2, a3, a4, a5, out, first, stride);
    store_rows(b0, b1, b2, b3, b4, b5, out, first + 1, stride);
  }
  for (; first < end; ++first) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    const float *p = panels + first * d * 8;
    for (ptrdiff_t j = 0; j < d; ++j) {
      const __m256 c = _mm256_loadu_ps(p + 8 * j);
      a0 = _mm256_fmadd_ps(_mm256_set1_ps(r0[j]), c, a0);
      a1 = _mm256_fmadd_ps(_mm256_set1_ps(r1[j]), c, a1);
      a2 = _mm256_fmadd_ps(_mm256_set1_ps(r2[j]), c, a2);
      a3 = _mm256_fmadd_ps(_mm256_set1_ps(r3[j]), c, a3);
      a4 = _mm256_fmadd_ps(_mm256_set1_ps(r4[j]), c, a4);
      a5 = _mm256_fmadd_ps(_mm256_set1_ps(r5[j]), c, a5);
    }
    store_rows(a0, a1, a2, a3, a4, a5, out, first, stride);
  }
}
#endif
