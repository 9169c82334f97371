/* Intentionally empty: this module exists for its pkg-config include path (see module.modulemap). */
