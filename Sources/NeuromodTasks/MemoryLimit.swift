import Foundation

/// The most memory (bytes) that one data file, one spec's arrays or one whole study may claim.
///
/// Readers and spec loaders multiply out every size a file or spec declares and compare it with
/// ``bytes`` *before* allocating, so a hostile header ("2 000 000 000 images") or spec
/// (`size: 2000000000`) stops with a one-line error instead of an allocation failure.
///
/// The limit is process-wide: `neuromod --memory-limit 8G` (or `$NEUROMOD_MEMORY_LIMIT`) sets it
/// once at start-up; the default is half of physical memory (12 GB on a 24 GB machine).
public enum MemoryLimit {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var current: Int = defaultBytes

    /// Half of physical memory, at least 1 GiB.
    public static var defaultBytes: Int { max(1 << 30, Int(ProcessInfo.processInfo.physicalMemory / 2)) }

    /// The limit in bytes.
    public static var bytes: Int {
        get { lock.lock(); defer { lock.unlock() }; return current }
        set { lock.lock(); current = max(1, newValue); lock.unlock() }
    }

    /// The limit as the user sees it, with where it comes from: e.g. `8 GB (--memory-limit)`.
    public static var described: String { "\(format(bytes)) (--memory-limit)" }

    /// Whether `bytes` (possibly the saturated result of a multiplication) fits under the limit.
    public static func allows(_ bytes: Int) -> Bool { bytes <= self.bytes }

    /// `a × b × …`, saturating at `Int.max` instead of trapping, for sizes taken from untrusted input.
    public static func product(_ factors: Int...) -> Int { product(factors) }

    /// `factors` multiplied out, saturating at `Int.max`; negative factors count as zero.
    public static func product(_ factors: [Int]) -> Int {
        var result = 1
        for factor in factors {
            let (value, overflow) = result.multipliedReportingOverflow(by: max(0, factor))
            if overflow { return Int.max }
            result = value
        }
        return result
    }

    /// `a + b + …`, saturating at `Int.max`.
    public static func sum(_ terms: [Int]) -> Int {
        terms.reduce(0) { total, term in
            let (value, overflow) = total.addingReportingOverflow(max(0, term))
            return overflow ? Int.max : value
        }
    }

    /// A byte count for people: `512 B`, `38 MB`, `1.5 GB`, `16 GB` (powers of 1000; "more than 9 EB"
    /// for a saturated product).
    public static func format(_ bytes: Int) -> String {
        if bytes == Int.max { return "more than 9 EB" }
        let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes), unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        if unit == 0 { return "\(bytes) B" }
        let text = value < 10 && value.rounded() != value ? String(format: "%.1f", value) : String(Int(value.rounded()))
        return "\(text) \(units[unit])"
    }

    /// Reads a size such as `8G`, `512M`, `1.5GB`, `2000000` (bytes); suffixes k, M, G, T (powers of
    /// 1000, an optional trailing `B`) and Ki, Mi, Gi, Ti (powers of 1024, optional `B`). Nil if unreadable
    /// or not positive.
    public static func parse(_ text: String) -> Int? {
        var number = text.trimmingCharacters(in: .whitespaces)
        if number.hasSuffix("B") || number.hasSuffix("b") { number.removeLast() }
        var scale = 1.0
        let binary = number.hasSuffix("i")
        if binary { number.removeLast() }
        if let last = number.last, let power = ["k": 1, "K": 1, "M": 2, "m": 2, "G": 3, "g": 3, "T": 4, "t": 4][last] {
            scale = pow(binary ? 1024 : 1000, Double(power))
            number.removeLast()
        } else if binary {
            return nil
        }
        guard let value = Double(number), value > 0, value * scale < 9e18 else { return nil }
        return Int(value * scale)
    }
}
