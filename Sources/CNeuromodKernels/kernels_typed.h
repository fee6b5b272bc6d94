// One level's kernels in one precision, included by kernels_body.h twice per level: for `double`
// and for `float` (the float32 mode, docs/precision.md). The includer defines
//   NMK_T           the element type (double or float)
//   NMK_TFN(name)   the kernel's name at this level in this precision (nmk_x_<level>, nmk_x_f32_<level>)
//   NMK_K(c)        a constant of this type (c or c##f: 1.0 or 1.0f, never a double in float arithmetic)
//   NMK_EXP1, NMK_SIGMOID1, NMK_TANH1, NMK_RELU1, NMK_LEAKY1   the per-element functions (kernels_scalar.h; tanh/tanhf)
//   NMK_EXP_REDUCE, NMK_EXP_TAYLOR, NMK_EXP_DEG, NMK_EXP_SCALE   NMK_EXP1's stages (kernels_scalar.h), for nmk_exp_block
// Identical bits at every level: contraction off, every kernel keeps the Swift operation order,
// reductions run in scalar column order. No include guard, on purpose; every macro it defines, and
// every parameter above, is undefined at the end.

/// `BODY(F)` once per elementwise activation, with F(v) that activation's φ at v (a macro argument,
/// so the switch sits outside the loops).
#define NMK_SIGMOID_F(v) NMK_SIGMOID1(v)
#define NMK_LINEAR_F(v) (v)
#define NMK_TANH_F(v) NMK_TANH1(v)
#define NMK_RELU_F(v) NMK_RELU1(v)
#define NMK_LEAKY_F(v) NMK_LEAKY1(v, slope)
#define NMK_PER_ACTIVATION(kind, BODY) \
    switch (kind) { \
    case NMK_ACT_LINEAR: BODY(NMK_LINEAR_F); break; \
    case NMK_ACT_SIGMOID: BODY(NMK_SIGMOID_F); break; \
    case NMK_ACT_TANH: BODY(NMK_TANH_F); break; \
    case NMK_ACT_RELU: BODY(NMK_RELU_F); break; \
    case NMK_ACT_LEAKY_RELU: BODY(NMK_LEAKY_F); break; \
    }

/// The same for φ′ through (a, z).
#define NMK_D_LINEAR(a, z) NMK_K(1.0)
#define NMK_D_SIGMOID(a, z) ((a) * (NMK_K(1.0) - (a)))
#define NMK_D_TANH(a, z) (NMK_K(1.0) - (a) * (a))
#define NMK_D_RELU(a, z) ((z) > 0 ? NMK_K(1.0) : NMK_K(0.0))
#define NMK_D_LEAKY(a, z) ((z) > 0 ? NMK_K(1.0) : slope)
#define NMK_PER_DERIVATIVE(kind, BODY) \
    switch (kind) { \
    case NMK_ACT_LINEAR: BODY(NMK_D_LINEAR); break; \
    case NMK_ACT_SIGMOID: BODY(NMK_D_SIGMOID); break; \
    case NMK_ACT_TANH: BODY(NMK_D_TANH); break; \
    case NMK_ACT_RELU: BODY(NMK_D_RELU); break; \
    case NMK_ACT_LEAKY_RELU: BODY(NMK_D_LEAKY); break; \
    }

/// The number of elements whose exp is evaluated in lockstep: NMK_EXP_CHAINS vectors of the level.
#define NMK_EXP_BLOCK (NMK_EXP_CHAINS * NMK_VECTOR_BYTES / sizeof(NMK_T))

/// t[j] ← e^t[j] for the NMK_EXP_BLOCK elements of t: each stage of NMK_EXP1 over the whole block
/// before the next. The same operations on each element as NMK_EXP1 (the same bits); the block's
/// Horner chains are independent, so the core overlaps them instead of waiting on one.
static NMK_LEVEL_ATTRIBUTES inline __attribute__((always_inline)) void NMK_TFN(nmk_exp_block)(NMK_T *t) {
    NMK_T shifted[NMK_EXP_BLOCK], r[NMK_EXP_BLOCK], p[NMK_EXP_BLOCK];
    for (size_t j = 0; j < NMK_EXP_BLOCK; j++) r[j] = NMK_EXP_REDUCE(t[j], &shifted[j]);
    for (size_t j = 0; j < NMK_EXP_BLOCK; j++) p[j] = NMK_EXP_TAYLOR[0];
    for (int k = 1; k <= NMK_EXP_DEG; k++)
        for (size_t j = 0; j < NMK_EXP_BLOCK; j++) p[j] = p[j] * r[j] + NMK_EXP_TAYLOR[k];
    for (size_t j = 0; j < NMK_EXP_BLOCK; j++) t[j] = NMK_EXP_SCALE(t[j], shifted[j], p[j]);
}

