import NeuromodTasks

/// The memory a spec will need at its peak, part by part, computed from the spec and the headers
/// of its data files before anything large is allocated.
///
/// Each part names the spec field it grows with, so a spec that asks for too much is refused at
/// that field: `Models/x.yaml: network.layers[0].size: 2000000000 needs 16 GB for its weights; the
/// limit is 8 GB (--memory-limit)`. Every size is multiplied out with saturation
/// (``MemoryLimit/product(_:)-swift.type.method``), so no hostile number can overflow.
///
/// A run goes through two phases: loading (data files inflated and parsed; buffers freed before
/// training) and running (datasets, caches and per-job working memory). The peak is the process
/// baseline plus the larger phase. The model counts the large arrays the code allocates; the
/// shipped specs' measured peaks are within 20 % of it (see `docs/limits.md`).
public struct MemoryEstimate: Sendable, Equatable {
    public enum Phase: String, Sendable { case loading, running }

    public struct Part: Sendable, Equatable {
        /// The spec field this part grows with (e.g. `network.layers[0].size`), its value as written,
        /// and what the memory holds (e.g. "its weights").
        public var field: String
        public var value: String
        public var purpose: String
        public var bytes: Int
        public var phase: Phase
    }

    public var parts: [Part] = []

    /// What a process holds before any spec-sized array: the Swift runtime, Foundation, OpenBLAS's
    /// buffers and code (measured: 31 MB for a run that stops at a spec error; 32.5–34 MB for the
    /// short environment and sinusoid studies in a debug build, 37 MB in a release build).
    public static let baseline = 34_000_000

    public init(parts: [Part] = []) { self.parts = parts }

    mutating func add(_ field: String, _ value: CustomStringConvertible, _ purpose: String, _ bytes: Int, _ phase: Phase = .running) {
        parts.append(Part(field: field, value: "\(value)", purpose: purpose, bytes: bytes, phase: phase))
    }

    /// Bytes of one phase's parts.
    public func bytes(of phase: Phase) -> Int { MemoryLimit.sum(parts.filter { $0.phase == phase }.map(\.bytes)) }

    /// The estimated peak resident memory in bytes.
    public var total: Int { MemoryLimit.sum([Self.baseline, max(bytes(of: .loading), bytes(of: .running))]) }

    /// Throws a one-line ``SpecError`` for `file` when the peak exceeds `limit`: at the largest part's
    /// field when that part alone exceeds it, else for the study as a whole, naming its largest part.
    public func check(file: String, limit: Int = MemoryLimit.bytes) throws {
        guard total > limit, let largest = parts.max(by: { $0.bytes < $1.bytes }) else { return }
        let limitText = limit == MemoryLimit.bytes ? MemoryLimit.described : MemoryLimit.format(limit)
        let needs = "\(MemoryLimit.format(largest.bytes)) for \(largest.purpose)"
        guard largest.bytes <= limit else {
            throw SpecError(file: file, field: largest.field, message: "\(largest.value) needs \(needs); the limit is \(limitText)")
        }
        throw SpecError(file: file, field: "", message: "the study needs \(MemoryLimit.format(total)) in all (the largest part: "
                        + "\(needs), \(largest.field): \(largest.value)); the limit is \(limitText)")
    }

    /// One line per part of at least 1 % of the total, largest first, then how many smaller parts
    /// there are: for `neuromod check`.
    public var lines: [String] {
        let shown = parts.filter { $0.bytes * 100 >= total }.sorted { $0.bytes > $1.bytes }
        let hidden = parts.count - shown.count
        return shown.map { part in
            "\(MemoryLimit.format(part.bytes).padding(toLength: 8, withPad: " ", startingAt: 0)) \(part.phase.rawValue): "
                + "\(part.purpose) (\(part.field): \(part.value))"
        } + (hidden > 0 ? ["         and \(hidden) smaller part(s)"] : [])
    }
}

/// Byte sizes of the element types the large arrays use.
enum Bytes {
    static let double = 8, float = 4, byte = 1
}
