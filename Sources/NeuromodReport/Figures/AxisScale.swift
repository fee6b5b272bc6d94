/// How data values map to positions along an axis.
public enum AxisScale: Sendable, Equatable {
    /// Positions proportional to the value. Ticks are "nice" numbers 1, 2 or 5 × 10ⁿ apart.
    case linear
    /// Positions proportional to log₁₀ of the value; every value must be > 0. Ticks at whole
    /// decades (`1e-3`, `0.01`, `0.1`, `1`, …), with unlabelled minor ticks at 2…9 × 10ⁿ when the
    /// axis spans few decades.
    case log10
}
