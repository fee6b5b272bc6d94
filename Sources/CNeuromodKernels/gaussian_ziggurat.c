// GSL's Gaussian ziggurat with its fast path inline: the same numbers as calling
// gsl_ran_gaussian_ziggurat once per draw, about 1.5 times as fast (docs/kernels.md, "Gaussian draws").
//
// GSL's ziggurat (Marsaglia & Tsang 2000, J. Stat. Softw. 5(8), 128 layers) turns one 32-bit draw k
// into a normal on its fast path: layer i = k & 0x7f, sign + when bit 7 is set, j = k >> 8, value
// sign·σ·(j·w[i]), accepted when j < kt[i] (97 % of draws). Calling it per draw costs more than the
// draw itself (4.3 against 2.0 ns for taus2 on a Zen 5 core). Here the fast path runs in the fill's
// loop on the generator's draws; every rejected draw is handed to gsl_ran_gaussian_ziggurat itself,
// through a generator type that returns that draw and then the generator's own draws. So the slow
// paths (wedges and tail) are GSL's code, and the generator takes exactly the draws GSL's would.
//
// The tables w and kt are not copied from GSL: they are read from the installed GSL at first use, by
// running its ziggurat on chosen draws (kt[i] is the first j that GSL rejects, by bisection; w[i] the
// value of j = 1), then checked on every layer at edge and scattered j with both signs. If anything
// disagrees, every fill falls back to one GSL call per draw.
//
// Handing a draw back to GSL needs the generator's uniform to be draw / 2³² with draws in
// [0, 2³² − 1]: true of taus2, taus, mt19937 and gfsr4 (checked at first use on fresh generators of
// each type); other generators (ranlxd2's uniform has 48 bits) take the per-call path.
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include "neuromod_kernels.h"

enum { ZIG_LAYERS = 128, ZIG_TYPES = 4 };

static double zig_w[ZIG_LAYERS];
static uint32_t zig_kt[ZIG_LAYERS];
static const gsl_rng_type *zig_types[ZIG_TYPES];
static int zig_type_ok[ZIG_TYPES];
static pthread_once_t zig_once = PTHREAD_ONCE_INIT;

/// A generator that returns `first` once, then the draws of `source` (0s when it is NULL), counting
/// how many it returned.
typedef struct replay {
    uint32_t first;
    gsl_rng *source;
    size_t returned;
} replay;

static unsigned long replay_get(void *state) {
    replay *s = state;
    if (s->returned++ == 0) return s->first;
    return s->source ? gsl_rng_get(s->source) : 0;
}

static double replay_get_double(void *state) { return replay_get(state) / 4294967296.0; }

static const gsl_rng_type replay_type = {
    "neuromod-replay", 0xffffffffUL, 0, sizeof(replay), NULL, replay_get, replay_get_double};

/// gsl_ran_gaussian_ziggurat on the draw k, then `source`'s; *used: the draws it took.
static double gsl_ziggurat_from(uint32_t k, gsl_rng *source, double sigma, size_t *used) {
    replay s = {k, source, 0};
    gsl_rng r = {&replay_type, &s};
    double v = gsl_ran_gaussian_ziggurat(&r, sigma);
    *used = s.returned;
    return v;
}

/// The fast path on draw k: 1 and the value in *v when accepted, 0 when GSL's slow path must decide.
static inline int zig_fast(uint32_t k, double sigma, double *v) {
    uint32_t i = k & 0x7f, j = k >> 8;
    if (j >= zig_kt[i]) return 0;
    // ±σ without a branch (the sign is a coin flip, a branch on it mispredicts half the time):
    // −σ is σ with its sign bit flipped, set here when bit 7 of k is clear.
    uint64_t bits;
    memcpy(&bits, &sigma, sizeof bits);
    bits ^= (uint64_t)(~k & 0x80) << 56;
    double s;
    memcpy(&s, &bits, sizeof s);
    *v = s * ((double)j * zig_w[i]);
    return 1;
}

/// Whether GSL rejects j in layer i on the fast path (it then takes more than one draw).
static int gsl_rejects(uint32_t i, uint32_t j) {
    size_t used;
    gsl_ziggurat_from((j << 8) | 0x80 | i, NULL, 1.0, &used);
    return used > 1;
}

/// Whether the fast path with the learned tables gives GSL's value, or GSL's rejection, for draw k.
static int zig_agrees(uint32_t k, double sigma) {
    double mine = 0;
    int accepted = zig_fast(k, sigma, &mine);
    size_t used;
    double gsl = gsl_ziggurat_from(k, NULL, sigma, &used);
    if (!accepted) return used > 1;
    return used == 1 && memcmp(&mine, &gsl, sizeof mine) == 0;
}

