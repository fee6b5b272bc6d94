import Foundation
import Testing
@testable import Neuromod

@Suite struct TraceDopamineIntegralTests {
    /// Limits of the closed form: T = 0, τ_d = ∞, both infinite, and a tiny T where 1 − exp(−kT)
    /// would lose every digit and expm1 keeps them (∫ ≈ c e T (1 − kT/2)).
    @Test func closedFormLimits() {
        typealias I = TraceDopamineIntegral
        #expect(I.integral(trace: 2, traceTau: 0.2, dopamine: 3, dopamineTau: 0.5, duration: 0) == 0)
        let constantDopamine = I.integral(trace: 2, traceTau: 0.2, dopamine: 3, dopamineTau: .infinity, duration: 0.7)
        #expect(abs(constantDopamine - 6 * 0.2 * (1 - exp(-0.7 / 0.2))) <= 1e-15 * constantDopamine)
        #expect(I.integral(trace: 2, traceTau: .infinity, dopamine: 3, dopamineTau: .infinity, duration: 0.7) == 6 * 0.7)
        let k = 1 / 0.2 + 1 / 0.5
        for tiny in [1e-13, 1e-17] {
            let small = I.integral(trace: 1, traceTau: 0.2, dopamine: 1, dopamineTau: 0.5, duration: tiny)
            #expect(abs(small - tiny * (1 - k * tiny / 2)) <= 1e-15 * tiny)
        }
        let naive = (1 - exp(-k * 1e-17)) / k    // what expm1 avoids: 1 − exp(−7e-17) keeps no digit
        #expect(abs(naive - 1e-17) > 0.1 * 1e-17)
    }

