import Foundation

/// How a synapse's eligibility trace e filters its local term φ over time: e(t) = (K * φ)(t).
///
/// The eligibility trace is the synapse's memory of recent local activity (pre × post, or the
/// noise it injected); a broadcast modulator M later turns it into a weight change,
/// Δw = η · M · e (ARCHITECTURE.md, "the one idea"; Frémaux & Gerstner 2016; Gerstner et al. 2018,
/// cited by the thesis, seed 000 §2). Everything here is local to one synapse; nothing is broadcast.
///
/// **Step convention.** At each step a trace first decays by one step, then adds the step's local
/// term φ(t). So e(t) includes φ(t): the impulse response at lag n = 0 is the kernel at 0 (1 for
/// `immediate`, `exponential` and `episodeSum`; 0 for `riseDecay`, and 0 for a `window` that starts
/// after 0). On the step grid (t, t_k steps, dt seconds):
///
/// | kernel | e(t) | state per synapse |
/// |---|---|---|
/// | `immediate` | φ(t) | 1 |
/// | `exponential(tau:)` | Σ_k φ(t_k) · exp(−(t − t_k)·dt/τ) | 1 |
/// | `riseDecay(rise:decay:)` | N Σ_k φ(t_k) · [exp(−(t − t_k)·dt/τ_d) − exp(−(t − t_k)·dt/τ_r)] | 2 |
/// | `window(start:end:)` | Σ_k φ(t_k) over lags S ≤ t − t_k < E steps | ring of E steps |
/// | `episodeSum` | Σ_k φ(t_k) since the last reset (γ = 1) | 1 |
///
/// Parameters (all in seconds, finite):
///
/// | parameter | unit | constraint | meaning |
/// |---|---|---|---|
/// | `tau` | s | > 0 | decay time constant of `exponential` |
/// | `rise` | s | 0 < rise < decay | rise time τ_r of `riseDecay` |
/// | `decay` | s | > rise | decay time τ_d of `riseDecay` |
/// | `start` | s | ≥ 0, < end | earliest lag counted by `window` (e.g. 0.5 s) |
/// | `end` | s | > start | first lag no longer counted by `window` (e.g. 2 s) |
///
/// **riseDecay normalization.** The difference of exponentials k(s) = exp(−s/τ_d) − exp(−s/τ_r)
/// peaks at s* = τ_r τ_d ln(τ_d/τ_r) / (τ_d − τ_r); N = 1/k(s*), so the continuous-time response to
/// a unit impulse peaks at exactly 1 (see ``riseDecayNormalization(rise:decay:)``). On the step grid
/// the largest sampled value is ≤ 1, and equals 1 only when s* is a whole number of steps.
///
/// **window on the step grid.** A lag of n steps counts when start ≤ n·dt < end, i.e.
/// S ≤ n < E with S = ``Clock/steps(for:)`` of `start` and E that of `end` (ceil with a 1e-9
/// tolerance). Seed 003 (§1, after Yagishita et al. 2014): weights change if dopamine arrives
/// 0.5–2 s after the synapse was active, `window(start: 0.5, end: 2)`.
///
/// **episodeSum** is γ = 1 accumulation for tasks whose reward comes at the end of an episode
/// (seed 004's eligibility trace for delayed reward); ``EligibilityTrace/reset()`` ends the episode.
public enum TraceKernel: Sendable, Equatable {
    /// e(t) = φ(t): no memory.
    case immediate
    /// e ← exp(−dt/τ)·e + φ; `tau` in seconds.
    case exponential(tau: Double)
    /// Difference of exponentials with rise time `rise` < decay time `decay` (seconds), two state
    /// variables, normalized so that the continuous-time response to a unit impulse peaks at 1.
    case riseDecay(rise: Double, decay: Double)
    /// e(t) = Σ_k φ(t_k) for start ≤ t − t_k < end (seconds), e.g. the 0.5–2 s dopamine window.
    case window(start: Double, end: Double)
    /// e ← e + φ (γ = 1), cleared by `reset()` at the end of an episode.
    case episodeSum

    /// Checks the kernel's parameters against step `dt` (seconds).
    /// - Throws: ``TraceError`` naming the parameter: τ ≤ 0, rise ≥ decay, start ≥ end, a window
    ///   covering no whole step, or dt ≤ 0.
    public func validate(dt: Double) throws { _ = try ResolvedKernel(self, dt: dt) }

