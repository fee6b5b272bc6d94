import Foundation

/// Event-driven eligibility traces: a synapse is brought up to date only when it is touched or read.
///
/// Each synapse of each instance stores its trace state as of the step it was last touched, and that
/// step. Between touches a trace of the exponential family only decays, so when the synapse is next
/// touched (φ added) or read, n steps later, it is brought up to date in one go with its exact decay
/// exp(−n·dt/τ) — computed directly (a table of exp(−n·dt/τ) for n < 2048, `exp` beyond), never as
/// a power of the one-step factor. ``advance()`` only moves the step counter: a synapse with no
/// activity costs nothing, which is what makes sparse activity cheap (ARCHITECTURE.md, "event-driven
/// traces"; the same idea as NEST's spike-driven synapse updates).
///
/// The values equal those of ``EligibilityTrace`` under the same calls (same kernel, dt, touches and
/// φ) up to rounding: the per-step trace multiplies by exp(−dt/τ) n times where this one multiplies
/// once by exp(−n·dt/τ) (the test suite holds them to 1e-12).
///
/// | kernel | supported | state per synapse |
/// |---|---|---|
/// | `immediate` | yes (value is 0 unless touched at the current step) | value, last step |
/// | `exponential(tau:)` | yes | value, last step |
/// | `riseDecay(rise:decay:)` | yes | slow and fast components, last step |
/// | `episodeSum` | yes (no decay) | value, last step |
/// | `window(start:end:)` | **no**: it needs every past step's φ, not a decaying state; the initializer throws ``TraceError/unsupportedKernel(_:reason:)`` — use ``EligibilityTrace`` | — |
///
/// Parameters: `kernel` (seconds, see ``TraceKernel``), `dt` (seconds), `instances`,
/// `synapseCount`. Memory: 16 bytes per synapse per instance (value, last step), 32 for `riseDecay`
/// (two components, padded so one synapse is one cache-line access).
public final class LazyEligibilityTrace {
    /// The filter (not `window`).
    public let kernel: TraceKernel
    /// Step length in seconds.
    public let dt: Double
    /// Number of instances.
    public let instances: Int
    /// Synapses per instance.
    public let synapseCount: Int
    /// The current step: steps advanced since the trace was made or last reset.
    public var step: Int { counters[0] }
    /// Synapse state updates performed so far (one per synapse touched; reads do not count).
    public var synapseUpdates: Int { counters[1] }

    let resolved: ResolvedKernel
    /// Per synapse, `stride` bytes apart so that one touch reads and writes one cache line:
    /// slow component (the value itself for single-component kernels) at byte 0, the step of the last
    /// update at byte 8, the fast component of `riseDecay` at byte 16. States are as of that step.
    private let state: UnsafeMutableRawPointer
    private let stride: Int
    /// [step, synapseUpdates]: kept behind a pointer so that the per-touch path does not pay for the
    /// dynamic exclusivity checks of class stored properties.
    private let counters: UnsafeMutablePointer<Int>
    /// exp(−n·dt·rate) for n < tableSize, per component.
    private let slowTable: UnsafeMutableBufferPointer<Double>
    private let fastTable: UnsafeMutableBufferPointer<Double>

    /// Number of exact decay factors kept per component.
    static let tableSize = 2048
    private static let slowOffset = 0, lastStepOffset = 8, fastOffset = 16

