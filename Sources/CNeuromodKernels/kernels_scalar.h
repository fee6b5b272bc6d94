// The per-element functions every level's loops inline (kernels_body.h). No target attributes: a
// loop compiled for AVX2 or AVX-512 inlines them and vectorizes them at its own width.
#ifndef NEUROMOD_KERNELS_SCALAR_H
#define NEUROMOD_KERNELS_SCALAR_H

#include <math.h>
#include <stdint.h>
#include <string.h>
#include "neuromod_kernels.h"

#pragma clang fp contract(off)

#define NMK_INLINE static inline __attribute__((always_inline))

NMK_INLINE int64_t nmk_bits(double v) { int64_t b; memcpy(&b, &v, sizeof b); return b; }
NMK_INLINE double nmk_double(int64_t b) { double v; memcpy(&v, &b, sizeof v); return v; }

/// e^v, exactly as Neuromod's Swift VectorExp did it (Cephes/SLEEF): n = round(x / ln 2) by the
/// 1.5·2⁵² trick, r = x − n·ln 2 in two parts (Cody–Waite), e^r by its Taylor series to degree 13
/// in Horner form, scaled by 2ⁿ⁻¹·2 built in the exponent bits. Within 2 ulp of libm's exp on
/// [−708, 709.78]; +inf above 709.782712893384, 0 below −708 (flushed), NaN stays NaN.
///
/// In three stages (nmk_exp_reduce, the Horner steps over nmk_exp_taylor, nmk_exp_scale), so that
/// kernels_typed.h's blocked loops can run each stage over a block of elements before the next:
/// the same operations on each element, and the block's independent Horner chains overlap.
NMK_INLINE double nmk_exp1(double v);

/// exp's first stage: v clamped to [−708, 709.782712893384] (NaN passes through), n = round(x / ln 2)
/// held in the low bits of *shifted (x·log₂e + 1.5·2⁵²), and r = (x − n·ln2Hi) − n·ln2Lo returned.
NMK_INLINE double nmk_exp_reduce(double v, double *shifted) {
    const double log2e = 1.4426950408889634, ln2Hi = 6.93147180369123816490e-01,
                 ln2Lo = 1.90821492927058770002e-10, magic = 6755399441055744.0,
                 overflowBound = 709.782712893384, normalBound = -708.0;
    double x = v > overflowBound ? overflowBound : (v < normalBound ? normalBound : v);
    double s = x * log2e + magic;
    double n = s - magic;
    *shifted = s;
    return (x - n * ln2Hi) - n * ln2Lo;
}

/// exp's second stage, e^r in Horner form: p = 1/13!, then p = p·r + c for each next coefficient
/// (1/12!, …, 1/2!, 1, 1).
#define NMK_EXP_DEGREE 13
static const double nmk_exp_taylor[NMK_EXP_DEGREE + 1] = {
    1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
    1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0};

/// exp's third stage: p·2ⁿ⁻¹·2 (2ⁿ⁻¹ built in the exponent bits from *shifted's n), +inf for
/// v above the overflow bound, 0 below −708, NaN for NaN.
NMK_INLINE double nmk_exp_scale(double v, double shifted, double p) {
    const double magic = 6755399441055744.0, overflowBound = 709.782712893384, normalBound = -708.0;
    // n sits in the low bits of `shifted` (two's complement); 2ⁿ⁻¹ has exponent field n − 1 + 1023.
    int64_t k = (int64_t)((uint64_t)nmk_bits(shifted) - (uint64_t)nmk_bits(magic));
    double scale = nmk_double((int64_t)((uint64_t)(k + 1022) << 52));
    double result = p * scale * 2.0;
    double high = v > overflowBound ? INFINITY : result;
    double low = v < normalBound ? 0.0 : high;
    return v != v ? v : low;
}

NMK_INLINE double nmk_exp1(double v) {
    double shifted;
    double r = nmk_exp_reduce(v, &shifted);
    double p = nmk_exp_taylor[0];
    for (int k = 1; k <= NMK_EXP_DEGREE; k++) p = p * r + nmk_exp_taylor[k];
    return nmk_exp_scale(v, shifted, p);
}

/// 1/(1 + e^(−z)), the exp's argument formed as z·(−1) + 0 as the Swift code did.
NMK_INLINE double nmk_sigmoid1(double z) { return 1.0 / (1.0 + nmk_exp1(z * -1.0 + 0.0)); }

/// φ(z) of an elementwise activation.
NMK_INLINE double nmk_relu1(double z) { return z > 0 ? z : 0.0; }
NMK_INLINE double nmk_leaky1(double z, double slope) { return z > 0 ? z : slope * z; }