/// For i in 0..<n: e = exp(ARG), then STORE (ARG an expression of i, STORE a statement of i and e),
/// in blocks of NMK_EXP_BLOCK through nmk_exp_block and the rest one element at a time.
#define NMK_EXP_BLOCKED(n, ARG, STORE) \
    do { \
        size_t nmk_n = (n), nmk_i0 = 0; \
        NMK_T nmk_t[NMK_EXP_BLOCK]; \
        for (; nmk_i0 + NMK_EXP_BLOCK <= nmk_n; nmk_i0 += NMK_EXP_BLOCK) { \
            for (size_t nmk_j = 0; nmk_j < NMK_EXP_BLOCK; nmk_j++) { size_t i = nmk_i0 + nmk_j; nmk_t[nmk_j] = (ARG); } \
            NMK_TFN(nmk_exp_block)(nmk_t); \
            for (size_t nmk_j = 0; nmk_j < NMK_EXP_BLOCK; nmk_j++) { size_t i = nmk_i0 + nmk_j; NMK_T e = nmk_t[nmk_j]; STORE; } \
        } \
        NMK_EXP_LOOP \
        for (size_t i = nmk_i0; i < nmk_n; i++) { NMK_T e = NMK_EXP1(ARG); STORE; } \
    } while (0)

NMK_KERNEL NMK_TFN(nmk_exp)(const NMK_T *x, NMK_T sign, NMK_T shift, NMK_T *out, size_t n) {
    NMK_EXP_BLOCKED(n, x[i] * sign + shift, out[i] = e);
}

/// The sigmoid, 1/(1 + e^(−z)) with the exp's argument z·(−1) + 0 (NMK_SIGMOID1), through
/// NMK_EXP_BLOCKED; every other activation one element at a time.
NMK_KERNEL NMK_TFN(nmk_activate)(nmk_activation kind, NMK_T slope, const NMK_T *z, NMK_T *out, size_t n) {
    if (kind == NMK_ACT_SIGMOID) {
        NMK_EXP_BLOCKED(n, z[i] * NMK_K(-1.0) + NMK_K(0.0), out[i] = NMK_K(1.0) / (NMK_K(1.0) + e));
        return;
    }
#define NMK_BODY(F) NMK_EXP_LOOP for (size_t i = 0; i < n; i++) out[i] = F(z[i])
    NMK_PER_ACTIVATION(kind, NMK_BODY)
#undef NMK_BODY
}

NMK_KERNEL NMK_TFN(nmk_bias_activate)(nmk_activation kind, NMK_T slope, NMK_T *z, const NMK_T *bias,
                                     size_t rows, size_t cols, NMK_T *out) {
    if (kind == NMK_ACT_SIGMOID) {
        for (size_t r = 0; r < rows; r++) {
            NMK_T *zr = z + r * cols, *outr = out + r * cols;
            NMK_EXP_BLOCKED(cols, (zr[i] = zr[i] + bias[i]) * NMK_K(-1.0) + NMK_K(0.0),
                            outr[i] = NMK_K(1.0) / (NMK_K(1.0) + e));
        }
        return;
    }
#define NMK_BODY(F) \
    for (size_t r = 0; r < rows; r++) { \
        NMK_T *zr = z + r * cols, *outr = out + r * cols; \
        NMK_EXP_LOOP \
        for (size_t c = 0; c < cols; c++) { NMK_T v = zr[c] + bias[c]; zr[c] = v; outr[c] = F(v); } \
    }
    NMK_PER_ACTIVATION(kind, NMK_BODY)
#undef NMK_BODY
}

NMK_KERNEL NMK_TFN(nmk_softmax)(const NMK_T *z, size_t rows, size_t cols, NMK_T *out) {
    for (size_t r = 0; r < rows; r++) {
        const NMK_T *zr = z + r * cols;
        NMK_T *outr = out + r * cols;
        NMK_T peak = -INFINITY;
        for (size_t c = 0; c < cols; c++) peak = zr[c] >= peak ? zr[c] : peak;  // Swift's max(peak, z)
        NMK_T shift = -peak;
        NMK_EXP_BLOCKED(cols, zr[i] * NMK_K(1.0) + shift, outr[i] = e);
        NMK_T total = NMK_K(0.0);
        for (size_t c = 0; c < cols; c++) total += outr[c];  // in column order: not vectorized
        for (size_t c = 0; c < cols; c++) outr[c] /= total;
    }
}

