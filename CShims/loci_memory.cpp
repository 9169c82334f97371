// Allocator tuning for the executables (glibc only; a no-op elsewhere).
#include "loci_shims.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

extern "C" void loci_keep_freed_memory(size_t mmap_threshold, size_t trim_threshold) {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(mmap_threshold));
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(trim_threshold));
#else
  (void)mmap_threshold;
  (void)trim_threshold;
#endif
}
