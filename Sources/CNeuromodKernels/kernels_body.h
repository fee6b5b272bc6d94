// One level's kernels, included by kernels.c once per level with NMK_LEVEL_SUFFIX (the name suffix)
// and NMK_LEVEL_ATTRIBUTES (the target attributes, empty for portable) defined. The loops are plain
// C; the compiler vectorizes them for the level's instruction set. No include guard, on purpose.
#include "kernels_scalar.h"

#pragma clang fp contract(off)

#define NMK_CAT2(a, b) a##_##b
#define NMK_CAT(a, b) NMK_CAT2(a, b)
#define NMK_FN(name) NMK_CAT(name, NMK_LEVEL_SUFFIX)
#define NMK_KERNEL static NMK_LEVEL_ATTRIBUTES void

/// `BODY(F)` once per elementwise activation, with F(v) that activation's φ at v (a macro argument,
/// so the switch sits outside the loops).
#define NMK_SIGMOID_F(v) nmk_sigmoid1(v)
#define NMK_LINEAR_F(v) (v)
#define NMK_TANH_F(v) tanh(v)
#define NMK_RELU_F(v) nmk_relu1(v)
#define NMK_LEAKY_F(v) nmk_leaky1(v, slope)
#define NMK_PER_ACTIVATION(kind, BODY) \
    switch (kind) { \
    case NMK_ACT_LINEAR: BODY(NMK_LINEAR_F); break; \
    case NMK_ACT_SIGMOID: BODY(NMK_SIGMOID_F); break; \
    case NMK_ACT_TANH: BODY(NMK_TANH_F); break; \
    case NMK_ACT_RELU: BODY(NMK_RELU_F); break; \
    case NMK_ACT_LEAKY_RELU: BODY(NMK_LEAKY_F); break; \
    }

/// The same for φ′ through (a, z).
#define NMK_D_LINEAR(a, z) 1.0
#define NMK_D_SIGMOID(a, z) ((a) * (1.0 - (a)))
#define NMK_D_TANH(a, z) (1.0 - (a) * (a))
#define NMK_D_RELU(a, z) ((z) > 0 ? 1.0 : 0.0)
#define NMK_D_LEAKY(a, z) ((z) > 0 ? 1.0 : slope)
#define NMK_PER_DERIVATIVE(kind, BODY) \
    switch (kind) { \
    case NMK_ACT_LINEAR: BODY(NMK_D_LINEAR); break; \
    case NMK_ACT_SIGMOID: BODY(NMK_D_SIGMOID); break; \
    case NMK_ACT_TANH: BODY(NMK_D_TANH); break; \
    case NMK_ACT_RELU: BODY(NMK_D_RELU); break; \
    case NMK_ACT_LEAKY_RELU: BODY(NMK_D_LEAKY); break; \
    }

NMK_KERNEL NMK_FN(nmk_exp)(const double *x, double sign, double shift, double *out, size_t n) {
    NMK_EXP_LOOP
    for (size_t i = 0; i < n; i++) out[i] = nmk_exp1(x[i] * sign + shift);
}

NMK_KERNEL NMK_FN(nmk_activate)(nmk_activation kind, double slope, const double *z, double *out, size_t n) {
#define NMK_BODY(F) NMK_EXP_LOOP for (size_t i = 0; i < n; i++) out[i] = F(z[i])
    NMK_PER_ACTIVATION(kind, NMK_BODY)
#undef NMK_BODY
}

NMK_KERNEL NMK_FN(nmk_bias_activate)(nmk_activation kind, double slope, double *z, const double *bias,
                                     size_t rows, size_t cols, double *out) {
#define NMK_BODY(F) \
    for (size_t r = 0; r < rows; r++) { \
        double *zr = z + r * cols, *outr = out + r * cols; \
        NMK_EXP_LOOP \
        for (size_t c = 0; c < cols; c++) { double v = zr[c] + bias[c]; zr[c] = v; outr[c] = F(v); } \
    }
    NMK_PER_ACTIVATION(kind, NMK_BODY)
#undef NMK_BODY
}

NMK_KERNEL NMK_FN(nmk_softmax)(const double *z, size_t rows, size_t cols, double *out) {
    for (size_t r = 0; r < rows; r++) {
        const double *zr = z + r * cols;
        double *outr = out + r * cols;
        double peak = -INFINITY;
        for (size_t c = 0; c < cols; c++) peak = zr[c] >= peak ? zr[c] : peak;  // Swift's max(peak, z)
        double shift = -peak;
        for (size_t c = 0; c < cols; c++) outr[c] = nmk_exp1(zr[c] * 1.0 + shift);
        double total = 0.0;
        for (size_t c = 0; c < cols; c++) total += outr[c];  // in column order: not vectorized
        for (size_t c = 0; c < cols; c++) outr[c] /= total;
    }
}

