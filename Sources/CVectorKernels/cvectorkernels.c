#include "cvectorkernels.h"


#if defined(__x86_64__) && defined(__clang__)
#define CVK_CLONES __attribute__((target_clones("avx512f", "arch=haswell", "default")))
#else
#define CVK_CLONES
#endif

typedef float cvk_v16 __attribute__((vector_size(64)));

typedef float cvk_v16u __attribute__((vector_size(64), aligned(4)));
// An unaligned 16-float load (a macro: returning the vector type from a helper would change the
// ABI between clones).
#define cvk_load16(p) (*(const cvk_v16u *)(p))

// Horizontal sum by halving (a scalar loop over 16 lanes would be a 16-add dependency chain).
#define CVK_HSUM(t)                                                                                   \
    do {                                                                                              \
        t += __builtin_shufflevector(t, t, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);     \
        t += __builtin_shufflevector(t, t, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11);     \
        t += __builtin_shufflevector(t, t, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);     \
        t += __builtin_shufflevector(t, t, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);     \
    } while (0)

// Each clone lowers the 16-lane vector type to its ISA: one zmm, two ymm (with FMA) or four xmm.
static inline __attribute__((always_inline)) float cvk_dot_inline(const float *a, const float *b, size_t n) {
    cvk_v16 acc0 = {0}, acc1 = {0};
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        acc0 += cvk_load16(a + i) * cvk_load16(b + i);
        acc1 += cvk_load16(a + i + 16) * cvk_load16(b + i + 16);
    }
    if (i + 16 <= n) {
        acc0 += cvk_load16(a + i) * cvk_load16(b + i);
        i += 16;
    }
    acc0 += acc1;
    CVK_HSUM(acc0);
    float s = acc0[0];
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}

CVK_CLONES
float cvk_dot(const float *a, const float *b, size_t n) { return cvk_dot_inline(a, b, n); }

typedef signed char cvk_b16u __attribute__((vector_size(16), aligned(1)));

static inline __attribute__((always_inline)) float cvk_dot_i8_inline(const float *q, const signed char *codes, size_t n) {
    cvk_v16 acc0 = {0}, acc1 = {0};
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        acc0 += cvk_load16(q + i) * __builtin_convertvector(*(const cvk_b16u *)(codes + i), cvk_v16);
        acc1 += cvk_load16(q + i + 16) * __builtin_convertvector(*(const cvk_b16u *)(codes + i + 16), cvk_v16);
    }
    if (i + 16 <= n) {
        acc0 += cvk_load16(q + i) * __builtin_convertvector(*(const cvk_b16u *)(codes + i), cvk_v16);
        i += 16;
    }
    acc0 += acc1;
    CVK_HSUM(acc0);
    float s = acc0[0];
    for (; i < n; i++) s += q[i] * (float)codes[i];
    return s;
}

CVK_CLONES
float cvk_dot_i8(const float *q, const signed char *codes, size_t n) { return cvk_dot_i8_inline(q, codes, n); }

CVK_CLONES
void cvk_dot_i8_rows(const float *q, const signed char *codes, size_t dim, const int *ids, size_t count, float *out) {
    for (size_t r = 0; r < count; r++) {
        const signed char *row = codes + (size_t)ids[r] * dim;
        for (size_t off = 0; off < dim; off += 64) __builtin_prefetch(row + off, 0, 3);
    }
    for (size_t r = 0; r < count; r++) out[r] = cvk_dot_i8_inline(q, codes + (size_t)ids[r] * dim, dim);
}

CVK_CLONES
void cvk_dot_rows(const float *query, const float *rows, size_t dim, const int *indices, size_t count, float *out) {
    for (size_t r = 0; r < count; r++) {
        const char *row = (const char *)(rows + (size_t)indices[r] * dim);
        for (size_t off = 0; off < dim * sizeof(float); off += 64) __builtin_prefetch(row + off, 0, 3);
    }
    for (size_t r = 0; r < count; r++) out[r] = cvk_dot_inline(query, rows + (size_t)indices[r] * dim, dim);
}
