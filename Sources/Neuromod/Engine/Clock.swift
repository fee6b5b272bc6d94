/// Discrete simulation time: a fixed step `dt` in seconds and the index of the current step.
///
/// Time is `step · dt`; nothing in the simulator moves except by whole steps. Durations given in
/// seconds (delays, trace windows) are converted to whole steps by ``steps(for:)``.
///
/// | parameter | unit | meaning |
/// |---|---|---|
/// | `dt` | s | step length (finite, > 0) |
/// | `step` | steps | index of the current step, starting at 0 |
///
/// **Rounding rule.** A duration of `seconds` becomes the smallest whole number of steps `n` with
/// `n · dt ≥ seconds`, i.e. `ceil(seconds / dt)`, except that a quotient within 1e-9 · max(1, n)
/// of a whole number n is taken as n (so 0.3 s at dt = 0.1 s is 3 steps, although
/// 0.3 / 0.1 = 3.0000000000000004 in floating point). Consequences:
/// - a delayed event never arrives earlier than asked (0.25 s at dt = 0.1 s is 3 steps);
/// - a lag of `n` steps lies in a window `start ≤ n·dt < end` exactly when
///   `steps(for: start) ≤ n < steps(for: end)`, which is how ``TraceKernel/window(start:end:)``
///   is put on the step grid.
public struct Clock: Sendable, Equatable {
    /// The step length in seconds.
    public let dt: Double
    /// The index of the current step (0 at the start).
    public private(set) var step: Int = 0

    /// A clock at step 0 with step length `dt` seconds.
    /// - Throws: ``TraceError/invalidTimeStep(_:)`` unless `dt` is finite and > 0.
    public init(dt: Double) throws {
        try Self.validate(dt: dt)
        self.dt = dt
    }

    /// The current time in seconds, `step · dt`.
    public var time: Double { Double(step) * dt }

    /// The time in seconds of step `step`, `step · dt`.
    public func time(atStep step: Int) -> Double { Double(step) * dt }

    /// Moves to the next step.
    public mutating func tick() { step += 1 }

    /// Moves `count` (≥ 0) steps ahead.
    public mutating func advance(by count: Int) {
        precondition(count >= 0, "a clock only moves forward (asked to move \(count) steps)")
        step += count
    }

    /// Returns to step 0.
    public mutating func reset() { step = 0 }

    /// The whole number of steps a duration of `seconds` lasts, by the rounding rule above.
    /// - Throws: ``TraceError/invalidDuration(name:value:)`` for a negative, infinite or NaN duration.
    public func steps(for seconds: Double) throws -> Int {
        try Self.steps(for: seconds, dt: dt, name: "duration")
    }

    /// ``steps(for:)`` for a given `dt` (validated by the caller); `name` labels errors.
    static func steps(for seconds: Double, dt: Double, name: String) throws -> Int {
        guard seconds.isFinite, seconds >= 0 else { throw TraceError.invalidDuration(name: name, value: seconds) }
        let quotient = seconds / dt
        guard quotient <= Double(Int.max / 4) else { throw TraceError.invalidDuration(name: name, value: seconds) }
        let nearest = quotient.rounded()
        if abs(quotient - nearest) <= 1e-9 * Swift.max(1, nearest) { return Int(nearest) }
        return Int(quotient.rounded(.up))
    }

    static func validate(dt: Double) throws {
        guard dt.isFinite, dt > 0 else { throw TraceError.invalidTimeStep(dt) }
    }
}