/// φ′ through the output a and pre-activation z.
NMK_INLINE double nmk_derivative1(nmk_activation kind, double slope, double a, double z) {
    switch (kind) {
    case NMK_ACT_LINEAR: return 1.0;
    case NMK_ACT_SIGMOID: return a * (1.0 - a);
    case NMK_ACT_TANH: return 1.0 - a * a;
    case NMK_ACT_RELU: return z > 0 ? 1.0 : 0.0;
    case NMK_ACT_LEAKY_RELU: return z > 0 ? 1.0 : slope;
    }
    return NAN;
}

NMK_INLINE int32_t nmk_bits_f32(float v) { int32_t b; memcpy(&b, &v, sizeof b); return b; }
NMK_INLINE float nmk_float(int32_t b) { float v; memcpy(&v, &b, sizeof v); return v; }

/// e^v in single precision, the same method as nmk_exp1 with float constants: n = round(x / ln 2)
/// by the 1.5·2²³ trick, r = x − n·ln 2 in two parts (Cephes's 0.693359375 − 2.12194440e-4, the
/// first exact in 9 bits so n·ln2Hi is exact), e^r by its Taylor series to degree 7 (truncation
/// |r|⁸/8! < 5.2·10⁻⁹ relative for |r| ≤ ln 2 / 2, under 0.1 ulp of a float) in Horner form, scaled
/// by 2ⁿ⁻¹·2 built in the exponent bits. Every operation is a float operation. Measured against
/// double-precision exp rounded to float on [−86, 88.72283] (every 127th float): at most 1 ulp apart
/// (Float32KernelTests).
/// +inf above 88.72283 (the largest float with a finite e^x), 0 below −86 (flushed: e^−86 ≈ 4.5·10⁻³⁸,
/// above the smallest normal float, so 2ⁿ⁻¹ stays normal), NaN stays NaN.
NMK_INLINE float nmk_expf1(float v);

/// nmk_expf1's first stage (as nmk_exp_reduce): v clamped to [−86, 88.72283], n in *shifted's low bits, r returned.
NMK_INLINE float nmk_expf_reduce(float v, float *shifted) {
    const float log2e = 1.44269504088896341f, ln2Hi = 0.693359375f, ln2Lo = -2.12194440e-4f,
                magic = 12582912.0f, overflowBound = 88.72283f, normalBound = -86.0f;
    float x = v > overflowBound ? overflowBound : (v < normalBound ? normalBound : v);
    float s = x * log2e + magic;
    float n = s - magic;
    *shifted = s;
    return (x - n * ln2Hi) - n * ln2Lo;
}

/// nmk_expf1's Horner coefficients: 1/7!, …, 1/2!, 1, 1.
#define NMK_EXPF_DEGREE 7
static const float nmk_expf_taylor[NMK_EXPF_DEGREE + 1] = {
    1.0f / 5040.0f, 1.0f / 720.0f, 1.0f / 120.0f, 1.0f / 24.0f, 1.0f / 6.0f, 0.5f, 1.0f, 1.0f};

/// nmk_expf1's third stage (as nmk_exp_scale).
NMK_INLINE float nmk_expf_scale(float v, float shifted, float p) {
    const float magic = 12582912.0f, overflowBound = 88.72283f, normalBound = -86.0f;
    // n sits in the low bits of `shifted`; 2ⁿ⁻¹ has exponent field n − 1 + 127.
    int32_t k = (int32_t)((uint32_t)nmk_bits_f32(shifted) - (uint32_t)nmk_bits_f32(magic));
    float scale = nmk_float((int32_t)((uint32_t)(k + 126) << 23));
    float result = p * scale * 2.0f;
    float high = v > overflowBound ? INFINITY : result;
    float low = v < normalBound ? 0.0f : high;
    return v != v ? v : low;
}

NMK_INLINE float nmk_expf1(float v) {
    float shifted;
    float r = nmk_expf_reduce(v, &shifted);
    float p = nmk_expf_taylor[0];
    for (int k = 1; k <= NMK_EXPF_DEGREE; k++) p = p * r + nmk_expf_taylor[k];
    return nmk_expf_scale(v, shifted, p);
}

/// 1/(1 + e^(−z)) in single precision, the exp's argument formed as z·(−1) + 0 as in double.
NMK_INLINE float nmk_sigmoidf1(float z) { return 1.0f / (1.0f + nmk_expf1(z * -1.0f + 0.0f)); }
NMK_INLINE float nmk_reluf1(float z) { return z > 0 ? z : 0.0f; }
NMK_INLINE float nmk_leakyf1(float z, float slope) { return z > 0 ? z : slope * z; }

#endif
