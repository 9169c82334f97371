/* HDF5 files for the hloc export, through the system's libhdf5 opened with dlopen on first
 * use (it links about 30 libraries, curl and Kerberos among them, that no other command
 * needs). Only the few calls the export makes; errors leave a message for loci_h5_error(). */
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { LOCI_H5_FLOAT32 = 0, LOCI_H5_INT32 = 1 } loci_h5_type;

/* A new file at path (truncating one that is there); a negative handle on failure. */
int64_t loci_h5_create(const char *path);
/* Writes a dataset at `name` ("group/sub/dataset", groups created as needed) of `rank`
 * dimensions `dims`, row-major `data`. 0 on success, -1 on failure. */
int loci_h5_write(int64_t file, const char *name, loci_h5_type type, int rank, const uint64_t *dims, const void *data);
/* Closes the file (flushing it). 0 on success. */
int loci_h5_close(int64_t file);
/* The calling thread's last error message ("" when none). */
const char *loci_h5_error(void);

#ifdef __cplusplus
}
#endif
