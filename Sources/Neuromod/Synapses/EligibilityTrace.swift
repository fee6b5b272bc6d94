import CGSL

/// Eligibility traces e = K * φ of a set of synapses, stored densely and advanced every step.
///
/// Storage is `[instances × synapseCount]` (row n belongs to instance n), allocated once when the
/// trace is made; no call allocates. Each step the owner calls ``advance()`` once (every synapse of
/// every instance decays by one step), then adds that step's local terms with ``add(instance:phi:scale:)``,
/// ``add(instance:synapse:phi:)`` or ``addOuter(instance:post:pre:scale:)``; the values read afterwards
/// include them (the step convention of ``TraceKernel``). The synapses of a projection are numbered
/// row-major over its `[post × pre]` weight matrix, so the trace lines up with ``LayerParameters/weights``.
///
/// | parameter | unit | meaning |
/// |---|---|---|
/// | `kernel` | — | the filter K (see ``TraceKernel`` for its parameters, in seconds) |
/// | `dt` | s | step length; must be the clock's |
/// | `instances` | — | independent copies (batch samples, environments) |
/// | `synapseCount` | — | synapses per instance |
///
/// Cost per ``advance()``: one multiply per value (two for `riseDecay`), a store of zeros for
/// `immediate`, nothing for `episodeSum`. `window` keeps a ring of the last E = ⌈end/dt⌉ steps of φ
/// (memory E × instances × synapseCount doubles) and updates a running sum,
/// e(t) = e(t−1) + φ(t − S) − φ(t − E); to stop rounding drift the sum is recomputed from the ring
/// once per ring cycle (every E steps, amortized ≤ 1 addition per value per step), so its error is
/// that of at most 2E additions. For sparse activity see ``LazyEligibilityTrace``, which costs
/// nothing for synapses that are not touched.
///
/// What is local: φ and e belong to one synapse of one instance. What is broadcast: the modulator
/// M⁽ⁿ⁾ of ``accumulateWeightChange(modulation:learningRate:into:)``, one number per instance.
public final class EligibilityTrace {
    /// The filter.
    public let kernel: TraceKernel
    /// Step length in seconds.
    public let dt: Double
    /// Number of instances.
    public let instances: Int
    /// Synapses per instance.
    public let synapseCount: Int
    /// Steps advanced since the trace was made or last reset.
    public private(set) var step = 0

    let resolved: ResolvedKernel
    /// e for `immediate`, `exponential`, `episodeSum`; the slow component for `riseDecay`; the running
    /// window sum for `window`. `[instances × synapseCount]`.
    private let values: UnsafeMutableBufferPointer<Double>
    /// The fast component of `riseDecay` (empty otherwise).
    private let fast: UnsafeMutableBufferPointer<Double>
    /// `window`: φ of the last E steps, slot t mod E holds step t's `[instances × synapseCount]` block.
    private let ring: UnsafeMutableBufferPointer<Double>
    /// `riseDecay`: one instance's e = N(slow − fast), filled by ``withValues(instance:_:)``.
    private let scratch: UnsafeMutableBufferPointer<Double>

    /// Zero traces for `instances × synapseCount` synapses under `kernel` at step `dt` seconds.
    /// - Throws: ``TraceError`` for invalid kernel parameters, dt, or counts.
    public init(kernel: TraceKernel, dt: Double, instances: Int = 1, synapseCount: Int) throws {
        resolved = try ResolvedKernel(kernel, dt: dt)
        guard instances > 0 else { throw TraceError.invalidCount(name: "instances", value: instances) }
        guard synapseCount > 0, synapseCount <= Int(Int32.max) else {
            throw TraceError.invalidCount(name: "synapseCount", value: synapseCount)
        }
        self.kernel = kernel
        self.dt = dt
        self.instances = instances
        self.synapseCount = synapseCount
        let total = instances * synapseCount
        func zeros(_ count: Int) -> UnsafeMutableBufferPointer<Double> {
            let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
            buffer.initialize(repeating: 0)
            return buffer
        }
        values = zeros(total)
        fast = zeros(resolved.hasFastComponent ? total : 0)
        scratch = zeros(resolved.hasFastComponent ? synapseCount : 0)
        ring = zeros(resolved.form == .window ? resolved.endSteps * total : 0)
    }

