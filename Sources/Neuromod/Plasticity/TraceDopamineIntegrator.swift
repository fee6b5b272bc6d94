/// One synapse's weight change Δw = η ∫ c(s) e(s) ds under events at arbitrary steps, exactly.
///
/// Between events the eligibility trace e and the dopamine concentration c only decay, so the
/// integral over each event-free segment has a closed form (``TraceDopamineIntegral``); this type
/// walks the events in time order and adds the segments up. It is the continuous-time reading of a
/// synapse in NEST's `stdp_dopamine_synapse` (Potjans et al. 2010), with any ``TraceKernel``.
///
/// Continuous-time model (t_k, t_j in steps, s in seconds, τ's in seconds):
///
/// | part | between events |
/// |---|---|
/// | trace, `exponential(tau:)` | e(s) = Σ_k φ_k exp(−(s − t_k dt)/τ) |
/// | trace, `riseDecay(rise:decay:)` | e(s) = N Σ_k φ_k [exp(−(s − t_k dt)/τ_d) − exp(−(s − t_k dt)/τ_r)] |
/// | trace, `episodeSum` | e(s) = Σ_k φ_k, constant |
/// | trace, `window(start:end:)` | e(s) = Σ_k φ_k over S ≤ (s − t_k dt)/dt < E: constant during each step |
/// | trace, `immediate` | e(s) = φ_k for s in [t_k dt, (t_k + 1) dt): constant during one step |
/// | dopamine | c(s) = Σ_j a_j exp(−(s − t_j dt)/τ_c); τ_c = ∞ for constant dopamine |
///
/// Sampled at step times, e equals ``EligibilityTrace``'s value under the same φ (φ_k added at
/// step t_k is included at t_k). The weight change grows by η·c(s)·e(s) ds.
///
/// | parameter | unit | meaning |
/// |---|---|---|
/// | `kernel` | s | the trace's filter |
/// | `dt` | s | step length |
/// | `dopamineTau` | s | τ_c > 0, `.infinity` for no decay |
/// | `learningRate` | weight per (c · e · s) | η: Δw = η ∫ c e ds (default 1) |
///
/// What is local: e (from this synapse's φ). What is broadcast: c (a volume-transmitted concentration).
public struct TraceDopamineIntegrator: Sendable {
    /// An event for ``process(_:until:)``.
    public enum Event: Sendable, Equatable {
        /// The synapse's local term φ at step `step`.
        case trace(step: Int, phi: Double)
        /// A dopamine release of `amount` (concentration units) at step `step`.
        case dopamine(step: Int, amount: Double)

        /// The step of the event.
        public var step: Int {
            switch self {
            case .trace(let s, _), .dopamine(let s, _): return s
            }
        }
    }

    /// The trace's filter.
    public let kernel: TraceKernel
    /// Step length in seconds.
    public let dt: Double
    /// Dopamine decay time constant in seconds (`.infinity`: constant between releases).
    public let dopamineTau: Double
    /// η, the weight change per unit of ∫ c·e ds (c·e·seconds).
    public let learningRate: Double
    /// The step up to which the weight change has been integrated.
    public private(set) var step = 0
    /// Δw = η ∫₀^{step·dt} c(s) e(s) ds accumulated so far.
    public private(set) var weightChange = 0.0
    /// The dopamine concentration c at the current step (after its releases).
    public private(set) var dopamine = 0.0

    private let resolved: ResolvedKernel
    private let dopamineRate: Double
    /// Exponential family: slow and fast components at the current step.
    private var slow = 0.0, fast = 0.0
    /// Window family: φ's that have not yet entered the window (FIFO by step), and those inside it.
    private var pending = FIFO(), active = FIFO()

    /// An integrator at step 0 with zero trace, zero dopamine and zero weight change.
    /// - Throws: ``TraceError`` for invalid kernel parameters, dt, or a dopamine time constant that
    ///   is not > 0 (`.infinity` is allowed).
    public init(kernel: TraceKernel, dt: Double, dopamineTau: Double, learningRate: Double = 1) throws {
        resolved = try ResolvedKernel(kernel, dt: dt)
        guard dopamineTau > 0, !dopamineTau.isNaN else {
            throw TraceError.invalidDopamineTimeConstant(dopamineTau)
        }
        self.kernel = kernel
        self.dt = dt
        self.dopamineTau = dopamineTau
        self.learningRate = learningRate
        dopamineRate = 1 / dopamineTau
    }

    /// The eligibility trace e at the current step (including φ added at this step).
    public var trace: Double {
        switch resolved.form {
        case .exponential, .episodeSum: return slow
        case .riseDecay: return resolved.normalization * (slow - fast)
        case .window, .immediate: return active.sum
        }
    }

