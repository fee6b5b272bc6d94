import Foundation

/// Locale-free, fixed-precision number formatting for figures.
///
/// Everything an SVG file holds goes through these functions, so the same input gives
/// byte-identical text on every machine: no locale, no `Double.description`, no shortest-repr
/// round trip. Values are rounded half away from zero (`Double.rounded()`).
enum NumberFormat {
    /// `value` with exactly `decimals` digits after the point, then trailing zeros (and a bare
    /// point) removed: `fixed(0.5, 2) == "0.5"`, `fixed(2, 2) == "2"`, `fixed(-0.001, 2) == "0"`.
    ///
    /// `decimals` is clamped to 0…12; values beyond ±1e15 fall back to `scientific`.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-inf" : "inf") }
        let d = min(max(decimals, 0), 12)
        let scale = power10(d)
        guard abs(value) * scale < 9.0e15 else { return scientific(value, significant: 15) }
        let scaled = (abs(value) * scale).rounded()
        if scaled == 0 { return "0" }
        let n = UInt64(scaled)
        let p = UInt64(scale)
        let whole = n / p
        var frac = n % p
        var digits = d
        while digits > 0 && frac % 10 == 0 { frac /= 10; digits -= 1 }
        var text = value < 0 ? "-" : ""
        text += String(whole)
        if digits > 0 {
            let f = String(frac)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return text
    }

    /// `value` as mantissa `e` exponent with at most `significant` digits, trailing zeros removed:
    /// `scientific(0.00001, 3) == "1e-5"`, `scientific(250000, 3) == "2.5e5"`.
    static func scientific(_ value: Double, significant: Int) -> String {
        guard value.isFinite else { return fixed(value, decimals: 0) }
        if value == 0 { return "0" }
        let sig = min(max(significant, 1), 15)
        var exponent = Int(floor(log10(abs(value))))
        var mantissa = abs(value) / power10(exponent)
        // Rounding the mantissa may carry into the next decade (9.999 → 10.0).
        let m = fixed(mantissa, decimals: sig - 1)
        if m == "10" { exponent += 1; mantissa = 1 }
        let mantissaText = m == "10" ? "1" : m
        return (value < 0 ? "-" : "") + mantissaText + "e" + String(exponent)
    }

    /// A compact label: decimal for 0.001 ≤ |v| < 100000 (`0.001`, `0.25`, `2000`), otherwise
    /// scientific (`1e-5`, `2.5e6`), with at most `significant` significant digits.
    static func compact(_ value: Double, significant: Int = 3) -> String {
        guard value.isFinite else { return fixed(value, decimals: 0) }
        let a = abs(value)
        if a == 0 { return "0" }
        if a >= 1e-3 && a < 1e5 {
            let magnitude = Int(floor(log10(a)))
            let text = fixed(value, decimals: significant - 1 - magnitude)
            // Rounding to the significant digits may reach 1e5 (99999.7 → 100000).
            if abs(Double(text) ?? 0) < 1e5 { return text }
        }
        return scientific(value, significant: significant)
    }

    /// A label for a tick at `value` on an axis whose ticks are `step` apart: just enough digits
    /// to tell neighbouring ticks apart (`0.2`, `0.4`; `1000`, `1500`; `2e-5`, `4e-5`).
    /// `scientific` forces mantissa–exponent form, so one axis does not mix `50000` and `1e5`.
    static func tick(_ value: Double, step: Double, scientific useScientific: Bool) -> String {
        let a = abs(value)
        if a == 0 || a < abs(step) * 1e-9 { return "0" }
        let stepMagnitude = Int(floor(log10(abs(step)) + 1e-9))
        if !useScientific {
            return fixed(value, decimals: -stepMagnitude)
        }
        let magnitude = Int(floor(log10(a) + 1e-9))
        return scientific(value, significant: magnitude - stepMagnitude + 1)
    }

    /// Whether ticks reaching `maxAbs` read better in scientific form: |v| ≥ 100000 or < 0.001.
    static func needsScientific(maxAbs: Double) -> Bool { maxAbs >= 1e5 || maxAbs < 1e-3 }

    /// A coordinate in the SVG user space, to 0.01 px.
    static func coordinate(_ value: Double) -> String { fixed(value, decimals: 2) }

    /// 10^n for small integers, exact.
    static func power10(_ n: Int) -> Double {
        var result = 1.0
        if n >= 0 { for _ in 0..<n { result *= 10 } } else { for _ in 0..<(-n) { result /= 10 } }
        return result
    }
}
