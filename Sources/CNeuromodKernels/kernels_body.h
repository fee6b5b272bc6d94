// One level's kernels, included by kernels.c once per level with NMK_LEVEL_SUFFIX (the name suffix)
// and NMK_LEVEL_ATTRIBUTES (the target attributes, empty for portable) defined. The loops are plain
// C; the compiler vectorizes them for the level's instruction set. No include guard, on purpose.
#include "kernels_scalar.h"

#pragma clang fp contract(off)

#define NMK_CAT2(a, b) a##_##b
#define NMK_CAT(a, b) NMK_CAT2(a, b)
#define NMK_FN(name) NMK_CAT(name, NMK_LEVEL_SUFFIX)
#define NMK_KERNEL static NMK_LEVEL_ATTRIBUTES void

#define NMK_T double
#define NMK_TFN(name) NMK_FN(name)
#define NMK_K(c) c
#define NMK_EXP1 nmk_exp1
#define NMK_EXP_REDUCE nmk_exp_reduce
#define NMK_EXP_TAYLOR nmk_exp_taylor
#define NMK_EXP_DEG NMK_EXP_DEGREE
#define NMK_EXP_SCALE nmk_exp_scale
#define NMK_SIGMOID1 nmk_sigmoid1
#define NMK_TANH1 tanh
#define NMK_RELU1 nmk_relu1
#define NMK_LEAKY1 nmk_leaky1
#include "kernels_typed.h"  // undefines the parameters above

// The same kernels in single precision (the float32 mode): float buffers, float constants and float
// arithmetic throughout, tanhf and nmk_expf1 (kernels_scalar.h).
#define NMK_T float
#define NMK_TFN(name) NMK_FN(name##_f32)
#define NMK_K(c) c##f
#define NMK_EXP1 nmk_expf1
#define NMK_EXP_REDUCE nmk_expf_reduce
#define NMK_EXP_TAYLOR nmk_expf_taylor
#define NMK_EXP_DEG NMK_EXPF_DEGREE
#define NMK_EXP_SCALE nmk_expf_scale
#define NMK_SIGMOID1 nmk_sigmoidf1
#define NMK_TANH1 tanhf
#define NMK_RELU1 nmk_reluf1
#define NMK_LEAKY1 nmk_leakyf1
#include "kernels_typed.h"  // undefines the parameters above

/// Rounds GSL's double draws to the nearest float (ties to even): the float32 mode's noise.
NMK_KERNEL NMK_FN(nmk_round_to_float)(const double *x, float *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = (float)x[i];
}


const nmk_table NMK_FN(nmk_kernels) = {
    .exp = NMK_FN(nmk_exp),
    .activate = NMK_FN(nmk_activate),
    .bias_activate = NMK_FN(nmk_bias_activate),
    .softmax = NMK_FN(nmk_softmax),
    .derivatives = NMK_FN(nmk_derivatives),
    .backward = NMK_FN(nmk_backward),
    .backward_sums = NMK_FN(nmk_backward_sums),
    .outer_backward_sums = NMK_FN(nmk_outer_backward_sums),
    .softmax_backward = NMK_FN(nmk_softmax_backward),
    .scaled_derivative = NMK_FN(nmk_scaled_derivative),
    .add_scaled = NMK_FN(nmk_add_scaled),
    .multiply = NMK_FN(nmk_multiply),
    .multiply2 = NMK_FN(nmk_multiply2),
    .add_row_vector = NMK_FN(nmk_add_row_vector),
    .fill_rows = NMK_FN(nmk_fill_rows),
    .accumulate_product = NMK_FN(nmk_accumulate_product),
    .exp_f32 = NMK_FN(nmk_exp_f32),
    .activate_f32 = NMK_FN(nmk_activate_f32),
    .bias_activate_f32 = NMK_FN(nmk_bias_activate_f32),
    .softmax_f32 = NMK_FN(nmk_softmax_f32),
    .derivatives_f32 = NMK_FN(nmk_derivatives_f32),
    .backward_f32 = NMK_FN(nmk_backward_f32),
    .backward_sums_f32 = NMK_FN(nmk_backward_sums_f32),
    .outer_backward_sums_f32 = NMK_FN(nmk_outer_backward_sums_f32),
    .softmax_backward_f32 = NMK_FN(nmk_softmax_backward_f32),
    .scaled_derivative_f32 = NMK_FN(nmk_scaled_derivative_f32),
    .add_scaled_f32 = NMK_FN(nmk_add_scaled_f32),
    .multiply_f32 = NMK_FN(nmk_multiply_f32),
    .multiply2_f32 = NMK_FN(nmk_multiply2_f32),
    .add_row_vector_f32 = NMK_FN(nmk_add_row_vector_f32),
    .fill_rows_f32 = NMK_FN(nmk_fill_rows_f32),
    .accumulate_product_f32 = NMK_FN(nmk_accumulate_product_f32),
    .round_to_float = NMK_FN(nmk_round_to_float),
};

#undef NMK_CAT2
#undef NMK_CAT
#undef NMK_FN
#undef NMK_KERNEL
