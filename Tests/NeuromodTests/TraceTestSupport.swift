import Foundation
@testable import Neuromod

/// |a − b| ≤ tolerance · max(1, |b|): absolute for values of order 1 and below, relative above.
func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(b))
}

/// The kernels the trace tests run through (τ's in seconds), with dt = 1 ms in mind.
let testKernels: [TraceKernel] = [
    .immediate,
    .exponential(tau: 0.2),
    .exponential(tau: 0.004),          // decays to nothing within a few touches
    .riseDecay(rise: 0.02, decay: 0.1),
    .episodeSum,
]
