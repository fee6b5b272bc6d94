// Neuromod's hot elementwise loops, compiled once per instruction-set level and chosen at run time.
//
// Levels: portable (plain C: the compiler's baseline vectors, SSE2 on x86-64, NEON on aarch64),
// avx2 (AVX2 + FMA) and avx512 (AVX-512 F/DQ/VL/BW/CD), the last two on x86-64 only. Every level
// runs the same C source with floating-point contraction off and the scalar order of every
// reduction, so all levels give the same bits (see kernels.c). The level is chosen once per
// process: the best this CPU supports, or the one NEUROMOD_KERNELS names if this CPU has it.
#ifndef NEUROMOD_KERNELS_H
#define NEUROMOD_KERNELS_H

#include <stddef.h>

/// The instruction-set levels, worst to best.
typedef enum nmk_level { NMK_PORTABLE = 0, NMK_AVX2 = 1, NMK_AVX512 = 2, NMK_LEVEL_COUNT = 3 } nmk_level;

/// What NEUROMOD_KERNELS asked for, as found when the level was chosen.
typedef enum nmk_request {
    NMK_REQUEST_NONE = 0,        ///< unset or empty: the best level this CPU has
    NMK_REQUEST_FORCED = 1,      ///< a level this CPU has: that level
    NMK_REQUEST_UNKNOWN = 2,     ///< not a level name: the best level this CPU has
    NMK_REQUEST_UNSUPPORTED = 3  ///< a level this CPU lacks: the best level this CPU has
} nmk_request;

/// The elementwise transfer functions the kernels evaluate (softmax has its own kernels).
typedef enum nmk_activation {
    NMK_ACT_LINEAR = 0, NMK_ACT_SIGMOID = 1, NMK_ACT_TANH = 2, NMK_ACT_RELU = 3, NMK_ACT_LEAKY_RELU = 4
} nmk_activation;

