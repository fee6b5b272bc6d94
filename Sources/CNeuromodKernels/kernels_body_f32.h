// One level's single-precision kernels (the float32 mode, docs/precision.md): the double kernels of
// kernels_body.h with float buffers, float constants and float arithmetic throughout (tanh: libm's
// tanhf; exp: nmk_expf1). Included by kernels_body.h inside its level macros (NMK_FN, NMK_KERNEL);
// no include guard, on purpose. The same rules give the same bits at every level: contraction off,
// each kernel the operation order of its double twin, reductions scalar in column order.

#define NMK_SIGMOID_FF(v) nmk_sigmoidf1(v)
#define NMK_LINEAR_FF(v) (v)
#define NMK_TANH_FF(v) tanhf(v)
#define NMK_RELU_FF(v) nmk_reluf1(v)
#define NMK_LEAKY_FF(v) nmk_leakyf1(v, slope)
#define NMK_PER_ACTIVATION_F(kind, BODY) \
    switch (kind) { \
    case NMK_ACT_LINEAR: BODY(NMK_LINEAR_FF); break; \
    case NMK_ACT_SIGMOID: BODY(NMK_SIGMOID_FF); break; \
    case NMK_ACT_TANH: BODY(NMK_TANH_FF); break; \
    case NMK_ACT_RELU: BODY(NMK_RELU_FF); break; \
    case NMK_ACT_LEAKY_RELU: BODY(NMK_LEAKY_FF); break; \
    }

#define NMK_DF_LINEAR(a, z) 1.0f
#define NMK_DF_SIGMOID(a, z) ((a) * (1.0f - (a)))
#define NMK_DF_TANH(a, z) (1.0f - (a) * (a))
#define NMK_DF_RELU(a, z) ((z) > 0 ? 1.0f : 0.0f)
#define NMK_DF_LEAKY(a, z) ((z) > 0 ? 1.0f : slope)
#define NMK_PER_DERIVATIVE_F(kind, BODY) \
    switch (kind) { \
    case NMK_ACT_LINEAR: BODY(NMK_DF_LINEAR); break; \
    case NMK_ACT_SIGMOID: BODY(NMK_DF_SIGMOID); break; \
    case NMK_ACT_TANH: BODY(NMK_DF_TANH); break; \
    case NMK_ACT_RELU: BODY(NMK_DF_RELU); break; \
    case NMK_ACT_LEAKY_RELU: BODY(NMK_DF_LEAKY); break; \
    }

NMK_KERNEL NMK_FN(nmk_exp_f32)(const float *x, float sign, float shift, float *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = nmk_expf1(x[i] * sign + shift);
}

NMK_KERNEL NMK_FN(nmk_activate_f32)(nmk_activation kind, float slope, const float *z, float *out, size_t n) {
#define NMK_BODY(F) for (size_t i = 0; i < n; i++) out[i] = F(z[i])
    NMK_PER_ACTIVATION_F(kind, NMK_BODY)
#undef NMK_BODY
}

NMK_KERNEL NMK_FN(nmk_bias_activate_f32)(nmk_activation kind, float slope, float *z, const float *bias,
                                         size_t rows, size_t cols, float *out) {
#define NMK_BODY(F) \
    for (size_t r = 0; r < rows; r++) { \
        float *zr = z + r * cols, *outr = out + r * cols; \
        for (size_t c = 0; c < cols; c++) { float v = zr[c] + bias[c]; zr[c] = v; outr[c] = F(v); } \
    }
    NMK_PER_ACTIVATION_F(kind, NMK_BODY)
#undef NMK_BODY
}

NMK_KERNEL NMK_FN(nmk_softmax_f32)(const float *z, size_t rows, size_t cols, float *out) {
    for (size_t r = 0; r < rows; r++) {
        const float *zr = z + r * cols;
        float *outr = out + r * cols;
        float peak = -INFINITY;
        for (size_t c = 0; c < cols; c++) peak = zr[c] >= peak ? zr[c] : peak;
        float shift = -peak;
        for (size_t c = 0; c < cols; c++) outr[c] = nmk_expf1(zr[c] * 1.0f + shift);
        float total = 0.0f;
        for (size_t c = 0; c < cols; c++) total += outr[c];  // in column order: not vectorized
        for (size_t c = 0; c < cols; c++) outr[c] /= total;
    }
}

