// The only place Neuromod touches GSL's C headers.
// Swift 6 rejects reading C globals (gsl_rng_mt19937, ...) as not concurrency-safe,
// so each generator type is reached through a static inline accessor.
#ifndef NEUROMOD_CGSL_SHIM_H
#define NEUROMOD_CGSL_SHIM_H

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_integration.h>

static inline const gsl_rng_type *neuromod_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_rng_type *neuromod_rng_taus2(void) { return gsl_rng_taus2; }
static inline const gsl_rng_type *neuromod_rng_ranlxd2(void) { return gsl_rng_ranlxd2; }
static inline const gsl_rng_type *neuromod_rng_gfsr4(void) { return gsl_rng_gfsr4; }
static inline const gsl_rng_type *neuromod_rng_ranlxs0(void) { return gsl_rng_ranlxs0; }

/// Installs GSL's "off" error handler so that GSL reports errors by return code instead of abort().
static inline void neuromod_gsl_errors_as_codes(void) { gsl_set_error_handler_off(); }

/// OpenBLAS's thread control (declared here because OpenBLAS's own cblas.h clashes with gsl_cblas.h).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

#endif
