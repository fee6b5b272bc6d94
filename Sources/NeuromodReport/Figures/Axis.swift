import Foundation

/// One tick on an axis: where it is (in data units) and its label (empty for a minor tick).
struct Tick: Equatable {
    var value: Double
    var label: String
    var isMajor: Bool { !label.isEmpty }
}

/// An axis's data domain, scale and ticks, and the map from data to pixels.
///
/// The domain is widened to whole tick steps (linear) or whole decades (log10), so every data
/// value lies inside the plot and the ends of the axis carry labels.
struct Axis {
    var scale: AxisScale
    /// The data interval the axis shows, after widening to ticks.
    var lower: Double
    var upper: Double
    var ticks: [Tick]

    /// An axis that shows `[dataMin, dataMax]` (data values, already checked finite, and > 0 for
    /// a log axis) with about `targetTicks` labelled ticks.
    init(scale: AxisScale, dataMin: Double, dataMax: Double, targetTicks: Int = 5, includeZero: Bool = false) {
        self.scale = scale
        switch scale {
        case .linear:
            var lo = dataMin, hi = dataMax
            if includeZero { lo = min(lo, 0); hi = max(hi, 0) }
            let nice = Axis.niceLinear(lo: lo, hi: hi, targetTicks: targetTicks)
            lower = nice.lower; upper = nice.upper; ticks = nice.ticks
        case .log10:
            let nice = Axis.decades(lo: dataMin, hi: dataMax)
            lower = nice.lower; upper = nice.upper; ticks = nice.ticks
        }
    }

    /// Throws unless `hi − lo` is finite and |lo|, |hi| ≤ 1e300: values near ±1.8e308 are finite,
    /// but their span, or the axis widened to the next nice tick, is not.
    static func checkSpan(figure: String, axis: String, lo: Double, hi: Double) throws {
        guard (hi - lo).isFinite, max(abs(lo), abs(hi)) <= 1e300 else {
            throw FigureError.invalidScale(
                figure: figure, axis: axis,
                reason: "the data run from \(NumberFormat.compact(lo)) to \(NumberFormat.compact(hi)), a span too large to draw")
        }
    }

    /// The step between nice ticks: the smallest of 1, 2, 5 or 10 × 10ⁿ (10ⁿ ≤ span / targetTicks)
    /// that cuts `span` into at most `targetTicks + 1` intervals.
    static func niceStep(span: Double, targetTicks: Int) -> Double {
        let target = Double(max(targetTicks, 1))
        let magnitude = pow(10, floor(Foundation.log10(span / target)))
        for factor in [1.0, 2, 5] where span / (factor * magnitude) <= target + 1 + 1e-9 {
            return factor * magnitude
        }
        return 10 * magnitude
    }

    /// Ticks k·step covering `[lo, hi]`; the axis runs from the first tick to the last.
    static func niceLinear(lo: Double, hi: Double, targetTicks: Int) -> (lower: Double, upper: Double, ticks: [Tick]) {
        var lo = lo, hi = hi
        if hi - lo <= abs(hi) * 1e-12 || hi - lo == 0 {
            // One value (or all equal): show a small neighbourhood around it.
            let half = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= half; hi += half
        }
        let step = niceStep(span: hi - lo, targetTicks: targetTicks)
        let first = floor(lo / step + 1e-9)
        let last = ceil(hi / step - 1e-9)
        let scientific = NumberFormat.needsScientific(maxAbs: max(abs(first * step), abs(last * step)))
        var ticks: [Tick] = []
        var k = first
        while k <= last && ticks.count < 100 {
            // k·step, not repeated addition, so 0 is exactly 0 and errors do not accumulate.
            let v = k == 0 ? 0 : k * step
            ticks.append(Tick(value: v, label: NumberFormat.tick(v, step: step, scientific: scientific)))
            k += 1
        }
        return (first * step, last * step, ticks)
    }

    /// Ticks for a domain that must not be widened (a colour bar): the nice values inside `[lo, hi]`.
    static func ticksInside(lo: Double, hi: Double, targetTicks: Int) -> [Tick] {
        let nice = niceLinear(lo: lo, hi: hi, targetTicks: targetTicks)
        let tolerance = (hi - lo) * 1e-9
        return nice.ticks.filter { $0.value >= lo - tolerance && $0.value <= hi + tolerance }
    }

    /// A label for 10^k: decimal near 1 (`0.1`, `1`, `10`, `100`, `1000`), otherwise `1ek`.
    static func decadeLabel(_ k: Int) -> String {
        (-1...3).contains(k) ? NumberFormat.fixed(NumberFormat.power10(k), decimals: 1) : "1e\(k)"
    }

    /// Whole decades covering `[lo, hi]` (both > 0). Labels every decade, or every 2nd, 3rd, …
    /// when there are more than 8; minor ticks at 2…9 × 10ᵏ when the span is at most 5 decades.
    static func decades(lo: Double, hi: Double) -> (lower: Double, upper: Double, ticks: [Tick]) {
        var first = Int(floor(Foundation.log10(lo) + 1e-9))
        var last = Int(ceil(Foundation.log10(hi) - 1e-9))
        if last <= first { first = min(first, last); last = first + 1 }
        let count = last - first
        let every = max(1, (count + 7) / 8)
        var ticks: [Tick] = []
        for k in first...last {
            let labelled = (k - first) % every == 0
            ticks.append(Tick(value: NumberFormat.power10(k), label: labelled ? decadeLabel(k) : ""))
            if count <= 5 && k < last {
                for m in 2...9 { ticks.append(Tick(value: Double(m) * NumberFormat.power10(k), label: "")) }
            }
        }
        return (NumberFormat.power10(first), NumberFormat.power10(last), ticks)
    }

    /// The fraction 0…1 of the way from `lower` to `upper` at which `value` lies.
    func fraction(_ value: Double) -> Double {
        switch scale {
        case .linear:
            return (value - lower) / (upper - lower)
        case .log10:
            let l = Foundation.log10(lower)
            return (Foundation.log10(value) - l) / (Foundation.log10(upper) - l)
        }
    }
}
