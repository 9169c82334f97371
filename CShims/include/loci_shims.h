/*
 * loci_shims.h: the C ABI between Loci's Swift code and the C++ libraries it uses.
 *
 * Not public API. Swift wraps every entry point once (the Shim+*.swift files in Sources) and turns a
 * status into a typed error. Rules: every symbol starts with `loci_`; handles are opaque;
 * no C++ type or exception crosses this header; on failure an entry point returns a
 * status other than LOCI_OK and loci_last_error() describes it (thread-local).
 */
#ifndef LOCI_SHIMS_H
#define LOCI_SHIMS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum loci_status {
  LOCI_OK = 0,
  LOCI_ERR_IO = 1,          /* the file could not be opened or read */
  LOCI_ERR_FORMAT = 2,      /* not a recognised image format */
  LOCI_ERR_CORRUPT = 3,     /* recognised format, but corrupt or truncated data */
  LOCI_ERR_ARGUMENT = 4,    /* invalid argument (size, null pointer, unknown format) */
  LOCI_ERR_MEMORY = 5,      /* allocation failed */
  LOCI_ERR_INTERNAL = 6,    /* an exception from OpenCV or CGAL */
  LOCI_ERR_TOO_LARGE = 7    /* the image's header declares more pixels than allowed */
} loci_status;

/* The message of the last failure on the calling thread ("" if none). Valid until the
 * next shim call on that thread. */
const char *loci_last_error(void);

/* ---- Images (OpenCV imgcodecs) ---------------------------------------------------- */

/* A decoded image, converted to grey Float32 in [0, 1], row-major. */
typedef struct loci_image loci_image;

/* Decodes a file (JPEG, PNG, PGM/PPM, TIFF, BMP, WebP; 8 or 16 bit; grey, colour or
 * colour + alpha) with cv::imdecode after reading it whole. When max_pixels > 0, an
 * image whose header declares more pixels (or a file too large for that many) is refused
 * with LOCI_ERR_TOO_LARGE before anything is decoded. */
loci_status loci_image_decode_file(const char *path, int64_t max_pixels, loci_image **out);
/* Same from bytes in memory. */
loci_status loci_image_decode_memory(const uint8_t *bytes, size_t count, int64_t max_pixels,
                                     loci_image **out);
/* The same with every format through cv::imdecode (JPEG included, which the two above
 * decode with libjpeg directly to attribute its warnings): the reference the tests compare
 * the JPEG path against. */
loci_status loci_image_decode_memory_opencv(const uint8_t *bytes, size_t count, loci_image **out);
int32_t loci_image_width(const loci_image *image);
int32_t loci_image_height(const loci_image *image);
/* Channels and bits per channel of the encoded source (e.g. 3 and 8 for a colour JPEG). */
int32_t loci_image_source_channels(const loci_image *image);
int32_t loci_image_source_bits(const loci_image *image);
const float *loci_image_pixels(const loci_image *image);
void loci_image_free(loci_image *image);

/* An owned byte buffer. */
typedef struct loci_buffer loci_buffer;
const uint8_t *loci_buffer_bytes(const loci_buffer *buffer);
size_t loci_buffer_count(const loci_buffer *buffer);
void loci_buffer_free(loci_buffer *buffer);

/* Encodes interleaved 8-bit RGB (channels = 3) or grey (channels = 1) with cv::imencode.
 * `extension` is ".png", ".jpg", ".bmp", ".tif", ".webp" (lossless), ".pgm" or ".ppm";
 * `quality` is the JPEG quality (ignored otherwise). */
loci_status loci_image_encode(const uint8_t *pixels, int32_t width, int32_t height,
                              int32_t channels, const char *extension, int32_t quality,
                              loci_buffer **out);

/* ---- OpenCV detectors: comparison baselines only ----------------------------------- */

/* An elliptical region: centre (x, y), shape matrix S = [[s11 s12] [s12 s22]] of the
 * ellipse (p-c)^T S^-1 (p-c) = 1, orientation in radians (NaN when none), response. */
typedef struct loci_region {
  double x, y, s11, s12, s22, angle, response;
} loci_region;

typedef struct loci_region_list loci_region_list;
size_t loci_region_list_count(const loci_region_list *list);
const loci_region *loci_region_list_items(const loci_region_list *list);
void loci_region_list_free(loci_region_list *list);

