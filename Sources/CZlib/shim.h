// zlib, for reading gzip-compressed data files.
#ifndef NEUROMOD_CZLIB_SHIM_H
#define NEUROMOD_CZLIB_SHIM_H
#include <zlib.h>
#endif
