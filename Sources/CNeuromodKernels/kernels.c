// The kernels of every level: kernels_body.h compiled once per level (the choice among them is in
// dispatch.c).
//
// Identical bits at every level: kernels_body.h is compiled once per level from the same source;
// floating-point contraction is off (clang's C default, -ffp-contract=on, would fuse a*b + c into
// an FMA where the level has one, and change the last bit), there is no fast-math, and every
// reduction (softmax's max, sum and dot) is a scalar loop in column order, which the compiler does
// not reorder. Only the vector width differs between levels, and elementwise IEEE arithmetic does
// not depend on it. tanh calls libm at every level.
#include "kernels_tables.h"

#pragma clang fp contract(off)

// NMK_EXP_LOOP precedes the loops that evaluate exp per element: a loop pragma that interleaves
// four vectors per iteration, so that their independent Horner chains overlap (the sigmoid over
// 256 × 192 doubles: 50 → 35 µs at avx512, 93 → 85 µs at avx2, "AMD EPYC" Zen 5). Each element
// still goes through the same operations in the same order: the bits do not change.
#define NMK_LEVEL_SUFFIX portable
#define NMK_LEVEL_ATTRIBUTES
#define NMK_EXP_LOOP
#include "kernels_body.h"
#undef NMK_LEVEL_SUFFIX
#undef NMK_LEVEL_ATTRIBUTES
#undef NMK_EXP_LOOP

#if defined(__x86_64__)
#define NMK_LEVEL_SUFFIX avx2
#define NMK_LEVEL_ATTRIBUTES __attribute__((target("avx2,fma")))
#define NMK_EXP_LOOP _Pragma("clang loop interleave_count(4)")
#include "kernels_body.h"
#undef NMK_LEVEL_SUFFIX
#undef NMK_LEVEL_ATTRIBUTES
#undef NMK_EXP_LOOP

// min_vector_width(512): use 512-bit vectors (clang otherwise prefers 256 bits on AVX-512 targets).
#define NMK_LEVEL_SUFFIX avx512
#define NMK_LEVEL_ATTRIBUTES \
    __attribute__((target("avx2,fma,avx512f,avx512dq,avx512vl,avx512bw,avx512cd"), min_vector_width(512)))
#define NMK_EXP_LOOP _Pragma("clang loop interleave_count(4)")
#include "kernels_body.h"
#undef NMK_LEVEL_SUFFIX
#undef NMK_LEVEL_ATTRIBUTES
#undef NMK_EXP_LOOP
#endif
