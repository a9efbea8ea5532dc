// Vector kernels for the Index module's HNSW and exact search: the only place the index needs C.
// Swift has no prefetch and, without per-machine compiler flags, only SSE code; these kernels are
// compiled for AVX-512, AVX2+FMA and baseline x86-64 and picked at load time (target_clones).
#ifndef CVECTORKERNELS_H
#define CVECTORKERNELS_H

#include <sched.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Inner product of two float vectors of length n.
float cvk_dot(const float *a, const float *b, size_t n);

/// Inner product of a float query (already multiplied by the per-dimension scales) with int8
/// codes of a scalar-quantised row.
float cvk_dot_i8(const float *q, const signed char *codes, size_t n);

/// Inner products of a scaled query with the int8 code rows `ids[0..<count]` (row r starts at
/// codes + ids[r] * dim). Prefetches every row first so their cache misses overlap.
void cvk_dot_i8_rows(const float *q, const signed char *codes, size_t dim, const int *ids, size_t count, float *out);

/// Inner products of one query with `count` rows whose indices are given (gathered rows).
void cvk_dot_rows(const float *query, const float *rows, size_t dim, const int *indices, size_t count, float *out);

/// Hints the CPU to start loading the cache line at p (read, keep in all cache levels).
static inline void cvk_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

/// A spin lock word (0 free, 1 held) for the parallel graph build's per-node link lists; yields
/// the CPU when contended so an oversubscribed machine does not burn the holder's time slice.
static inline void cvk_spin_lock(int *p) {
    unsigned spins = 0;
    while (__atomic_exchange_n(p, 1, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(p, __ATOMIC_RELAXED)) {
            if (++spins > 64) { sched_yield(); spins = 0; }
        }
    }
}

static inline void cvk_spin_unlock(int *p) { __atomic_store_n(p, 0, __ATOMIC_RELEASE); }

/// Atomic fetch-and-add (work distribution in the parallel build).
static inline long cvk_fetch_add(long *p, long v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }

#ifdef __cplusplus
}
#endif

#endif
