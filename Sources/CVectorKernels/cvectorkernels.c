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

// Each clone lowers the 16-lane vector type to its ISA: one zmm, two ymm (with FMA) or four xmm.
CVK_CLONES
float cvk_dot(const float *a, const float *b, size_t n) {
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
    float s = 0;
    for (int j = 0; j < 16; j++) s += acc0[j];
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}

typedef signed char cvk_b16u __attribute__((vector_size(16), aligned(1)));

CVK_CLONES
float cvk_dot_i8(const float *q, const signed char *codes, size_t n) {
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
    float s = 0;
    for (int j = 0; j < 16; j++) s += acc0[j];
    for (; i < n; i++) s += q[i] * (float)codes[i];
    return s;
}

void cvk_dot_rows(const float *query, const float *rows, size_t dim, const int *indices, size_t count, float *out) {
    for (size_t r = 0; r < count; r++) {
        if (r + 1 < count) cvk_prefetch(rows + (size_t)indices[r + 1] * dim);
        out[r] = cvk_dot(query, rows + (size_t)indices[r] * dim, dim);
    }
}
