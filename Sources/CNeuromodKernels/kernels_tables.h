// The kernel tables kernels.c defines, one per level this architecture compiles (dispatch.c picks one).
#ifndef NEUROMOD_KERNELS_TABLES_H
#define NEUROMOD_KERNELS_TABLES_H

#include "neuromod_kernels.h"

extern const nmk_table nmk_kernels_portable;
#if defined(__x86_64__)
extern const nmk_table nmk_kernels_avx2;
extern const nmk_table nmk_kernels_avx512;
#endif

#endif