NMK_KERNEL NMK_TFN(nmk_derivatives)(nmk_activation kind, NMK_T slope, const NMK_T *a, const NMK_T *z,
                                   NMK_T *g, size_t n) {
#define NMK_BODY(D) for (size_t i = 0; i < n; i++) g[i] = D(a[i], z[i])
    NMK_PER_DERIVATIVE(kind, NMK_BODY)
#undef NMK_BODY
}

NMK_KERNEL NMK_TFN(nmk_backward)(nmk_activation kind, NMK_T slope, const NMK_T *ga, const NMK_T *a,
                                const NMK_T *z, NMK_T *gz, size_t n) {
    switch (kind) {
    case NMK_ACT_LINEAR: for (size_t i = 0; i < n; i++) gz[i] = ga[i]; break;
    case NMK_ACT_SIGMOID: for (size_t i = 0; i < n; i++) gz[i] = ga[i] * a[i] * (NMK_K(1.0) - a[i]); break;
    case NMK_ACT_TANH: for (size_t i = 0; i < n; i++) gz[i] = ga[i] * (NMK_K(1.0) - a[i] * a[i]); break;
    case NMK_ACT_RELU: for (size_t i = 0; i < n; i++) gz[i] = z[i] > 0 ? ga[i] : NMK_K(0.0); break;
    case NMK_ACT_LEAKY_RELU: for (size_t i = 0; i < n; i++) gz[i] = z[i] > 0 ? ga[i] : slope * ga[i]; break;
    }
}

/// The backward kernel row by row, each row's gz added into `sums` (sums[c] += gz[r,c], in row
/// order: the column sums addColumnSums would take afterwards, in the same pass). In place (gz == ga)
/// the loop reads gz itself, so that the compiler's overlap check does not send it to scalar code.
NMK_KERNEL NMK_TFN(nmk_backward_sums)(nmk_activation kind, NMK_T slope, const NMK_T *ga, const NMK_T *a,
                                    const NMK_T *z, NMK_T *gz, size_t rows, size_t cols, NMK_T *sums) {
#define NMK_ROWS(G, EXPR) \
    for (size_t r = 0; r < rows; r++) { \
        const NMK_T *ar = a + r * cols, *zr = z + r * cols, *gar = ga + r * cols; \
        NMK_T *gzr = gz + r * cols; \
        (void)ar; (void)zr; (void)gar; \
        for (size_t c = 0; c < cols; c++) { NMK_T v = EXPR; gzr[c] = v; sums[c] += v; } \
    }
#define NMK_PER_KIND(G) \
    switch (kind) { \
    case NMK_ACT_LINEAR: NMK_ROWS(G, G[c]) break; \
    case NMK_ACT_SIGMOID: NMK_ROWS(G, G[c] * ar[c] * (NMK_K(1.0) - ar[c])) break; \
    case NMK_ACT_TANH: NMK_ROWS(G, G[c] * (NMK_K(1.0) - ar[c] * ar[c])) break; \
    case NMK_ACT_RELU: NMK_ROWS(G, zr[c] > 0 ? G[c] : NMK_K(0.0)) break; \
    case NMK_ACT_LEAKY_RELU: NMK_ROWS(G, zr[c] > 0 ? G[c] : slope * G[c]) break; \
    }
    if (ga == gz) {
        NMK_PER_KIND(gzr)
    } else {
        NMK_PER_KIND(gar)
    }
#undef NMK_PER_KIND
#undef NMK_ROWS
}

/// nmk_backward_sums with ga the outer product of d (`rows` values) and w (`cols` values), taken as
/// (d[r]·w[c]) + 0: a one-term dot product as OpenBLAS's gemm rounds it (an FMA onto a +0
/// accumulator: the rounded product, −0 becoming +0). δ_{ℓ−1} = δz_ℓ W_ℓ for a one-neuron layer ℓ,
/// without its GEMM call and without storing it.
NMK_KERNEL NMK_TFN(nmk_outer_backward_sums)(nmk_activation kind, NMK_T slope, const NMK_T *d, const NMK_T *w,
                                          const NMK_T *a, const NMK_T *z, NMK_T *gz, size_t rows, size_t cols,
                                          NMK_T *sums) {
#define NMK_ROWS(EXPR) \
    for (size_t r = 0; r < rows; r++) { \
        const NMK_T *ar = a + r * cols, *zr = z + r * cols; \
        NMK_T *gzr = gz + r * cols; \
        const NMK_T dr = d[r]; \
        (void)ar; (void)zr; \
        for (size_t c = 0; c < cols; c++) { NMK_T g = dr * w[c] + NMK_K(0.0); NMK_T v = EXPR; gzr[c] = v; sums[c] += v; } \
    }
    switch (kind) {
    case NMK_ACT_LINEAR: NMK_ROWS(g) break;
    case NMK_ACT_SIGMOID: NMK_ROWS(g * ar[c] * (NMK_K(1.0) - ar[c])) break;
    case NMK_ACT_TANH: NMK_ROWS(g * (NMK_K(1.0) - ar[c] * ar[c])) break;
    case NMK_ACT_RELU: NMK_ROWS(zr[c] > 0 ? g : NMK_K(0.0)) break;
    case NMK_ACT_LEAKY_RELU: NMK_ROWS(zr[c] > 0 ? g : slope * g) break;
    }
#undef NMK_ROWS
}