    deinit {
        values.deallocate()
        fast.deallocate()
        ring.deallocate()
        scratch.deallocate()
    }

    /// Bytes held by the trace's buffers.
    public var memoryBytes: Int { (values.count + fast.count + ring.count + scratch.count) * MemoryLayout<Double>.stride }

    /// Decays every trace by one step (and, for `window`, moves every lag on by one step).
    public func advance() {
        step += 1
        switch resolved.form {
        case .episodeSum:
            return
        case .immediate:
            values.update(repeating: 0)
        case .exponential:
            Self.scale(values, by: resolved.slowFactor)
        case .riseDecay:
            Self.scale(values, by: resolved.slowFactor)
            Self.scale(fast, by: resolved.fastFactor)
        case .window:
            advanceWindow()
        }
    }

    /// e(t) = e(t−1) − φ(t − E) + φ(t − S) (S > 0; with S = 0, φ(t) enters through `add`).
    private func advanceWindow() {
        let total = values.count, depth = resolved.endSteps, start = resolved.startSteps
        let current = step % depth
        let leaving = slot(current)
        for i in 0..<total { values[i] -= leaving[i] }
        leaving.update(repeating: 0)
        if start > 0 && step >= start {
            let entering = slot((step - start) % depth)
            for i in 0..<total { values[i] += entering[i] }
        }
        if current == 0 { recomputeWindowSum() }
    }

    /// The running sum from scratch: Σ over lags S..<E of the ring's slots (lag 0 is still empty).
    private func recomputeWindowSum() {
        let depth = resolved.endSteps, total = values.count
        values.update(repeating: 0)
        for lag in resolved.startSteps..<depth where lag <= step {
            let past = slot((step - lag) % depth)
            for i in 0..<total { values[i] += past[i] }
        }
    }

    @inline(__always)
    private func slot(_ index: Int) -> UnsafeMutableBufferPointer<Double> {
        let total = values.count
        return UnsafeMutableBufferPointer(rebasing: ring[(index * total)..<((index + 1) * total)])
    }

    @inline(__always)
    private static func scale(_ buffer: UnsafeMutableBufferPointer<Double>, by factor: Double) {
        for i in buffer.indices { buffer[i] *= factor }
    }

    /// Adds `scale · phi` to the first `phi.count` (at most `synapseCount`) synapses of instance
    /// `instance`'s traces at the current step.
    public func add(instance: Int, phi: UnsafeBufferPointer<Double>, scale: Double = 1) {
        precondition(phi.count <= synapseCount, "phi has \(phi.count) values, the trace has \(synapseCount) synapses")
        let base = offset(instance)
        for target in targets {
            for i in 0..<phi.count { target[base + i] += scale * phi[i] }
        }
    }

    /// Adds `phi` to one synapse of one instance at the current step.
    @inline(__always)
    public func add(instance: Int, synapse: Int, phi: Double) {
        precondition(synapse >= 0 && synapse < synapseCount, "synapse \(synapse) out of 0..<\(synapseCount)")
        let index = offset(instance) + synapse
        switch resolved.form {
        case .immediate, .exponential, .episodeSum:
            values[index] += phi
        case .riseDecay:
            values[index] += phi
            fast[index] += phi
        case .window:
            ring[(step % resolved.endSteps) * values.count + index] += phi
            if resolved.startSteps == 0 { values[index] += phi }
        }
    }

    /// Adds the rank-one local term φ = scale · post ⊗ pre to a dense projection's traces, with
    /// synapse (j, i) at j·pre.count + i (the `[post × pre]` weight layout), through `cblas_dger`.
    /// These are the first post·pre synapses; any after them (a projection's biases) are untouched.
    public func addOuter(instance: Int, post: UnsafeBufferPointer<Double>, pre: UnsafeBufferPointer<Double>,
                         scale: Double = 1) {
        precondition(post.count * pre.count <= synapseCount,
                     "post (\(post.count)) × pre (\(pre.count)) exceeds \(synapseCount) synapses")
        let base = offset(instance)
        for target in targets {
            cblas_dger(CblasRowMajor, Int32(post.count), Int32(pre.count), scale, post.baseAddress, 1,
                       pre.baseAddress, 1, target.baseAddress! + base, Int32(pre.count))
        }
    }

