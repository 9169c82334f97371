// Internal to CShims: the thread-local last error and the exception barrier.
#pragma once
#include <exception>
#include <new>
#include <string>
#include "loci_shims.h"

namespace loci {
/// Records `message` as the calling thread's last error and returns `status`.
loci_status fail(loci_status status, const std::string &message);
/// Clears the last error and returns LOCI_OK.
loci_status ok();

/// Runs `body` (returning loci_status) so that no C++ exception escapes into Swift.
template <typename Body> loci_status guarded(const char *what, Body body) {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return fail(LOCI_ERR_MEMORY, std::string(what) + ": out of memory");
  } catch (const std::exception &e) {
    return fail(LOCI_ERR_INTERNAL, std::string(what) + ": " + e.what());
  } catch (...) {
    return fail(LOCI_ERR_INTERNAL, std::string(what) + ": unknown C++ exception");
  }
}
} // namespace loci
