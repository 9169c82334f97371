// The thread-local last error shared by every shim entry point.
#include "loci_error.hpp"

namespace {
thread_local std::string lastError;
}

namespace loci {
loci_status fail(loci_status status, const std::string &message) {
  lastError = message;
  return status;
}
loci_status ok() {
  lastError.clear();
  return LOCI_OK;
}
} // namespace loci

extern "C" const char *loci_last_error(void) { return lastError.c_str(); }
