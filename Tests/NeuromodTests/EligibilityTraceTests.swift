import Foundation
import Testing
@testable import Neuromod

@Suite struct EligibilityTraceTests {
    /// A unit impulse at step 0 under `exponential(tau:)` reads exp(−n·dt/τ) n steps later. The
    /// per-step trace multiplies by exp(−dt/τ) n times: relative error ≤ n·2⁻⁵³ ≈ 5.6e-13 at
    /// n = 5000, so 1e-12 relative is enough and fails on any wrong factor.
    @Test func exponentialImpulseResponseIsExpOfMinusTOverTau() throws {
        let dt = 0.001, tau = 0.2
        let trace = try EligibilityTrace(kernel: .exponential(tau: tau), dt: dt, synapseCount: 3)
        trace.add(instance: 0, synapse: 1, phi: 1)
        #expect(trace.value(instance: 0, synapse: 1) == 1)   // e(t) includes φ(t)
        for n in 1...5000 {
            trace.advance()
            let expected = exp(-Double(n) * dt / tau)
            if abs(trace.value(instance: 0, synapse: 1) - expected) > 1e-12 * expected {
                Issue.record("step \(n): \(trace.value(instance: 0, synapse: 1)) vs exp(−t/τ) = \(expected)")
                break
            }
        }
        #expect(trace.value(instance: 0, synapse: 0) == 0 && trace.value(instance: 0, synapse: 2) == 0)
    }

    /// The rise–decay impulse response is 0 at lag 0, peaks at 1 at s* = τ_r τ_d ln(τ_d/τ_r)/(τ_d − τ_r)
    /// in continuous time, and never exceeds 1 on the step grid. With dt = 10 µs the grid passes within
    /// 5 µs of s*, where 1 − k(s) ≈ |k''|δ²/2 < 1e-6.
    @Test func riseDecayImpulseResponsePeaksAtOne() throws {
        let rise = 0.05, decay = 0.3, dt = 1e-5
        let trace = try EligibilityTrace(kernel: .riseDecay(rise: rise, decay: decay), dt: dt, synapseCount: 1)
        trace.add(instance: 0, synapse: 0, phi: 1)
        #expect(trace.value(instance: 0, synapse: 0) == 0)
        var peak = 0.0, peakStep = 0
        for n in 1...100_000 {   // 1 s
            trace.advance()
            let v = trace.value(instance: 0, synapse: 0)
            if v > peak { peak = v; peakStep = n }
        }
        #expect(peak <= 1 + 1e-12)
        #expect(peak > 1 - 1e-6)
        let expectedPeak = rise * decay * log(decay / rise) / (decay - rise)   // 0.1075 s
        #expect(abs(Double(peakStep) * dt - expectedPeak) <= dt)
        // An independent normalization: 1 / max over a fine grid of the unnormalized kernel.
        var rawMax = 0.0
        for k in 0...200_000 { let s = Double(k) * 1e-6; rawMax = max(rawMax, exp(-s / decay) - exp(-s / rise)) }
        #expect(abs(TraceKernel.riseDecayNormalization(rise: rise, decay: decay) * rawMax - 1) < 1e-9)
        // On a coarse grid too, the sampled peak stays at or below 1.
        let coarse = try EligibilityTrace(kernel: .riseDecay(rise: rise, decay: decay), dt: 0.03, synapseCount: 1)
        coarse.add(instance: 0, synapse: 0, phi: 1)
        for _ in 0..<40 {
            coarse.advance()
            #expect(coarse.value(instance: 0, synapse: 0) <= 1 + 1e-12)
        }
    }

    /// window(0.5 s, 2 s) at dt = 10 ms counts lags 50 ≤ n < 200: an impulse is invisible before
    /// lag 50, counted in full from 50 to 199, gone from 200 on.
    @Test func windowCountsAnImpulseExactlyInsideTheWindow() throws {
        let trace = try EligibilityTrace(kernel: .window(start: 0.5, end: 2), dt: 0.01, instances: 2, synapseCount: 2)
        trace.add(instance: 1, synapse: 0, phi: 1.5)
        for n in 0..<600 {
            if n > 0 { trace.advance() }
            let expected = (50..<200).contains(n) ? 1.5 : 0
            if trace.value(instance: 1, synapse: 0) != expected {
                Issue.record("lag \(n): \(trace.value(instance: 1, synapse: 0)), expected \(expected)")
                break
            }
            #expect(trace.value(instance: 1, synapse: 1) == 0 && trace.value(instance: 0, synapse: 0) == 0)
        }
    }