static int learn_tables(void) {
    for (uint32_t i = 0; i < ZIG_LAYERS; i++) {
        uint32_t lo = 0, hi = 1u << 24;  // the first rejected j lies in [lo, hi] (hi: none)
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (gsl_rejects(i, mid)) hi = mid; else lo = mid + 1;
        }
        zig_kt[i] = lo;
        zig_w[i] = 0;  // a layer that accepts no j > 0 (GSL's layer 0 accepts none) never uses w
        if (lo > 1) {
            size_t used;
            double w = gsl_ziggurat_from((1u << 8) | 0x80 | i, NULL, 1.0, &used);
            if (used != 1 || !(w > 0)) return 0;
            zig_w[i] = w;
        }
    }
    uint32_t lcg = 12345;
    for (uint32_t i = 0; i < ZIG_LAYERS; i++) {
        uint32_t kt = zig_kt[i];
        uint32_t edges[] = {0, 1, 2, kt > 0 ? kt - 1 : 0, kt, kt < 0xffffff ? kt + 1 : kt, 0xffffff};
        for (uint32_t sign = 0; sign < 2; sign++) {
            for (size_t e = 0; e < sizeof edges / sizeof edges[0]; e++) {
                if (!zig_agrees((edges[e] << 8) | (sign << 7) | i, 0.37)) return 0;
            }
            for (int r = 0; r < 32; r++) {
                lcg = lcg * 1664525u + 1013904223u;
                if (!zig_agrees((lcg & ~0xffu) | (sign << 7) | i, 1.0)) return 0;
            }
        }
    }
    return 1;
}

/// Whether `type` draws in [0, 2³² − 1] with uniform = draw / 2³² (64 draws of two fresh generators).
static int uniform_is_draw_over_2_32(const gsl_rng_type *type) {
    if (type->min != 0 || type->max != 0xffffffffUL) return 0;
    gsl_rng *a = gsl_rng_alloc(type), *b = gsl_rng_alloc(type);
    int ok = a && b;
    for (int c = 0; ok && c < 64; c++) ok = gsl_rng_uniform(a) == gsl_rng_get(b) / 4294967296.0;
    if (a) gsl_rng_free(a);
    if (b) gsl_rng_free(b);
    return ok;
}

static void zig_learn(void) {
    int tables = learn_tables();
    zig_types[0] = gsl_rng_taus2;
    zig_types[1] = gsl_rng_taus;
    zig_types[2] = gsl_rng_mt19937;
    zig_types[3] = gsl_rng_gfsr4;
    for (int t = 0; t < ZIG_TYPES; t++) zig_type_ok[t] = tables && uniform_is_draw_over_2_32(zig_types[t]);
}

int nmk_gaussian_ziggurat_inline(const void *type) {
    pthread_once(&zig_once, zig_learn);
    for (int t = 0; t < ZIG_TYPES; t++) {
        if (zig_types[t] == type) return zig_type_ok[t];
    }
    return 0;
}

/// One normal from r: the fast path on the next draw, else GSL's function from that draw on.
static inline double zig_draw(gsl_rng *r, unsigned long (*get)(void *), void *state, double sigma) {
    uint32_t k = (uint32_t)get(state);
    double v;
    if (zig_fast(k, sigma, &v)) return v;
    size_t used;
    return gsl_ziggurat_from(k, r, sigma, &used);
}

void nmk_gaussian_ziggurat_fill_inline(void *rng, double sigma, double *out64, float *out32, size_t n) {
    gsl_rng *r = rng;
    unsigned long (*get)(void *) = r->type->get;
    void *state = r->state;
    if (out64) {
        for (size_t c = 0; c < n; c++) out64[c] = zig_draw(r, get, state, sigma);
    } else {
        for (size_t c = 0; c < n; c++) out32[c] = (float)zig_draw(r, get, state, sigma);
    }
}

void nmk_gaussian_ziggurat_fill(void *rng, double sigma, double *out64, float *out32, size_t n) {
    gsl_rng *r = rng;
    if (nmk_gaussian_ziggurat_inline(r->type)) return nmk_gaussian_ziggurat_fill_inline(rng, sigma, out64, out32, n);
    for (size_t c = 0; c < n; c++) {
        double v = gsl_ran_gaussian_ziggurat(r, sigma);
        if (out64) out64[c] = v; else out32[c] = (float)v;
    }
}
