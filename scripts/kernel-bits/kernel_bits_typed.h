// kernel_bits.c's checks in one precision, included twice: T (double or float), K(name) (the
// table's field for this precision), TNAME and BITS_T (the unsigned type of T's bits).
#define CAT2(a, b) a##_##b
#define CAT(a, b) CAT2(a, b)
#define TF(name) CAT(name, T)

/// Whether a and b have the same bits at every index, a NaN matching any NaN; reports the first
/// mismatch with the kernel, the case and the level.
static void TF(compare)(const char *kernel, int variant, const T *a, const T *b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        BITS_T x, y;
        memcpy(&x, &a[i], sizeof x);
        memcpy(&y, &b[i], sizeof y);
        if (x == y || (a[i] != a[i] && b[i] != b[i])) continue;
        fprintf(stderr, "kernel bits: %s %s (case %d) at %s, element %zu of %zu: %.17g (-O2) against %.17g (-O0)\n",
                kernel, TNAME, variant, level_name, i, n, (double)a[i], (double)b[i]);
        failures++;
        return;
    }
}

/// Both tables' outputs, computed on copies of the same inputs.
static T TF(in1)[MAX_N], TF(in2)[MAX_N], TF(in3)[MAX_N], TF(in4)[MAX_N];
static T TF(outA)[MAX_N], TF(outB)[MAX_N], TF(auxA)[MAX_N], TF(auxB)[MAX_N];

static void TF(fill)(T *x, size_t n, unsigned seed) {
    static double d[MAX_N];
    inputs(d, n, seed);
    for (size_t i = 0; i < n; i++) x[i] = (T)d[i];
}

/// A and B as the pair of output buffers, set to the same starting values.
static void TF(reset)(size_t n, unsigned seed) {
    TF(fill)(TF(outA), n, seed);
    memcpy(TF(outB), TF(outA), n * sizeof(T));
    TF(fill)(TF(auxA), n, seed + 1);
    memcpy(TF(auxB), TF(auxA), n * sizeof(T));
}

