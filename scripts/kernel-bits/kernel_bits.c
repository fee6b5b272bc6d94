// The kernels as a release build compiles them (-O2: vectorized, every level this CPU has) against
// the same source compiled without optimization (-O0, the portable level, whose table is renamed
// nmk_ref_kernels_portable): every output must have the same bits, a NaN matching any NaN
// (docs/kernels.md: a NaN's sign and payload are not promised). The Swift kernel tests prove the
// -O0 build equal to the Swift reference loops; `make test` builds the C target at -O0, so this
// check is what holds the vectorized release code to the same bits. Run by check.sh.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "neuromod_kernels.h"

extern const nmk_table nmk_ref_kernels_portable;

static int failures = 0;
static const char *level_name = "";

/// A fixed xorshift64* stream: the inputs are the same on every run.
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static double uniform(void) {
    rng_state ^= rng_state >> 12; rng_state ^= rng_state << 25; rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ull) >> 11) * 0x1.0p-53;
}

/// ±0, ±∞, NaN of both signs, subnormals, the exp clamp bounds of both precisions and their
/// neighbours, values where sigmoid saturates, and ordinary values.
static const double edges[] = {
    0.0, -0.0, 1.0, -1.0, INFINITY, -INFINITY, NAN, -NAN, 4.9e-324, -4.9e-324, 2.2250738585072014e-308,
    -2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308, -1.7976931348623157e308,
    709.782712893384, 709.7827128933841, 709.7827128933839, -708.0, -707.9999999999999, -708.0000000000001,
    708.0, -709.782712893384, 745.0, -745.0, 1e-300, -1e-300, 36.7, -36.7, 0.5, 88.72283, 88.72284, -86.0,
    -86.00001, 1e-45, 1e-30, 104.0, 16.6,
};
#define EDGE_COUNT (sizeof edges / sizeof edges[0])

/// n values: edges first (cycled from `seed`), then uniform over [−750, 750], [−40, 40] and [−1, 1].
static void inputs(double *x, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++) {
        if (i < 2 * EDGE_COUNT) { x[i] = edges[(i * 7 + seed) % EDGE_COUNT]; continue; }
        double u = uniform();
        x[i] = i % 3 == 0 ? -750 + 1500 * u : (i % 3 == 1 ? -40 + 80 * u : -1 + 2 * u);
    }
}

static const size_t lengths[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65,
                                 127, 128, 129, 191, 255, 257, 256 * 192 + 3};
#define LENGTH_COUNT (sizeof lengths / sizeof lengths[0])
static const size_t shapes[][2] = {{1, 1}, {3, 7}, {5, 17}, {4, 64}, {256, 64}, {256, 128}, {7, 129}, {2, 300}};
#define SHAPE_COUNT (sizeof shapes / sizeof shapes[0])
static const nmk_activation kinds[] = {NMK_ACT_LINEAR, NMK_ACT_SIGMOID, NMK_ACT_TANH, NMK_ACT_RELU, NMK_ACT_LEAKY_RELU};
static const double slopes[] = {0.01, -2.5};

#define MAX_N (256 * 192 + 3)

#define T double
#define K(name) name
#define TNAME "f64"
#define BITS_T uint64_t
#include "kernel_bits_typed.h"
#undef T
#undef K
#undef TNAME
#undef BITS_T

#define T float
#define K(name) name##_f32
#define TNAME "f32"
#define BITS_T uint32_t
#include "kernel_bits_typed.h"
#undef T
#undef K
#undef TNAME
#undef BITS_T

int main(void) {
    int checked = 0;
    for (int l = 0; l < NMK_LEVEL_COUNT; l++) {
        const nmk_table *table = nmk_table_for((nmk_level)l);
        if (table == NULL) continue;
        level_name = nmk_level_name((nmk_level)l);
        int before = failures;
        check_double(table);
        check_float(table);
        // round_to_float: GSL's doubles into floats.
        static double x[MAX_N];
        static float a[MAX_N], b[MAX_N];
        inputs(x, MAX_N, 5);
        table->round_to_float(x, a, MAX_N);
        nmk_ref_kernels_portable.round_to_float(x, b, MAX_N);
        compare_float("round_to_float", 0, a, b, MAX_N);
        if (failures == before) printf("kernel bits: %s (-O2) matches portable (-O0)\n", level_name);
        checked++;
    }
    if (failures > 0) {
        fprintf(stderr, "kernel bits: %d mismatches between the optimized kernels and the -O0 build\n", failures);
        return 1;
    }
    return checked > 0 ? 0 : 1;
}
