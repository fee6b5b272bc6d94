// blasbench: times the BLAS calls of one housing-network update (8-128-64-1, batch 256) on one BLAS
// library, loaded by path with dlopen(), and checks every result against a long-double reference.
//
// Not a test and not a SwiftPM target: Benchmarks/blas/run.sh builds it with cc, runs it once per
// library and kernel in alternating rounds, and summarize.py turns the samples into the table of
// Benchmarks/README.md ("Which BLAS").
//
//   blasbench LIBRARY.so LABEL BLOCKS
//
// The calls are those of Sources/Neuromod (row-major CBLAS, as GSL's cblas_* pass them on):
//   forward      Network.forward: Z[256×out] (+)= X[256×in]·Wᵀ                (dgemm N,T)
//   grad W       Backprop: G[out×in] = Dᵀ[out×256]·X[256×in]                   (dgemm T,N)
//   delta        Backprop: R[256×in] = D[256×out]·W[out×in]                   (dgemm N,N)
//   wp-drive     SynapticNoise.addDrive: z_n += ε_n[out×in]·x_n, n = 1…256   (256 dgemv N)
//   wp-update    PlasticityEngine.gemvTransposed: Δw = εᵀ[P×256]·M            (dgemv T)
// and the same in single precision (sgemm/sgemv): Neuromod computes in float64 today; float32 says
// what a single-precision path would gain.
//
// Output, tab-separated lines on stdout:
//   info   LABEL KEY VALUE                      what the library says about itself (core, config)
//   check  LABEL PREC SHAPE ok|FAIL RATIO       max |C − C_ref| / bound, bound = (K+2)·u·Σ|a||b| (+|βc|)
//   sample LABEL PREC SHAPE US                  µs of thread CPU time per call, one block of calls
//                                               (a call of a wp-drive shape is its 256 GEMVs)
// Exit status 1 when a check fails or the library lacks a symbol; the message names the library.

#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { RowMajor = 101, NoTrans = 111, Trans = 112 };

typedef void (*dgemm_t)(int, int, int, int, int, int, double, const double *, int, const double *, int, double,
                        double *, int);
typedef void (*sgemm_t)(int, int, int, int, int, int, float, const float *, int, const float *, int, float,
                        float *, int);
typedef void (*dgemv_t)(int, int, int, int, double, const double *, int, const double *, int, double, double *, int);
typedef void (*sgemv_t)(int, int, int, int, float, const float *, int, const float *, int, float, float *, int);

static dgemm_t dgemm;
static sgemm_t sgemm;
static dgemv_t dgemv;
static sgemv_t sgemv;

enum Kind { GEMM, GEMV, GEMV_INSTANCES };

// One BLAS call of an update. GEMM: C[M×N] = op(A)·op(B) + βC with op(A) M×K. GEMV: y = op(A)·x + βy
// with A stored M×N (rows × columns); GEMV_INSTANCES: `count` GEMVs on consecutive A, x, y.
struct Shape {
    const char *name;
    enum Kind kind;
    int transA, transB;
    int m, n, k;
    double beta;
    int count;
};

#define B 256
static const struct Shape shapes[] = {
    {"fwd 256x128x8 (N,T) b=1", GEMM, NoTrans, Trans, B, 128, 8, 1, 1},
    {"fwd 256x64x128 (N,T)", GEMM, NoTrans, Trans, B, 64, 128, 0, 1},
    {"fwd 256x1x64 (N,T) b=1", GEMM, NoTrans, Trans, B, 1, 64, 1, 1},
    {"gradW 128x8x256 (T,N)", GEMM, Trans, NoTrans, 128, 8, B, 0, 1},
    {"gradW 64x128x256 (T,N)", GEMM, Trans, NoTrans, 64, 128, B, 0, 1},
    {"gradW 1x64x256 (T,N)", GEMM, Trans, NoTrans, 1, 64, B, 0, 1},
    {"delta 256x64x1 (N,N)", GEMM, NoTrans, NoTrans, B, 64, 1, 0, 1},
    {"delta 256x128x64 (N,N)", GEMM, NoTrans, NoTrans, B, 128, 64, 0, 1},
    {"wp-drive 256x gemv 128x8", GEMV_INSTANCES, NoTrans, 0, 128, 8, 0, 1, B},
    {"wp-drive 256x gemv 64x128", GEMV_INSTANCES, NoTrans, 0, 64, 128, 0, 1, B},
    {"wp-drive 256x gemv 1x64", GEMV_INSTANCES, NoTrans, 0, 1, 64, 0, 1, B},
    {"wp-update gemv^T 256x1024", GEMV, Trans, 0, B, 1024, 0, 0, 1},
    {"wp-update gemv^T 256x128", GEMV, Trans, 0, B, 128, 0, 0, 1},
    {"wp-update gemv^T 256x8192", GEMV, Trans, 0, B, 8192, 0, 0, 1},
    {"wp-update gemv^T 256x64 (w)", GEMV, Trans, 0, B, 64, 0, 0, 1},
    {"wp-update gemv^T 256x64 (b)", GEMV, Trans, 0, B, 64, 0, 0, 1},
    {"wp-update gemv^T 256x1", GEMV, Trans, 0, B, 1, 0, 0, 1},
    {"gemv^T 256x9473 (all)", GEMV, Trans, 0, B, 9473, 0, 0, 1},
};
#define SHAPES ((int)(sizeof shapes / sizeof shapes[0]))