/// One level's kernels. Counts are elements; `rows × cols` buffers are row-major. Unless a kernel
/// says otherwise, an output may coincide with an input (same pointer) but must not partly overlap one.
typedef struct nmk_table {
    /// out[i] = e^(sign·x[i] + shift): Cody–Waite reduction and degree-13 Taylor polynomial;
    /// +inf above 709.782712893384, 0 below −708, NaN stays NaN.
    void (*exp)(const double *x, double sign, double shift, double *out, size_t n);
    /// out[i] = φ(z[i]) (sigmoid: 1/(1 + e^(−z)) with the exp above; tanh: libm's).
    void (*activate)(nmk_activation kind, double slope, const double *z, double *out, size_t n);
    /// z[r,c] += bias[c], then out[r,c] = φ(z[r,c]), in one pass; `out` must not overlap `z`.
    void (*bias_activate)(nmk_activation kind, double slope, double *z, const double *bias,
                          size_t rows, size_t cols, double *out);
    /// Softmax of every row of z: e^(z − max) over the row's sum (summed in column order).
    void (*softmax)(const double *z, size_t rows, size_t cols, double *out);
    /// g[i] = φ′ through the output a and pre-activation z (sigmoid a(1−a), tanh 1−a², ReLU 1[z>0], …).
    void (*derivatives)(nmk_activation kind, double slope, const double *a, const double *z, double *g, size_t n);
    /// gz[i] = ga[i]·φ′ (sigmoid ga·a·(1−a), tanh ga·(1−a²), ReLU z>0 ? ga : 0, leaky z>0 ? ga : slope·ga).
    void (*backward)(nmk_activation kind, double slope, const double *ga, const double *a, const double *z,
                     double *gz, size_t n);
    /// `backward` over `[rows × cols]`, and sums[c] += gz[r,c] row after row (the bias gradient's
    /// column sums in the same pass); `sums` must not overlap the other buffers.
    void (*backward_sums)(nmk_activation kind, double slope, const double *ga, const double *a, const double *z,
                          double *gz, size_t rows, size_t cols, double *sums);
    /// `backward_sums` with ga[r,c] = (d[r]·w[c]) + 0 (d: `rows` values, w: `cols`): a one-term dot
    /// product as OpenBLAS's dgemm rounds it (−0 becomes +0); `gz` must not overlap d or w.
    void (*outer_backward_sums)(nmk_activation kind, double slope, const double *d, const double *w, const double *a,
                                const double *z, double *gz, size_t rows, size_t cols, double *sums);
    /// Per row: gz = a ⊙ (ga − a·ga), the dot summed in column order.
    void (*softmax_backward)(const double *ga, const double *a, size_t rows, size_t cols, double *gz);
    /// out[i] = (m·φ′(a[i], z[i]))·f[i], or m·φ′ when f is NULL.
    void (*scaled_derivative)(nmk_activation kind, double slope, double m, const double *a, const double *z,
                              const double *f, double *out, size_t n);
    /// y[i] += alpha·x[i].
    void (*add_scaled)(double *y, double alpha, const double *x, size_t n);
    /// y[i] *= x[i].
    void (*multiply)(double *y, const double *x, size_t n);
    /// y[i] = (y[i]·f[i])·g[i].
    void (*multiply2)(double *y, const double *f, const double *g, size_t n);
    /// y[r,c] += v[c].
    void (*add_row_vector)(double *y, const double *v, size_t rows, size_t cols);
    /// y[r,c] = v[c].
    void (*fill_rows)(double *y, const double *v, size_t rows, size_t cols);
    /// w[i] += (c·x[i])·e[i], or w[i] += c·e[i] when x is NULL: one instance's eligibility product.
    void (*accumulate_product)(double *w, double c, const double *x, const double *e, size_t n);

    // Single precision (the float32 mode, docs/precision.md): each *_f32 kernel is its double twin
    // above with float buffers, float constants and float arithmetic, in the same operation order.
    /// out[i] = e^(sign·x[i] + shift) in float: Cody–Waite reduction and degree-7 Taylor polynomial;
    /// +inf above 88.72283, 0 below −86, NaN stays NaN.
    void (*exp_f32)(const float *x, float sign, float shift, float *out, size_t n);
    /// out[i] = φ(z[i]) in float (sigmoid through exp_f32's polynomial; tanh: libm's tanhf).
    void (*activate_f32)(nmk_activation kind, float slope, const float *z, float *out, size_t n);
    /// z[r,c] += bias[c], then out[r,c] = φ(z[r,c]), in float; `out` must not overlap `z`.
    void (*bias_activate_f32)(nmk_activation kind, float slope, float *z, const float *bias,
                              size_t rows, size_t cols, float *out);
    /// Row-wise softmax in float (sum in column order).
    void (*softmax_f32)(const float *z, size_t rows, size_t cols, float *out);
    /// g[i] = φ′(a[i], z[i]) in float.
    void (*derivatives_f32)(nmk_activation kind, float slope, const float *a, const float *z, float *g, size_t n);
    /// gz[i] = ga[i]·φ′ in float.
    void (*backward_f32)(nmk_activation kind, float slope, const float *ga, const float *a, const float *z,
                         float *gz, size_t n);
    /// `backward_f32` over `[rows × cols]`, and sums[c] += gz[r,c] row after row, in float.
    void (*backward_sums_f32)(nmk_activation kind, float slope, const float *ga, const float *a, const float *z,
                              float *gz, size_t rows, size_t cols, float *sums);
    /// `outer_backward_sums` in float.
    void (*outer_backward_sums_f32)(nmk_activation kind, float slope, const float *d, const float *w, const float *a,
                                    const float *z, float *gz, size_t rows, size_t cols, float *sums);
    /// Per row: gz = a ⊙ (ga − a·ga) in float, the dot summed in column order.
    void (*softmax_backward_f32)(const float *ga, const float *a, size_t rows, size_t cols, float *gz);
    /// out[i] = (m·φ′(a[i], z[i]))·f[i], or m·φ′ when f is NULL, in float.
    void (*scaled_derivative_f32)(nmk_activation kind, float slope, float m, const float *a, const float *z,
                                  const float *f, float *out, size_t n);
    /// y[i] += alpha·x[i] in float.
    void (*add_scaled_f32)(float *y, float alpha, const float *x, size_t n);
    /// y[i] *= x[i] in float.
    void (*multiply_f32)(float *y, const float *x, size_t n);
    /// y[i] = (y[i]·f[i])·g[i] in float.
    void (*multiply2_f32)(float *y, const float *f, const float *g, size_t n);
    /// y[r,c] += v[c] in float.
    void (*add_row_vector_f32)(float *y, const float *v, size_t rows, size_t cols);
    /// y[r,c] = v[c] in float.
    void (*fill_rows_f32)(float *y, const float *v, size_t rows, size_t cols);
    /// w[i] += (c·x[i])·e[i], or w[i] += c·e[i] when x is NULL, in float.
    void (*accumulate_product_f32)(float *w, float c, const float *x, const float *e, size_t n);
    /// out[i] = x[i] rounded to the nearest float (ties to even; beyond the float range ±inf): how the
    /// float32 mode takes GSL's double draws.
    void (*round_to_float)(const double *x, float *out, size_t n);
} nmk_table;

