/// How released dopamine reaches the synapses: after a delay, as a pulse or as a decaying concentration.
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `delay` | s | 0 | time from release (the reward) to arrival at the synapses, rounded to whole steps |
/// | `decay` | s | nil | τ_d of the concentration c; nil: each arrival acts once, as a pulse |
public struct DopamineKinetics: Sendable, Equatable {
    public var delay: Double
    public var decay: Double?

    public init(delay: Double = 0, decay: Double? = nil) {
        self.delay = delay
        self.decay = decay
    }
}

/// The dopamine of one instance in time: releases are scheduled on an ``EventQueue`` and arrive
/// after the delay; with a decay time τ_d they add to a concentration c that decays as e^(−t/τ_d).
///
/// The weight change a plastic synapse with eligibility e(t) receives is η ∫ c(t) e(t) dt. With a
/// pulse (no decay) an arrival of size M at step t gives η M e(t). With a decaying concentration the
/// integral over a step is taken exactly: for an exponential trace (τ_e) both factors decay within
/// the step, ∫₀^dt c e^(−s/τ_d) e e^(−s/τ_e) ds = c e τ (1 − e^(−dt/τ)) with 1/τ = 1/τ_d + 1/τ_e — the
/// form NEST's dopamine synapse uses; other kernels hold e constant within a step.
public final class DopamineSignal {
    public let kinetics: DopamineKinetics
    public let dt: Double
    /// The delay in whole steps.
    public let delaySteps: Int
    /// The concentration c at the start of the next step (0 for pulse kinetics).
    public private(set) var concentration = 0.0
    private var queue = EventQueue<SimulationEvent>()
    private var step = 0
    private let retention: Double

    public init(kinetics: DopamineKinetics, dt: Double) throws {
        try Clock.validate(dt: dt)
        if let tau = kinetics.decay, !(tau > 0 && tau.isFinite) { throw TraceError.invalidDopamineTimeConstant(tau) }
        self.kinetics = kinetics
        self.dt = dt
        delaySteps = try Clock.steps(for: kinetics.delay, dt: dt, name: "dopamine delay")
        retention = kinetics.decay.map { _exp(-dt / $0) } ?? 0
    }

    /// Releases `amount` (an RPE) now; it arrives `delaySteps` steps later (0: at the end of this step).
    public func release(_ amount: Double) {
        queue.schedule(.dopamineRelease(instance: 0, amount: amount), atStep: step + delaySteps)
    }

    /// Whether released dopamine has yet to arrive.
    public var hasPending: Bool { !queue.isEmpty }

    /// Ends the current step: arrivals due now act, and a decaying concentration acts over the step.
    /// `apply(f)` is called with the factor f such that the step's weight change is η f e(t); `traceTau`
    /// is the trace's exponential time constant (nil: the trace is constant within a step).
    public func advance(traceTau: Double?, _ apply: (Double) -> Void) {
        var arriving = 0.0
        while let event = queue.popNext(dueBy: step) {
            if case .dopamineRelease(_, let amount) = event.payload { arriving += amount }
        }
        if kinetics.decay == nil {
            if arriving != 0 { apply(arriving) }
        } else {
            concentration += arriving
            if concentration != 0 { apply(concentration * overlap(duration: dt, traceTau: traceTau)) }
            concentration *= retention
        }
        step += 1
    }

    /// ∫₀^T e^(−s/τ_d) k(s) ds, k the trace's own decay within the interval (1 if `traceTau` is nil).
    func overlap(duration: Double, traceTau: Double?) -> Double {
        guard let tauD = kinetics.decay else { return 0 }
        return TraceDopamineIntegral.area(rate: 1 / tauD + (traceTau.map { 1 / $0 } ?? 0), duration: duration)
    }

    /// Drops the concentration and anything pending, after adding the exact remaining integral of the
    /// concentration when the trace only decays from here on (exponential: τ_e; constant: nil).
    /// The tail starts at the end of the last step, where an exponential trace has decayed by
    /// e^(−dt/τ_e) from the value it holds. With a pulse there is nothing left to integrate.
    public func flush(traceTau: Double?, _ apply: (Double) -> Void) {
        if concentration != 0 {
            let traceAtStepEnd = traceTau.map { _exp(-dt / $0) } ?? 1
            apply(concentration * traceAtStepEnd * overlap(duration: .infinity, traceTau: traceTau))
        }
        concentration = 0
        queue.removeAll()
    }
}