// This thread's CPU time: one BLAS thread runs in the calling thread, and time spent descheduled on a
// busy machine does not count (wall time would).
static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e6 + t.tv_nsec * 1e-3;
}

// Sizes of A, B (or x) and C (or y) in elements, for all instances.
static void sizes(const struct Shape *s, size_t *na, size_t *nb, size_t *nc) {
    if (s->kind == GEMM) {
        *na = (size_t)s->m * s->k;
        *nb = (size_t)s->k * s->n;
        *nc = (size_t)s->m * s->n;
    } else {
        int xlen = s->transA == NoTrans ? s->n : s->m, ylen = s->transA == NoTrans ? s->m : s->n;
        *na = (size_t)s->m * s->n * s->count;
        *nb = (size_t)xlen * s->count;
        *nc = (size_t)ylen * s->count;
    }
}

static unsigned long long lcg = 88172645463325252ULL;
static double uniform(void) { // in [−1, 1)
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg >> 11) / 4503599627370496.0 - 1.0;
}

// The library's call on double (d) or float (f) buffers.
static void call(const struct Shape *s, int single, void *a, void *b, void *c) {
    if (s->kind == GEMM) {
        int lda = s->transA == NoTrans ? s->k : s->m, ldb = s->transB == NoTrans ? s->n : s->k;
        if (single)
            sgemm(RowMajor, s->transA, s->transB, s->m, s->n, s->k, 1, a, lda, b, ldb, (float)s->beta, c, s->n);
        else
            dgemm(RowMajor, s->transA, s->transB, s->m, s->n, s->k, 1, a, lda, b, ldb, s->beta, c, s->n);
        return;
    }
    int xlen = s->transA == NoTrans ? s->n : s->m, ylen = s->transA == NoTrans ? s->m : s->n;
    size_t step = (size_t)s->m * s->n;
    for (int i = 0; i < s->count; i++) {
        if (single)
            sgemv(RowMajor, s->transA, s->m, s->n, 1, (float *)a + i * step, s->n, (float *)b + i * xlen, 1,
                  (float)s->beta, (float *)c + i * ylen, 1);
        else
            dgemv(RowMajor, s->transA, s->m, s->n, 1, (double *)a + i * step, s->n, (double *)b + i * xlen, 1,
                  s->beta, (double *)c + i * ylen, 1);
    }
}

static double element(const void *p, int single, size_t i) {
    return single ? (double)((const float *)p)[i] : ((const double *)p)[i];
}