/* cv::SIFT (DoG) on 8-bit grey. Each keypoint becomes a circle of radius `size`
 * (OpenCV's size is 2 sigma, so 3x that radius is the 12-sigma-wide SIFT patch) and
 * OpenCV's angle in radians: OpenCV measures it from +x towards +y with y pointing down,
 * which is Loci's convention too. */
loci_status loci_sift_detect(const uint8_t *gray, int32_t width, int32_t height,
                             int32_t max_features, double contrast_threshold,
                             loci_region_list **out);

/* cv::MSER on 8-bit grey (both polarities). Each region becomes its second-moment
 * ellipse scaled to the region's area (S = 4 * covariance); no orientation. */
loci_status loci_mser_detect(const uint8_t *gray, int32_t width, int32_t height,
                             int32_t delta, int32_t min_area, int32_t max_area,
                             double max_variation, double min_diversity,
                             loci_region_list **out);

/* cv::SIFT::compute at given keypoints (x, y, size, angle in OpenCV degrees), writing
 * count x 128 floats. For benchmarks and the descriptor-parity test only. */
loci_status loci_sift_compute(const uint8_t *gray, int32_t width, int32_t height,
                              const float *x, const float *y, const float *size,
                              const float *angle_degrees, size_t count, float *descriptors);

/* OpenCV's own thread pool size (cv::setNumThreads); 0 or negative restores the default.
 * Benchmarks pin it to 1 to compare single-core figures. */
void loci_opencv_set_threads(int32_t threads);
int32_t loci_opencv_threads(void);

/* ---- CGAL: regular triangulation and weighted alpha filtration -------------------- */

/* The weighted alpha-shape filtration of a set of weighted points (x, y, w), with w a
 * squared radius: CGAL::Regular_triangulation_2 with the values CGAL::Alpha_shape_2 assigns
 * (computed with the same kernel constructions and exact predicates).
 * Alpha values are squared orthoradii (power distances) and may be negative. */
typedef struct loci_filtration loci_filtration;

loci_status loci_filtration_build(const double *xyw, size_t count, loci_filtration **out);
/* Finite triangles: three input indices each (counter-clockwise) and the alpha at which
 * the triangle enters the complex. */
size_t loci_filtration_triangle_count(const loci_filtration *f);
const int32_t *loci_filtration_triangle_vertices(const loci_filtration *f); /* 3 per triangle */
const double *loci_filtration_triangle_alpha(const loci_filtration *f);
/* For each triangle and each of its 3 edges (edge i is opposite vertex i), the index of
 * the neighbouring finite triangle, or -1 across the convex hull. */
const int32_t *loci_filtration_triangle_neighbors(const loci_filtration *f);
/* For each triangle and each of its 3 edges (edge i is opposite vertex i), the alpha at
 * which that edge enters the complex: the same value as in the edge list, laid out beside
 * the neighbours so that a sweep over triangles needs no edge lookup. */
const double *loci_filtration_triangle_edge_alpha(const loci_filtration *f);
/* Finite edges: two input indices, the alpha at which the edge enters the complex, and
 * whether it is attached (its smallest orthocircle is not empty, so it enters with the
 * smaller of its incident triangles). */
size_t loci_filtration_edge_count(const loci_filtration *f);
const int32_t *loci_filtration_edge_vertices(const loci_filtration *f); /* 2 per edge */
const double *loci_filtration_edge_alpha(const loci_filtration *f);
const uint8_t *loci_filtration_edge_attached(const loci_filtration *f);
/* Input points that are hidden (redundant) in the regular triangulation. */
size_t loci_filtration_hidden_count(const loci_filtration *f);
const int32_t *loci_filtration_hidden(const loci_filtration *f);
void loci_filtration_free(loci_filtration *f);

/* ---- Allocator ------------------------------------------------------------------ */

/* Serve allocations below mmap_threshold bytes from the heap and keep up to
 * trim_threshold bytes of freed heap for reuse (glibc's mallopt; a no-op elsewhere).
 * Process-wide: for executables, not for a library to call on its own. */
void loci_keep_freed_memory(size_t mmap_threshold, size_t trim_threshold);

#ifdef __cplusplus
}
#endif
#endif /* LOCI_SHIMS_H */