    /// N = 1/max_s[exp(−s/decay) − exp(−s/rise)], the factor that makes the `riseDecay` impulse
    /// response peak at 1 (continuous time; rise < decay, seconds).
    public static func riseDecayNormalization(rise: Double, decay: Double) -> Double {
        let peak = riseDecayPeakTime(rise: rise, decay: decay)
        return 1 / (exp(-peak / decay) - exp(-peak / rise))
    }

    /// s* = τ_r τ_d ln(τ_d/τ_r)/(τ_d − τ_r), the time in seconds at which the `riseDecay` impulse
    /// response peaks.
    public static func riseDecayPeakTime(rise: Double, decay: Double) -> Double {
        rise * decay * log(decay / rise) / (decay - rise)
    }
}

/// A kernel's parameters checked and turned into per-step constants for a given dt.
///
/// Every kernel is represented as at most two exponential components plus a window:
/// e = N·(slow − fast) for `riseDecay`, e = slow for `exponential` and `episodeSum` (rate 0),
/// and a window of lags [startSteps, endSteps) for `window` and `immediate` ([0, 1)).
struct ResolvedKernel: Sendable {
    enum Form: Sendable { case immediate, exponential, riseDecay, window, episodeSum }

    let kernel: TraceKernel
    let form: Form
    /// Step length in seconds.
    let dt: Double
    /// Decay rate of the slow component in 1/s (1/τ, 1/τ_d; 0 for `episodeSum`).
    let slowRate: Double
    /// Decay rate of the fast component in 1/s (1/τ_r for `riseDecay`, else 0 and unused).
    let fastRate: Double
    /// The slow component's retention over one step, exp(−dt/τ).
    let slowFactor: Double
    /// The fast component's retention over one step, exp(−dt/τ_r).
    let fastFactor: Double
    /// e = normalization · (slow − fast) for `riseDecay`; 1 otherwise.
    let normalization: Double
    /// First lag (steps) counted by a window; 0 for `immediate`.
    let startSteps: Int
    /// First lag (steps) no longer counted by a window; 1 for `immediate`.
    let endSteps: Int

    init(_ kernel: TraceKernel, dt: Double) throws {
        try Clock.validate(dt: dt)
        func timeConstant(_ name: String, _ value: Double) throws {
            guard value.isFinite, value > 0 else { throw TraceError.invalidTimeConstant(name: name, value: value) }
        }
        self.kernel = kernel
        self.dt = dt
        var slowRate = 0.0, fastRate = 0.0, normalization = 1.0, start = 0, end = 0
        switch kernel {
        case .immediate:
            form = .immediate
            end = 1
        case .exponential(let tau):
            try timeConstant("tau", tau)
            form = .exponential
            slowRate = 1 / tau
        case .riseDecay(let rise, let decay):
            try timeConstant("rise", rise)
            try timeConstant("decay", decay)
            guard rise < decay else { throw TraceError.riseNotShorterThanDecay(rise: rise, decay: decay) }
            form = .riseDecay
            slowRate = 1 / decay
            fastRate = 1 / rise
            normalization = TraceKernel.riseDecayNormalization(rise: rise, decay: decay)
        case .window(let startSeconds, let endSeconds):
            guard startSeconds.isFinite, endSeconds.isFinite, startSeconds >= 0, startSeconds < endSeconds else {
                throw TraceError.invalidWindow(start: startSeconds, end: endSeconds)
            }
            form = .window
            start = try Clock.steps(for: startSeconds, dt: dt, name: "window start")
            end = try Clock.steps(for: endSeconds, dt: dt, name: "window end")
            guard start < end else {
                throw TraceError.emptyWindow(start: startSeconds, end: endSeconds, dt: dt, startSteps: start, endSteps: end)
            }
        case .episodeSum:
            form = .episodeSum
        }
        self.slowRate = slowRate
        self.fastRate = fastRate
        self.normalization = normalization
        self.startSteps = start
        self.endSteps = end
        self.slowFactor = Self.retention(rate: slowRate, steps: 1, dt: dt)
        self.fastFactor = Self.retention(rate: fastRate, steps: 1, dt: dt)
    }

    /// exp(−n·dt·rate): a component's exact retention over n steps (1 for rate 0). Computed directly,
    /// never as a power of the one-step factor.
    @inline(__always)
    static func retention(rate: Double, steps n: Int, dt: Double) -> Double {
        rate == 0 ? 1 : exp(-(Double(n) * dt) * rate)
    }

    /// Whether the kernel is two exponential components (`exponential`, `riseDecay`, `episodeSum`).
    var isExponentialFamily: Bool { form == .exponential || form == .riseDecay || form == .episodeSum }
    /// Whether the kernel keeps a second component.
    var hasFastComponent: Bool { form == .riseDecay }
}