NMK_KERNEL NMK_TFN(nmk_softmax_backward)(const NMK_T *ga, const NMK_T *a, size_t rows, size_t cols, NMK_T *gz) {
    for (size_t r = 0; r < rows; r++) {
        const NMK_T *gar = ga + r * cols, *ar = a + r * cols;
        NMK_T *gzr = gz + r * cols;
        NMK_T dot = NMK_K(0.0);
        for (size_t c = 0; c < cols; c++) dot += ar[c] * gar[c];  // in column order: not vectorized
        for (size_t c = 0; c < cols; c++) gzr[c] = ar[c] * (gar[c] - dot);
    }
}

NMK_KERNEL NMK_TFN(nmk_scaled_derivative)(nmk_activation kind, NMK_T slope, NMK_T m, const NMK_T *a,
                                         const NMK_T *z, const NMK_T *f, NMK_T *out, size_t n) {
#define NMK_BODY(D) \
    if (f) { for (size_t i = 0; i < n; i++) out[i] = m * D(a[i], z[i]) * f[i]; } \
    else { for (size_t i = 0; i < n; i++) out[i] = m * D(a[i], z[i]); }
    NMK_PER_DERIVATIVE(kind, NMK_BODY)
#undef NMK_BODY
}

NMK_KERNEL NMK_TFN(nmk_add_scaled)(NMK_T *y, NMK_T alpha, const NMK_T *x, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

NMK_KERNEL NMK_TFN(nmk_multiply)(NMK_T *y, const NMK_T *x, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] *= x[i];
}

NMK_KERNEL NMK_TFN(nmk_multiply2)(NMK_T *y, const NMK_T *f, const NMK_T *g, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = y[i] * f[i] * g[i];
}

NMK_KERNEL NMK_TFN(nmk_add_row_vector)(NMK_T *y, const NMK_T *v, size_t rows, size_t cols) {
    for (size_t r = 0; r < rows; r++) {
        NMK_T *yr = y + r * cols;
        for (size_t c = 0; c < cols; c++) yr[c] += v[c];
    }
}

/// The first row is copied from v, then the rows filled so far are copied after themselves (1, 2, 4, …
/// rows per copy): about log2(rows) copies instead of one per row (256 copies of one value for a
/// one-neuron layer at batch 256).
NMK_KERNEL NMK_TFN(nmk_fill_rows)(NMK_T *y, const NMK_T *v, size_t rows, size_t cols) {
    if (rows == 0) return;
    memcpy(y, v, cols * sizeof(NMK_T));
    for (size_t done = 1; done < rows;) {
        size_t count = done < rows - done ? done : rows - done;
        memcpy(y + done * cols, y, count * cols * sizeof(NMK_T));
        done += count;
    }
}

NMK_KERNEL NMK_TFN(nmk_accumulate_product)(NMK_T *w, NMK_T c, const NMK_T *x, const NMK_T *e, size_t n) {
    if (x) { for (size_t i = 0; i < n; i++) w[i] += c * x[i] * e[i]; }
    else { for (size_t i = 0; i < n; i++) w[i] += c * e[i]; }
}

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
#undef NMK_EXP_BLOCK
#undef NMK_EXP_BLOCKED
// The includer's parameters, so that the next inclusion defines them afresh.
#undef NMK_T
#undef NMK_TFN
#undef NMK_K
#undef NMK_EXP1
#undef NMK_EXP_REDUCE
#undef NMK_EXP_TAYLOR
#undef NMK_EXP_DEG
#undef NMK_EXP_SCALE
#undef NMK_SIGMOID1
#undef NMK_TANH1
#undef NMK_RELU1
#undef NMK_LEAKY1