    /// The closed form against GSL's QAGS on random parameters (fixed seed): 1e-12 relative.
    @Test func closedFormMatchesQuadrature() throws {
        let rng = try RandomGenerator(.taus2, seed: 31)
        let quadrature = Quadrature()
        for _ in 0..<200 {
            let e0 = rng.gaussian(), c0 = rng.gaussian()
            let traceTau = rng.uniform() < 0.2 ? Double.infinity : 0.001 + rng.uniform()
            let dopamineTau = rng.uniform() < 0.3 ? Double.infinity : 0.001 + rng.uniform()
            let duration = rng.uniform() * 3
            let closed = TraceDopamineIntegral.integral(trace: e0, traceTau: traceTau, dopamine: c0,
                                                        dopamineTau: dopamineTau, duration: duration)
            let numeric = try quadrature.integrate(0, duration) { s in
                c0 * exp(-s / dopamineTau) * e0 * exp(-s / traceTau)
            }
            #expect(abs(closed - numeric.value) <= 1e-12 * abs(numeric.value) + 1e-300,
                    "τ_e \(traceTau), τ_d \(dopamineTau), T \(duration): \(closed) vs \(numeric.value)")
        }
    }

    /// The event integrator against an independent computation: c(s)·e(s) evaluated straight from the
    /// raw event list (each event's own decayed contribution, summed) and integrated with GSL's QAGS
    /// segment by segment (between event times and, for step-constant kernels, window edges). Random
    /// sequences (fixed seeds) of 60 trace increments and 15 dopamine releases over 3 s at dt = 1 ms,
    /// every kernel, dopamine τ 0.2 s and ∞. Required: 1e-9 relative to Σ|segment integrals|.
    @Test(arguments: [0.2, Double.infinity])
    func integratorMatchesQuadratureOfRawEvents(dopamineTau: Double) throws {
        let dt = 0.001, endStep = 3000, eta = 0.7
        let quadrature = Quadrature()
        let kernels = testKernels + [.window(start: 0.5, end: 2), .window(start: 0, end: 0.25)]
        for (index, kernel) in kernels.enumerated() {
            for seed in [UInt64(1), 2, 3] {
                let rng = try RandomGenerator(.taus2, seed: 100 * seed + UInt64(index))
                var traces: [(step: Int, phi: Double)] = []
                var releases: [(step: Int, amount: Double)] = []
                for _ in 0..<60 { traces.append((rng.uniformInt(below: endStep), rng.gaussian())) }
                for _ in 0..<15 { releases.append((rng.uniformInt(below: endStep), 0.1 + rng.uniform())) }
                traces.append((0, 1))   // an event at the very start
                traces.sort { $0.step < $1.step }
                releases.sort { $0.step < $1.step }
                let events = (traces.map { TraceDopamineIntegrator.Event.trace(step: $0.step, phi: $0.phi) }
                    + releases.map { .dopamine(step: $0.step, amount: $0.amount) }).sorted { $0.step < $1.step }

                var integrator = try TraceDopamineIntegrator(kernel: kernel, dt: dt, dopamineTau: dopamineTau, learningRate: eta)
                let closed = integrator.process(events, until: endStep)

                // Independent: the kernel as a function of the lag u (seconds), summed over raw events.
                let resolved = try ResolvedKernel(kernel, dt: dt)
                let lagStart = Double(resolved.startSteps) * dt, lagEnd = Double(resolved.endSteps) * dt
                func k(_ u: Double) -> Double {
                    switch kernel {
                    case .immediate, .window: return u >= lagStart && u < lagEnd ? 1 : 0
                    case .exponential(let tau): return exp(-u / tau)
                    case .riseDecay(let rise, let decay):
                        return TraceKernel.riseDecayNormalization(rise: rise, decay: decay) * (exp(-u / decay) - exp(-u / rise))
                    case .episodeSum: return 1
                    }
                }
                func integrand(_ s: Double) -> Double {
                    var e = 0.0, c = 0.0
                    for (step, phi) in traces where Double(step) * dt <= s { e += phi * k(s - Double(step) * dt) }
                    for (step, amount) in releases where Double(step) * dt <= s {
                        c += amount * exp(-(s - Double(step) * dt) / dopamineTau)
                    }
                    return eta * c * e
                }
                var edges = Set(traces.map(\.step) + releases.map(\.step) + [0, endStep])
                if resolved.form == .window || resolved.form == .immediate {
                    for (step, _) in traces { edges.insert(step + resolved.startSteps); edges.insert(step + resolved.endSteps) }
                }
                let grid = edges.filter { $0 <= endStep }.sorted()
                var total = 0.0, magnitude = 0.0
                for (a, b) in zip(grid, grid.dropFirst()) {
                    // Absolute tolerance 1e-14 of the integrand's size times the length: rise–decay
                    // segments can cross zero, where a purely relative target is out of reach.
                    let lo = Double(a) * dt, hi = Double(b) * dt
                    let size = [0.001, 0.5, 0.999].map { abs(integrand(lo + $0 * (hi - lo))) }.max()!
                    let segment = try quadrature.integrate(lo, hi, absoluteTolerance: 1e-14 * size * (hi - lo), integrand)
                    total += segment.value
                    magnitude += abs(segment.value)
                }
                #expect(magnitude > 0, "\(kernel): the test must integrate something")
                #expect(abs(closed - total) <= 1e-9 * magnitude,
                        "\(kernel), τ_d \(dopamineTau), seed \(seed): closed \(closed) vs quadrature \(total)")
            }
        }
    }

    /// Sampled at step times, the integrator's trace is the per-step trace's value (1e-12).
    @Test(arguments: testKernels + [.window(start: 0.01, end: 0.03)])
    func integratorTraceEqualsPerStepTrace(kernel: TraceKernel) throws {
        let dt = 0.001
        let rng = try RandomGenerator(.taus2, seed: 77)
        var integrator = try TraceDopamineIntegrator(kernel: kernel, dt: dt, dopamineTau: 0.1)
        let dense = try EligibilityTrace(kernel: kernel, dt: dt, synapseCount: 1)
        for t in 0..<500 {
            if t > 0 { dense.advance() }
            integrator.advance(toStep: t)
            if rng.uniform() < 0.1 {
                let phi = rng.gaussian()
                dense.add(instance: 0, synapse: 0, phi: phi)
                integrator.addTrace(phi, atStep: t)
            }
            #expect(close(integrator.trace, dense.value(instance: 0, synapse: 0), 1e-12), "\(kernel) step \(t)")
        }
    }

    /// Dopamine decays as exp(−t/τ_c) between releases; resetTrace ends an episode.
    @Test func dopamineDecaysAndResetClearsTheTrace() throws {
        var integrator = try TraceDopamineIntegrator(kernel: .episodeSum, dt: 0.01, dopamineTau: 0.5)
        integrator.releaseDopamine(2, atStep: 10)
        integrator.addTrace(3, atStep: 10)
        integrator.advance(toStep: 60)
        #expect(abs(integrator.dopamine - 2 * exp(-0.5 / 0.5)) < 1e-15)
        // ∫₀^0.5 2 e^{−s/0.5} · 3 ds = 6 · 0.5 · (1 − e^{−1})
        #expect(abs(integrator.weightChange - 3 * (1 - exp(-1.0))) < 1e-14)
        integrator.resetTrace()
        #expect(integrator.trace == 0)
        let before = integrator.weightChange
        integrator.advance(toStep: 100)
        #expect(integrator.weightChange == before)
    }

    @Test func invalidDopamineTimeConstantThrows() {
        for tau in [0, -1, Double.nan] {
            #expect(throws: TraceError.self) { _ = try TraceDopamineIntegrator(kernel: .episodeSum, dt: 0.001, dopamineTau: tau) }
        }
    }
}