    /// Zero traces for `instances × synapseCount` synapses under `kernel` at step `dt` seconds.
    /// - Throws: ``TraceError`` for invalid parameters, or ``TraceError/unsupportedKernel(_:reason:)``
    ///   for `window`.
    public init(kernel: TraceKernel, dt: Double, instances: Int = 1, synapseCount: Int) throws {
        resolved = try ResolvedKernel(kernel, dt: dt)
        guard resolved.form != .window else {
            throw TraceError.unsupportedKernel(kernel, reason: "an event-driven trace needs a kernel that only decays "
                + "between touches; a window needs every past step's φ — use EligibilityTrace (per step)")
        }
        guard instances > 0 else { throw TraceError.invalidCount(name: "instances", value: instances) }
        guard synapseCount > 0 else { throw TraceError.invalidCount(name: "synapseCount", value: synapseCount) }
        self.kernel = kernel
        self.dt = dt
        self.instances = instances
        self.synapseCount = synapseCount
        stride = resolved.hasFastComponent ? 32 : 16
        state = .allocate(byteCount: instances * synapseCount * stride, alignment: 64)
        state.initializeMemory(as: UInt8.self, repeating: 0, count: instances * synapseCount * stride)
        counters = .allocate(capacity: 2)
        counters.initialize(repeating: 0, count: 2)
        let decays = resolved.form == .exponential || resolved.form == .riseDecay
        slowTable = .allocate(capacity: decays ? Self.tableSize : 0)
        fastTable = .allocate(capacity: resolved.hasFastComponent ? Self.tableSize : 0)
        for n in 0..<slowTable.count {
            slowTable.initializeElement(at: n, to: ResolvedKernel.retention(rate: resolved.slowRate, steps: n, dt: dt))
        }
        for n in 0..<fastTable.count {
            fastTable.initializeElement(at: n, to: ResolvedKernel.retention(rate: resolved.fastRate, steps: n, dt: dt))
        }
    }

    deinit {
        state.deallocate()
        counters.deallocate()
        slowTable.deallocate()
        fastTable.deallocate()
    }

    /// Bytes held by the per-synapse states.
    public var memoryBytes: Int { instances * synapseCount * stride }

    /// Moves to the next step. Touches no synapse: O(1).
    @inline(__always)
    public func advance() { counters[0] += 1 }

    /// Moves `count` (≥ 0) steps ahead. O(1).
    public func advance(by count: Int) {
        precondition(count >= 0, "a trace only moves forward (asked to move \(count) steps)")
        counters[0] += count
    }

    /// Adds `phi` to one synapse of one instance at the current step, first bringing it up to date.
    @inline(__always)
    public func add(instance: Int, synapse: Int, phi: Double) {
        let synapse = bringUpToDate(index(instance, synapse))
        synapse.storeBytes(of: synapse.load(fromByteOffset: Self.slowOffset, as: Double.self) + phi,
                           toByteOffset: Self.slowOffset, as: Double.self)
        if resolved.form == .riseDecay {
            synapse.storeBytes(of: synapse.load(fromByteOffset: Self.fastOffset, as: Double.self) + phi,
                               toByteOffset: Self.fastOffset, as: Double.self)
        }
        counters[1] += 1
    }

    /// Adds `scale · phi[k]` to synapse `synapses[k]` of instance `instance`, for every k.
    public func add(instance: Int, synapses: UnsafeBufferPointer<Int>, phi: UnsafeBufferPointer<Double>,
                    scale: Double = 1) {
        precondition(synapses.count == phi.count, "\(synapses.count) synapses but \(phi.count) values of phi")
        for k in 0..<synapses.count { add(instance: instance, synapse: synapses[k], phi: scale * phi[k]) }
    }

    /// The trace of one synapse of one instance at the current step, e(t) (decayed on the fly; the
    /// stored state is not changed).
    public func value(instance: Int, synapse: Int) -> Double {
        let synapse = state + index(instance, synapse) * stride
        let n = step - synapse.load(fromByteOffset: Self.lastStepOffset, as: Int.self)
        let slow = synapse.load(fromByteOffset: Self.slowOffset, as: Double.self)
        switch resolved.form {
        case .immediate: return n == 0 ? slow : 0
        case .episodeSum: return slow
        case .exponential: return slow * slowRetention(n)
        case .riseDecay:
            let fast = synapse.load(fromByteOffset: Self.fastOffset, as: Double.self)
            return resolved.normalization * (slow * slowRetention(n) - fast * fastRetention(n))
        case .window: preconditionFailure("unreachable: window is rejected by init")
        }
    }