    /// Under random φ every step, the window trace equals the sum of φ over its lags, computed
    /// directly, to 1e-12 (absolute for |e| ≤ 1, relative above) — over many ring cycles, so both
    /// the running sum's drift and its periodic recomputation are exercised. With start = 0 the
    /// current step's φ counts at once.
    @Test func windowEqualsDirectSumUnderRandomInput() throws {
        let dt = 0.001
        for (start, end, seed) in [(0.0, 0.05, UInt64(1)), (0.02, 0.07, 2), (0.0005, 0.0015, 3)] {
            let rng = try RandomGenerator(.taus2, seed: seed)
            let s = try Clock(dt: dt).steps(for: start), e = try Clock(dt: dt).steps(for: end)
            let trace = try EligibilityTrace(kernel: .window(start: start, end: end), dt: dt, instances: 2, synapseCount: 5)
            var history: [[Double]] = []   // φ per step for instance 1, all synapses
            var worst = 0.0
            for t in 0..<3000 {
                if t > 0 { trace.advance() }
                var phi = [Double](repeating: 0, count: 5)
                for i in 0..<5 where rng.uniform() < 0.3 { phi[i] = rng.gaussian(sigma: 10) }
                phi.withUnsafeBufferPointer { trace.add(instance: 1, phi: $0, scale: 0.5) }
                history.append(phi.map { $0 * 0.5 })
                for i in 0..<5 {
                    var direct = 0.0
                    for lag in s..<e where lag <= t { direct += history[t - lag][i] }
                    worst = max(worst, abs(trace.value(instance: 1, synapse: i) - direct) / max(1, abs(direct)))
                    #expect(trace.value(instance: 0, synapse: i) == 0)
                }
            }
            #expect(worst <= 1e-12, "window [\(start), \(end)): worst deviation \(worst)")
        }
    }

    /// γ = 1: nothing decays, whatever the number of steps; reset() ends the episode.
    @Test func episodeSumNeverDecaysAndResetClears() throws {
        let trace = try EligibilityTrace(kernel: .episodeSum, dt: 0.001, instances: 2, synapseCount: 4)
        [0.25, -1, 3, 0.5].withUnsafeBufferPointer { trace.add(instance: 1, phi: $0) }
        for _ in 0..<10_000 { trace.advance() }
        trace.add(instance: 1, synapse: 2, phi: 1)
        trace.withValues(instance: 1) { #expect(Array($0) == [0.25, -1, 4, 0.5]) }
        trace.reset()
        #expect(trace.step == 0)
        trace.withValues(instance: 1) { #expect($0.allSatisfy { $0 == 0 }) }
    }

    @Test func immediateHoldsOnlyTheCurrentStep() throws {
        let trace = try EligibilityTrace(kernel: .immediate, dt: 0.001, synapseCount: 2)
        trace.add(instance: 0, synapse: 0, phi: 2)
        trace.add(instance: 0, synapse: 0, phi: 0.5)
        #expect(trace.value(instance: 0, synapse: 0) == 2.5)
        trace.advance()
        #expect(trace.value(instance: 0, synapse: 0) == 0)
    }

    /// addOuter (cblas_dger) adds scale·post_j·pre_i at synapse j·pre + i of the chosen instance only,
    /// for every kernel (riseDecay has two components, window a ring slot and maybe the sum).
    @Test func outerProductMatchesPerSynapseAdds() throws {
        let post = [0.5, -2, 1.25], pre = [1, 0.3, -0.7, 2]
        for kernel in testKernels + [.window(start: 0, end: 0.003)] {
            let outer = try EligibilityTrace(kernel: kernel, dt: 0.001, instances: 2, synapseCount: 12)
            let single = try EligibilityTrace(kernel: kernel, dt: 0.001, instances: 2, synapseCount: 12)
            for step in 0..<4 {
                if step > 0 { outer.advance(); single.advance() }
                post.withUnsafeBufferPointer { p in pre.withUnsafeBufferPointer { outer.addOuter(instance: 1, post: p, pre: $0, scale: 0.7) } }
                for j in 0..<3 { for i in 0..<4 { single.add(instance: 1, synapse: j * 4 + i, phi: 0.7 * post[j] * pre[i]) } }
                for k in 0..<12 {
                    #expect(close(outer.value(instance: 1, synapse: k), single.value(instance: 1, synapse: k), 1e-15), "\(kernel) synapse \(k)")
                    #expect(outer.value(instance: 0, synapse: k) == 0)
                }
            }
        }
    }

    /// Δ += η Σ_n M⁽ⁿ⁾ e⁽ⁿ⁾ (one GEMV) equals the sum written out, for every kernel.
    @Test func weightChangeIsModulatedSumOfTraces() throws {
        let rng = try RandomGenerator(.taus2, seed: 4)
        for kernel in testKernels + [.window(start: 0.002, end: 0.005)] {
            let trace = try EligibilityTrace(kernel: kernel, dt: 0.001, instances: 3, synapseCount: 7)
            for step in 0..<6 {
                if step > 0 { trace.advance() }
                for n in 0..<3 { for i in 0..<7 { trace.add(instance: n, synapse: i, phi: rng.gaussian()) } }
            }
            let m = [0.5, -1.5, 2.0]
            var delta = [Double](repeating: 1, count: 7)
            m.withUnsafeBufferPointer { mp in
                delta.withUnsafeMutableBufferPointer { trace.accumulateWeightChange(modulation: mp, learningRate: 0.1, into: $0) }
            }
            for i in 0..<7 {
                let expected = 1 + 0.1 * (0..<3).reduce(0) { $0 + m[$1] * trace.value(instance: $1, synapse: i) }
                #expect(close(delta[i], expected, 1e-14), "\(kernel) synapse \(i)")
            }
        }
    }
}