// max over C of |C − C_ref| / ((K+2)·u·(Σ|a||b| + |β c0|)): ≤ 1 for any summation order (with or
// without FMA), Higham's bound γ_K |A||B| plus the β term.
static double check(const struct Shape *s, int single, const void *a, const void *b, const void *c0, const void *c) {
    double u = single ? 0x1p-24 : 0x1p-53, worst = 0;
    if (s->kind == GEMM) {
        for (int i = 0; i < s->m; i++)
            for (int j = 0; j < s->n; j++) {
                long double sum = 0, abs = 0;
                for (int p = 0; p < s->k; p++) {
                    size_t ia = s->transA == NoTrans ? (size_t)i * s->k + p : (size_t)p * s->m + i;
                    size_t ib = s->transB == NoTrans ? (size_t)p * s->n + j : (size_t)j * s->k + p;
                    long double x = element(a, single, ia), y = element(b, single, ib);
                    sum += x * y;
                    abs += fabsl(x * y);
                }
                long double init = s->beta * element(c0, single, (size_t)i * s->n + j);
                sum += init;
                abs += fabsl(init);
                double bound = (double)((s->k + 2) * u * abs) + 1e-300;
                double err = fabs((double)(element(c, single, (size_t)i * s->n + j) - sum));
                if (err / bound > worst) worst = err / bound;
            }
        return worst;
    }
    int xlen = s->transA == NoTrans ? s->n : s->m, ylen = s->transA == NoTrans ? s->m : s->n;
    size_t step = (size_t)s->m * s->n;
    for (int inst = 0; inst < s->count; inst++)
        for (int r = 0; r < ylen; r++) {
            long double sum = 0, abs = 0;
            for (int p = 0; p < xlen; p++) {
                size_t ia = inst * step + (s->transA == NoTrans ? (size_t)r * s->n + p : (size_t)p * s->n + r);
                long double x = element(a, single, ia), y = element(b, single, (size_t)inst * xlen + p);
                sum += x * y;
                abs += fabsl(x * y);
            }
            long double init = s->beta * element(c0, single, (size_t)inst * ylen + r);
            sum += init;
            abs += fabsl(init);
            double bound = (double)((xlen + 2) * u * abs) + 1e-300;
            double err = fabs((double)(element(c, single, (size_t)inst * ylen + r) - sum));
            if (err / bound > worst) worst = err / bound;
        }
    return worst;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: blasbench LIBRARY.so LABEL BLOCKS\n");
        return 2;
    }
    const char *path = argv[1], *label = argv[2];
    int blocks = atoi(argv[3]);
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "blasbench: %s: %s\n", path, dlerror());
        return 1;
    }
    dgemm = (dgemm_t)dlsym(lib, "cblas_dgemm");
    sgemm = (sgemm_t)dlsym(lib, "cblas_sgemm");
    dgemv = (dgemv_t)dlsym(lib, "cblas_dgemv");
    sgemv = (sgemv_t)dlsym(lib, "cblas_sgemv");
    if (!dgemm || !sgemm || !dgemv || !sgemv) {
        fprintf(stderr, "blasbench: %s: no cblas_dgemm/sgemm/dgemv/sgemv\n", path);
        return 1;
    }
    // What the library says it runs.
    const char *(*corename)(void) = (const char *(*)(void))dlsym(lib, "openblas_get_corename");
    const char *(*config)(void) = (const char *(*)(void))dlsym(lib, "openblas_get_config");
    void (*set_threads)(int) = (void (*)(int))dlsym(lib, "openblas_set_num_threads");
    int (*arch_id)(void) = (int (*)(void))dlsym(lib, "bli_arch_query_id");
    const char *(*arch_string)(int) = (const char *(*)(int))dlsym(lib, "bli_arch_string");
    const char *(*blis_version)(void) = (const char *(*)(void))dlsym(lib, "bli_info_get_version_str");
    void (*blis_threads)(long) = (void (*)(long))dlsym(lib, "bli_thread_set_num_threads");
    if (set_threads) set_threads(1);
    if (blis_threads) blis_threads(1);
    printf("info\t%s\tpath\t%s\n", label, path);
    if (corename) printf("info\t%s\tcore\t%s\n", label, corename());
    if (config) printf("info\t%s\tconfig\t%s\n", label, config());
    if (arch_id && arch_string) printf("info\t%s\tcore\tBLIS %s\n", label, arch_string(arch_id()));
    if (blis_version) printf("info\t%s\tconfig\tBLIS %s\n", label, blis_version());

    int failed = 0;
    double *samples = malloc(sizeof(double) * (blocks > 0 ? blocks : 1));
    for (int single = 0; single <= 1; single++) {
        const char *prec = single ? "f32" : "f64";
        size_t width = single ? sizeof(float) : sizeof(double);
        for (int si = 0; si < SHAPES; si++) {
            const struct Shape *s = &shapes[si];
            size_t na, nb, nc;
            sizes(s, &na, &nb, &nc);
            void *a = malloc(na * width), *b = malloc(nb * width), *c = malloc(nc * width), *c0 = malloc(nc * width);
            for (size_t i = 0; i < na; i++) single ? (((float *)a)[i] = (float)uniform()) : (((double *)a)[i] = uniform());
            for (size_t i = 0; i < nb; i++) single ? (((float *)b)[i] = (float)uniform()) : (((double *)b)[i] = uniform());
            for (size_t i = 0; i < nc; i++) single ? (((float *)c0)[i] = (float)uniform()) : (((double *)c0)[i] = uniform());
            memcpy(c, c0, nc * width);
            call(s, single, a, b, c);
            double ratio = check(s, single, a, b, c0, c);
            int ok = ratio <= 1;
            failed |= !ok;
            printf("check\t%s\t%s\t%s\t%s\t%.3g\n", label, prec, s->name, ok ? "ok" : "FAIL", ratio);
            // Calibrate a block to about 300 µs, then time `blocks` blocks (after two warm-up blocks).
            double t0 = now_us();
            call(s, single, a, b, c);
            double one = now_us() - t0;
            int inner = one <= 0 ? 1000 : (int)ceil(300.0 / one);
            if (inner < 1) inner = 1;
            if (inner > 20000) inner = 20000;
            for (int w = 0; w < 2 * inner; w++) call(s, single, a, b, c);
            for (int blk = 0; blk < blocks; blk++) {
                memcpy(c, c0, nc * width);
                double start = now_us();
                for (int r = 0; r < inner; r++) call(s, single, a, b, c);
                samples[blk] = (now_us() - start) / inner;
            }
            for (int blk = 0; blk < blocks; blk++) printf("sample\t%s\t%s\t%s\t%.4f\n", label, prec, s->name, samples[blk]);
            free(a), free(b), free(c), free(c0);
        }
    }
    free(samples);
    if (failed) fprintf(stderr, "blasbench: %s (%s): a result is outside the error bound (see the check lines)\n", path, label);
    return failed ? 1 : 0;
}