    /// The buffers a local term is added to at the current step (a fixed-size, non-allocating list).
    private var targets: Targets {
        switch resolved.form {
        case .immediate, .exponential, .episodeSum: return Targets(first: values, second: nil)
        case .riseDecay: return Targets(first: values, second: fast)
        case .window:
            let current = slot(step % resolved.endSteps)
            return Targets(first: current, second: resolved.startSteps == 0 ? values : nil)
        }
    }

    /// The trace of one synapse of one instance, e(t).
    public func value(instance: Int, synapse: Int) -> Double {
        precondition(synapse >= 0 && synapse < synapseCount, "synapse \(synapse) out of 0..<\(synapseCount)")
        let index = offset(instance) + synapse
        if resolved.form == .riseDecay { return resolved.normalization * (values[index] - fast[index]) }
        return values[index]
    }

    /// Calls `body` with instance `instance`'s traces e(t) (length `synapseCount`). The buffer is
    /// valid only inside `body` and is overwritten by the next call.
    public func withValues<R>(instance: Int, _ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        let base = offset(instance)
        if resolved.form == .riseDecay {
            let n = resolved.normalization
            for i in 0..<synapseCount { scratch[i] = n * (values[base + i] - fast[base + i]) }
            return try body(UnsafeBufferPointer(scratch))
        }
        return try body(UnsafeBufferPointer(rebasing: values[base..<(base + synapseCount)]))
    }

    /// The three-factor update: Δ[i] += η · Σ_n M⁽ⁿ⁾ · e⁽ⁿ⁾[i], one GEMV over the instances.
    ///
    /// `modulation` holds one broadcast M per instance (length `instances`); `delta` has length
    /// `synapseCount` (for a projection: its weight matrix's storage). η is dimensionless per unit of
    /// M·e; average over instances by passing η/B.
    public func accumulateWeightChange(modulation: UnsafeBufferPointer<Double>, learningRate: Double,
                                       into delta: UnsafeMutableBufferPointer<Double>) {
        precondition(modulation.count == instances, "modulation has \(modulation.count) values, expected \(instances)")
        precondition(delta.count == synapseCount, "delta has \(delta.count) values, expected \(synapseCount)")
        func gemv(_ a: UnsafeMutableBufferPointer<Double>, _ alpha: Double) {
            cblas_dgemv(CblasRowMajor, CblasTrans, Int32(instances), Int32(synapseCount), alpha,
                        a.baseAddress, Int32(synapseCount), modulation.baseAddress, 1, 1, delta.baseAddress, 1)
        }
        if resolved.form == .riseDecay {
            gemv(values, learningRate * resolved.normalization)
            gemv(fast, -learningRate * resolved.normalization)
        } else {
            gemv(values, learningRate)
        }
    }

    /// Clears every trace (and a window's memory of past φ) and returns to step 0: the end of an
    /// episode for `episodeSum`.
    public func reset() {
        step = 0
        values.update(repeating: 0)
        fast.update(repeating: 0)
        ring.update(repeating: 0)
    }

    @inline(__always)
    private func offset(_ instance: Int) -> Int {
        precondition(instance >= 0 && instance < instances, "instance \(instance) out of 0..<\(instances)")
        return instance * synapseCount
    }
}

/// At most two buffers, iterated without allocating an array.
private struct Targets: Sequence, IteratorProtocol {
    var first: UnsafeMutableBufferPointer<Double>?
    var second: UnsafeMutableBufferPointer<Double>?

    mutating func next() -> UnsafeMutableBufferPointer<Double>? {
        if let f = first { first = nil; return f }
        if let s = second { second = nil; return s }
        return nil
    }
}
