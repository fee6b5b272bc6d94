// Counts the calls to the C allocator made by this process while counting is on (tests only).
//
// On Linux with glibc the test executable defines malloc, calloc, realloc, posix_memalign,
// aligned_alloc and memalign itself; they count and forward to glibc's __libc_* functions. Every
// allocation of the process goes through them: Swift's runtime (swift_slowAlloc), Foundation, BLAS,
// GSL. Elsewhere nothing is interposed and `allocation_counter_available()` returns 0.
#ifndef ALLOCATION_COUNTER_H
#define ALLOCATION_COUNTER_H

/// 1 where the allocator is interposed (Linux, glibc), else 0.
int allocation_counter_available(void);
/// Zeroes the count and starts counting (every thread's calls count).
void allocation_counter_start(void);
/// Stops counting and returns the number of allocation calls since `allocation_counter_start`.
long allocation_counter_stop(void);

#endif
