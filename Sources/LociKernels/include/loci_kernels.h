/*
 * loci_kernels.h: the hot loops built for AVX2 + FMA, selected at run time.
 *
 * Not public API. Each function carries __attribute__((target(...))) (AVX2 + FMA, or POPCNT), so the package
 * needs no compiler flag (a versioned dependency may not use unsafe flags) and the rest of
 * the code stays portable; Swift calls one only when CPUFeatures.hasAVX2AndFMA. The Swift
 * kernels beside their callers are the portable versions and the tests' references.
 * Declared on x86-64 only.
 */
#ifndef LOCI_KERNELS_H
#define LOCI_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)

/* out[x] = sum over j < taps of weights[j] * inputs[j][x], for x < width, summed in order of
 * j from 0 with separate multiplies and adds: the bits of BlurKernel.weightedSum. */
void loci_blur_weighted_sum_avx2(ptrdiff_t taps, const float *weights, ptrdiff_t width, float *out,
                                 const float *const *inputs);

/* Dot products of six rows with the 8 words of each panel in [block_begin, block_end), with
 * fused multiply-adds in order of the coordinate: PanelKernel.dotProducts's layout. */
void loci_panel_dot_products_avx2_fma(const float *r0, const float *r1, const float *r2, const float *r3,
                                      const float *r4, const float *r5, const float *panels, ptrdiff_t block_begin,
                                      ptrdiff_t block_end, ptrdiff_t dimension, float *out, ptrdiff_t row_stride);

/* SourceRowKernel.offer for x in [first, end) eight pixels at a time; returns the first x it
 * left (fewer than eight remain), which the portable kernel finishes. Same bits: every
 * operation is an exactly rounded IEEE one. */
ptrdiff_t loci_source_row_offer_avx2(float *distance, float *source_x, float *source_y, float *source_height,
                                     const float *from_x, const float *from_y, const float *from_height,
                                     ptrdiff_t first, ptrdiff_t end, float y, const float *columns);

/* out[i] = number of bits in which codes[i * words ..< (i + 1) * words] and query differ, for
 * i < count; built for POPCNT (every CPU with AVX2 has it). */
void loci_hamming_distances_popcnt(const uint64_t *query, const uint64_t *codes, ptrdiff_t count, ptrdiff_t words,
                                   int32_t *out);

#endif

#endif