NMK_KERNEL NMK_FN(nmk_derivatives_f32)(nmk_activation kind, float slope, const float *a, const float *z,
                                       float *g, size_t n) {
#define NMK_BODY(D) for (size_t i = 0; i < n; i++) g[i] = D(a[i], z[i])
    NMK_PER_DERIVATIVE_F(kind, NMK_BODY)
#undef NMK_BODY
}

NMK_KERNEL NMK_FN(nmk_backward_f32)(nmk_activation kind, float slope, const float *ga, const float *a,
                                    const float *z, float *gz, size_t n) {
    switch (kind) {
    case NMK_ACT_LINEAR: for (size_t i = 0; i < n; i++) gz[i] = ga[i]; break;
    case NMK_ACT_SIGMOID: for (size_t i = 0; i < n; i++) gz[i] = ga[i] * a[i] * (1.0f - a[i]); break;
    case NMK_ACT_TANH: for (size_t i = 0; i < n; i++) gz[i] = ga[i] * (1.0f - a[i] * a[i]); break;
    case NMK_ACT_RELU: for (size_t i = 0; i < n; i++) gz[i] = z[i] > 0 ? ga[i] : 0.0f; break;
    case NMK_ACT_LEAKY_RELU: for (size_t i = 0; i < n; i++) gz[i] = z[i] > 0 ? ga[i] : slope * ga[i]; break;
    }
}

NMK_KERNEL NMK_FN(nmk_softmax_backward_f32)(const float *ga, const float *a, size_t rows, size_t cols, float *gz) {
    for (size_t r = 0; r < rows; r++) {
        const float *gar = ga + r * cols, *ar = a + r * cols;
        float *gzr = gz + r * cols;
        float dot = 0.0f;
        for (size_t c = 0; c < cols; c++) dot += ar[c] * gar[c];  // in column order: not vectorized
        for (size_t c = 0; c < cols; c++) gzr[c] = ar[c] * (gar[c] - dot);
    }
}

NMK_KERNEL NMK_FN(nmk_scaled_derivative_f32)(nmk_activation kind, float slope, float m, const float *a,
                                             const float *z, const float *f, float *out, size_t n) {
#define NMK_BODY(D) \
    if (f) { for (size_t i = 0; i < n; i++) out[i] = m * D(a[i], z[i]) * f[i]; } \
    else { for (size_t i = 0; i < n; i++) out[i] = m * D(a[i], z[i]); }
    NMK_PER_DERIVATIVE_F(kind, NMK_BODY)
#undef NMK_BODY
}

NMK_KERNEL NMK_FN(nmk_add_scaled_f32)(float *y, float alpha, const float *x, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

NMK_KERNEL NMK_FN(nmk_multiply_f32)(float *y, const float *x, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] *= x[i];
}

NMK_KERNEL NMK_FN(nmk_multiply2_f32)(float *y, const float *f, const float *g, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = y[i] * f[i] * g[i];
}

NMK_KERNEL NMK_FN(nmk_add_row_vector_f32)(float *y, const float *v, size_t rows, size_t cols) {
    for (size_t r = 0; r < rows; r++) {
        float *yr = y + r * cols;
        for (size_t c = 0; c < cols; c++) yr[c] += v[c];
    }
}

NMK_KERNEL NMK_FN(nmk_fill_rows_f32)(float *y, const float *v, size_t rows, size_t cols) {
    for (size_t r = 0; r < rows; r++) memcpy(y + r * cols, v, cols * sizeof(float));
}

NMK_KERNEL NMK_FN(nmk_accumulate_product_f32)(float *w, float c, const float *x, const float *e, size_t n) {
    if (x) { for (size_t i = 0; i < n; i++) w[i] += c * x[i] * e[i]; }
    else { for (size_t i = 0; i < n; i++) w[i] += c * e[i]; }
}

NMK_KERNEL NMK_FN(nmk_round_to_float)(const double *x, float *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = (float)x[i];
}

#undef NMK_SIGMOID_FF
#undef NMK_LINEAR_FF
#undef NMK_TANH_FF
#undef NMK_RELU_FF
#undef NMK_LEAKY_FF
#undef NMK_PER_ACTIVATION_F
#undef NMK_DF_LINEAR
#undef NMK_DF_SIGMOID
#undef NMK_DF_TANH
#undef NMK_DF_RELU
#undef NMK_DF_LEAKY
#undef NMK_PER_DERIVATIVE_F
