// The hloc export's HDF5 calls, bound at run time (see include/loci_hdf5.h). The prototypes
// below are HDF5 1.10+'s C API (hid_t is 64-bit since 1.10); the header is not included, so
// the target needs no include path of the system's HDF5.
#include "loci_hdf5.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef int64_t hid_t;
typedef int herr_t;
typedef unsigned long long hsize_t;

static struct {
  int loaded;
  herr_t (*open)(void);
  herr_t (*libversion)(unsigned *, unsigned *, unsigned *);
  herr_t (*eset_auto)(hid_t, void *, void *);
  hid_t (*fcreate)(const char *, unsigned, hid_t, hid_t);
  herr_t (*fclose)(hid_t);
  hid_t (*screate_simple)(int, const hsize_t *, const hsize_t *);
  herr_t (*sclose)(hid_t);
  hid_t (*pcreate)(hid_t);
  herr_t (*pset_create_intermediate_group)(hid_t, unsigned);
  herr_t (*pclose)(hid_t);
  hid_t (*dcreate)(hid_t, const char *, hid_t, hid_t, hid_t, hid_t, hid_t);
  herr_t (*dwrite)(hid_t, hid_t, hid_t, hid_t, hid_t, const void *);
  herr_t (*dclose)(hid_t);
  hid_t *native_float, *native_int32, *link_create_class;
} h5;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];
static _Thread_local char last_error[512];

static void fail(const char *message, const char *detail) {
  snprintf(last_error, sizeof last_error, "%s%s%s", message, detail ? ": " : "", detail ? detail : "");
}

static void load(void) {
  // Debian and Ubuntu name the serial build libhdf5_serial; other systems libhdf5.
  const char *names[] = {"libhdf5_serial.so.103", "libhdf5.so.103", "libhdf5_serial.so", "libhdf5.so", "libhdf5.dylib"};
  void *library = NULL;
  for (size_t i = 0; i < sizeof names / sizeof *names && !library; ++i) library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    snprintf(load_error, sizeof load_error, "HDF5 could not be loaded (install libhdf5-dev): %s", dlerror());
    return;
  }
#define BIND(field, symbol)                                                                          \
  if (!(*(void **)&h5.field = dlsym(library, symbol))) {                                             \
    snprintf(load_error, sizeof load_error, "the HDF5 library lacks %s", symbol);                  \
    return;                                                                                          \
  }
  BIND(open, "H5open") BIND(libversion, "H5get_libversion") BIND(eset_auto, "H5Eset_auto2")
  BIND(fcreate, "H5Fcreate") BIND(fclose, "H5Fclose") BIND(screate_simple, "H5Screate_simple")
  BIND(sclose, "H5Sclose") BIND(pcreate, "H5Pcreate") BIND(pclose, "H5Pclose")
  BIND(pset_create_intermediate_group, "H5Pset_create_intermediate_group")
  BIND(dcreate, "H5Dcreate2") BIND(dwrite, "H5Dwrite") BIND(dclose, "H5Dclose")
  BIND(native_float, "H5T_NATIVE_FLOAT_g") BIND(native_int32, "H5T_NATIVE_INT32_g")
  BIND(link_create_class, "H5P_CLS_LINK_CREATE_ID_g")
#undef BIND
  unsigned major = 0, minor = 0, release = 0;
  // H5open initialises the library, which sets the global type and class ids read above.
  if (h5.open() < 0 || h5.libversion(&major, &minor, &release) < 0) {
    snprintf(load_error, sizeof load_error, "HDF5 failed to initialise");
    return;
  }
  if (major < 1 || (major == 1 && minor < 10)) {
    snprintf(load_error, sizeof load_error, "HDF5 %u.%u.%u is older than 1.10 (64-bit identifiers)", major, minor, release);
    return;
  }
  h5.eset_auto(0 /* H5E_DEFAULT */, NULL, NULL); // failures are reported here, not printed by HDF5
  h5.loaded = 1;
}

static int ready(void) {
  pthread_once(&once, load);
  if (!h5.loaded) fail(load_error, NULL);
  return h5.loaded;
}

enum { H5F_ACC_TRUNC = 2, H5P_DEFAULT = 0, H5S_ALL = 0 };

int64_t loci_h5_create(const char *path) {
  if (!ready()) return -1;
  hid_t file = h5.fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) fail("cannot create the HDF5 file", path);
  return file;
}

int loci_h5_write(int64_t file, const char *name, loci_h5_type type, int rank, const uint64_t *dims, const void *data) {
  if (!ready()) return -1;
  hsize_t shape[8];
  if (rank < 1 || rank > 8) { fail("unsupported dataset rank", name); return -1; }
  for (int i = 0; i < rank; ++i) shape[i] = dims[i];
  hid_t memoryType = type == LOCI_H5_FLOAT32 ? *h5.native_float : *h5.native_int32;
  hid_t space = h5.screate_simple(rank, shape, NULL);
  hid_t links = h5.pcreate(*h5.link_create_class);
  int status = -1;
  if (space >= 0 && links >= 0 && h5.pset_create_intermediate_group(links, 1) >= 0) {
    hid_t dataset = h5.dcreate(file, name, memoryType, space, links, H5P_DEFAULT, H5P_DEFAULT);
    if (dataset >= 0) {
      status = h5.dwrite(dataset, memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0 ? 0 : -1;
      h5.dclose(dataset);
    }
  }
  if (links >= 0) h5.pclose(links);
  if (space >= 0) h5.sclose(space);
  if (status != 0) fail("cannot write the HDF5 dataset (does it exist already?)", name);
  return status;
}

int loci_h5_close(int64_t file) {
  if (!ready()) return -1;
  if (h5.fclose(file) < 0) { fail("cannot close the HDF5 file", NULL); return -1; }
  return 0;
}

const char *loci_h5_error(void) { return last_error; }
