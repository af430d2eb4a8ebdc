// LD_PRELOAD malloc counter: counts calls to the allocation functions, and snapshots the count at
// every cblas_sgemm call, so that allocations between the first and the last sgemm of a run (the
// training steps, without set-up and printing) can be told apart. Prints at exit.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <unistd.h>
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);
static atomic_long n_alloc, n_free;
void *malloc(size_t n) { atomic_fetch_add(&n_alloc, 1); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { atomic_fetch_add(&n_alloc, 1); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { atomic_fetch_add(&n_alloc, 1); return __libc_realloc(p, n); }
void *memalign(size_t a, size_t n) { atomic_fetch_add(&n_alloc, 1); return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { atomic_fetch_add(&n_alloc, 1); return __libc_memalign(a, n); }
int posix_memalign(void **p, size_t a, size_t n) { atomic_fetch_add(&n_alloc, 1); *p = __libc_memalign(a, n); return *p ? 0 : 12; }
void free(void *p) { if (p) atomic_fetch_add(&n_free, 1); __libc_free(p); }

typedef void (*sgemm_t)(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
static long calls, first_alloc = -1, last_alloc, first_free, last_free, previous;
#define EVENTS 4096
static long event_call[EVENTS], event_count[EVENTS]; static int events;
void cblas_sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                 const float *b, int ldb, float beta, float *c, int ldc) {
    static sgemm_t real;
    if (!real) real = (sgemm_t)dlsym(RTLD_NEXT, "cblas_sgemm");
    long now = n_alloc;
    if (first_alloc < 0) { first_alloc = now; first_free = n_free; previous = now; }
    if (now != previous && events < EVENTS) { event_call[events] = calls; event_count[events++] = now - previous; }
    previous = now; last_alloc = now; last_free = n_free; calls++;
    real(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
__attribute__((destructor)) static void report(void) {
    fprintf(stderr, "malloccount: %ld allocations, %ld frees in all; %ld sgemm calls; between the first and the last: "
            "%ld allocations, %ld frees\n", n_alloc, n_free, calls, last_alloc - first_alloc, last_free - first_free);
    fprintf(stderr, "malloccount: allocations before sgemm call #:");
    for (int i = 0; i < events; i++) fprintf(stderr, " %ld:%ld", event_call[i], event_count[i]);
    fprintf(stderr, "\n");
}
