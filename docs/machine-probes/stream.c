/*
 * The hardware's read bandwidth: sums ARPG-L's 1220 MB of weights with AVX-512 loads on 1 and 2
 * threads (the ceiling for streaming the weights once per decoding step). Run (docs/benchmarks.md,
 * session 13):
 * gcc -O3 -mavx512f -fopenmp docs/machine-probes/stream.c -o /tmp/stream && /tmp/stream
 */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
    size_t n = 1220UL * 1024 * 1024 / 4;
    float *a = aligned_alloc(64, n * 4);
    for (size_t i = 0; i < n; i++) a[i] = i * 1e-9f;
    for (int threads = 1; threads <= 2; threads++) {
        double best = 1e9;
        for (int r = 0; r < 6; r++) {
            double t0 = now();
            float total = 0;
#pragma omp parallel for num_threads(threads) reduction(+ : total)
            for (size_t c = 0; c < n; c += 16 * 1024) {
                __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
                size_t e = c + 16 * 1024 < n ? c + 16 * 1024 : n;
                for (size_t i = c; i + 64 <= e; i += 64) {
                    s0 = _mm512_add_ps(s0, _mm512_load_ps(a + i));
                    s1 = _mm512_add_ps(s1, _mm512_load_ps(a + i + 16));
                    s2 = _mm512_add_ps(s2, _mm512_load_ps(a + i + 32));
                    s3 = _mm512_add_ps(s3, _mm512_load_ps(a + i + 48));
                }
                total += _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
            }
            double t = now() - t0;
            if (t < best) best = t;
            if (total == 1.2345f) printf("(keeps the sum live)\n");
        }
        printf("%d thread(s): %.1f GB/s (%.1f ms per 1220 MB)\n", threads, n * 4 / best / 1e9, best * 1e3);
    }
    free(a);
    return 0;
}
