/// Errors in setting up time: a clock, a trace kernel, an eligibility trace or a delay. The message
/// names the parameter, its unit and what was expected.
public enum TraceError: Error, Equatable, CustomStringConvertible {
    /// A time step `dt` (seconds) that is not finite and > 0.
    case invalidTimeStep(Double)
    /// A time constant (seconds) that is not finite and > 0; `name` is the parameter (`tau`, `rise`, …).
    case invalidTimeConstant(name: String, value: Double)
    /// A dopamine decay time constant (seconds) that is not > 0 (`.infinity`, no decay, is allowed).
    case invalidDopamineTimeConstant(Double)
    /// A rise–decay kernel whose rise time is not shorter than its decay time (seconds).
    case riseNotShorterThanDecay(rise: Double, decay: Double)
    /// A window whose bounds (seconds) are not finite with 0 ≤ start < end.
    case invalidWindow(start: Double, end: Double)
    /// A window that holds no whole step once its bounds are converted to steps.
    case emptyWindow(start: Double, end: Double, dt: Double, startSteps: Int, endSteps: Int)
    /// A duration or delay (seconds) that is not finite and ≥ 0, or too long to count in steps.
    case invalidDuration(name: String, value: Double)
    /// A count (instances, synapses) that is negative or zero where a positive one is needed.
    case invalidCount(name: String, value: Int)
    /// A kernel that the requested trace implementation cannot carry.
    case unsupportedKernel(TraceKernel, reason: String)

    /// One line naming the parameter, its unit, the value given and what was expected.
    public var description: String {
        switch self {
        case .invalidTimeStep(let dt):
            return "dt: time step must be finite and > 0 seconds, got \(dt)"
        case .invalidTimeConstant(let name, let value):
            return "\(name): time constant must be finite and > 0 seconds, got \(value)"
        case .invalidDopamineTimeConstant(let value):
            return "dopamineTau: time constant must be > 0 seconds (.infinity for no decay), got \(value)"
        case .riseNotShorterThanDecay(let rise, let decay):
            return "riseDecay: rise (\(rise) s) must be shorter than decay (\(decay) s)"
        case .invalidWindow(let start, let end):
            return "window: expected finite bounds with 0 ≤ start < end seconds, got start \(start), end \(end)"
        case .emptyWindow(let start, let end, let dt, let s, let e):
            return "window: [\(start) s, \(end) s) covers no whole step at dt \(dt) s "
                + "(lags \(s)..<\(e) steps); widen the window or shorten dt"
        case .invalidDuration(let name, let value):
            return "\(name): expected a finite duration ≥ 0 seconds (and at most Int.max/4 steps), got \(value)"
        case .invalidCount(let name, let value):
            return "\(name): expected a positive count, got \(value)"
        case .unsupportedKernel(let kernel, let reason):
            return "kernel \(kernel): \(reason)"
        }
    }
}