    /// Integrates up to step `target` (≥ the current step).
    public mutating func advance(toStep target: Int) {
        precondition(target >= step, "events must come in time order: at step \(step), asked for step \(target)")
        if resolved.isExponentialFamily {
            integrateExponential(steps: target - step)
            step = target
            return
        }
        while step < target {
            var next = target
            if let entering = pending.firstStep { next = min(next, entering + resolved.startSteps) }
            if let leaving = active.firstStep { next = min(next, leaving + resolved.endSteps) }
            precondition(next > step, "window edges are always ahead of the current step")
            integrateConstant(steps: next - step)
            step = next
            moveWindowEdges()
        }
    }

    /// Adds the local term `phi` at step `step` (≥ the current step), integrating up to it first.
    public mutating func addTrace(_ phi: Double, atStep step: Int) {
        advance(toStep: step)
        switch resolved.form {
        case .exponential, .episodeSum: slow += phi
        case .riseDecay:
            slow += phi
            fast += phi
        case .window, .immediate:
            if resolved.startSteps == 0 { active.push(step: step, phi: phi) } else { pending.push(step: step, phi: phi) }
        }
    }

    /// Releases `amount` of dopamine at step `step` (≥ the current step), integrating up to it first.
    public mutating func releaseDopamine(_ amount: Double, atStep step: Int) {
        advance(toStep: step)
        dopamine += amount
    }

    /// Applies `events` (in non-decreasing step order), integrates up to `endStep`, returns ``weightChange``.
    @discardableResult
    public mutating func process(_ events: some Sequence<Event>, until endStep: Int) -> Double {
        for event in events {
            switch event {
            case .trace(let s, let phi): addTrace(phi, atStep: s)
            case .dopamine(let s, let amount): releaseDopamine(amount, atStep: s)
            }
        }
        advance(toStep: endStep)
        return weightChange
    }

    /// Clears the trace (the end of an episode); dopamine, step and weight change stay.
    public mutating func resetTrace() {
        slow = 0
        fast = 0
        pending.removeAll()
        active.removeAll()
    }

    /// Δw += η c₀ [N] (slow·area(1/τ_s + 1/τ_c) − fast·area(1/τ_f + 1/τ_c)) over n steps; then decay.
    private mutating func integrateExponential(steps n: Int) {
        guard n > 0 else { return }
        let seconds = Double(n) * dt
        if dopamine != 0 {
            var integral = slow * TraceDopamineIntegral.area(rate: resolved.slowRate + dopamineRate, duration: seconds)
            if resolved.form == .riseDecay {
                integral -= fast * TraceDopamineIntegral.area(rate: resolved.fastRate + dopamineRate, duration: seconds)
                integral *= resolved.normalization
            }
            weightChange += learningRate * dopamine * integral
        }
        slow *= ResolvedKernel.retention(rate: resolved.slowRate, steps: n, dt: dt)
        fast *= ResolvedKernel.retention(rate: resolved.fastRate, steps: n, dt: dt)
        dopamine *= ResolvedKernel.retention(rate: dopamineRate, steps: n, dt: dt)
    }

    /// Δw += η c₀ e ∫ exp(−s/τ_c) ds over n steps with the window's e constant; then decay c.
    private mutating func integrateConstant(steps n: Int) {
        guard n > 0 else { return }
        let e = active.sum
        if dopamine != 0 && e != 0 {
            weightChange += learningRate * dopamine * e
                * TraceDopamineIntegral.area(rate: dopamineRate, duration: Double(n) * dt)
        }
        dopamine *= ResolvedKernel.retention(rate: dopamineRate, steps: n, dt: dt)
    }

    /// At the current step: φ's whose lag reaches E leave the window, those whose lag reaches S enter.
    private mutating func moveWindowEdges() {
        while let s = active.firstStep, s + resolved.endSteps <= step { active.popFirst() }
        while let s = pending.firstStep, s + resolved.startSteps <= step {
            let (_, phi) = pending.popFirst()
            active.push(step: s, phi: phi)
        }
    }
}

/// A first-in first-out list of (step, φ) with an exactly recomputed sum (no drift).
private struct FIFO: Sendable {
    private var steps: [Int] = []
    private var phis: [Double] = []
    private var head = 0
    /// Σ φ of the entries, recomputed from them after every change.
    private(set) var sum = 0.0

    var firstStep: Int? { head < steps.count ? steps[head] : nil }

    mutating func push(step: Int, phi: Double) {
        steps.append(step)
        phis.append(phi)
        recomputeSum()
    }

    @discardableResult
    mutating func popFirst() -> (step: Int, phi: Double) {
        let entry = (steps[head], phis[head])
        head += 1
        if head == steps.count || head > 64 && head * 2 > steps.count {
            steps.removeFirst(head)
            phis.removeFirst(head)
            head = 0
        }
        recomputeSum()
        return entry
    }

    mutating func removeAll() {
        steps.removeAll(keepingCapacity: true)
        phis.removeAll(keepingCapacity: true)
        head = 0
        sum = 0
    }

    private mutating func recomputeSum() {
        var total = 0.0
        for k in head..<phis.count { total += phis[k] }
        sum = total
    }
}