    /// Writes instance `instance`'s traces e(t) into `out` (length `synapseCount`). O(synapseCount).
    public func copyValues(instance: Int, into out: UnsafeMutableBufferPointer<Double>) {
        precondition(out.count == synapseCount, "out has \(out.count) values, expected \(synapseCount)")
        for i in 0..<synapseCount { out[i] = value(instance: instance, synapse: i) }
    }

    /// The three-factor update: Δ[i] += η · Σ_n M⁽ⁿ⁾ · e⁽ⁿ⁾[i] (reads every synapse: O(instances × synapseCount)).
    public func accumulateWeightChange(modulation: UnsafeBufferPointer<Double>, learningRate: Double,
                                       into delta: UnsafeMutableBufferPointer<Double>) {
        precondition(modulation.count == instances, "modulation has \(modulation.count) values, expected \(instances)")
        precondition(delta.count == synapseCount, "delta has \(delta.count) values, expected \(synapseCount)")
        for n in 0..<instances where modulation[n] != 0 {
            let factor = learningRate * modulation[n]
            for i in 0..<synapseCount { delta[i] += factor * value(instance: n, synapse: i) }
        }
    }

    /// The step at which a synapse's stored state was last brought up to date (0 if never touched).
    public func lastUpdateStep(instance: Int, synapse: Int) -> Int {
        (state + index(instance, synapse) * stride).load(fromByteOffset: Self.lastStepOffset, as: Int.self)
    }

    /// Clears every trace and returns to step 0 (the end of an episode for `episodeSum`). O(synapses).
    public func reset() {
        counters.update(repeating: 0, count: 2)
        state.initializeMemory(as: UInt8.self, repeating: 0, count: instances * synapseCount * stride)
    }

    /// Applies the decay of the steps since the synapse's last update, stamps it with the current
    /// step, and returns the address of its state.
    @inline(__always)
    private func bringUpToDate(_ index: Int) -> UnsafeMutableRawPointer {
        let synapse = state + index * stride
        let now = step
        let n = now - synapse.load(fromByteOffset: Self.lastStepOffset, as: Int.self)
        guard n > 0 else { return synapse }
        synapse.storeBytes(of: now, toByteOffset: Self.lastStepOffset, as: Int.self)
        func decay(_ offset: Int, by factor: Double) {
            synapse.storeBytes(of: synapse.load(fromByteOffset: offset, as: Double.self) * factor,
                               toByteOffset: offset, as: Double.self)
        }
        switch resolved.form {
        case .immediate: synapse.storeBytes(of: 0.0, toByteOffset: Self.slowOffset, as: Double.self)
        case .episodeSum: break
        case .exponential: decay(Self.slowOffset, by: slowRetention(n))
        case .riseDecay:
            decay(Self.slowOffset, by: slowRetention(n))
            decay(Self.fastOffset, by: fastRetention(n))
        case .window: preconditionFailure("unreachable: window is rejected by init")
        }
        return synapse
    }

    @inline(__always)
    private func slowRetention(_ n: Int) -> Double {
        n < slowTable.count ? slowTable[n] : ResolvedKernel.retention(rate: resolved.slowRate, steps: n, dt: dt)
    }

    @inline(__always)
    private func fastRetention(_ n: Int) -> Double {
        n < fastTable.count ? fastTable[n] : ResolvedKernel.retention(rate: resolved.fastRate, steps: n, dt: dt)
    }

    @inline(__always)
    private func index(_ instance: Int, _ synapse: Int) -> Int {
        precondition(instance >= 0 && instance < instances, "instance \(instance) out of 0..<\(instances)")
        precondition(synapse >= 0 && synapse < synapseCount, "synapse \(synapse) out of 0..<\(synapseCount)")
        return instance * synapseCount + synapse
    }
}