/// The kernels of `level`, or NULL if this CPU (or this build's architecture) lacks it.
const nmk_table *nmk_table_for(nmk_level level);

/// The kernels of the process's level (chosen on the first call to any nmk_selected_* function).
const nmk_table *nmk_selected_table(void);
/// The process's level.
nmk_level nmk_selected_level(void);
/// What NEUROMOD_KERNELS asked for when the level was chosen.
nmk_request nmk_selected_request(void);
/// The value of NEUROMOD_KERNELS when the level was chosen ("" if unset; at most 63 bytes kept).
const char *nmk_requested_name(void);

/// Bit `1 << level` set for every level this CPU supports (portable always).
unsigned nmk_cpu_levels(void);
/// The choice for a NEUROMOD_KERNELS value `name` (NULL: unset) on a CPU with `levels`: the level
/// to use, and in `*request` how the value was read. Pure: the process's choice applies it once.
nmk_level nmk_resolve(const char *name, unsigned levels, nmk_request *request);
/// Fills out64[0..<n] (or, when out64 is NULL, out32[0..<n] rounded to nearest) with N(0, σ²) draws
/// from the GSL generator `rng` (a `gsl_rng *`): exactly the values, and the generator state after,
/// of n calls of `gsl_ran_gaussian_ziggurat(rng, sigma)`, but faster (gaussian_ziggurat.c). For
/// taus2, taus, mt19937 and gfsr4 the ziggurat's fast path runs inline on the generator's draws,
/// with tables read from GSL at first use, and every rejected draw goes to GSL's own function. Any
/// other generator, or a GSL whose ziggurat fails the check at first use, gets the n calls.
/// Thread-safe for distinct generators.
void nmk_gaussian_ziggurat_fill(void *rng, double sigma, double *out64, float *out32, size_t n);
/// nmk_gaussian_ziggurat_fill without its check of the generator's type (a few ns a call, which
/// rows of one or a few draws feel): only for a generator whose type nmk_gaussian_ziggurat_inline
/// accepts.
void nmk_gaussian_ziggurat_fill_inline(void *rng, double sigma, double *out64, float *out32, size_t n);
/// 1 when nmk_gaussian_ziggurat_fill runs the fast path inline for the GSL generator type `type` (a
/// `const gsl_rng_type *`), 0 when it calls GSL once per draw.
int nmk_gaussian_ziggurat_inline(const void *type);
/// "portable", "avx2" or "avx512".
const char *nmk_level_name(nmk_level level);

#endif
