// The system's SQLite (Debian: libsqlite3-dev), for the COLMAP database export.
#include <sqlite3.h>
