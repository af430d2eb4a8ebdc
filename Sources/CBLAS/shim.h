// Internal shim: OpenBLAS's CBLAS interface plus its threading and kernel queries
// (openblas_set_num_threads, openblas_get_corename), declared in the same header.
#include <cblas.h>
