// The run-time choice of a kernel level: what this CPU supports, what NEUROMOD_KERNELS asks for,
// and the table of the chosen level, decided once per process (pthread_once).
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "kernels_tables.h"

static const char *const level_names[NMK_LEVEL_COUNT] = {"portable", "avx2", "avx512"};

const char *nmk_level_name(nmk_level level) {
    return (unsigned)level < NMK_LEVEL_COUNT ? level_names[level] : "unknown";
}

unsigned nmk_cpu_levels(void) {
    unsigned levels = 1u << NMK_PORTABLE;
#if defined(__x86_64__)
    // __builtin_cpu_supports also checks that the OS saves the AVX / AVX-512 register state (XGETBV).
    __builtin_cpu_init();
    int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (avx2) levels |= 1u << NMK_AVX2;
    if (avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512cd"))
        levels |= 1u << NMK_AVX512;
#endif
    return levels;
}

const nmk_table *nmk_table_for(nmk_level level) {
    if ((unsigned)level >= NMK_LEVEL_COUNT || !(nmk_cpu_levels() & (1u << level))) return NULL;
    switch (level) {
    case NMK_PORTABLE: return &nmk_kernels_portable;
#if defined(__x86_64__)
    case NMK_AVX2: return &nmk_kernels_avx2;
    case NMK_AVX512: return &nmk_kernels_avx512;
#endif
    default: return NULL;
    }
}

nmk_level nmk_resolve(const char *name, unsigned levels, nmk_request *request) {
    nmk_level best = NMK_PORTABLE;
    for (int l = NMK_LEVEL_COUNT - 1; l > 0; l--) {
        if (levels & (1u << l)) { best = (nmk_level)l; break; }
    }
    if (name == NULL || name[0] == '\0') { *request = NMK_REQUEST_NONE; return best; }
    for (int l = 0; l < NMK_LEVEL_COUNT; l++) {
        if (strcmp(name, level_names[l]) == 0) {
            if (levels & (1u << l)) { *request = NMK_REQUEST_FORCED; return (nmk_level)l; }
            *request = NMK_REQUEST_UNSUPPORTED;
            return best;
        }
    }
    *request = NMK_REQUEST_UNKNOWN;
    return best;
}

static pthread_once_t choice_once = PTHREAD_ONCE_INIT;
static nmk_level chosen_level = NMK_PORTABLE;
static nmk_request chosen_request = NMK_REQUEST_NONE;
static char requested_name[64];

static void choose(void) {
    const char *name = getenv("NEUROMOD_KERNELS");
    if (name) {
        strncpy(requested_name, name, sizeof requested_name - 1);
        requested_name[sizeof requested_name - 1] = '\0';
    }
    chosen_level = nmk_resolve(name ? requested_name : NULL, nmk_cpu_levels(), &chosen_request);
}

const nmk_table *nmk_selected_table(void) {
    pthread_once(&choice_once, choose);
    return nmk_table_for(chosen_level);
}

nmk_level nmk_selected_level(void) {
    pthread_once(&choice_once, choose);
    return chosen_level;
}

nmk_request nmk_selected_request(void) {
    pthread_once(&choice_once, choose);
    return chosen_request;
}

const char *nmk_requested_name(void) {
    pthread_once(&choice_once, choose);
    return requested_name;
}
