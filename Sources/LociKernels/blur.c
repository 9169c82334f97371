// The Gaussian blur's inner loop for AVX2 (see loci_kernels.h and BlurKernel.swift).
#include "loci_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

// Separate multiplies and adds, as the portable kernel does: a contracted a*b+c would round
// once instead of twice and change the blur's bits.
#pragma STDC FP_CONTRACT OFF

__attribute__((target("avx2,fma")))
void loci_blur_weighted_sum_avx2(ptrdiff_t taps, const float *k, ptrdiff_t w, float *out, const float *const *inputs) {
  ptrdiff_t x = 0;
  // Thirty-two pixels at a time in four independent sums, so no tap waits for the last add.
  for (; x + 32 <= w; x += 32) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    for (ptrdiff_t j = 0; j < taps; ++j) {
      const __m256 weight = _mm256_set1_ps(k[j]);
      const float *row = inputs[j] + x;
      s0 = _mm256_add_ps(s0, _mm256_mul_ps(weight, _mm256_loadu_ps(row)));
      s1 = _mm256_add_ps(s1, _mm256_mul_ps(weight, _mm256_loadu_ps(row + 8)));
      s2 = _mm256_add_ps(s2, _mm256_mul_ps(weight, _mm256_loadu_ps(row + 16)));
      s3 = _mm256_add_ps(s3, _mm256_mul_ps(weight, _mm256_loadu_ps(row + 24)));
    }
    _mm256_storeu_ps(out + x, s0);
    _mm256_storeu_ps(out + x + 8, s1);
    _mm256_storeu_ps(out + x + 16, s2);
    _mm256_storeu_ps(out + x + 24, s3);
  }
  for (; x + 8 <= w; x += 8) {
    __m256 sum = _mm256_setzero_ps();
    for (ptrdiff_t j = 0; j < taps; ++j)
      sum = _mm256_add_ps(sum, _mm256_mul_ps(_mm256_set1_ps(k[j]), _mm256_loadu_ps(inputs[j] + x)));
    _mm256_storeu_ps(out + x, sum);
  }
  for (; x < w; ++x) {
    float sum = 0;
    for (ptrdiff_t j = 0; j < taps; ++j) {
      const float product = k[j] * inputs[j][x];
      sum = sum + product;
    }
    out[x] = sum;
  }
}
#endif