static void TF(check)(const nmk_table *t) {
    const nmk_table *r = &nmk_ref_kernels_portable;
    T *x = TF(in1), *y = TF(in2), *z = TF(in3), *w = TF(in4), *A = TF(outA), *B = TF(outB),
      *SA = TF(auxA), *SB = TF(auxB);
    for (size_t li = 0; li < LENGTH_COUNT; li++) {
        size_t n = lengths[li];
        TF(fill)(x, n, (unsigned)n + 1);
        TF(fill)(y, n, (unsigned)n + 2);
        TF(fill)(z, n, (unsigned)n + 3);
        TF(fill)(w, n, (unsigned)n + 4);
        static const double affine[][2] = {{1, 0}, {-1, 0}, {1, -3.5}, {-1, 0.25}};
        for (int v = 0; v < 4; v++) {
            t->K(exp)(x, (T)affine[v][0], (T)affine[v][1], A, n);
            r->K(exp)(x, (T)affine[v][0], (T)affine[v][1], B, n);
            TF(compare)("exp", v, A, B, n);
        }
        for (int ki = 0; ki < 5; ki++) {
            for (int s = 0; s < 2; s++) {
                nmk_activation kind = kinds[ki];
                T slope = (T)slopes[s];
                int v = ki * 2 + s;
                t->K(activate)(kind, slope, x, A, n);
                r->K(activate)(kind, slope, x, B, n);
                TF(compare)("activate", v, A, B, n);
                t->K(derivatives)(kind, slope, x, y, A, n);
                r->K(derivatives)(kind, slope, x, y, B, n);
                TF(compare)("derivatives", v, A, B, n);
                t->K(backward)(kind, slope, x, y, z, A, n);
                r->K(backward)(kind, slope, x, y, z, B, n);
                TF(compare)("backward", v, A, B, n);
                t->K(scaled_derivative)(kind, slope, (T)-0.75, x, y, z, A, n);
                r->K(scaled_derivative)(kind, slope, (T)-0.75, x, y, z, B, n);
                TF(compare)("scaled_derivative", v, A, B, n);
                t->K(scaled_derivative)(kind, slope, (T)1.5, x, y, NULL, A, n);
                r->K(scaled_derivative)(kind, slope, (T)1.5, x, y, NULL, B, n);
                TF(compare)("scaled_derivative (no factor)", v, A, B, n);
            }
        }
        TF(reset)(n, 7);
        t->K(add_scaled)(A, (T)-0.3, x, n);
        r->K(add_scaled)(B, (T)-0.3, x, n);
        TF(compare)("add_scaled", 0, A, B, n);
        TF(reset)(n, 8);
        t->K(multiply)(A, x, n);
        r->K(multiply)(B, x, n);
        TF(compare)("multiply", 0, A, B, n);
        TF(reset)(n, 9);
        t->K(multiply2)(A, x, y, n);
        r->K(multiply2)(B, x, y, n);
        TF(compare)("multiply2", 0, A, B, n);
        TF(reset)(n, 10);
        t->K(accumulate_product)(A, (T)0.125, x, y, n);
        r->K(accumulate_product)(B, (T)0.125, x, y, n);
        TF(compare)("accumulate_product", 0, A, B, n);
        TF(reset)(n, 11);
        t->K(accumulate_product)(A, (T)-2, NULL, y, n);
        r->K(accumulate_product)(B, (T)-2, NULL, y, n);
        TF(compare)("accumulate_product (no x)", 1, A, B, n);
    }
    for (size_t si = 0; si < SHAPE_COUNT; si++) {
        size_t rows = shapes[si][0], cols = shapes[si][1], n = rows * cols;
        TF(fill)(x, n, (unsigned)(rows * 1000 + cols));
        TF(fill)(y, n, (unsigned)cols + 7);
        TF(fill)(z, n, (unsigned)rows + 11);
        TF(fill)(w, n, (unsigned)rows + cols);
        for (int ki = 0; ki < 5; ki++) {
            for (int s = 0; s < 2; s++) {
                nmk_activation kind = kinds[ki];
                T slope = (T)slopes[s];
                int v = ki * 2 + s;
                // bias_activate writes z (+ bias) and out.
                TF(reset)(n, 12);
                memcpy(SA, x, n * sizeof(T));
                memcpy(SB, x, n * sizeof(T));
                t->K(bias_activate)(kind, slope, SA, y, rows, cols, A);
                r->K(bias_activate)(kind, slope, SB, y, rows, cols, B);
                TF(compare)("bias_activate (z)", v, SA, SB, n);
                TF(compare)("bias_activate", v, A, B, n);
                // backward_sums and outer_backward_sums add into sums (cols values).
                TF(reset)(n, 13);
                t->K(backward_sums)(kind, slope, x, y, z, A, rows, cols, SA);
                r->K(backward_sums)(kind, slope, x, y, z, B, rows, cols, SB);
                TF(compare)("backward_sums", v, A, B, n);
                TF(compare)("backward_sums (sums)", v, SA, SB, cols);
                TF(reset)(n, 14);
                memcpy(A, x, n * sizeof(T));
                memcpy(B, x, n * sizeof(T));
                t->K(backward_sums)(kind, slope, A, y, z, A, rows, cols, SA);
                r->K(backward_sums)(kind, slope, B, y, z, B, rows, cols, SB);
                TF(compare)("backward_sums (in place)", v, A, B, n);
                TF(compare)("backward_sums (in place, sums)", v, SA, SB, cols);
                TF(reset)(n, 15);
                t->K(outer_backward_sums)(kind, slope, w, w + rows, y, z, A, rows, cols, SA);
                r->K(outer_backward_sums)(kind, slope, w, w + rows, y, z, B, rows, cols, SB);
                TF(compare)("outer_backward_sums", v, A, B, n);
                TF(compare)("outer_backward_sums (sums)", v, SA, SB, cols);
            }
        }
        t->K(softmax)(x, rows, cols, A);
        r->K(softmax)(x, rows, cols, B);
        TF(compare)("softmax", 0, A, B, n);
        t->K(softmax_backward)(y, z, rows, cols, A);
        r->K(softmax_backward)(y, z, rows, cols, B);
        TF(compare)("softmax_backward", 0, A, B, n);
        TF(reset)(n, 16);
        t->K(add_row_vector)(A, y, rows, cols);
        r->K(add_row_vector)(B, y, rows, cols);
        TF(compare)("add_row_vector", 0, A, B, n);
        t->K(fill_rows)(A, z, rows, cols);
        r->K(fill_rows)(B, z, rows, cols);
        TF(compare)("fill_rows", 0, A, B, n);
    }
}

#undef CAT2
#undef CAT
#undef TF
