// Would fused projections make the training step's products faster? (issue 17, part 2)
//
// Times, on one OpenBLAS thread, each group of products a LoRA step makes at dim 256 (the bench's
// 3.4m config: C 256, H 688, r 8) for one pass of R rows, two ways: as the step makes them today
// (one product per projection) and fused (one product over the concatenated weights, as Lit-GPT's
// qkv and llm.c's fused layers do). The two ways alternate within each repetition; the medians of
// the repetitions and their ratio are printed.
//
//     gcc -O2 -o /tmp/fusion Benchmarks/profile/fusion.c -lopenblas && /tmp/fusion 256 9
//
// Shapes (row-major, as Sources/Kernels/Matmul.swift calls them): x (R, C), weights (OUT, C).
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static float *random_buffer(long count) {
    float *p = aligned_alloc(64, ((count * 4 + 63) / 64) * 64);
    for (long i = 0; i < count; i++) p[i] = rand() / (float)RAND_MAX - 0.5f;
    return p;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int count) {
    qsort(values, count, sizeof(double), compare);
    return values[count / 2];
}

// out (R, OUT) = x (R, C) · wᵀ, w (OUT, C)
static void forward(int R, int C, int OUT, const float *x, const float *w, float *out, int ldo) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, R, OUT, C, 1, x, C, w, C, 0, out, ldo);
}

// dx (R, C) += dout (R, OUT) · w, w (OUT, C)
static void input_gradient(int R, int C, int OUT, const float *dout, int lddo, const float *w, float *dx) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, R, C, OUT, 1, dout, lddo, w, C, 1, dx, C);
}

enum { GROUPS = 5 };
static const char *names[GROUPS] = {
    "q, k, v forward (3 × C→C)", "gate, up forward (2 × C→H)", "q, k, v input gradient (3 × C←C)",
    "gate, up input gradient (2 × C←H)", "LoRA A of q and v forward (2 × C→r)",
};

int main(int argc, char **argv) {
    int R = argc > 1 ? atoi(argv[1]) : 256, repetitions = argc > 2 ? atoi(argv[2]) : 9;
    const int C = 256, H = 688, r = 8;
    openblas_set_num_threads(1);
    float *x = random_buffer((long)R * C), *dx = random_buffer((long)R * C);
    float *w = random_buffer(3L * C * C), *wMLP = random_buffer(2L * H * C), *a = random_buffer(2L * r * C);
    float *out = random_buffer(3L * R * H), *outFused = random_buffer(3L * R * H);
    double separate[GROUPS][64], fused[GROUPS][64];
    double flops[GROUPS] = {2.0 * R * C * 3 * C, 2.0 * R * C * 2 * H, 2.0 * R * C * 3 * C, 2.0 * R * C * 2 * H,
                            2.0 * R * C * 2 * r};
    for (int rep = 0; rep < repetitions && rep < 64; rep++) {
        for (int g = 0; g < GROUPS; g++) {
            long calls = (long)(2e8 / flops[g]) + 1;
            double t0 = seconds();
            for (long c = 0; c < calls; c++) switch (g) {
                case 0: for (int i = 0; i < 3; i++) forward(R, C, C, x, w + i * C * C, out + (long)i * R * C, C); break;
                case 1: for (int i = 0; i < 2; i++) forward(R, C, H, x, wMLP + (long)i * H * C, out + (long)i * R * H, H); break;
                case 2: for (int i = 0; i < 3; i++) input_gradient(R, C, C, out + (long)i * R * C, C, w + i * C * C, dx); break;
                case 3: for (int i = 0; i < 2; i++) input_gradient(R, C, H, out + (long)i * R * H, H, wMLP + (long)i * H * C, dx); break;
                case 4: for (int i = 0; i < 2; i++) forward(R, C, r, x, a + i * r * C, out + i * R * r, r); break;
            }
            double t1 = seconds();
            for (long c = 0; c < calls; c++) switch (g) {
                case 0: forward(R, C, 3 * C, x, w, outFused, 3 * C); break;
                case 1: forward(R, C, 2 * H, x, wMLP, outFused, 2 * H); break;
                case 2: input_gradient(R, C, 3 * C, outFused, 3 * C, w, dx); break;
                case 3: input_gradient(R, C, 2 * H, outFused, 2 * H, wMLP, dx); break;
                case 4: forward(R, C, 2 * r, x, a, outFused, 2 * r); break;
            }
            double t2 = seconds();
            separate[g][rep] = flops[g] * calls / (t1 - t0) / 1e9;
            fused[g][rep] = flops[g] * calls / (t2 - t1) / 1e9;
        }
    }
    printf("R = %d rows per pass, OpenBLAS %s kernel, 1 thread, medians of %d alternated repetitions\n\n",
           R, openblas_get_corename(), repetitions);
    printf("| products | separate GFLOP/s | fused GFLOP/s | fused ÷ separate |\n|---|---:|---:|---:|\n");
    for (int g = 0; g < GROUPS; g++) {
        double s = median(separate[g], repetitions), f = median(fused[g], repetitions);
        printf("| %s | %.1f | %.1f | %.3f |\n", names[g], s, f, f / s);
    }
    return 0;
}