NMK_KERNEL NMK_FN(nmk_derivatives)(nmk_activation kind, double slope, const double *a, const double *z,
                                   double *g, size_t n) {
#define NMK_BODY(D) for (size_t i = 0; i < n; i++) g[i] = D(a[i], z[i])
    NMK_PER_DERIVATIVE(kind, NMK_BODY)
#undef NMK_BODY
}

NMK_KERNEL NMK_FN(nmk_backward)(nmk_activation kind, double slope, const double *ga, const double *a,
                                const double *z, double *gz, size_t n) {
    switch (kind) {
    case NMK_ACT_LINEAR: for (size_t i = 0; i < n; i++) gz[i] = ga[i]; break;
    case NMK_ACT_SIGMOID: for (size_t i = 0; i < n; i++) gz[i] = ga[i] * a[i] * (1.0 - a[i]); break;
    case NMK_ACT_TANH: for (size_t i = 0; i < n; i++) gz[i] = ga[i] * (1.0 - a[i] * a[i]); break;
    case NMK_ACT_RELU: for (size_t i = 0; i < n; i++) gz[i] = z[i] > 0 ? ga[i] : 0.0; break;
    case NMK_ACT_LEAKY_RELU: for (size_t i = 0; i < n; i++) gz[i] = z[i] > 0 ? ga[i] : slope * ga[i]; break;
    }
}

NMK_KERNEL NMK_FN(nmk_softmax_backward)(const double *ga, const double *a, size_t rows, size_t cols, double *gz) {
    for (size_t r = 0; r < rows; r++) {
        const double *gar = ga + r * cols, *ar = a + r * cols;
        double *gzr = gz + r * cols;
        double dot = 0.0;
        for (size_t c = 0; c < cols; c++) dot += ar[c] * gar[c];  // in column order: not vectorized
        for (size_t c = 0; c < cols; c++) gzr[c] = ar[c] * (gar[c] - dot);
    }
}

NMK_KERNEL NMK_FN(nmk_scaled_derivative)(nmk_activation kind, double slope, double m, const double *a,
                                         const double *z, const double *f, double *out, size_t n) {
#define NMK_BODY(D) \
    if (f) { for (size_t i = 0; i < n; i++) out[i] = m * D(a[i], z[i]) * f[i]; } \
    else { for (size_t i = 0; i < n; i++) out[i] = m * D(a[i], z[i]); }
    NMK_PER_DERIVATIVE(kind, NMK_BODY)
#undef NMK_BODY
}

NMK_KERNEL NMK_FN(nmk_add_scaled)(double *y, double alpha, const double *x, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

NMK_KERNEL NMK_FN(nmk_multiply)(double *y, const double *x, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] *= x[i];
}

NMK_KERNEL NMK_FN(nmk_multiply2)(double *y, const double *f, const double *g, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = y[i] * f[i] * g[i];
}

NMK_KERNEL NMK_FN(nmk_add_row_vector)(double *y, const double *v, size_t rows, size_t cols) {
    for (size_t r = 0; r < rows; r++) {
        double *yr = y + r * cols;
        for (size_t c = 0; c < cols; c++) yr[c] += v[c];
    }
}

NMK_KERNEL NMK_FN(nmk_fill_rows)(double *y, const double *v, size_t rows, size_t cols) {
    for (size_t r = 0; r < rows; r++) memcpy(y + r * cols, v, cols * sizeof(double));
}

NMK_KERNEL NMK_FN(nmk_accumulate_product)(double *w, double c, const double *x, const double *e, size_t n) {
    if (x) { for (size_t i = 0; i < n; i++) w[i] += c * x[i] * e[i]; }
    else { for (size_t i = 0; i < n; i++) w[i] += c * e[i]; }
}

#include "kernels_body_f32.h"

const nmk_table NMK_FN(nmk_kernels) = {
    .exp = NMK_FN(nmk_exp),
    .activate = NMK_FN(nmk_activate),
    .bias_activate = NMK_FN(nmk_bias_activate),
    .softmax = NMK_FN(nmk_softmax),
    .derivatives = NMK_FN(nmk_derivatives),
    .backward = NMK_FN(nmk_backward),
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
#undef NMK_SIGMOID_F
#undef NMK_LINEAR_F
#undef NMK_TANH_F
#undef NMK_RELU_F
#undef NMK_LEAKY_F
#undef NMK_PER_ACTIVATION
#undef NMK_D_LINEAR
#undef NMK_D_SIGMOID
#undef NMK_D_TANH
#undef NMK_D_RELU
#undef NMK_D_LEAKY
#undef NMK_PER_DERIVATIVE
