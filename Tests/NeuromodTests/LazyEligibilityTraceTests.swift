import Foundation
import Testing
@testable import Neuromod

@Suite struct LazyEligibilityTraceTests {
    /// The event-driven trace gives the per-step trace's values under random sparse touches, for every
    /// kernel it supports: 3 instances × 40 synapses, 4000 steps at dt = 1 ms, 0–6 touches per step
    /// (some synapse twice in a step), φ ~ N(0, 1), random reads along the way, and gaps longer than
    /// the 2048-step decay table. The two differ only by rounding (exp(−n·dt/τ) once against
    /// exp(−dt/τ) n times: ≲ 1e-14 here), so 1e-12 (absolute for |e| ≤ 1, relative above) fails on
    /// any real difference.
    @Test(arguments: testKernels)
    func lazyTraceEqualsPerStepTrace(kernel: TraceKernel) throws {
        let instances = 3, synapses = 40, steps = 4000, dt = 0.001
        let rng = try RandomGenerator(.taus2, seed: 21)
        let dense = try EligibilityTrace(kernel: kernel, dt: dt, instances: instances, synapseCount: synapses)
        let lazy = try LazyEligibilityTrace(kernel: kernel, dt: dt, instances: instances, synapseCount: synapses)
        var worst = 0.0, touches = 0
        func compare(_ n: Int, _ i: Int) {
            let d = dense.value(instance: n, synapse: i), l = lazy.value(instance: n, synapse: i)
            worst = max(worst, abs(l - d) / max(1, abs(d)))
        }
        for t in 0..<steps {
            if t > 0 { dense.advance(); lazy.advance() }
            // Synapse 0 of instance 0 only at steps 1 and 3500: a gap beyond the decay table.
            if t == 1 || t == 3500 {
                dense.add(instance: 0, synapse: 0, phi: 1.25)
                lazy.add(instance: 0, synapse: 0, phi: 1.25)
                touches += 1
            }
            for _ in 0..<rng.uniformInt(below: 7) {
                let n = rng.uniformInt(below: instances), i = 1 + rng.uniformInt(below: synapses - 1)
                let phi = rng.gaussian()
                dense.add(instance: n, synapse: i, phi: phi)
                lazy.add(instance: n, synapse: i, phi: phi)
                touches += 1
            }
            for _ in 0..<3 { compare(rng.uniformInt(below: instances), rng.uniformInt(below: synapses)) }
            if t == 3499 { compare(0, 0) }
        }
        for n in 0..<instances { for i in 0..<synapses { compare(n, i) } }
        #expect(worst <= 1e-12, "\(kernel): worst deviation \(worst)")
        #expect(lazy.synapseUpdates == touches)
        // Reading everything at once agrees too.
        var out = [Double](repeating: .nan, count: synapses)
        out.withUnsafeMutableBufferPointer { lazy.copyValues(instance: 2, into: $0) }
        dense.withValues(instance: 2) { d in
            for i in 0..<synapses { #expect(close(out[i], d[i], 1e-12)) }
        }
    }

    /// advance() moves a counter only: a synapse nobody touches keeps its stamp and costs nothing, and
    /// a touched one is brought up to date with its exact decay when read.
    @Test func advanceLeavesUntouchedSynapsesAlone() throws {
        let dt = 0.001, tau = 0.2
        let lazy = try LazyEligibilityTrace(kernel: .exponential(tau: tau), dt: dt, instances: 2, synapseCount: 1000)
        lazy.add(instance: 1, synapse: 3, phi: 2)
        lazy.advance(by: 9_000)
        for _ in 0..<1000 { lazy.advance() }
        #expect(lazy.step == 10_000)
        #expect(lazy.synapseUpdates == 1)
        for i in [0, 3, 999] { #expect(lazy.lastUpdateStep(instance: 0, synapse: i) == 0) }
        #expect(lazy.lastUpdateStep(instance: 1, synapse: 3) == 0)   // touched at step 0, not since
        let expected = 2 * exp(-10_000 * dt / tau)
        #expect(abs(lazy.value(instance: 1, synapse: 3) - expected) <= 1e-15 * expected)
        lazy.add(instance: 1, synapse: 3, phi: 1)
        #expect(lazy.lastUpdateStep(instance: 1, synapse: 3) == 10_000)
        #expect(abs(lazy.value(instance: 1, synapse: 3) - (1 + expected)) <= 1e-15)
        #expect(lazy.lastUpdateStep(instance: 1, synapse: 4) == 0)
    }

    /// The three-factor update read from the event-driven trace equals the per-step one.
    @Test func weightChangeMatchesPerStepTrace() throws {
        let kernel = TraceKernel.riseDecay(rise: 0.01, decay: 0.05)
        let dense = try EligibilityTrace(kernel: kernel, dt: 0.001, instances: 2, synapseCount: 5)
        let lazy = try LazyEligibilityTrace(kernel: kernel, dt: 0.001, instances: 2, synapseCount: 5)
        for t in 0..<30 {
            if t > 0 { dense.advance(); lazy.advance() }
            if t % 7 == 0 {
                dense.add(instance: t % 2, synapse: t % 5, phi: Double(t))
                lazy.add(instance: t % 2, synapse: t % 5, phi: Double(t))
            }
        }
        let m = [0.3, -2.0]
        var a = [Double](repeating: 0, count: 5), b = a
        m.withUnsafeBufferPointer { mp in
            a.withUnsafeMutableBufferPointer { dense.accumulateWeightChange(modulation: mp, learningRate: 0.5, into: $0) }
            b.withUnsafeMutableBufferPointer { lazy.accumulateWeightChange(modulation: mp, learningRate: 0.5, into: $0) }
        }
        for i in 0..<5 { #expect(close(a[i], b[i], 1e-12)) }
        #expect(a.contains { $0 != 0 })
    }

    @Test func episodeSumResetClearsAndWindowIsRefused() throws {
        let lazy = try LazyEligibilityTrace(kernel: .episodeSum, dt: 0.01, synapseCount: 3)
        lazy.add(instance: 0, synapse: 1, phi: 4)
        lazy.advance(by: 100_000)
        #expect(lazy.value(instance: 0, synapse: 1) == 4)
        lazy.reset()
        #expect(lazy.value(instance: 0, synapse: 1) == 0 && lazy.step == 0 && lazy.synapseUpdates == 0)
        do {
            _ = try LazyEligibilityTrace(kernel: .window(start: 0.5, end: 2), dt: 0.01, synapseCount: 3)
            Issue.record("the lazy trace accepted a window kernel")
        } catch let error as TraceError {
            guard case .unsupportedKernel = error else { Issue.record("wrong error \(error)"); return }
            #expect(error.description.contains("use EligibilityTrace"))
        }
    }
}
