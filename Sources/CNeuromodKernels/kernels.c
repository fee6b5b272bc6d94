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

// The loops that evaluate exp per element run it in blocks (kernels_typed.h, NMK_EXP_BLOCKED): each
// stage of exp over NMK_EXP_CHAINS vectors of NMK_VECTOR_BYTES (the level's vector size) before the
// next, so that eight independent Horner chains overlap; one element at a time, the core waits on
// each chain's latency. Sigmoid over 256 × 192 doubles, "AMD EPYC" Zen 5 (neuromod-bench's phase):
// avx512 36 → 26 µs, avx2 85 → 50 µs, portable 217 → 117 µs (8 chains; 4, 6, 12 and 16 were
// slower). Each element still goes through the same operations in the same order: the bits do not
// change.
#define NMK_EXP_CHAINS 8

// NMK_EXP_LOOP precedes the loops that still evaluate exp one element at a time (the blocks' tails):
// a loop pragma that interleaves four vectors per iteration.
#define NMK_LEVEL_SUFFIX portable
#define NMK_LEVEL_ATTRIBUTES
#define NMK_EXP_LOOP
#define NMK_VECTOR_BYTES 16
#include "kernels_body.h"
#undef NMK_LEVEL_SUFFIX
#undef NMK_LEVEL_ATTRIBUTES
#undef NMK_EXP_LOOP
#undef NMK_VECTOR_BYTES

#if defined(__x86_64__)
#define NMK_LEVEL_SUFFIX avx2
#define NMK_LEVEL_ATTRIBUTES __attribute__((target("avx2,fma")))
#define NMK_EXP_LOOP _Pragma("clang loop interleave_count(4)")
#define NMK_VECTOR_BYTES 32
#include "kernels_body.h"
#undef NMK_LEVEL_SUFFIX
#undef NMK_LEVEL_ATTRIBUTES
#undef NMK_EXP_LOOP
#undef NMK_VECTOR_BYTES

// min_vector_width(512): use 512-bit vectors (clang otherwise prefers 256 bits on AVX-512 targets).
#define NMK_LEVEL_SUFFIX avx512
#define NMK_LEVEL_ATTRIBUTES \
    __attribute__((target("avx2,fma,avx512f,avx512dq,avx512vl,avx512bw,avx512cd"), min_vector_width(512)))
#define NMK_EXP_LOOP _Pragma("clang loop interleave_count(4)")
#define NMK_VECTOR_BYTES 64
#include "kernels_body.h"
#undef NMK_LEVEL_SUFFIX
#undef NMK_LEVEL_ATTRIBUTES
#undef NMK_EXP_LOOP
#undef NMK_VECTOR_BYTES
#endif
